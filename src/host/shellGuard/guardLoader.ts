import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { LOADER_NAME, LOADER_SCRIPT } from '../hooks/hookLoader';
import type { OneShotStart } from './snippetText';

/** The bundle beside `dist/cli.js` that holds `airlock guard` alone (src/cli/guardMain.ts). */
export const GUARD_BUNDLE = 'guard.js';

/**
 * The faster start for one-shot guard calls (a fish line, a `bash -c` child, a shell task): the hook
 * loader (hookLoader.ts) runs `dist/guard.js` with a V8 code cache, instead of Node compiling the
 * whole CLI on every call. `command` is how the snippets start the CLI (`[...runtime, cli.js]`); the
 * loader goes into `dir`, a per-user folder Airlock may write, and keeps its cache in `dir/cache`
 * (apart from the hook's: a loader keeps one bundle's cache and deletes the rest). The loader keys
 * the cache by the bundle's path, size and time and the runtime's version, so a cache made for
 * another build or another Node is never used. Both files are listed in `requires`: the snippets
 * take this start only when both exist, and fall back to `command` when it gives no answer.
 */
export function writeGuardLoader(dir: string, command: readonly string[]): OneShotStart {
  const cli = command.at(-1);
  if (!cli) throw new Error('the guard command names no CLI');
  const bundle = path.join(path.dirname(cli), GUARD_BUNDLE);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const loader = path.join(dir, LOADER_NAME);
  // Atomically: a shell may be starting the loader while a window rewrites it.
  const temp = `${loader}.${process.pid}.tmp`;
  writeFileSync(temp, LOADER_SCRIPT, { mode: 0o644 });
  chmodSync(temp, 0o644);
  renameSync(temp, loader);
  return { command: [...command.slice(0, -1), loader, bundle], requires: [loader, bundle] };
}
