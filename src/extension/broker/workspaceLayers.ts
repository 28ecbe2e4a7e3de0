import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SettingsLayer } from '../../core/settings/mergeTighten';
import { DEFAULT_SETTINGS, flattenSettings } from '../../core/settings/settings';

const KEYS = Object.keys(flattenSettings(DEFAULT_SETTINGS)).map((key) => key.replace(/^airlock\./, ''));

/**
 * The window's workspace and folder `airlock.*` values for the folder that holds `cwd`, so the broker
 * decides with the same tightened policy the window shows. They can only tighten the user's values;
 * `resolveSettings` ignores anything that would loosen.
 */
export function workspaceLayers(cwd: string): SettingsLayer[] {
  const folder = (vscode.workspace.workspaceFolders ?? []).find((f) => {
    const rel = path.relative(f.uri.fsPath, cwd);
    return f.uri.scheme === 'file' && !rel.startsWith('..') && !path.isAbsolute(rel);
  });
  if (!folder) return [];
  const config = vscode.workspace.getConfiguration('airlock', folder.uri);
  const workspace: Record<string, unknown> = {};
  const folderValues: Record<string, unknown> = {};
  for (const key of KEYS) {
    const inspected = config.inspect(key);
    if (inspected?.workspaceValue !== undefined) workspace[key] = inspected.workspaceValue;
    if (inspected?.workspaceFolderValue !== undefined) folderValues[key] = inspected.workspaceFolderValue;
  }
  return [
    { label: 'workspace settings', raw: workspace },
    { label: `folder settings of ${folder.name}`, raw: folderValues },
  ];
}
