import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

// The layer rules of STYLE.md are enforced by lint; these tests make sure the lint really refuses a
// violation, so a config change cannot switch the rules off silently.
const ROOT = join(__dirname, '..', '..');
// Type-aware linting needs files on disk in the project; the layer rules do not, so it is off here.
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false, project: null } },
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
});

async function ruleIdsFor(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return (result?.messages ?? []).map((message) => message.ruleId ?? 'parse-error');
}

void describe('layer rules', () => {
  void it('src/core may not import vscode', async () => {
    const ids = await ruleIdsFor('src/core/layerProbe.ts', "import * as vscode from 'vscode';\nexport const probe = vscode;\n");
    assert.ok(ids.includes('no-restricted-imports'), ids.join(', '));
  });

  void it('src/core may not import host, cli or extension code', async () => {
    const ids = await ruleIdsFor('src/core/layerProbe.ts', "import { loadEngine } from '../host/engineLoader';\nexport const probe = loadEngine;\n");
    assert.ok(ids.includes('no-restricted-imports'), ids.join(', '));
  });

  void it('src/host may not import vscode, and the CLI may not import the extension', async () => {
    assert.ok((await ruleIdsFor('src/host/layerProbe.ts', "import * as vscode from 'vscode';\nexport const probe = vscode;\n")).includes('no-restricted-imports'));
    assert.ok((await ruleIdsFor('src/cli/layerProbe.ts', "import { activate } from '../extension/extension';\nexport const probe = activate;\n")).includes('no-restricted-imports'));
  });

  void it('the extension may import vscode and core', async () => {
    const ids = await ruleIdsFor('src/extension/layerProbe.ts', "import * as vscode from 'vscode';\nimport { levelOf } from '../core/assessment';\nexport const probe = [vscode, levelOf];\n");
    assert.deepEqual(ids.filter((id) => id === 'no-restricted-imports'), []);
  });

  void it('default exports are refused everywhere', async () => {
    const ids = await ruleIdsFor('src/core/layerProbe.ts', 'export default 1;\n');
    assert.ok(ids.includes('no-restricted-syntax'), ids.join(', '));
  });
});
