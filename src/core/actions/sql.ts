import type { Finding } from '../rules/rule';
import { analyzeSql } from '../sql/classify';
import type { SqlEffect, SqlEffectKind } from '../sql/classify';

/** How bad each kind of SQL effect is when an agent's tool input carries it. */
const SCORES: Partial<Record<SqlEffectKind, { readonly score: number; readonly describe: (objects: string, effect: SqlEffect) => string }>> = {
  'drop-database': { score: 95, describe: (o) => `drops the database ${o} and every table in it` },
  'drop-schema': { score: 90, describe: (o) => `drops the schema ${o} and every table in it` },
  'drop-table': { score: 85, describe: (o) => `drops the table ${o} with all its rows` },
  truncate: { score: 80, describe: (o) => `empties the table ${o}` },
  'delete-all': { score: 75, describe: (o, e) => `deletes every row of ${o}${e.detail ? ` (${e.detail})` : ' (no WHERE clause)'}` },
  'alter-drop': { score: 65, describe: (o, e) => `drops ${e.detail ?? 'a column or constraint'} of ${o} with its data` },
  'update-all': { score: 60, describe: (o, e) => `overwrites a column in every row of ${o}${e.detail ? ` (${e.detail})` : ' (no WHERE clause)'}` },
  'grant-all': { score: 50, describe: (o) => `grants every privilege on ${o}` },
  'drop-other': { score: 40, describe: (o) => `drops the database object ${o}` },
  delete: { score: 30, describe: (o) => `deletes rows from ${o} matching a WHERE clause` },
};

/**
 * SQL found in tool input, read by the engine's SQL parser (the one the database rules use): drops,
 * truncations, deletes and updates that hit every row. Reads and bounded writes score nothing.
 */
export function sqlFindings(text: string, origin: string): Finding[] {
  const findings: Finding[] = [];
  for (const effect of analyzeSql(text, 'postgresql').effects) {
    const scored = SCORES[effect.kind];
    if (!scored) continue;
    const objects = effect.objects.length > 0 ? effect.objects.slice(0, 3).join(', ') : 'a table';
    findings.push({ rule: `sql.${effect.kind}`, score: scored.score, message: `${origin}: ${scored.describe(objects, effect)}` });
  }
  return findings;
}

/** Text that starts like an SQL statement worth reading. */
export function looksLikeSql(text: string): boolean {
  return /^\s*(\/\*[\s\S]*?\*\/\s*|--[^\n]*\n\s*)*(drop|truncate|delete|update|alter|insert|select|with|create|begin|grant)\b/i.test(text);
}
