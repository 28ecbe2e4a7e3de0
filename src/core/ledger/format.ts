import type { LedgerEntry } from './entry';

/** The action as one line of text, whatever its kind. */
export function actionText(entry: LedgerEntry): string {
  const action = entry.action as { kind: string; command?: unknown; path?: unknown; event?: unknown };
  if (typeof action.command === 'string') return action.command;
  // File events read as what happened: `file restore /w/.env`, `file delete /w/db/migrations`.
  if (action.kind === 'fileEvent' && typeof action.event === 'string' && typeof action.path === 'string') return `file ${action.event} ${action.path}`;
  if (typeof action.path === 'string') return `${action.kind} ${action.path}`;
  return action.kind;
}

export const CSV_COLUMNS = [
  'seq',
  'time',
  'source',
  'agent',
  'kind',
  'action',
  'cwd',
  'score',
  'level',
  'rules',
  'policy',
  'decidedBy',
  'outcome',
  'decider',
  'how',
  'waitMs',
  'impact',
  'prev',
  'hash',
] as const;

function csvRow(entry: LedgerEntry): Record<(typeof CSV_COLUMNS)[number], string> {
  const action = entry.action as { kind: string; cwd?: unknown };
  return {
    seq: String(entry.seq),
    time: entry.time,
    source: entry.source,
    agent: entry.agent ?? '',
    kind: action.kind,
    action: actionText(entry),
    cwd: typeof action.cwd === 'string' ? action.cwd : '',
    score: String(entry.assessment?.score ?? ''),
    level: entry.assessment?.level ?? '',
    rules: (entry.assessment?.reasons ?? []).map((reason) => reason.rule).join(' '),
    policy: entry.policy?.decision ?? '',
    decidedBy: entry.policy?.decidedBy ?? '',
    outcome: entry.outcome,
    decider: entry.decider?.by ?? '',
    how: entry.decider?.how ?? '',
    waitMs: String(entry.waitMs ?? ''),
    impact: entry.assessment?.impact?.summary ?? '',
    prev: entry.prev,
    hash: entry.hash,
  };
}

/**
 * One CSV cell per RFC 4180. Cells that a spreadsheet would run as a formula get a leading quote:
 * commands are written by agents, and a ledger export opened in a spreadsheet must not execute them.
 */
function csvCell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(entries: Iterable<LedgerEntry>): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const entry of entries) {
    const row = csvRow(entry);
    lines.push(CSV_COLUMNS.map((column) => csvCell(row[column])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** One line for a terminal: `#12 2026-05-01T10:00:00.000Z denied  critical 95 claude/agent-hook  rm -rf ~  [fs.rm-home]`. */
export function formatTailLine(entry: LedgerEntry): string {
  const who = entry.agent ? `${entry.agent}/${entry.source}` : entry.source;
  const rules = (entry.assessment?.reasons ?? []).map((reason) => reason.rule);
  const decider = entry.decider ? `${entry.decider.by}:${entry.decider.how}` : '';
  const command = actionText(entry).replace(/\s*\n\s*/g, ' \u23ce ');
  return [
    `#${entry.seq}`,
    entry.time,
    entry.outcome.padEnd(7),
    `${entry.assessment?.level ?? '?'} ${entry.assessment?.score ?? '?'}`.padEnd(12),
    who,
    decider,
    command.length > 160 ? `${command.slice(0, 157)}...` : command,
    rules.length > 0 ? `[${rules.join(', ')}]` : '',
    // Decided as usual, but what the line started met no shim: worth seeing at a glance.
    entry.pathShims === 'off' ? '(PATH shims off)' : '',
  ]
    .filter((part) => part !== '')
    .join('  ');
}
