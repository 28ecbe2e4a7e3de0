import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMAND_IDS } from '../../../src/extension/commandIds';
import type { HostTest } from './hostTest';

const EXTENSION_ID = 'airlock.airlock';

interface CheckResult {
  decision: string;
  score: number;
}

async function activeExtension(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded as the extension under development`);
  await extension.activate();
  return extension;
}

async function check(command: string): Promise<CheckResult> {
  await activeExtension();
  const result = await vscode.commands.executeCommand<CheckResult | undefined>(COMMAND_IDS.checkCommand, command);
  assert.ok(result, `${COMMAND_IDS.checkCommand} returned nothing for ${command}`);
  return result;
}

export const tests: HostTest[] = [
  {
    name: 'the extension activates in the real extension host',
    async run() {
      const extension = await activeExtension();
      assert.equal(extension.isActive, true);
    },
  },
  {
    name: 'every command it contributes is registered, airlock.checkCommand and airlock.showLog among them',
    async run() {
      const extension = await activeExtension();
      const contributed = (extension.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands
        .map((c) => c.command);
      for (const id of [COMMAND_IDS.checkCommand, COMMAND_IDS.showLog]) assert.ok(contributed.includes(id), `${id} is not contributed`);
      const registered = new Set(await vscode.commands.getCommands(true));
      for (const id of contributed) assert.ok(registered.has(id), `${id} is contributed but not registered`);
    },
  },
  {
    name: 'airlock.checkCommand does not allow rm -rf /',
    async run() {
      const result = await check('rm -rf /');
      assert.notEqual(result.decision, 'allow', `decision ${result.decision}, score ${result.score}`);
    },
  },
  {
    name: 'airlock.checkCommand allows ls -la',
    async run() {
      const result = await check('ls -la');
      assert.equal(result.decision, 'allow', `decision ${result.decision}, score ${result.score}`);
    },
  },
];
