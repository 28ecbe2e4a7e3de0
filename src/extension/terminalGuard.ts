import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GuardShell } from '../host/shellGuard/guardProtocol';
import { isGuardShell } from '../host/shellGuard/guardProtocol';
import { writeGuardLoader } from '../host/shellGuard/guardLoader';
import { guardSnippet } from '../host/shellGuard/guardSnippet';
import type { OneShotStart } from '../host/shellGuard/snippetText';
import { fishQuote } from '../host/shellGuard/snippetText';
import { zshStartupFiles } from '../host/shellGuard/zshStartupFiles';
import { SHIMMED_PROGRAMS, writeShims } from '../host/shims/pathShims';
import { Disposable } from './disposable';
import { RcLineOffer } from './rcLineOffer';

const SETTING = 'airlock.guards.shellGuard';
const SHIMS_SETTING = 'airlock.guards.pathShims';
/** What XDG says to assume when XDG_DATA_DIRS is unset; prepending to nothing would drop it. */
const XDG_DATA_DIRS_DEFAULT = '/usr/local/share:/usr/share';
const VARIABLES = ['PROMPT_COMMAND', 'BASH_ENV', 'ZDOTDIR', 'AIRLOCK_USER_ZDOTDIR', 'XDG_DATA_DIRS', 'PATH', 'AIRLOCK_WORKSPACE', 'AIRLOCK_SHIM_DIR'];

interface GuardFiles {
  readonly snippets: Record<GuardShell, string>;
  /** Stands in for the user's ZDOTDIR (see zshStartupFiles). */
  readonly zdotdir: string;
  /** Holds fish/vendor_conf.d/airlock-guard.fish, which fish reads from every XDG_DATA_DIRS entry. */
  readonly fishData: string;
}

/**
 * Puts the shell guard into the terminals VS Code creates, through the extension's environment
 * variable collection (../shared/research/vscode_api.md 1.2, 1.5), beside VS Code's own shell
 * integration, which keeps working:
 * - interactive bash: a PROMPT_COMMAND prefix applied by VS Code's shell integration script, after
 *   the user's rc files; VS Code evaluates it before the first prompt, so the guard is loaded before
 *   the first command and chains itself with VS Code's own DEBUG trap;
 * - bash -c and shell tasks: BASH_ENV, applied when the process is created, so task terminals (which
 *   get no shell integration) are guarded too;
 * - zsh, interactive and -c: ZDOTDIR pointing at a folder whose startup files source the user's own
 *   and then the guard; VS Code's zsh integration, itself a ZDOTDIR swap, takes that folder for the
 *   user's and sources it in turn (zshStartupFiles says how the three fit);
 * - fish: a vendor_conf.d file in a folder prepended to XDG_DATA_DIRS (VS Code injects fish through
 *   --init-command, so both load), which loads the guard in every fish: interactive ones bind Enter,
 *   and any fish checks what -c and -C gave it (VS Code's --init-command too) before running it.
 * Where a terminal still runs commands no guard saw (its startup went another way), the person is
 * offered the rc line instead (RcLineOffer). PATH shims (a folder prepended to PATH) catch high-risk
 * programs started by scripts and process tasks. A terminal opened before Airlock activated is not
 * guarded until it is relaunched.
 */
export class TerminalGuard extends Disposable {
  private files: GuardFiles | undefined;
  private readonly rcOffer: RcLineOffer;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.rcOffer = new RcLineOffer(context.globalState, log);
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

  /**
   * A terminal ran a command that no guard saw, and its guard never spoke: the injection did not
   * take there. If it runs a shell the guard knows, offer the rc line that loads the guard.
   */
  noticeUnguarded(terminal: vscode.Terminal): void {
    if (!this.files || !this.on(SETTING)) return;
    const options = terminal.creationOptions as vscode.TerminalOptions;
    const shell = path.basename(terminal.state.shell ?? options.shellPath ?? vscode.env.shell ?? '');
    if (isGuardShell(shell)) this.rcOffer.offer(shell, this.files.snippets[shell]);
  }

  /** Only the user's own settings may switch a layer off: a workspace can tighten, never loosen. */
  private on(name: string): boolean {
    return vscode.workspace.getConfiguration().inspect<boolean>(name)?.globalValue !== false;
  }

