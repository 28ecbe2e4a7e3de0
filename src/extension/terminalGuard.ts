import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GuardShell } from '../host/shellGuard/guardProtocol';
import { guardSnippet } from '../host/shellGuard/guardSnippet';
import { Disposable } from './disposable';

const SETTING = 'airlock.guards.shellGuard';

/**
 * Puts the shell guard into the terminals VS Code creates, through the extension's environment
 * variable collection (../shared/research/vscode_api.md 1.2, 1.5):
 * - interactive bash: a PROMPT_COMMAND prefix applied by VS Code's shell integration script, after
 *   the user's rc files; VS Code evaluates it before the first prompt, so the guard is loaded before
 *   the first command and chains itself with VS Code's own DEBUG trap;
 * - bash -c and shell tasks: BASH_ENV, applied when the process is created, so task terminals (which
 *   get no shell integration) are guarded too.
 * zsh and fish have no variable VS Code evaluates for us without swapping ZDOTDIR or XDG_DATA_DIRS,
 * which would break VS Code's own injection; for them `airlock shell-init zsh|fish` gives the rc line.
 * A terminal opened before Airlock activated is not guarded until it is relaunched.
 */
export class TerminalGuard extends Disposable {
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(SETTING)) this.apply();
      }),
    );
    this.apply();
  }

  override dispose(): void {
    this.unset();
    super.dispose();
  }

  private apply(): void {
    // Only the user's own setting may switch the guard off: a workspace can tighten, never loosen.
    const setting = vscode.workspace.getConfiguration().inspect<boolean>(SETTING);
    if (setting?.globalValue === false) {
      this.unset();
      this.log.info('shell guard off (airlock.guards.shellGuard)');
      return;
    }
    try {
      const files = this.writeSnippets();
      const env = this.context.environmentVariableCollection;
      // The file path is quoted for the shell: global storage paths may hold spaces.
      const source = `. '${files.bash.replace(/'/g, `'\\''`)}'`;
      env.prepend('PROMPT_COMMAND', `[ -n "\${__airlock_guard_loaded-}" ] || ${source};`, { applyAtShellIntegration: true, applyAtProcessCreation: false });
      env.replace('BASH_ENV', files.bash, { applyAtProcessCreation: true });
      this.log.info(`shell guard injected into new bash terminals (${files.bash})`);
    } catch (error) {
      this.log.warn(`the shell guard could not be set up; terminals are not guarded: ${String(error)}`);
    }
  }

  private unset(): void {
    this.context.environmentVariableCollection.delete('PROMPT_COMMAND');
    this.context.environmentVariableCollection.delete('BASH_ENV');
  }

  /** Writes one snippet per shell into global storage; they name this extension's own CLI. */
  private writeSnippets(): Record<GuardShell, string> {
    const dir = path.join(this.context.globalStorageUri.fsPath, 'shell-guard');
    mkdirSync(dir, { recursive: true });
    const cli = path.join(this.context.extensionPath, 'dist', 'cli.js');
    // In desktop VS Code the extension host is Electron, which runs scripts as Node only when asked.
    const command = process.versions.electron ? ['/usr/bin/env', 'ELECTRON_RUN_AS_NODE=1', process.execPath, cli] : [process.execPath, cli];
    const files = {} as Record<GuardShell, string>;
    for (const shell of ['bash', 'zsh', 'fish'] as const) {
      files[shell] = path.join(dir, `guard.${shell}`);
      writeFileSync(files[shell], guardSnippet(shell, { command }));
    }
    return files;
  }
}
