import type { AnalysisContext } from '../context/analysisContext';
import type { Finding } from '../rules/rule';
import type { ShellAssess } from './assess';
import { shellFindings } from './assess';
import { looksLikeSql, sqlFindings } from './sql';

const SHELL_KEYS = /^(command|cmd|commandline|command_line|script|shell|bash|sh|run|exec)$/i;
const SQL_KEYS = /^(sql|query|statement|statements|sqlquery|sql_query)$/i;
const DESTRUCTIVE_GRAPHQL = /\bmutation\b[\s\S]*?\b\w*(delete|destroy|drop|remove|purge|wipe|truncate)\w*\s*\(/i;
const MAX_STRINGS = 200;
const MAX_DEPTH = 8;

/**
 * Scores whatever a tool's input carries, whoever the tool is: shell text under command-like keys
 * goes through the shell analyzer, SQL through the SQL reading, GraphQL mutations that delete are
 * flagged. Bounded in depth and in the number of strings read.
 */
export function inputFindings(input: unknown, context: AnalysisContext, cwd: string, shell: ShellAssess, origin: string): Finding[] {
  const findings: Finding[] = [];
  let strings = 0;
  const visit = (value: unknown, key: string, depth: number): void => {
    if (strings >= MAX_STRINGS || depth > MAX_DEPTH) return;
    if (typeof value === 'string') {
      strings++;
      findings.push(...stringFindings(value, key, cwd, shell, origin));
      return;
    }
    if (Array.isArray(value)) {
      // An argv array under a command key is a command line.
      if (SHELL_KEYS.test(key) && value.every((item) => typeof item === 'string')) {
        strings++;
        findings.push(...shellFindings(shell((value as string[]).map(quote).join(' '), cwd), `${origin} runs`));
        return;
      }
      for (const item of value) visit(item, key, depth + 1);
      return;
    }
    if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value as Record<string, unknown>)) visit(v, k, depth + 1);
  };
  visit(input, '', 0);
  if (strings >= MAX_STRINGS) findings.push({ rule: 'tool.input-large', score: 20, message: `${origin}: the input is too large to read whole; Airlock read the first ${MAX_STRINGS} values` });
  void context;
  return findings;
}

function stringFindings(value: string, key: string, cwd: string, shell: ShellAssess, origin: string): Finding[] {
  const findings: Finding[] = [];
  if (SHELL_KEYS.test(key)) findings.push(...shellFindings(shell(value, cwd), `${origin} runs`));
  if (SQL_KEYS.test(key) || looksLikeSql(value)) findings.push(...sqlFindings(value, `${origin} runs SQL that`));
  if (DESTRUCTIVE_GRAPHQL.test(value)) findings.push({ rule: 'tool.graphql-delete', score: 75, message: `${origin} sends a GraphQL mutation that deletes: ${value.slice(0, 120)}` });
  return findings;
}

function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
