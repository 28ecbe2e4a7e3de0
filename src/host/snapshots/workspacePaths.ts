import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { CopyError } from './blobCopy';

/**
 * Where a path lies relative to the workspace, decided the way the disk will see it: a path is inside
 * only when its folder's real path (symbolic links resolved) is under the workspace's real path, so a
 * link `data -> /etc` inside the workspace does not make `/etc/passwd` a workspace file.
 */
export interface WorkspacePath {
  /** Absolute, as the caller meant it (the workspace root's real path joined with `rel`). */
  readonly abs: string;
  /** Workspace-relative with `/` separators. */
  readonly rel: string;
}

export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** The real path of the nearest folder of `path` that exists. */
function realAncestor(path: string): { real: string; rest: string } {
  let current = dirname(path);
  let rest = relative(current, path);
  for (;;) {
    try {
      return { real: realpathSync.native(current), rest };
    } catch {
      const parent = dirname(current);
      if (parent === current) return { real: current, rest };
      rest = join(relative(parent, current), rest);
      current = parent;
    }
  }
}

/**
 * Resolves `path` (absolute, or relative to the workspace root) to a place inside the workspace, or
 * throws `outside-workspace`. The last component is not resolved: it may be a link, which the caller
 * refuses by `lstat`/`O_NOFOLLOW` rather than follows.
 */
export function resolveInWorkspace(workspaceRoot: string, path: string): WorkspacePath {
  const asked = resolve(workspaceRoot, path);
  // Spelled outside (`../x`, `/etc/x`) and really outside: refuse before touching the disk.
  const spelledRel = relative(workspaceRoot, asked);
  const { real, rest } = realAncestor(asked);
  const realPath = join(real, rest);
  if (!isInside(workspaceRoot, realPath)) {
    const through = isInside(workspaceRoot, asked) ? ' (through a symbolic link to a folder outside it)' : '';
    throw new CopyError('outside-workspace', `${path} is outside the workspace ${workspaceRoot}${through}`);
  }
  const rel = toPosix(relative(workspaceRoot, realPath));
  return { abs: realPath, rel: rel || toPosix(spelledRel) };
}
