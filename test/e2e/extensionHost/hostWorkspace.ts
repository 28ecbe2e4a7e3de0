import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AirlockExtension } from '../../../src/extension/airlockExtension';

const EXTENSION_ID = 'airlock.airlock';

/** The running extension's owner object, activated if it is not yet. */
export async function airlock(): Promise<AirlockExtension> {
  const extension = vscode.extensions.getExtension<AirlockExtension>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  return extension.activate();
}

/** The session's throwaway copy of the fixture workspace: the only place a test may change files. */
export function workspace(): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(folder, 'the harness opens a workspace folder');
  return folder;
}
