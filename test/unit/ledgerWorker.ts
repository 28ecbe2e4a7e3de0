// A separate process appending to one ledger, for the concurrency test: `ledgerWorker.ts <workspace>
// <count> <rotateBytes> <tag> <goFile>`. It says `ready` on stdout, then starts once `goFile` exists,
// so all workers append at the same time. The state folder comes from AIRLOCK_STATE_DIR.
import { existsSync } from 'node:fs';
import { LedgerStore } from '../../src/host/ledger/ledgerStore';
import { sampleRecord } from './ledgerSamples';

async function main(): Promise<void> {
  const [workspace, count, rotateBytes, tag, goFile] = process.argv.slice(2);
  if (!workspace || !count || !rotateBytes || !tag || !goFile) throw new Error('usage: ledgerWorker <workspace> <count> <rotateBytes> <tag> <goFile>');
  process.stdout.write('ready\n');
  while (!existsSync(goFile)) await new Promise((resolve) => setTimeout(resolve, 2));
  const store = new LedgerStore(workspace, { rotateBytes: Number(rotateBytes), lock: { timeoutMs: 60_000 } });
  for (let i = 0; i < Number(count); i++) {
    await store.append(sampleRecord(`echo ${tag}-${i}`, { source: tag }));
    // Real writers pause between actions; without a pause one writer keeps the lock for a burst.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 4));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
