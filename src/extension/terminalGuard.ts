import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GuardShell } from '../host/shellGuard/guardProtocol';
import { guardSnippet } from '../host/shellGuard/guardSnippet';
import { writeShims } from '../host/shims/pathShims';
import { Disposable } from './disposable';

const SETTING = 'airlock.guards.shellGuard';
const SHIMS_SETTING = 'airlock.guards.pathShims';

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
 * PATH shims (a folder prepended to PATH) catch high-risk programs started by scripts and process tasks.
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
        if (event.affectsConfiguration(SETTING) || event.affectsConfiguration(SHIMS_SETTING)) this.apply();
      }),
    );
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.apply()));
    this.apply();
  }

  override dispose(): void {
    this.unset();
    super.dispose();
  }

  private apply(): void {
    // Only the user's own settings may switch a layer off: a workspace can tighten, never loosen.
    const on = (name: string): boolean => vscode.workspace.getConfiguration().inspect<boolean>(name)?.globalValue !== false;
    this.unset();
    try {
      const command = this.cliCommand();
      if (on(SETTING)) {
        const files = this.writeSnippets(command);
        const env = this.context.environmentVariableCollection;
        // The file path is quoted for the shell: global storage paths may hold spaces.
        const source = `. '${files.bash.replace(/'/g, `'\\''`)}'`;
        env.prepend('PROMPT_COMMAND', `[ -n "\${__airlock_guard_loaded-}" ] || ${source};`, { applyAtShellIntegration: true, applyAtProcessCreation: false });
        env.replace('BASH_ENV', files.bash, { applyAtProcessCreation: true });
        this.log.info(`shell guard injected into new bash terminals (${files.bash})`);
        this.offerRcLine(files);
      } else {
        this.log.info('shell guard off (airlock.guards.shellGuard)');
      }
      // Commands run outside any git repository are recorded in this window's workspace ledger.
      const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
      if (folder) this.context.environmentVariableCollection.replace('AIRLOCK_WORKSPACE', folder.uri.fsPath);
      if (on(SHIMS_SETTING)) {
        const dir = writeShims(path.join(this.context.globalStorageUri.fsPath, 'shims'), command);
        // Process creation only: applied once, so the prefix is not doubled (microsoft/vscode#205058).
        this.context.environmentVariableCollection.prepend('PATH', `${dir}${path.delimiter}`, { applyAtProcessCreation: true });
        this.log.info(`PATH shims for high-risk programs in new terminals (${dir})`);
      } else {
        this.log.info('PATH shims off (airlock.guards.pathShims)');
      }
    } catch (error) {
      this.log.warn(`the terminal guards could not be set up; terminals are not guarded: ${String(error)}`);
    }
  }

  /**
   * zsh and fish cannot be injected without breaking VS Code's own integration, so when one of them is
   * the default shell the person is offered the rc line once (sourcing the snippet file this extension
   * keeps current). Nothing is written to their rc files.
   */
  private offerRcLine(files: Record<GuardShell, string>): void {
    const shell = path.basename(vscode.env.shell || '');
    if (shell !== 'zsh' && shell !== 'fish') return;
    const key = `airlock.shellGuard.rcLineOffered.${shell}`;
    if (this.context.globalState.get<boolean>(key)) return;
    const file = files[shell].replace(/'/g, shell === 'zsh' ? `'\\''` : `\\'`);
    const line = shell === 'zsh' ? `[ -r '${file}' ] && source '${file}'` : `test -r '${file}'; and source '${file}'`;
    const where = shell === 'zsh' ? '~/.zshrc (and ~/.zshenv, for zsh -c)' : '~/.config/fish/config.fish';
    void vscode.window
      .showInformationMessage(`Airlock guards bash terminals by itself. To guard ${shell} terminals too, add this line to ${where}: ${line}`, 'Copy Line', 'Not Now')
      .then(async (choice) => {
        if (choice === 'Copy Line') await vscode.env.clipboard.writeText(line);
        if (choice) await this.context.globalState.update(key, true);
      });
  }

  private unset(): void {
    for (const name of ['PROMPT_COMMAND', 'BASH_ENV', 'PATH', 'AIRLOCK_WORKSPACE']) this.context.environmentVariableCollection.delete(name);
  }

  /** How snippets and shims start this extension's own CLI. */
  private cliCommand(): string[] {
    const cli = path.join(this.context.extensionPath, 'dist', 'cli.js');
    // In desktop VS Code the extension host is Electron, which runs scripts as Node only when asked.
    return process.versions.electron ? ['/usr/bin/env', 'ELECTRON_RUN_AS_NODE=1', process.execPath, cli] : [process.execPath, cli];
  }

  /** Writes one snippet per shell into global storage; they name this extension's own CLI. */
  private writeSnippets(command: readonly string[]): Record<GuardShell, string> {
    const dir = path.join(this.context.globalStorageUri.fsPath, 'shell-guard');
    mkdirSync(dir, { recursive: true });
    const files = {} as Record<GuardShell, string>;
    for (const shell of ['bash', 'zsh', 'fish'] as const) {
      files[shell] = path.join(dir, `guard.${shell}`);
      writeFileSync(files[shell], guardSnippet(shell, { command }));
    }
    return files;
  }
}
