import type { CommandIo } from './io';
import { runGuardProcess } from './guardCommand';

/**
 * `dist/guard.js`: the bundle one-shot shell guard calls run through the loader (guardLoader.ts),
 * `node loader guard.js guard --shell S ... -- LINE`, the same as `airlock guard ...`. It holds only
 * what a guard call needs, and starts the engine only when no window answers, with tree-sitter
 * started only for a line that needs a parse (the hook's deferred engine). Every fish line and every
 * guarded `bash -c` child starts this process (docs/measurements.md, shell guard).
 */
const io: CommandIo = { stdout: process.stdout, stderr: process.stderr };
const [command, ...args] = process.argv.slice(2);
const loadEngine = async () => {
  // Tells the loader that this run compiled the engine, so the cache it writes covers it.
  ((globalThis as { __airlockHookCompiled?: string[] }).__airlockHookCompiled ??= []).push('local');
  const loader = await import('../host/engineLoader');
  // The coprocess parses every line, so it starts the grammar at once.
  return args.includes('--serve') ? loader.loadEngine() : loader.loadDeferredEngine();
};
if (command !== 'guard') {
  // Not a guard call: exit without an answer line, so the snippet decides through the full CLI.
  io.stderr.write(`airlock: ${process.argv[1] ?? 'guard.js'} runs only airlock guard\n`);
  process.exit(2);
}
runGuardProcess(args, io, loadEngine).catch((error: unknown) => {
  // runGuard answers every failure with a deny; reaching here means even that failed. No answer line
  // is a block in every snippet.
  io.stderr.write(`airlock guard: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(2);
});
