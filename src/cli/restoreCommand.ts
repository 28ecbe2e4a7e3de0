import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import type { LedgerEntry, LedgerSnapshotRef } from '../core/ledger/entry';
import { isSafeRelativePath, SNAPSHOT_ID } from '../core/snapshots/snapshotModel';
import type { RestoreOptions, RestoreResult, SnapshotRecord } from '../core/snapshots/snapshotModel';
import { readWorkspaceLedger, verifyWorkspaceLedger } from '../host/ledger/verifyLedger';
import type { SnapshotStore } from '../host/snapshots/snapshotStore';
import { openWorkspaceSnapshots } from '../host/snapshots/workspaceSnapshots';
import type { CommandIo } from './io';
import { UsageError } from './io';

export const RESTORE_USAGE = `       airlock restore <SEQ | PATH> [--snapshot ID] [--to FILE] [--force] [--json] [--workspace DIR]
       airlock restore PATH --list [--json]
`;

const HELP = `usage: airlock restore <SEQ | PATH> [--snapshot ID] [--to FILE] [--force] [--json] [--workspace DIR]
       airlock restore PATH --list [--json] [--workspace DIR]

  SEQ            a ledger entry (12 or #12): writes back every snapshot that entry kept
  PATH           a file: writes back its newest snapshot (--snapshot picks another; --list shows them)
  --to FILE      write the content there instead (inside the workspace)
  --force        overwrite a file that changed since the snapshot (what is there is kept first)

A file that changed since the snapshot is newer work: restore refuses it unless --force, or asks when
run in a terminal. Whatever a restore overwrites is snapshotted first, and every restore is recorded in
the ledger. A file named only with digits is written ./12.
Exit: 0 restored (or already identical), 1 something was not restored (changed, damaged, missing),
      2 usage, or nothing to restore.
`;

/** Asks a person yes or no; undefined when nobody can be asked (not a terminal). */
export type Confirm = (question: string) => Promise<boolean>;

interface Flags {
  target?: string;
  workspace?: string;
  snapshot?: string;
  to?: string;
  force: boolean;
  list: boolean;
  json: boolean;
}

function parseFlags(args: readonly string[]): Flags {
  const flags: Flags = { force: false, list: false, json: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (name === '--workspace') flags.workspace = resolve(value());
    else if (name === '--snapshot') flags.snapshot = value().toLowerCase();
    else if (name === '--to') flags.to = resolve(value());
    else if (name === '--force') flags.force = true;
    else if (name === '--list') flags.list = true;
    else if (name === '--json') flags.json = true;
    else if (name === '--') {
      if (flags.target !== undefined || args.length !== i + 2) throw new UsageError('restore takes one ledger entry or path');
      flags.target = args[++i];
    } else if (name.startsWith('-') && name !== '-') throw new UsageError(`unknown option ${arg}`);
    else if (flags.target !== undefined) throw new UsageError('restore takes one ledger entry or path');
    else flags.target = arg;
  }
  if (flags.target === undefined) throw new UsageError('restore needs a ledger entry number or a path');
  return flags;
}

/** `airlock restore`: see `HELP`. `confirm` is given only when a person is at a terminal. */
export async function runRestoreCommand(args: readonly string[], io: CommandIo, confirm?: Confirm): Promise<number> {
  if (args[0] === '--help' || args[0] === '-h') {
    io.stdout.write(HELP);
    return 0;
  }
  const flags = parseFlags(args);
  const target = flags.target ?? '';
  const { store, workspaceRoot } = openWorkspaceSnapshots(flags.workspace ?? process.cwd());
  const seq = /^#?(\d+)$/.exec(target)?.[1];

  if (flags.list) {
    if (seq !== undefined) throw new UsageError('--list takes a path, not a ledger entry');
    return list(store, resolve(target), flags, io);
  }
  let jobs: { record: SnapshotRecord; options: RestoreOptions }[];
  if (seq !== undefined) {
    if (flags.snapshot !== undefined || flags.to !== undefined) throw new UsageError('--snapshot and --to take a path, not a ledger entry');
    const entry = findEntry(workspaceRoot, Number(seq), io);
    if (!entry) return 2;
    const refs = entry.snapshots ?? [];
    // Files the entry could not keep are named, on stderr under --json so stdout stays one JSON value.
    const notes = flags.json ? io.stderr : io.stdout;
    for (const ref of refs.filter((r) => r.id === undefined)) notes.write(`not kept  ${ref.path}: ${ref.problem ?? 'no snapshot was taken'}\n`);
    const kept = refs.filter((ref): ref is LedgerSnapshotRef & { id: string } => typeof ref.id === 'string' && SNAPSHOT_ID.test(ref.id) && isSafeRelativePath(ref.path));
    if (kept.length < refs.filter((ref) => ref.id !== undefined).length) io.stderr.write(`warning: entry #${seq} names snapshots that are not valid; they are skipped\n`);
    if (kept.length === 0) {
      io.stderr.write(`airlock restore: ledger entry #${seq} kept no snapshots to restore\n`);
      return 2;
    }
    jobs = kept.map((ref) => ({ record: recordFor(store, ref), options: { ...expectationOf(ref), via: 'cli' } }));
  } else {
    const path = resolve(target);
    const record = pick(store, path, flags.snapshot, io);
    if (!record) return 2;
    jobs = [{ record, options: { via: 'cli', ...(flags.to ? { to: flags.to } : {}) } }];
  }

  const results: RestoreResult[] = [];
  for (const job of jobs) {
    let result = await store.restore(job.record, { ...job.options, ...(flags.force ? { overwrite: 'always' } : {}) });
    if (!result.ok && result.code === 'conflict' && confirm && !flags.json) {
      io.stderr.write(`${result.error}.\n`);
      if (await confirm(`Overwrite ${store.relOf(result.path)} with the snapshot of ${job.record.takenAt}? (what is there now is kept first) [y/N] `)) {
        result = await store.restore(job.record, { ...job.options, expectedCurrentHash: result.currentHash });
      }
    }
    results.push(result);
  }
  report(results, store, flags, io);
  return results.every((r) => r.ok) ? 0 : 1;
}

