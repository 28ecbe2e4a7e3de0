import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Assessment } from '../core/assessment';
import type { Engine } from '../core/engine';
import { DEFAULT_DECISION_POLICY, decide } from '../core/policy/decide';
import type { DecisionPolicy, DecisionSubject } from '../core/policy/decide';
import { loadWorkspacePolicy } from '../host/policyLoader';
import { createDiskContext } from '../host/diskContext';
import { createDiskProbe } from '../host/diskProbe';
import type { AnalysisContext } from '../core/context/analysisContext';
import type { CommandIo } from './io';
import { UsageError } from './io';
import type { WorkspacePolicy } from '../host/policyLoader';

export const CHECK_USAGE = `usage: airlock check [--json] [--cwd DIR] -- <command words...>
       airlock check --jsonl < lines of {"command": "...", "cwd": "..."}
`;

interface CheckOptions {
  json: boolean;
  jsonl: boolean;
  cwd: string;
  words: string[];
}

function parseCheckArgs(args: readonly string[]): CheckOptions {
  const options: CheckOptions = { json: false, jsonl: false, cwd: process.cwd(), words: [] };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    if (arg === '--') {
      options.words = args.slice(index + 1);
      return options;
    }
    if (arg === '--json') options.json = true;
    else if (arg === '--jsonl') options.jsonl = true;
    else if (arg === '--cwd') {
      const dir = args[++index];
      if (dir === undefined) throw new UsageError('--cwd needs a directory');
      options.cwd = dir;
    } else if (arg.startsWith('--cwd=')) options.cwd = arg.slice(6);
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else {
      // Words without `--` are accepted too, as long as none looks like an option of ours.
      options.words = args.slice(index);
      return options;
    }
  }
  return options;
}

/** The JSON answer for one command, as the contract in DESIGN.md defines it, under the workspace's policy. */
export function answer(assessment: Assessment, policy: DecisionPolicy = DEFAULT_DECISION_POLICY, subject: DecisionSubject = {}): Record<string, unknown> {
  const outcome = decide(assessment, policy, subject);
  return {
    decision: outcome.decision,
    score: assessment.score,
    level: assessment.level,
    reasons: assessment.reasons,
    impact: assessment.impact,
    decidedBy: outcome.decidedBy,
    ...(outcome.confirmation !== undefined ? { confirmation: outcome.confirmation } : {}),
  };
}

export async function runCheck(args: readonly string[], io: CommandIo, stdin: Readable, loadEngine: () => Promise<Engine>): Promise<number> {
  const options = parseCheckArgs(args);
  const engine = await loadEngine();
  if (options.jsonl) return checkLines(engine, io, stdin, options.cwd);
  if (options.words.length === 0) throw new UsageError('no command given');
  const command = options.words.join(' ');
  const action = { kind: 'shell', command } as const;
  const workspace = loadWorkspacePolicy(options.cwd);
  const assessment = engine.analyze(action, createDiskContext(options.cwd, { productionMarkers: workspace.settings.productionMarkers }));
  for (const problem of workspace.problems) io.stderr.write(`airlock: ${problem}\n`);
  const result = answer(assessment, workspace.policy, { action, source: 'cli', workspaceRoot: workspace.workspaceRoot });
  if (options.json) io.stdout.write(`${JSON.stringify(result)}\n`);
  else io.stdout.write(humanReport(command, result.decision as string, assessment));
  return result.decision === 'allow' ? 0 : 2;
}

function humanReport(command: string, decision: string, assessment: Assessment): string {
  const lines = [`${decision.toUpperCase()}  ${assessment.level} ${assessment.score}  ${command.length > 120 ? `${command.slice(0, 117)}...` : command}`];
  for (const reason of assessment.reasons) lines.push(`  ${String(reason.score).padStart(3)}  ${reason.message}  [${reason.rule}]`);
  if (assessment.reasons.length === 0) lines.push('  nothing destructive found');
  return `${lines.join('\n')}\n`;
}

/** `--jsonl`: one answer per input line, in order; a bad line gets an error and a deny, and the rest still run. */
async function checkLines(engine: Engine, io: CommandIo, stdin: Readable, defaultCwd: string): Promise<number> {
  const probe = createDiskProbe();
  const contexts = new Map<string, { context: AnalysisContext; policy: WorkspacePolicy }>();
  const contextFor = (cwd: string): { context: AnalysisContext; policy: WorkspacePolicy } => {
    let found = contexts.get(cwd);
    if (!found) {
      const policy = loadWorkspacePolicy(cwd);
      found = { context: createDiskContext(cwd, { probe, productionMarkers: policy.settings.productionMarkers }), policy };
      contexts.set(cwd, found);
    }
    return found;
  };
  const lines = createInterface({ input: stdin, crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    io.stdout.write(`${JSON.stringify(checkLine(engine, line, lineNumber, defaultCwd, contextFor))}\n`);
  }
  return 0;
}

function checkLine(engine: Engine, line: string, lineNumber: number, defaultCwd: string, contextFor: (cwd: string) => { context: AnalysisContext; policy: WorkspacePolicy }): Record<string, unknown> {
  let input: unknown;
  try {
    input = JSON.parse(line);
  } catch {
    return { error: `line ${lineNumber} is not valid JSON`, decision: 'deny', line: lineNumber };
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { error: `line ${lineNumber} is not a JSON object`, decision: 'deny', line: lineNumber };
  }
  const { command, cwd } = input as { command?: unknown; cwd?: unknown };
  if (typeof command !== 'string') return { error: `line ${lineNumber} has no "command" string`, decision: 'deny', line: lineNumber };
  if (cwd !== undefined && typeof cwd !== 'string') return { error: `line ${lineNumber}: "cwd" must be a string`, decision: 'deny', command, line: lineNumber };
  try {
    const { context, policy } = contextFor(cwd ?? defaultCwd);
    const action = { kind: 'shell', command } as const;
    return { command, ...answer(engine.analyze(action, context), policy.policy, { action, source: 'cli', workspaceRoot: policy.workspaceRoot }) };
  } catch (error) {
    return { error: `line ${lineNumber} could not be assessed: ${String(error)}`, decision: 'deny', command, line: lineNumber };
  }
}
