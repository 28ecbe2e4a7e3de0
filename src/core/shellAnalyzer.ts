import type { Assessment, PathImpact, Reason, ResourceImpact } from './assessment';
import { levelOf } from './assessment';
import type { AnalysisContext } from './context/analysisContext';
import { signalFindings } from './rules/dynamicCodePack';
import { databaseFlowFindings } from './rules/databaseFlows';
import { flowFindings } from './rules/flows';
import { secretFlowFindings } from './rules/secretFlows';
import type { RuleIndex } from './rules/packs';
import type { Finding } from './rules/rule';
import { TargetResolver } from './rules/targets';
import { tamperSignals } from './rules/tamperPack';
import { ParseBudgetExceeded, ParserNotLoaded } from './shell/bashParser';
import type { ShellParser } from './shell/bashParser';
import { ExtractionRun, DEFAULT_LIMITS } from './shell/extract';
import { lenientCommands } from './shell/fallback';
import type { Invocation, Word } from './shell/ir';
import { literalWord } from './shell/ir';
import { plainLine } from './shell/plainLine';
import { Scope } from './shell/scope';
import type { Signal } from './shell/signals';

/** Longer lines are not parsed: no agent writes one by hand, and parsing must stay bounded. */
export const MAX_COMMAND_LENGTH = 256 * 1024;
const MAX_REASONS = 20;
const MAX_MESSAGE = 300;
const HELP_FLAGS = new Set(['--help', '--version', '-help', '--usage']);
const DRY_RUN = /^(--dry-?run(=(client|server|true|all))?|--dryrun|--what-if|--noop|--simulate|--check)$/i;

/** Assesses one shell command line: parse, extract programs, run the rules, and sum up. */
export class ShellAnalyzer {
  constructor(
    private readonly parser: ShellParser,
    private readonly rules: RuleIndex,
    /** Off only in test/unit/plainLine.test.ts, which compares both paths on every corpus line. */
    private readonly plainLines = true,
  ) {}

  analyze(command: string, cwd: string, context: AnalysisContext): Assessment {
    const guard = inputProblem(command);
    if (guard) return summarize(guard, []);
    if (command.trim() === '') return summarize([], []);
    try {
      return this.analyzeParsed(command, cwd, context);
    } catch (error) {
      // Not a problem with the line: the deferred engine starts the parser and asks again.
      if (error instanceof ParserNotLoaded) throw error;
      // Whatever went wrong, a line Airlock could not judge is not let through quietly.
      const budget = error instanceof ParseBudgetExceeded;
      return summarize([{
        rule: budget ? 'dynamic.limit.size' : 'engine.error',
        score: 70,
        message: budget ? `the command is too large to parse in time (${command.length} characters); Airlock does not guess` : `Airlock could not analyze this command (${error instanceof Error ? error.message : String(error)}); it is not allowed unseen`,
      }], []);
    }
  }

  private analyzeParsed(command: string, cwd: string, context: AnalysisContext): Assessment {
    const scope = Scope.root(cwd, knownVariables(context, cwd));
    const run = new ExtractionRun(this.parser, DEFAULT_LIMITS);
    const plain = this.plainLines ? plainLine(command) : undefined;
    // A plain line is one simple command of literal words: what the walker does with its single
    // command node (ExtractionRun.command: no assignments, redirects, input or variables to vary) is
    // this call. Wrappers found in it (`bash -c ls`, `ssh host ls`) still parse their payloads.
    if (plain) run.run(plain.words.map(literalWord), new Map(), [], scope, { via: [], depth: 0 }, plain.text);
    else run.script(command, scope, { via: [], depth: 0 });
    const signals: readonly Signal[] = run.signals;
    if (signals.some((signal) => signal.kind === 'unparsed')) {
      // Also judge what the broken text was trying to do, as a person would read it.
      const lenient = Scope.root(cwd, knownVariables(context, cwd));
      for (const words of lenientCommands(command)) run.run(words.map(literalWord), new Map(), [], lenient, { via: ['unparsed text'], depth: 1 }, words.join(' '));
    }

    const targets = new TargetResolver(context);
    const findings: Finding[] = [...signalFindings(signals, context), ...tamperSignals(signals), ...flowFindings(run.invocations), ...secretFlowFindings(run.invocations)];
    findings.push(...databaseFlowFindings(run.invocations, context, targets));
    for (const invocation of run.invocations) findings.push(...this.judge(invocation, context, targets));
    return summarize(findings, signals);
  }

