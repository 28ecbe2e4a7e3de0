import * as vscode from 'vscode';
import type { LedgerRecord } from '../core/ledger/entry';
import { parseSettings } from '../core/settings/parseSettings';
import { resolveSettings } from '../core/settings/mergeTighten';
import { DEFAULT_SETTINGS, flattenSettings } from '../core/settings/settings';
import type { AirlockSettings } from '../core/settings/settings';
import { settingsChangeAssessment } from '../core/settings/settingsChangeAssessment';
import { weakenings } from '../core/settings/weakenings';
import { LedgerStore } from '../host/ledger/ledgerStore';
import { saveUserSettings } from '../host/policyLoader';
import { Disposable } from './disposable';

/** Every `airlock.*` key, without the prefix, as `package.json` declares them. */
const KEYS = Object.keys(flattenSettings(DEFAULT_SETTINGS)).map((key) => key.replace(/^airlock\./, ''));

export interface SettingsWatcherOptions {
  /** The per-user Airlock folder; defaults to the real one. */
  readonly stateRoot?: string;
}

/**
 * Reads the user's `airlock.*` settings, keeps the copy the hook CLIs decide with up to date, and
 * records in each workspace's ledger every change that weakens protection (an agent can edit
 * settings files too), including workspace settings that try to loosen and are ignored.
 */
export class SettingsWatcher extends Disposable {
  private current: AirlockSettings;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly options: SettingsWatcherOptions = {},
  ) {
    super();
    const raw = this.userRaw();
    this.current = parseSettings(raw).value;
    this.save(raw);
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('airlock')) void this.changed();
      }),
    );
  }

  /** The user-level values only: workspace values can only tighten and are applied per workspace. */
  private userRaw(): Record<string, unknown> {
    const config = vscode.workspace.getConfiguration('airlock');
    const raw: Record<string, unknown> = {};
    for (const key of KEYS) {
      const value = config.inspect(key)?.globalValue;
      if (value !== undefined) raw[key] = value;
    }
    return raw;
  }

  private workspaceRaw(folder: vscode.WorkspaceFolder): Record<string, unknown> {
    const config = vscode.workspace.getConfiguration('airlock', folder.uri);
    const raw: Record<string, unknown> = {};
    for (const key of KEYS) {
      const inspected = config.inspect(key);
      const value = inspected?.workspaceFolderValue ?? inspected?.workspaceValue;
      if (value !== undefined) raw[key] = value;
    }
    return raw;
  }

  private save(raw: Record<string, unknown>): void {
    try {
      saveUserSettings(raw, ...(this.options.stateRoot !== undefined ? [this.options.stateRoot] : []));
    } catch (error) {
      this.log.error(`Airlock could not save your settings for its command-line hooks: ${String(error)}`);
    }
  }

  private async changed(): Promise<void> {
    const raw = this.userRaw();
    const after = parseSettings(raw).value;
    const userChanges = weakenings(this.current, after);
    this.current = after;
    this.save(raw);
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const attempts = resolveSettings(raw, [{ label: 'workspace settings', raw: this.workspaceRaw(folder) }]).ignored;
      const changes = [...userChanges, ...attempts.map((attempt) => `ignored: ${attempt}`)];
      if (changes.length === 0) continue;
      this.log.warn(`settings weakened: ${changes.join('; ')}`);
      await this.record(folder.uri.fsPath, userChanges.length > 0 ? 'user' : folder.uri.fsPath, changes);
    }
  }

  private async record(workspace: string, scope: string, changes: readonly string[]): Promise<void> {
    const action = { kind: 'settings', scope, changes } as const;
    const record: LedgerRecord = {
      time: new Date().toISOString(),
      source: 'settings',
      action,
      assessment: settingsChangeAssessment(action),
      policy: { decision: 'allow', decidedBy: 'settings-change', reason: 'settings changes are recorded; they cannot be stopped' },
      outcome: 'allowed',
      decider: { by: 'policy', how: 'recorded' },
      waitMs: 0,
    };
    try {
      await LedgerStore.forDirectory(workspace, this.options.stateRoot !== undefined ? { stateRoot: this.options.stateRoot } : {}).append(record);
    } catch (error) {
      this.log.error(`Airlock could not record a settings change in ${workspace}: ${String(error)}`);
    }
  }
}
