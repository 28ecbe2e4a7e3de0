import * as posixPath from 'node:path/posix';
import type { AnalysisContext } from '../context/analysisContext';
import type { Invocation } from '../shell/ir';
import { literalOutput } from '../shell/literalOutput';
import { writtenSqlFindings } from './databaseSql';
import type { Finding } from './rule';
import type { TargetResolver } from './targets';

/**
 * SQL written to a file and run from it on the same line: `printf 'DROP TABLE t;' > x.sql && psql -f
 * x.sql`, `cat > reset.sql <<EOF ... EOF; mysql app < reset.sql`. The database rule alone sees
 * only `psql -f x.sql`, a file it cannot read; here the literal text written earlier is handed to it.
 */
export function databaseFlowFindings(invocations: readonly Invocation[], context: AnalysisContext, targets: TargetResolver): Finding[] {
  const written = new Map<string, string>();
  const findings: Finding[] = [];
  for (const invocation of invocations) {
    if (written.size > 0) {
      const lookup = (file: string): string | undefined => written.get(key(file, invocation.cwd));
      findings.push(...writtenSqlFindings({ invocation, context, targets }, lookup));
    }
    const text = literalOutput(invocation) ?? teeInput(invocation);
    if (text === undefined) continue;
    for (const redirect of invocation.redirects) {
      if (redirect.op !== '>' && redirect.op !== '>>' && redirect.op !== '>|') continue;
      const file = key(redirect.target.value, invocation.cwd);
      written.set(file, redirect.op === '>>' ? `${written.get(file) ?? ''}${text}` : text);
    }
    if (invocation.name === 'tee') {
      for (const word of invocation.argv.slice(1)) if (!word.value.startsWith('-')) written.set(key(word.value, invocation.cwd), text);
    }
  }
  return findings;
}

/** `echo 'DROP TABLE t' | tee x.sql` writes the printer's text. */
function teeInput(invocation: Invocation): string | undefined {
  if (invocation.name !== 'tee') return undefined;
  const stdin = invocation.stdin;
  if (stdin?.kind === 'text') return stdin.dynamic ? undefined : stdin.text;
  return stdin?.kind === 'pipe' ? literalOutput(stdin.producer) : undefined;
}

function key(value: string, cwd: string | undefined): string {
  return cwd && !value.startsWith('/') ? posixPath.resolve(cwd, value) : posixPath.normalize(value);
}