  private apply(): void {
    this.unset();
    try {
      const command = this.cliCommand();
      const env = this.context.environmentVariableCollection;
      const oneShot = this.writeLoader(command);
      if (this.on(SETTING)) {
        const files = this.writeFiles(command, oneShot);
        this.files = files;
        // The file path is quoted for the shell: global storage paths may hold spaces.
        const source = `. '${files.snippets.bash.replace(/'/g, `'\\''`)}'`;
        // Loaded unless this shell loaded it already (an exported value came from outside: load anyway).
        env.prepend('PROMPT_COMMAND', `[[ -n \${__airlock_guard_loaded-} && \${__airlock_guard_loaded@a} != *x* ]] || ${source};`, { applyAtShellIntegration: true, applyAtProcessCreation: false });
        env.replace('BASH_ENV', files.snippets.bash, { applyAtProcessCreation: true });
        env.replace('ZDOTDIR', files.zdotdir, { applyAtProcessCreation: true });
        // The user's own ZDOTDIR, when they have one, is where the stand-in folder finds their files.
        if (process.env.ZDOTDIR && path.resolve(process.env.ZDOTDIR) !== files.zdotdir) env.replace('AIRLOCK_USER_ZDOTDIR', process.env.ZDOTDIR);
        if (process.env.XDG_DATA_DIRS) env.prepend('XDG_DATA_DIRS', `${files.fishData}${path.delimiter}`, { applyAtProcessCreation: true });
        else env.replace('XDG_DATA_DIRS', `${files.fishData}${path.delimiter}${XDG_DATA_DIRS_DEFAULT}`, { applyAtProcessCreation: true });
        this.log.info(`shell guard injected into new bash, zsh and fish terminals (${path.dirname(files.snippets.bash)})`);
      } else {
        this.files = undefined;
        this.log.info('shell guard off (airlock.guards.shellGuard)');
      }
      // Commands run outside any git repository are recorded in this window's workspace ledger.
      const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
      if (folder) env.replace('AIRLOCK_WORKSPACE', folder.uri.fsPath);
      if (this.on(SHIMS_SETTING)) {
        const dir = writeShims(path.join(this.context.globalStorageUri.fsPath, 'shims'), command, SHIMMED_PROGRAMS, oneShot);
        // Process creation only: applied once, so the prefix is not doubled (microsoft/vscode#205058).
        env.prepend('PATH', `${dir}${path.delimiter}`, { applyAtProcessCreation: true });
        // The guards report, with each line, whether an edit of PATH has left this folder behind.
        env.replace('AIRLOCK_SHIM_DIR', dir, { applyAtProcessCreation: true });
        this.log.info(`PATH shims for high-risk programs in new terminals (${dir})`);
      } else {
        this.log.info('PATH shims off (airlock.guards.pathShims)');
      }
    } catch (error) {
      this.log.warn(`the terminal guards could not be set up; terminals are not guarded: ${String(error)}`);
    }
  }

  private unset(): void {
    for (const name of VARIABLES) this.context.environmentVariableCollection.delete(name);
  }

  /** How snippets and shims start this extension's own CLI. */
  private cliCommand(): string[] {
    const cli = path.join(this.context.extensionPath, 'dist', 'cli.js');
    // In desktop VS Code the extension host is Electron, which runs scripts as Node only when asked.
    return process.versions.electron ? ['/usr/bin/env', 'ELECTRON_RUN_AS_NODE=1', process.execPath, cli] : [process.execPath, cli];
  }

  /** Writes the snippets, the zsh stand-in folder and the fish vendor file into global storage. */
  /**
   * One-shot calls (fish lines, bash -c children, tasks, shims) start through the guard loader and its
   * code cache; without it they still decide, only slower.
   */
  private writeLoader(command: readonly string[]): OneShotStart | undefined {
    try {
      return writeGuardLoader(path.join(this.context.globalStorageUri.fsPath, 'shell-guard', 'loader'), command);
    } catch (error) {
      this.log.warn(`the shell guard's fast start could not be written; one-shot checks start the full CLI: ${String(error)}`);
      return undefined;
    }
  }

  private writeFiles(command: readonly string[], oneShot: OneShotStart | undefined): GuardFiles {
    const dir = path.join(this.context.globalStorageUri.fsPath, 'shell-guard');
    mkdirSync(dir, { recursive: true });
    const snippets = {} as Record<GuardShell, string>;
    for (const shell of ['bash', 'zsh', 'fish'] as const) {
      snippets[shell] = path.join(dir, `guard.${shell}`);
      writeFileSync(snippets[shell], guardSnippet(shell, { command, ...(oneShot ? { oneShot } : {}) }));
    }
    const zdotdir = path.join(dir, 'zdotdir');
    mkdirSync(zdotdir, { recursive: true });
    for (const [name, text] of Object.entries(zshStartupFiles(zdotdir, snippets.zsh))) writeFileSync(path.join(zdotdir, name), text);
    const fishData = path.join(dir, 'xdg-data');
    const vendor = path.join(fishData, 'fish', 'vendor_conf.d');
    mkdirSync(vendor, { recursive: true });
    // Every fish: the guard checks what fish -c and -C were given before they run, and binds Enter only
    // in interactive ones.
    writeFileSync(path.join(vendor, 'airlock-guard.fish'), `# Airlock shell guard, loaded by fish from XDG_DATA_DIRS. Written by the extension.\nsource ${fishQuote(snippets.fish)}\n`);
    return { snippets, zdotdir, fishData };
  }
}
