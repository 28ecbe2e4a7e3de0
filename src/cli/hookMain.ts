import type { CommandIo } from './io';
import { runHookProcess } from './hookCommand';

/**
 * `dist/hook.js`: the bundle the agent hook launcher runs, `node hook.js <agent> [--deadline S]`, the
 * same as `airlock hook <agent>`. It holds only what a hook call needs; the engine, the local decider
 * and the ledger inside it are initialized only when no Airlock window answers. Every agent tool call
 * starts this process, so what it loads is paid on every call (docs/measurements.md, hook latency).
 */
const io: CommandIo = { stdout: process.stdout, stderr: process.stderr };
runHookProcess(process.argv.slice(2), io).catch((error: unknown) => {
  // runHook turns every failure into a deny; reaching here means even that failed. Exit 2 blocks in
  // every agent, so nothing is allowed unseen.
  io.stderr.write(`airlock hook: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(2);
});
