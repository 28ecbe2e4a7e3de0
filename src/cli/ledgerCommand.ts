import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { toCsv, formatTailLine } from '../core/ledger/format';
import { describeProblem } from '../core/ledger/verifyChain';
import type { LedgerEntry } from '../core/ledger/entry';
import { readWorkspaceLedger, verifyWorkspaceLedger } from '../host/ledger/verifyLedger';
import type { CommandIo } from './io';
import { UsageError } from './io';

const USAGE = `usage: airlock ledger verify [--json] [--workspace DIR]
       airlock ledger tail [-n N] [--json] [--workspace DIR]
       airlock ledger export [--format jsonl|csv] [--output FILE] [--workspace DIR]
`;

interface Flags {
  workspace: string;
  json: boolean;
  lines: number;
  format: 'jsonl' | 'csv';
  output?: string;
}

function parseFlags(args: readonly string[], allowed: readonly string[]): Flags {
  const flags: Flags = { workspace: process.cwd(), json: false, lines: 20, format: 'jsonl' };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!allowed.includes(name)) throw new UsageError(`unknown option ${arg}`);
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (name === '--workspace') flags.workspace = resolve(value());
    else if (name === '--json') flags.json = true;
    else if (name === '-n' || name === '--lines') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} needs a whole number`);
      flags.lines = n;
    } else if (name === '--format') {
      const f = value();
      if (f !== 'jsonl' && f !== 'csv') throw new UsageError(`--format is jsonl or csv, not ${f}`);
      flags.format = f;
    } else if (name === '--output' || name === '-o') flags.output = resolve(value());
  }
  return flags;
}

/**
 * `airlock ledger verify|tail|export`: see DESIGN.md, "Command-line contract". `argv` is what follows
 * `ledger`. Resolves to the exit code: verify gives 0 intact, 1 tampered or corrupt, 2 no ledger.
 */
export async function runLedgerCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    switch (sub) {
      case 'verify':
        return verify(parseFlags(rest, ['--workspace', '--json']), io);
      case 'tail':
        return tail(parseFlags(rest, ['--workspace', '--json', '-n', '--lines']), io);
      case 'export':
        return exportLedger(parseFlags(rest, ['--workspace', '--format', '--output', '-o']), io);
      default:
        io.stderr.write(sub === undefined || sub === '--help' || sub === '-h' ? USAGE : `unknown ledger command ${sub}\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`airlock ledger: ${error.message}\n${USAGE}`);
      return 2;
    }
    io.stderr.write(`airlock ledger: ${(error as Error).message}\n`);
    return 2;
  }
}

function verify(flags: Flags, io: CommandIo): number {
  const result = verifyWorkspaceLedger(flags.workspace);
  if (flags.json) {
    const { locations, ...rest } = result;
    io.stdout.write(`${JSON.stringify({ ...rest, workspace: locations.workspaceRoot, ledger: locations.ledgerDir, stateDir: locations.stateDir })}\n`);
    return result.exitCode;
  }
  const where = `${result.locations.ledgerDir}`;
  if (result.status === 'missing') io.stdout.write(`No ledger: ${result.problems[0] ?? ''}\n`);
  else if (result.status === 'intact') {
    const headNote = result.head ? ', and it matches the head kept outside the workspace' : '';
    io.stdout.write(`Ledger intact: ${result.entries} entries in ${result.files.length} file(s) under ${where}${headNote}.\n`);
  } else {
    io.stdout.write(`Ledger ${result.status === 'deleted' ? 'DELETED' : 'TAMPERED'}: ${where}\n`);
    const [first, ...others] = result.problems;
    if (first) io.stdout.write(`  first broken: ${first}\n`);
    for (const problem of others.slice(0, 20)) io.stdout.write(`  also: ${problem}\n`);
    if (others.length > 20) io.stdout.write(`  ...and ${others.length - 20} more\n`);
  }
  for (const note of result.notes) io.stderr.write(`note: ${note}\n`);
  return result.exitCode;
}

/** Valid entries of the workspace's ledger; corrupt lines are reported on stderr and skipped. */
function readEntries(flags: Flags, io: CommandIo): LedgerEntry[] | undefined {
  const { files, report, locations } = readWorkspaceLedger(flags.workspace);
  if (files.length === 0) {
    io.stderr.write(`airlock ledger: no ledger in ${locations.workspaceRoot}\n`);
    return undefined;
  }
  for (const problem of report.problems.filter((p) => p.kind === 'corrupt')) io.stderr.write(`warning: skipped ${describeProblem(problem)}\n`);
  return report.entries.map((located) => located.entry);
}

function tail(flags: Flags, io: CommandIo): number {
  const entries = readEntries(flags, io);
  if (!entries) return 2;
  const last = flags.lines === 0 ? [] : entries.slice(-flags.lines);
  for (const entry of last) io.stdout.write(`${flags.json ? JSON.stringify(entry) : formatTailLine(entry)}\n`);
  return 0;
}

function exportLedger(flags: Flags, io: CommandIo): number {
  const entries = readEntries(flags, io);
  if (!entries) return 2;
  const text = flags.format === 'csv' ? toCsv(entries) : entries.map((entry) => `${JSON.stringify(entry)}\n`).join('');
  if (flags.output) {
    writeFileSync(flags.output, text);
    io.stderr.write(`exported ${entries.length} entries to ${flags.output}\n`);
  } else io.stdout.write(text);
  return 0;
}
