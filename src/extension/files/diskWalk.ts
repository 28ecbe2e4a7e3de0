import { readdir } from 'node:fs/promises';
import * as path from 'node:path';

/** Folders whose files are never the safety net's business (reinstallable, or git's own). */
const SKIPPED = new Set(['node_modules', '.git', '.airlock']);

/**
 * The files under a folder that was just created, at most `limit` of them, links not followed. The
 * watcher may report a new folder without the files written into it in the same instant (its watch
 * on the folder starts after they were written), so the folder is walked instead.
 */
export async function filesUnder(dir: string, limit: number): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (found.length >= limit) return;
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name)) await walk(full);
      } else if (entry.isFile()) {
        found.push(full);
      }
    }
  };
  await walk(dir);
  return found;
}
