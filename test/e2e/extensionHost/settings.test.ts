import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { airlockStateDir } from '../../../src/host/ledger/locations';
import type { HostTest } from './hostTest';

/** Waits for a condition the extension brings about on its own, checking as files change. */
async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function readLedger(workspace: string): { action?: { kind?: string; changes?: string[] }; assessment?: { level?: string } }[] {
  const file = path.join(workspace, '.airlock', 'ledger.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as never);
}

export const tests: HostTest[] = [
  {
    name: 'raising the approval threshold is recorded in the ledger with what changed, and the hooks see the new value',
    async run() {
      await vscode.extensions.getExtension('airlock.airlock')?.activate();
      const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      assert.ok(workspace, 'the harness opens a workspace folder');
      const config = vscode.workspace.getConfiguration('airlock');
      await config.update('approval.threshold', 80, vscode.ConfigurationTarget.Global);
      try {
        const entry = await until('a settings entry in the ledger', () => readLedger(workspace).find((e) => e.action?.kind === 'settings'));
        assert.ok(entry.action?.changes?.includes('airlock.approval.threshold: raised from 50 to 80'), JSON.stringify(entry.action));
        const saved = await until('the saved user settings', () => {
          const file = path.join(airlockStateDir(), 'user-settings.json');
          const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
          return text.includes('80') ? text : undefined;
        });
        assert.match(saved, /threshold/);
      } finally {
        await config.update('approval.threshold', undefined, vscode.ConfigurationTarget.Global);
      }
    },
  },
];
