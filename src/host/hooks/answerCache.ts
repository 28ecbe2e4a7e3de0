import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { HookVerdict } from '../../core/hooks/answer';

/** How long a decided answer is reused for the same action: long enough for a second hook file's call. */
const REUSE_MS = 10_000;
const POLL_MS = 50;

export type Claim = { readonly first: true; settle(verdict: HookVerdict): void; abandon(): void } | { readonly first: false; readonly verdict: HookVerdict };

/**
 * Makes sure one action is asked once. VS Code runs hooks from `.github/hooks` and `.claude/settings*.json`,
 * Cursor loads Claude's files too, and Cursor's own events overlap, so one tool call can reach Airlock
 * twice. The first call for an action (same caller, session, action and folder) claims it with an
 * exclusive file and decides; the others wait for that answer and repeat it, without asking or
 * recording again.
 */
export class AnswerCache {
  constructor(private readonly dir: string) {}

  async claim(key: string, deadline: number): Promise<Claim> {
    const file = path.join(this.dir, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    for (;;) {
      const mine = this.tryCreate(file);
      if (mine) return mine;
      const found = this.read(file);
      if (found === 'stale') {
        removeQuietly(file);
        continue;
      }
      if (found !== 'pending') return { first: false, verdict: found };
      if (Date.now() >= deadline) return { first: false, verdict: { kind: 'deny', reason: 'Airlock: the same action is still waiting for a decision in another hook call' } };
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private tryCreate(file: string): Claim | undefined {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o600);
    } catch {
      return undefined;
    }
    closeSync(fd);
    return {
      first: true,
      settle: (verdict) => {
        try {
          writeFileSync(file, JSON.stringify({ verdict, at: Date.now() }));
        } catch {
          // Without the file a second call decides again: slower, never wrong.
        }
        // Sweeping reads the whole folder; once in a while is enough to keep it small.
        if (Math.random() < 1 / 16) this.sweep(file);
      },
      abandon: () => removeQuietly(file),
    };
  }

  private read(file: string): HookVerdict | 'pending' | 'stale' {
    try {
      const text = readFileSync(file, 'utf8');
      if (text === '') {
        // A claim whose owner died never settles; the longest hook deadline bounds a live one.
        return Date.now() - statSync(file).mtimeMs > 15 * 60_000 ? 'stale' : 'pending';
      }
      const parsed = JSON.parse(text) as { verdict: HookVerdict; at: number };
      return Date.now() - parsed.at > REUSE_MS ? 'stale' : parsed.verdict;
    } catch {
      return 'stale';
    }
  }

  /** Old answers are removed by whoever settles next, so the folder stays small. */
  private sweep(keep: string): void {
    try {
      const now = Date.now();
      for (const name of readdirSync(this.dir)) {
        const file = path.join(this.dir, name);
        if (file !== keep && now - statSync(file).mtimeMs > 16 * 60_000) removeQuietly(file);
      }
    } catch {
      // Sweeping is housekeeping.
    }
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Gone already.
  }
}
