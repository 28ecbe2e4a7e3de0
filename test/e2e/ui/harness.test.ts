import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UiTest } from '../harness/uiSuite';

// Checks of the harness itself against built-in parts of VS Code, so that later tests can rely on
// its helpers before Airlock has views of its own.
export const tests: UiTest[] = [
  {
    name: 'reads the text inside a webview (the built-in Markdown preview)',
    async run(workbench) {
      const file = path.join(workbench.workspace, 'webview-probe.md');
      fs.writeFileSync(file, '# Webview probe\n\nText inside a webview.\n');
      await workbench.openFile('webview-probe.md');
      await workbench.runCommand('Markdown: Open Preview');
      await workbench.webview('h1').filter({ hasText: 'Webview probe' }).waitFor();
    },
  },
];
