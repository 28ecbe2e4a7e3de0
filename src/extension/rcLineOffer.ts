import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GuardShell } from '../host/shellGuard/guardProtocol';

const MARKER = '# Airlock shell guard';

/** The rc file a shell reads for every interactive session. */
function rcFile(shell: GuardShell): string {
  const home = os.homedir();
  switch (shell) {
    case 'bash':
      return path.join(home, '.bashrc');
    case 'zsh':
      return path.join(process.env.ZDOTDIR || home, '.zshrc');
    case 'fish':
      return path.join(process.env.XDG_CONFIG_HOME || path.join(home, '.config'), 'fish', 'config.fish');
  }
}

/** One line that sources the guard snippet this extension keeps current, if it is there. */
export function rcLine(shell: GuardShell, snippetFile: string): string {
  if (shell === 'fish') return `test -r '${snippetFile.replace(/[\\']/g, (c) => `\\${c}`)}'; and source '${snippetFile.replace(/[\\']/g, (c) => `\\${c}`)}'  ${MARKER}`;
  const quoted = `'${snippetFile.replace(/'/g, `'\\''`)}'`;
  return `[ -r ${quoted} ] && . ${quoted}  ${MARKER}`;
}

/**
 * Where Airlock could not put its guard into a terminal by itself (a terminal of that shell ran a
 * command no guard saw, and its guard never spoke), the person is offered the one rc line that loads
 * it (`airlock shell-init` in file form): Copy Line, or Add to rc, which appends it to the shell's rc
 * file once, after asking. Offered once per shell per window; "Don't Ask Again" is remembered.
 */
export class RcLineOffer {
  private readonly offered = new Set<GuardShell>();

  constructor(
    private readonly globalState: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  offer(shell: GuardShell, snippetFile: string): void {
    const key = `airlock.shellGuard.rcLineDeclined.${shell}`;
    if (this.offered.has(shell) || this.globalState.get<boolean>(key)) return;
    this.offered.add(shell);
    const line = rcLine(shell, snippetFile);
    const file = rcFile(shell);
    void vscode.window
      .showWarningMessage(
        `Airlock could not load its shell guard into a ${shell} terminal by itself. One line in ${file} loads it in every ${shell} session: ${line}`,
        'Add to rc', 'Copy Line', "Don't Ask Again",
      )
      .then(async (choice) => {
        if (choice === 'Copy Line') await vscode.env.clipboard.writeText(line);
        if (choice === "Don't Ask Again") await this.globalState.update(key, true);
        if (choice === 'Add to rc') this.addTo(file, line);
      });
  }

  private addTo(file: string, line: string): void {
    try {
      if (existsSync(file) && readFileSync(file, 'utf8').includes(MARKER)) {
        void vscode.window.showInformationMessage(`${file} already loads Airlock's shell guard; new terminals will have it.`);
        return;
      }
      mkdirSync(path.dirname(file), { recursive: true });
      appendFileSync(file, `\n${line}\n`);
      this.log.info(`added the shell guard line to ${file}`);
      void vscode.window.showInformationMessage(`Added to ${file}. Terminals opened from now on load Airlock's shell guard.`);
    } catch (error) {
      void vscode.window.showErrorMessage(`Airlock could not add the line to ${file}: ${(error as Error).message}`);
    }
  }
}
