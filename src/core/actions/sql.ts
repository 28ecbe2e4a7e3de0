import type { Finding } from '../rules/rule';

/**
 * A first reading of SQL found in tool input: the statements that destroy data. Comments and string
 * literals are blanked first so `-- DROP TABLE` or `'drop table'` in a value do not count.
 */
export function sqlFindings(text: string, origin: string): Finding[] {
  const sql = text
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:[^']|'')*'/g, "''");
  const findings: Finding[] = [];
  for (const raw of sql.split(';')) {
    const statement = raw.trim().replace(/\s+/g, ' ');
    if (statement === '') continue;
    const found = judge(statement);
    if (found) findings.push({ rule: found.rule, score: found.score, message: `${origin}: ${found.message}` });
  }
  return findings;
}

function judge(statement: string): { rule: string; score: number; message: string } | undefined {
  let match: RegExpExecArray | null;
  if ((match = /^drop (database|schema)( if exists)? ([\w."`[\]-]+)/i.exec(statement))) return { rule: 'sql.drop-database', score: 95, message: `drops the ${match[1]!.toLowerCase()} ${match[3]} and every table in it` };
  if ((match = /^drop (table|collection)( if exists)? ([\w."`[\], -]+)/i.exec(statement))) return { rule: 'sql.drop-table', score: 85, message: `drops the table ${match[3]!.trim()} with all its rows` };
  if ((match = /^truncate( table)? ([\w."`[\]-]+)/i.exec(statement))) return { rule: 'sql.truncate', score: 80, message: `empties the table ${match[2]}` };
  if ((match = /^delete from ([\w."`[\]-]+)(.*)$/i.exec(statement))) {
    return /\bwhere\b/i.test(match[2] ?? '')
      ? { rule: 'sql.delete', score: 30, message: `deletes rows from ${match[1]} matching a WHERE clause` }
      : { rule: 'sql.delete-all', score: 75, message: `deletes every row of ${match[1]} (no WHERE clause)` };
  }
  if ((match = /^update ([\w."`[\]-]+) set (.*)$/i.exec(statement)) && !/\bwhere\b/i.test(match[2] ?? '')) return { rule: 'sql.update-all', score: 60, message: `overwrites a column in every row of ${match[1]} (no WHERE clause)` };
  if ((match = /^alter table ([\w."`[\]-]+) .*\bdrop\b/i.exec(statement))) return { rule: 'sql.alter-drop', score: 65, message: `drops a column or constraint of ${match[1]} with its data` };
  if ((match = /^drop (index|view|function|trigger|sequence|type)\b/i.exec(statement))) return { rule: 'sql.drop-object', score: 40, message: `drops a database ${match[1]!.toLowerCase()}` };
  return undefined;
}

/** Text that starts like an SQL statement worth reading. */
export function looksLikeSql(text: string): boolean {
  return /^\s*(\/\*[\s\S]*?\*\/\s*|--[^\n]*\n\s*)*(drop|truncate|delete|update|alter|insert|select|with|create|begin)\b/i.test(text);
}
