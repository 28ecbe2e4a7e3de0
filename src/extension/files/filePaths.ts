/**
 * Which workspace paths the file safety net watches. Pure (no `vscode`), on workspace-relative `/` paths.
 *
 * Airlock's own folder is left out (the ledger and the snapshot store change with every event, and
 * watching them would feed on itself), except the team policy, which people edit. So are git's
 * internals, which git rewrites on every command, and installed dependencies, which can be installed
 * again. The `.git` folder itself going away is still seen.
 */
export function isWatchedPath(rel: string): boolean {
  if (rel === '' || rel.startsWith('../')) return false;
  const segments = rel.split('/');
  if (segments[0] === '.airlock') return rel === '.airlock/policy.json';
  if (segments.includes('node_modules')) return false;
  const git = segments.indexOf('.git');
  return git < 0 || git === segments.length - 1;
}

/** Paths remembered for a short time: what this window itself just wrote or already handled. */
export class RecentPaths {
  private readonly until = new Map<string, number>();

  constructor(private readonly ttlMs: number) {}

  mark(path: string, now: number): void {
    this.until.set(path, now + this.ttlMs);
    if (this.until.size > 10_000) this.sweep(now);
  }

  /** Whether `path`, or a folder holding it, was marked within the time to live. */
  has(path: string, now: number): boolean {
    for (let p = path; p !== ''; p = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '') {
      const until = this.until.get(p);
      if (until !== undefined && until >= now) return true;
    }
    return false;
  }

  private sweep(now: number): void {
    for (const [path, until] of this.until) if (until < now) this.until.delete(path);
  }
}
