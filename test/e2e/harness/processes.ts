import { spawn } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A child started in its own process group, so that stopping it also stops everything it started
 * (code-server forks an extension host, a pty host and shells). Every group is tracked by the
 * registry it was started from, which stops all of them on the way out, whatever the way out is.
 */
export class ProcessGroup {
  readonly exited: Promise<number | null>;
  private lines: ((line: string) => void)[] = [];

  constructor(readonly child: ChildProcess, logFile: string) {
    const log = fs.createWriteStream(logFile);
    let pending = '';
    const onData = (chunk: Buffer): void => {
      log.write(chunk);
      const parts = (pending + chunk.toString('utf8')).split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) for (const listener of this.lines) listener(line);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code) => { log.end(); resolve(code); });
      child.once('error', (error) => { log.end(`\n${String(error)}\n`); resolve(null); });
    });
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first match of `pattern` in the output; rejects if the process exits first or time runs out. */
  waitForLine(pattern: RegExp, timeoutMs: number, what: string): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const finish = (error?: Error, match?: RegExpMatchArray): void => {
        clearTimeout(timer);
        this.lines = this.lines.filter((l) => l !== listener);
        if (error) reject(error); else resolve(match as RegExpMatchArray);
      };
      const listener = (line: string): void => {
        const match = pattern.exec(line);
        if (match) finish(undefined, match);
      };
      const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
      this.lines.push(listener);
      void this.exited.then((code) => finish(new Error(`process exited (code ${code}) before ${what}`)));
    });
  }

  /** Sends `signal` to the whole group; a group that is already gone is fine. */
  signal(signal: NodeJS.Signals): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // ESRCH: every process of the group has exited already.
    }
  }

  /** Asks the group to stop, and kills it if it has not exited within `graceMs`. */
  async stop(graceMs = 3000): Promise<void> {
    if (!this.running) {
      this.signal('SIGKILL'); // Grandchildren may outlive the leader.
      return;
    }
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    this.signal('SIGKILL');
  }
}

/** Starts and remembers process groups; `stopAll` and the exit hook end whatever is still alive. */
export class ProcessRegistry {
  private readonly groups = new Set<ProcessGroup>();

  /**
   * Starts `command` under `watchdog.js`, run by the same Node as this runner, as the leader of a new
   * group. Its stdin is a pipe from this process that is never written to: it closes only when this
   * process is gone, and then the watchdog kills the group, so not even a SIGKILL here leaves servers behind.
   */
  start(command: string, args: string[], options: SpawnOptions & { logFile: string }): ProcessGroup {
    const child = spawn(process.execPath, [path.join(__dirname, 'watchdog.js'), command, ...args],
      { ...options, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    const group = new ProcessGroup(child, options.logFile);
    // Kept after the leader exits: its grandchildren may still be running in the group.
    this.groups.add(group);
    return group;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.groups].map((group) => group.stop()));
    this.groups.clear();
  }

  /** Last resort for `process.on('exit')`, where only synchronous work runs. */
  killAllNow(): void {
    for (const group of this.groups) group.signal('SIGKILL');
  }
}