/**
 * The entry, read from the workspace ledger, which the agent can write too: a broken chain is said
 * out loud, and paths are checked again by the store (never outside the workspace) before anything is
 * written.
 */
function findEntry(workspaceRoot: string, seq: number, io: CommandIo): LedgerEntry | undefined {
  const verification = verifyWorkspaceLedger(workspaceRoot);
  const { report: chain } = readWorkspaceLedger(workspaceRoot);
  const entry = chain.entries.find((located) => located.entry.seq === seq)?.entry;
  if (!entry) {
    io.stderr.write(`airlock restore: there is no ledger entry #${seq} in ${workspaceRoot}\n`);
    return undefined;
  }
  if (verification.status !== 'intact') {
    io.stderr.write(`warning: the ledger is not intact (${verification.problems[0] ?? verification.status}); entry #${seq} may not be what Airlock wrote\n`);
  }
  return entry;
}

/**
 * What the entry left at the path is what may be overwritten without asking: the content after a save
 * or an edit, or nothing after a delete (`after: null`: any file there now is newer work).
 */
function expectationOf(ref: LedgerSnapshotRef): Pick<RestoreOptions, 'expectedCurrentHash'> {
  if (ref.after === undefined) return {};
  return { expectedCurrentHash: ref.after ?? 'nothing: the file was deleted' };
}

/** The store's record of a ledger reference, or one built from it when the index line was pruned. */
function recordFor(store: SnapshotStore, ref: LedgerSnapshotRef & { id: string }): SnapshotRecord {
  const known = store.list({ id: ref.id }).filter((record) => record.path === ref.path).pop() ?? store.list({ id: ref.id }).pop();
  return known ? { ...known, path: ref.path } : { id: ref.id, path: ref.path, size: ref.size ?? 0, takenAt: '(from the ledger)', reason: 'hook', binary: false };
}

function pick(store: SnapshotStore, path: string, wanted: string | undefined, io: CommandIo): SnapshotRecord | undefined {
  const records = store.list({ path });
  const rel = store.relOf(path);
  if (records.length === 0) {
    io.stderr.write(`airlock restore: no snapshot of ${rel} in ${store.dir}\n`);
    return undefined;
  }
  if (wanted === undefined) return records[records.length - 1];
  const matches = [...new Map(records.filter((r) => r.id.startsWith(wanted)).map((r) => [r.id, r])).values()];
  if (wanted.length < 6 || matches.length !== 1) {
    io.stderr.write(`airlock restore: ${wanted.length < 6 ? 'give at least 6 characters of' : matches.length === 0 ? 'no snapshot of this file starts with' : 'more than one snapshot starts with'} ${wanted}; see airlock restore ${rel} --list\n`);
    return undefined;
  }
  return matches[0];
}

function list(store: SnapshotStore, path: string, flags: Flags, io: CommandIo): number {
  const records = store.list({ path }).reverse();
  if (flags.json) {
    io.stdout.write(`${JSON.stringify(records)}\n`);
    return records.length > 0 ? 0 : 2;
  }
  if (records.length === 0) {
    io.stderr.write(`airlock restore: no snapshot of ${store.relOf(path)}\n`);
    return 2;
  }
  io.stdout.write(`Snapshots of ${store.relOf(path)}, newest first:\n`);
  for (const r of records) {
    io.stdout.write(`  ${r.id.slice(0, 12)}  ${r.takenAt}  ${r.reason.padEnd(14)} ${`${r.size.toLocaleString('en-US')} bytes`.padStart(16)}${r.binary ? '  binary' : ''}\n`);
  }
  return 0;
}

function report(results: readonly RestoreResult[], store: SnapshotStore, flags: Flags, io: CommandIo): void {
  if (flags.json) {
    io.stdout.write(`${JSON.stringify(results)}\n`);
    return;
  }
  for (const r of results) {
    const rel = store.relOf(r.path);
    if (r.ok) {
      const what = r.unchanged ? 'unchanged' : 'restored ';
      const backup = r.backup ? `; what was there is kept as snapshot ${r.backup.id.slice(0, 12)}` : '';
      const ledger = r.ledger && 'seq' in r.ledger ? ` (ledger #${r.ledger.seq})` : r.ledger ? ` (${r.ledger.error})` : '';
      io.stdout.write(`${what} ${rel} from snapshot ${r.restored.id.slice(0, 12)} of ${r.restored.takenAt}${backup}${ledger}\n`);
    } else {
      const hint = r.code === 'conflict' ? ' Run again with --force to overwrite it (what is there is kept first).' : '';
      io.stdout.write(`NOT restored ${rel} (${r.code}): ${r.error}.${hint}\n`);
    }
  }
}

/** A yes/no question on the terminal; anything but y or yes is no. */
export function terminalConfirm(input: NodeJS.ReadStream, output: NodeJS.WriteStream): Confirm {
  return (question) =>
    new Promise((done) => {
      const rl = createInterface({ input, output });
      rl.question(question, (answer) => {
        rl.close();
        done(/^y(es)?$/i.test(answer.trim()));
      });
    });
}