  private judge(invocation: Invocation, context: AnalysisContext, targets: TargetResolver): Finding[] {
    const args = invocation.argv.slice(1).map((word) => word.value);
    if (asksForHelp(args)) return [];
    const findings: Finding[] = [];
    for (const rule of this.rules.rulesFor(invocation.name)) {
      const found = rule.check({ invocation, context, targets });
      if (found === undefined) continue;
      if (Array.isArray(found)) findings.push(...(found as Finding[]));
      else findings.push(found as Finding);
    }
    const dryRun = args.some((arg) => DRY_RUN.test(arg));
    return findings.map((finding) => {
      const placed = invocation.remote !== undefined && !finding.message.includes(invocation.remote) ? { ...finding, message: `${finding.message} (on ${invocation.remote})` } : finding;
      if (!dryRun || finding.rule.startsWith('tamper.')) return placed;
      return { ...placed, score: Math.min(placed.score, 5), message: `dry run only: ${placed.message}` };
    });
  }
}

/**
 * `rm --help` prints help and does nothing else. Only a help flag that stands first or last counts:
 * `git restore --source --help x` passes `--help` as a value, and `find / -name --help -delete` deletes.
 */
function asksForHelp(args: readonly string[]): boolean {
  if (args.length === 1 && args[0] === '-h') return true;
  const first = args[0];
  const last = args[args.length - 1];
  const beforeLast = args[args.length - 2] ?? '';
  if (first !== undefined && HELP_FLAGS.has(first)) return true;
  if (last === undefined || !HELP_FLAGS.has(last) || args.includes('--')) return false;
  // After an option, `--help` may be that option's value; after a subcommand word it asks for help.
  return !beforeLast.startsWith('-') || args.length === 2;
}

function knownVariables(context: AnalysisContext, cwd: string): Map<string, Word> {
  const variables = new Map<string, Word>([
    ['HOME', literalWord(context.home)],
    ['PWD', literalWord(cwd)],
    ['IFS', literalWord(' \t\n')],
  ]);
  // `$TMPDIR` is known only where it is set. Tools such as mktemp fall back to /tmp when it is unset,
  // but the shell does not: `rm -rf "$TMPDIR/foo"` then deletes `/foo`. Unset, it stays a value known
  // only when the command runs (`${TMPDIR:-/tmp}` still reads as the temporary folder).
  if (context.env.TMPDIR) variables.set('TMPDIR', literalWord(context.env.TMPDIR));
  // `$SHELL -c '...'` is a shell, whichever.
  variables.set('SHELL', literalWord(context.env.SHELL || '/bin/sh'));
  return variables;
}

function inputProblem(command: string): Finding[] | undefined {
  if (command.length > MAX_COMMAND_LENGTH) {
    return [{ rule: 'dynamic.limit.size', score: 70, message: `the command is ${command.length} characters long, over Airlock's ${MAX_COMMAND_LENGTH} limit; Airlock does not guess` }];
  }
  // Real command lines hold no NUL and few control characters; binary data is not a command.
  const controls = command.match(/[\x00-\x08\x0e-\x1f\x7f]/g)?.length ?? 0;
  if (command.includes('\0') || controls > 8) {
    return [{ rule: 'dynamic.limit.binary', score: 60, message: 'the command holds binary data (control characters), which no shell line needs' }];
  }
  return undefined;
}

function summarize(findings: readonly Finding[], _signals: readonly Signal[]): Assessment {
  const seen = new Set<string>();
  const reasons: Reason[] = [];
  const paths = new Map<string, PathImpact>();
  const resources = new Map<string, ResourceImpact>();
  const sorted = [...findings].sort((a, b) => b.score - a.score);
  for (const finding of sorted) {
    const key = `${finding.rule}\u0000${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (reasons.length < MAX_REASONS && finding.score > 0) reasons.push({ rule: finding.rule, score: finding.score, message: clip(finding.message) });
    if (finding.score >= 20) for (const path of finding.paths ?? []) if (!paths.has(path.path)) paths.set(path.path, path);
    if (finding.score >= 20) {
      for (const resource of finding.resources ?? []) {
        const id = `${resource.provider ?? ''}\u0000${resource.kind}\u0000${resource.name}`;
        if (!resources.has(id)) resources.set(id, resource);
      }
    }
  }
  const score = Math.max(0, Math.min(100, sorted[0]?.score ?? 0));
  const impactPaths = [...paths.values()];
  const total = (pick: (path: PathImpact) => number): number => impactPaths.reduce((sum, path) => sum + pick(path), 0);
  return {
    score,
    level: levelOf(score),
    reasons,
    impact: {
      summary: score >= 20 && reasons[0] ? capitalize(reasons[0].message) : 'Nothing destructive found.',
      paths: impactPaths,
      files: total((path) => path.files),
      bytes: total((path) => path.bytes),
      untracked: total((path) => path.untracked),
      modified: total((path) => path.modified),
      ...(resources.size > 0 ? { resources: [...resources.values()] } : {}),
    },
  };
}

/** Reasons quote the command; a megabyte of it helps nobody decide. */
function clip(message: string): string {
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
