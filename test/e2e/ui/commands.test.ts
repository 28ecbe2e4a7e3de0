import type { UiTest } from '../harness/uiSuite';

export const tests: UiTest[] = [
  {
    name: 'Airlock activates by itself at startup: its log channel exists before any Airlock command runs',
    async run(workbench) {
      await workbench.runCommand('View: Toggle Output');
      await workbench.outputChannel('Airlock').waitFor({ state: 'attached' });
    },
  },
  {
    name: 'Airlock: Show Log runs from the command palette and shows the Airlock log',
    async run(workbench) {
      // The palette lists only commands the extension contributed, so finding it shows the contribution.
      await workbench.runCommand('Airlock: Show Log');
      await workbench.outputPanel().filter({ hasText: 'Airlock activated' }).waitFor();
    },
  },
];
