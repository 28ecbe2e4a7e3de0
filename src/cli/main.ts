import { loadDeferredEngine, loadEngine } from '../host/engineLoader';
import { CHECK_USAGE, runCheck } from './checkCommand';
import type { CommandIo } from './io';
import { UsageError } from './io';
import { GUARD_USAGE, runGuardProcess } from './guardCommand';
import { runLedgerCommand } from './ledgerCommand';
import { runShellInit, SHELL_INIT_USAGE } from './shellInitCommand';
import { HOOK_USAGE, runHookProcess } from './hookCommand';
import { HOOKS_USAGE, runHooksCommand } from './hooksCommand';
import { RESTORE_USAGE, runRestoreCommand, terminalConfirm } from './restoreCommand';
import { runSnapshotCommand, SNAPSHOT_USAGE } from './snapshotCommand';

const USAGE = `Airlock: scores commands for destructiveness before they run.

${CHECK_USAGE}       airlock ledger verify|tail|export [--workspace DIR]
${SHELL_INIT_USAGE}${GUARD_USAGE}${HOOK_USAGE}${HOOKS_USAGE}${RESTORE_USAGE}${SNAPSHOT_USAGE}
Exit codes: check exits 0 when the decision is allow, 2 otherwise; restore and snapshot exit 0 when
every file was restored or kept, 1 when one was not, 2 on usage errors (airlock restore --help).
`;

async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'check':
      return runCheck(args, io, process.stdin, () => loadEngine());
    case 'ledger':
      return runLedgerCommand(args, io);
    case 'shell-init':
      return runShellInit(args, io);
    case 'guard':
      // A one-shot call (a child shell's check, a shim) starts tree-sitter only for a line that needs a
      // parse; the coprocess parses every line, so it starts it at once.
      return runGuardProcess(args, io, async () => (args.includes('--serve') ? loadEngine() : loadDeferredEngine()));
    case 'hook':
      return runHookProcess(args, io);
    case 'hooks':
      return runHooksCommand(args, io);
    case 'restore':
      // Only a person at a terminal is asked before newer work is overwritten; scripts get a refusal.
      return runRestoreCommand(args, io, process.stdin.isTTY && process.stderr.isTTY ? terminalConfirm(process.stdin, process.stderr) : undefined);
    case 'snapshot':
      return runSnapshotCommand(args, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

const io: CommandIo = { stdout: process.stdout, stderr: process.stderr };
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      io.stderr.write(`airlock: ${error.message}\n${USAGE}`);
    } else {
      io.stderr.write(`airlock: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    process.exitCode = 2;
  },
);
