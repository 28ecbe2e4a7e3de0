// Starts a real shell in a pseudo-terminal (util-linux `script`), with the guard sourced, a temporary
// HOME and a temporary working folder, types lines into it and returns the transcript. The only things
// any test line may destroy live inside that temporary folder.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeGuardLoader } from '../../src/host/shellGuard/guardLoader';
import { SHIMMED_PROGRAMS, writeShims } from '../../src/host/shims/pathShims';

export type ShellName = 'bash' | 'zsh' | 'fish';

export const ROOT = resolve(__dirname, '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');

const START: Record<ShellName, string> = {
  bash: 'bash --norc --noprofile -i',
  zsh: 'zsh -f -i',
  fish: 'fish --no-config -i',
};

export function shellInstalled(shell: ShellName): boolean {
  return spawnSync('sh', ['-c', `command -v ${shell}`], { encoding: 'utf8' }).status === 0;
}

/** A temporary folder with a home (holding the victim file) and a workspace to run commands in. */
export class Sandbox {
  readonly root = mkdtempSync(join(tmpdir(), 'airlock-shell-'));
  readonly home = join(this.root, 'home');
  readonly work = join(this.root, 'work');
  readonly state = join(this.root, 'state');
  readonly victim = join(this.home, 'victim', 'data');
  private readonly guards = new Map<ShellName, string>();

  constructor() {
    mkdirSync(join(this.home, 'victim'), { recursive: true });
    mkdirSync(this.work, { recursive: true });
    writeFileSync(this.victim, 'keep me\n');
    // A git repository, so the workspace's ledger lands in a known place.
    spawnSync('git', ['init', '-q', '.'], { cwd: this.work });
  }

  get env(): NodeJS.ProcessEnv {
    return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: this.home, TERM: 'dumb', LANG: 'C.UTF-8', AIRLOCK_NO_BROKER: '1', AIRLOCK_STATE_DIR: this.state };
  }

  /** A folder of untracked files in the workspace: deleting it asks for approval (git cannot restore it). */
  makeData(): string {
    const dir = join(this.work, 'data');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a.txt'), 'one\n');
    writeFileSync(join(dir, 'b.txt'), 'two\n');
    return dir;
  }

  victimIntact(): boolean {
    return existsSync(this.victim) && readFileSync(this.victim, 'utf8') === 'keep me\n';
  }

  guardFile(shell: ShellName): string {
    let file = this.guards.get(shell);
    if (file) return file;
    // As the extension sets terminals up: one-shot calls start through the guard loader and its code
    // cache. AIRLOCK_TEST_GUARD_START=cli runs the suite with the full CLI start instead.
    const loader = process.env.AIRLOCK_TEST_GUARD_START === 'cli' ? [] : ['--loader-dir', join(this.root, 'guard-loader')];
    const init = spawnSync(process.execPath, [CLI, 'shell-init', shell, ...loader], { encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`shell-init ${shell} failed: ${init.stderr}`);
    file = join(this.root, `guard.${shell}`);
    writeFileSync(file, init.stdout);
    this.guards.set(shell, file);
    return file;
  }

  /** The PATH shims for this sandbox, written by the same code the extension uses. */
  shimDir(): string {
    const dir = join(this.root, 'shims');
    if (!existsSync(dir)) {
      // Through the guard loader, as the extension writes them, unless AIRLOCK_TEST_GUARD_START=cli.
      const oneShot = process.env.AIRLOCK_TEST_GUARD_START === 'cli' ? undefined : writeGuardLoader(join(this.root, 'guard-loader'), [process.execPath, CLI]);
      writeShims(dir, [process.execPath, CLI], SHIMMED_PROGRAMS, oneShot);
    }
    return dir;
  }

  /** Ledger lines of the workspace, parsed. */
  ledger(): Array<{ source?: string; outcome?: string; action?: { command?: string } }> {
    const file = join(this.work, '.airlock', 'ledger.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { source?: string; outcome?: string; action?: { command?: string } });
  }

  dispose(): void {
    // A fish started with a fresh home generates completions in the background for a moment.
    rmSync(this.root, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  }
}

export interface Transcript {
  readonly output: string;
  readonly status: number | null;
  /** Exit codes printed by the status probe after each typed line, in order. */
  readonly codes: number[];
}

const STATUS_PROBE: Record<ShellName, string> = {
  bash: 'echo "__rc=$?"',
  zsh: 'echo "__rc=$?"',
  fish: 'echo "__rc=$status"',
};

/**
 * Types `lines` into a guarded interactive shell, each followed by a probe that prints its exit code.
 * Input is written up front; the shell reads it line by line through its line editor, as typed.
 */
export function runInteractive(sandbox: Sandbox, shell: ShellName, lines: readonly string[], options: { probe?: boolean; before?: readonly string[]; start?: string; env?: NodeJS.ProcessEnv; noSource?: boolean } = {}): Transcript {
  const probe = options.probe ?? true;
  // fish's default prompt runs git in a repository on every line; a plain prompt keeps tests quick.
  const setup = shell === 'fish' ? ["function fish_prompt; echo '> '; end"] : [];
  // noSource: the shell loads the guard by itself, from the startup files its environment names.
  const typed = [...(options.noSource ? [] : [`source ${sandbox.guardFile(shell)}`]), ...setup, ...(options.before ?? []), ...lines.flatMap((line) => (probe ? [line, STATUS_PROBE[shell]] : [line])), 'exit'];
  const result = spawnSync('script', ['-qec', options.start ?? START[shell], '/dev/null'], {
    cwd: sandbox.work,
    env: options.env ?? sandbox.env,
    input: `${typed.join('\n')}\n`,
    encoding: 'utf8',
    timeout: 30_000,
  });
  const output = result.stdout ?? '';
  const codes = [...output.matchAll(/__rc=(\d+)/g)].map((match) => Number(match[1]));
  return { output, status: result.status, codes };
}

/** Runs `shell -c line` non-interactively with the guard loaded the way a task terminal loads it. */
export function runNonInteractive(sandbox: Sandbox, shell: 'bash' | 'zsh', line: string, extraEnv: NodeJS.ProcessEnv = {}): { stdout: string; stderr: string; status: number | null } {
  const env = { ...sandbox.env, ...extraEnv };
  if (shell === 'bash') env.BASH_ENV = sandbox.guardFile('bash');
  else {
    // zsh reads $ZDOTDIR/.zshenv for every shell, -c included.
    const zdotdir = join(sandbox.root, 'zdotdir');
    mkdirSync(zdotdir, { recursive: true });
    writeFileSync(join(zdotdir, '.zshenv'), `source ${sandbox.guardFile('zsh')}\n`);
    env.ZDOTDIR = zdotdir;
  }
  // stdin must not be node's default socketpair: Debian's bash takes a socket on stdin for sshd and
  // then reads bash.bashrc and ~/.bashrc instead of BASH_ENV.
  const result = spawnSync(shell, ['-c', line], { cwd: sandbox.work, env, encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return { stdout: result.stdout ?? '', stderr: result.stderr ?? '', status: result.status };
}
