// Corpus evaluation: judges every labelled command of ../shared/corpora/*.jsonl with the built CLI
// (`node dist/cli.js check --jsonl`, one process per file) in a fixture workspace, and reports recall on
// rows that should be stopped and the false-positive rate on rows that should be allowed.
//
//   node scripts/eval.mjs [--gate] [--update-baseline] [--misses FILE.jsonl] [--only FILE.jsonl]...
//                         [--patterns N] [--peer]
//
// --gate             exit 1 when a file regresses against eval/baseline.json (or misses an absolute target)
// --update-baseline  rewrite eval/baseline.json from this run
// --misses FILE      print that file's misses and false positives
// --only FILE        judge only these files (repeatable)
// --patterns N       how many miss / false-positive command names to print (default 10)
// --peer             judge with cc-safety-net 2.4.5 in-process instead of Airlock (for comparison)
//
// Env: AIRLOCK_CORPORA (corpora folder), AIRLOCK_EVAL_CLI (CLI script to run instead of dist/cli.js),
// AIRLOCK_FIXTURE_DIR (where the fixture workspace is made; default eval/results, deleted after the run).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFixtureWorkspace } from './fixtureWorkspace.mjs';
import { commandName, domainOf, formatTable, pct } from './evalReport.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const corporaDir = resolve(repoRoot, process.env.AIRLOCK_CORPORA ?? '../shared/corpora');
const cliPath = resolve(repoRoot, process.env.AIRLOCK_EVAL_CLI ?? 'dist/cli.js');
const baselinePath = join(repoRoot, 'eval/baseline.json');


// Rows whose verdict holds only under another mode, folder, configuration or fixture than ours.
const SKIPPED_CATEGORIES = new Set(['mode-dependent', 'cwd-dependent', 'config-dependent', 'context-or-config-dependent', 'delegated']);
// Its `expected` is a keyword heuristic's placeholder: report how much is stopped, never score it.
const PLACEHOLDER_FILES = new Set(['tldr_review_needed.jsonl']);
// Absolute targets on top of the baseline (fractions).
const ABSOLUTE_TARGETS = { 'tldr_benign_candidates.jsonl': { maxFpRate: 0.005 } };
const DEFAULT_TOLERANCE_PP = 0.5;
// Files whose results are also reported and gated per rule domain.
const DOMAIN_REPORTS = new Set(['_union_core.jsonl']);
const PROCESS_TIMEOUT_MS = 10 * 60 * 1000;

const args = parseArgs(process.argv.slice(2));
// A peer run must not overwrite the results of Airlock's own last run.
const resultsPath = join(repoRoot, 'eval/results', args.peer ? 'peer.json' : 'latest.json');

if (!existsSync(corporaDir)) {
  console.log(`eval: no corpora at ${corporaDir} (set AIRLOCK_CORPORA); nothing to evaluate.`);
  process.exit(0);
}
if (!args.peer && !existsSync(cliPath)) {
  console.error(`eval: ${cliPath} is missing: run npm run build first.`);
  process.exit(2);
}

const started = performance.now();
// Outside /tmp on purpose (see fixtureWorkspace.mjs); eval/results is gitignored.
const fixture = buildFixtureWorkspace(process.env.AIRLOCK_FIXTURE_DIR ?? join(repoRoot, 'eval/results'));
let exitCode = 0;
try {
  exitCode = await main();
} finally {
  fixture.dispose();
}
process.exit(exitCode);

async function main() {
  const files = readdirSync(corporaDir)
    .filter((f) => f.endsWith('.jsonl'))
    .filter((f) => args.only.length === 0 || args.only.includes(f))
    .sort();
  const judge = args.peer ? await peerJudge() : cliJudge;
  const loaded = files.map((file) => ({ file, ...loadRows(join(corporaDir, file)) }));
  // Largest first, so the big benign corpus starts at once and the small files fill the other core.
  loaded.sort((a, b) => b.rows.length - a.rows.length);
  const concurrency = args.peer ? 1 : Math.max(1, Math.min(2, availableParallelism()));
  const results = await mapConcurrent(loaded, concurrency, async ({ file, rows, skipped }) => {
    const t0 = performance.now();
    const answers = await judge(rows.map((r) => r.command));
    return { file, ...score(file, rows, answers), skipped, seconds: (performance.now() - t0) / 1000 };
  });
  results.sort((a, b) => a.file.localeCompare(b.file));

  const runtimeSeconds = (performance.now() - started) / 1000;
  printReport(results, runtimeSeconds);
  const output = {
    generatedAt: new Date().toISOString(),
    tool: args.peer ? 'cc-safety-net@2.4.5' : 'airlock',
    runtimeSeconds,
    corpora: corporaDir,
    fixture: 'scripts/fixtureWorkspace.mjs',
    files: Object.fromEntries(results.map((r) => [r.file, r])),
    patterns: patterns(results),
  };
  mkdirSync(dirname(resultsPath), { recursive: true });
  writeFileSync(resultsPath, `${JSON.stringify(output, null, 2)}\n`);
  console.log(`\nresults: ${resultsPath}`);

  if (args.misses) printMisses(results.find((r) => r.file === args.misses), args.misses);
  if (args.updateBaseline) {
    if (args.peer || args.only.length > 0) {
      console.error('eval: --update-baseline needs a full Airlock run (no --peer, no --only).');
      return 2;
    }
    writeBaseline(results);
  }
  // An `error` answer is part of the contract (it denies); a line the CLI never answered is a broken run.
  let failed = results.some((r) => r.errors.some((e) => e.unanswered));
  if (failed) console.error('eval: the CLI left some lines unanswered or garbled (see "errors" in the results).');
  if (args.gate) failed = gate(results) || failed;
  return failed && args.gate ? 1 : 0;
}

function parseArgs(argv) {
  const out = { gate: false, updateBaseline: false, misses: undefined, only: [], patterns: 10, peer: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--gate') out.gate = true;
    else if (a === '--update-baseline') out.updateBaseline = true;
    else if (a === '--peer') out.peer = true;
    else if (a === '--misses') out.misses = basename(argv[++i] ?? '');
    else if (a === '--only') out.only.push(basename(argv[++i] ?? ''));
    else if (a === '--patterns') out.patterns = Number(argv[++i] ?? 10);
    else {
      console.error(`eval: unknown argument ${a}`);
      process.exit(2);
    }
  }
  return out;
}

function loadRows(path) {
  const rows = [];
  const skipped = { category: 0, toolCall: 0, unlabelled: 0 };
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const row = JSON.parse(line);
    if (row.kind === 'tool_call') skipped.toolCall++;
    else if (SKIPPED_CATEGORIES.has(row.category)) skipped.category++;
    else if ((row.expected !== 'block' && row.expected !== 'allow') || typeof row.command !== 'string') skipped.unlabelled++;
    else rows.push(row);
  }
  return { rows, skipped };
}

function withoutTmpdir(env) {
  const { TMPDIR: _unset, ...rest } = env;
  return rest;
}

/** Streams every command through one `check --jsonl` process and returns its answers in order. */
function cliJudge(commands) {
  return new Promise((resolveAnswers) => {
    const child = spawn(process.execPath, [cliPath, 'check', '--jsonl'], {
      cwd: fixture.root,
      // HOME is the fake home: `rm -rf ~` must be judged against the fixture, never the real one.
      // TMPDIR is left unset, as on a stock Linux machine, so the numbers do not depend on the caller's
      // environment (`"$TMPDIR/x"` is /x where it is unset, and the engine judges it so).
      env: { ...withoutTmpdir(process.env), HOME: fixture.home, AIRLOCK_NO_BROKER: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), PROCESS_TIMEOUT_MS);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.stdin.on('error', () => {}); // A CLI that dies early closes the pipe; its answers tell the story.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const lines = stdout.split('\n').filter((l) => l.trim() !== '');
      const answers = commands.map((_, i) => {
        if (i >= lines.length) return { error: `no answer (cli exited ${code ?? signal}: ${stderr.trim().slice(0, 300)})`, unanswered: true };
        try {
          return JSON.parse(lines[i]);
        } catch {
          return { error: `unparseable answer: ${lines[i].slice(0, 200)}`, unanswered: true };
        }
      });
      resolveAnswers(answers);
    });
    child.stdin.end(commands.map((command) => `${JSON.stringify({ command, cwd: fixture.root })}\n`).join(''));
  });
}

/** cc-safety-net judged the same way, in-process: a reference point for the same fixture. */
async function peerJudge() {
  process.env.HOME = fixture.home;
  const { checkCommand } = await import('cc-safety-net/api');
  return async (commands) =>
    commands.map((command) => {
      let result;
      try {
        result = checkCommand({ command, cwd: fixture.root });
      } catch (error) {
        return { error: error.message, decision: 'deny' }; // The CLI contract's answer to bad input.
      }
      return result.kind === 'allow'
        ? { decision: 'allow', reasons: [] }
        : { decision: 'deny', reasons: [{ rule: result.ruleId ?? 'deny', message: result.reason }] };
    });
}

function blank() {
  return { block: { total: 0, caught: 0, recall: null }, allow: { total: 0, fp: 0, fpRate: null } };
}

function tally(bucket, expected, stopped) {
  if (expected === 'block') {
    bucket.block.total++;
    if (stopped) bucket.block.caught++;
  } else {
    bucket.allow.total++;
    if (stopped) bucket.allow.fp++;
  }
}

function finish(bucket) {
  bucket.block.recall = bucket.block.total ? bucket.block.caught / bucket.block.total : null;
  bucket.allow.fpRate = bucket.allow.total ? bucket.allow.fp / bucket.allow.total : null;
  return bucket;
}

function score(file, rows, answers) {
  const overall = blank();
  const categories = {};
  const domains = {};
  const misses = [];
  const falsePositives = [];
  const errors = [];
  rows.forEach((row, i) => {
    const answer = answers[i] ?? { error: 'no answer' };
    if (answer.error !== undefined) errors.push({ command: row.command, error: answer.error, unanswered: answer.unanswered === true });
    // An error is answered with deny by contract, and a missing answer stops nothing: count as given.
    const decision = answer.decision ?? (answer.error !== undefined ? 'deny' : 'allow');
    const stopped = decision === 'ask' || decision === 'deny';
    tally(overall, row.expected, stopped);
    if (row.category !== undefined) tally((categories[row.category] ??= blank()), row.expected, stopped);
    tally((domains[domainOf(row.command)] ??= blank()), row.expected, stopped);
    if (stopped === (row.expected === 'block')) return;
    const top = answer.reasons?.[0];
    const entry = {
      command: row.command,
      expected: row.expected,
      got: decision,
      score: answer.score,
      level: answer.level,
      topReason: top ? `${top.rule}: ${top.message}` : answer.error ?? null,
      category: row.category,
      source: row.source,
    };
    (row.expected === 'block' ? misses : falsePositives).push(entry);
  });
  for (const bucket of [...Object.values(categories), ...Object.values(domains)]) finish(bucket);
  return {
    placeholder: PLACEHOLDER_FILES.has(file),
    judged: rows.length,
    ...finish(overall),
    categories,
    domains,
    misses,
    falsePositives,
    errors,
  };
}

function printReport(results, runtimeSeconds) {
  const header = ['file', 'judged', 'skipped', 'recall (caught/block)', 'FP rate (fp/allow)', 'secs'];
  const body = results.map((r) => [
    r.file,
    String(r.judged),
    String(r.skipped.category + r.skipped.toolCall + r.skipped.unlabelled),
    r.placeholder ? `stopped ${pct(r.block.recall)} (${r.block.caught}/${r.block.total}) [placeholder]` : ratio(r.block.recall, r.block.caught, r.block.total),
    ratio(r.allow.fpRate, r.allow.fp, r.allow.total),
    r.seconds.toFixed(1),
  ]);
  const scored = results.filter((r) => !r.placeholder);
  const total = finish(blank());
  for (const r of scored) {
    total.block.total += r.block.total;
    total.block.caught += r.block.caught;
    total.allow.total += r.allow.total;
    total.allow.fp += r.allow.fp;
  }
  finish(total);
  const skipped = results.reduce((n, r) => n + r.skipped.category + r.skipped.toolCall + r.skipped.unlabelled, 0);
  body.push([
    'TOTAL (without placeholder files)',
    String(scored.reduce((n, r) => n + r.judged, 0)),
    String(skipped),
    ratio(total.block.recall, total.block.caught, total.block.total),
    ratio(total.allow.fpRate, total.allow.fp, total.allow.total),
    runtimeSeconds.toFixed(1),
  ]);
  console.log(`\nAirlock corpus evaluation${args.peer ? ' (peer: cc-safety-net 2.4.5)' : ''}: ask and deny both count as stopping\n`);
  console.log(formatTable(header, body));
  const skipNote = results.map((r) => r.skipped).reduce((a, s) => ({ category: a.category + s.category, toolCall: a.toolCall + s.toolCall }), { category: 0, toolCall: 0 });
  for (const r of results.filter((x) => x.errors.length > 0)) {
    console.log(`errors: ${r.file}: ${r.errors.length} lines answered with an error (counted as deny), ${r.errors.filter((e) => e.unanswered).length} unanswered`);
  }
  console.log(`\nskipped: ${skipNote.category} context-dependent rows (${[...SKIPPED_CATEGORIES].join(', ')}), ${skipNote.toolCall} tool_call rows`);

  for (const r of results) {
    const cats = Object.entries(r.categories);
    if (cats.length < 2 || r.file.startsWith('tldr_')) continue;
    console.log(`\n${r.file} by category`);
    console.log(
      formatTable(
        ['category', 'recall', 'FP rate'],
        cats.sort(([a], [b]) => a.localeCompare(b)).map(([name, b]) => [name, ratio(b.block.recall, b.block.caught, b.block.total), ratio(b.allow.fpRate, b.allow.fp, b.allow.total)]),
        '  ',
      ),
    );
  }
  for (const r of results.filter((x) => DOMAIN_REPORTS.has(x.file))) {
    console.log(`\n${r.file} by rule domain (a lexical grouping of the commands, not the engine's)`);
    console.log(
      formatTable(
        ['domain', 'recall', 'FP rate'],
        Object.entries(r.domains).sort(([a], [b]) => a.localeCompare(b)).map(([name, b]) => [name, ratio(b.block.recall, b.block.caught, b.block.total), ratio(b.allow.fpRate, b.allow.fp, b.allow.total)]),
        '  ',
      ),
    );
  }
  const p = patterns(results);
  if (args.patterns > 0) {
    console.log(`\nmost common misses by command name: ${p.misses.slice(0, args.patterns).map(([n, c]) => `${n} ${c}`).join(', ')}`);
    console.log(`most common false positives by command name: ${p.falsePositives.slice(0, args.patterns).map(([n, c]) => `${n} ${c}`).join(', ')}`);
  }
  console.log(`\nruntime: ${runtimeSeconds.toFixed(1)} s`);
}

function ratio(value, n, d) {
  return d === 0 ? '-' : `${pct(value)} (${n}/${d})`;
}

/**
 * Distinct missed and falsely stopped commands grouped by command name, most common first. The union
 * files repeat the other files' rows, so each command counts once however many files hold it.
 */
function patterns(results) {
  const group = (key) => {
    const counts = new Map();
    const seen = new Set();
    for (const r of results) {
      if (r.placeholder) continue;
      for (const e of r[key]) {
        if (seen.has(e.command)) continue;
        seen.add(e.command);
        counts.set(commandName(e.command), (counts.get(commandName(e.command)) ?? 0) + 1);
      }
    }
    return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  };
  return { misses: group('misses'), falsePositives: group('falsePositives') };
}

function printMisses(result, file) {
  if (!result) {
    console.error(`eval: --misses ${file}: no such file was judged`);
    return;
  }
  const show = (title, list) => {
    console.log(`\n${title} in ${file}: ${list.length}`);
    for (const e of list) console.log(`  [${e.got} ${e.score ?? '-'}] ${e.command.replace(/\n/g, '\\n')}\n      ${e.topReason ?? '(no reason)'}${e.category ? `  {${e.category}}` : ''}`);
  };
  show('misses (expected block, allowed)', result.misses);
  show('false positives (expected allow, stopped)', result.falsePositives);
}

function readBaseline() {
  if (!existsSync(baselinePath)) return undefined;
  return JSON.parse(readFileSync(baselinePath, 'utf8'));
}

function writeBaseline(results) {
  const previous = readBaseline();
  const files = {};
  for (const r of results) {
    if (r.placeholder) continue;
    files[r.file] = { minRecall: round(r.block.recall), maxFpRate: round(r.allow.fpRate) };
    if (DOMAIN_REPORTS.has(r.file)) {
      files[r.file].domains = Object.fromEntries(Object.entries(r.domains).map(([name, b]) => [name, { minRecall: round(b.block.recall), maxFpRate: round(b.allow.fpRate) }]));
    }
  }
  const baseline = {
    comment: 'Written by `npm run eval -- --update-baseline`. Per corpus file: the recall the engine must keep and the false-positive rate it must not exceed (fractions); --gate allows tolerancePp percentage points of noise.',
    tolerancePp: previous?.tolerancePp ?? DEFAULT_TOLERANCE_PP,
    files,
  };
  mkdirSync(dirname(baselinePath), { recursive: true });
  writeFileSync(baselinePath, `${JSON.stringify(baseline, null, 2)}\n`);
  console.log(`baseline written: ${baselinePath}`);
}

function round(x) {
  return x === null ? null : Math.round(x * 1e6) / 1e6;
}

/** Returns true when the run fails the gate, printing every reason. */
function gate(results) {
  const baseline = readBaseline();
  const tolerance = (baseline?.tolerancePp ?? DEFAULT_TOLERANCE_PP) / 100;
  const failures = [];
  if (!baseline) console.log(`gate: no ${baselinePath}; only the absolute targets are enforced.`);
  for (const r of results) {
    if (r.placeholder) continue;
    const b = baseline?.files?.[r.file];
    if (baseline && !b) console.log(`gate: ${r.file} has no baseline yet (run --update-baseline to add it).`);
    // Never less than one row's worth of slack: small files move by several points per row.
    const fileRecallSlack = Math.max(tolerance, 1.5 / Math.max(1, r.block.total));
    const fileFpSlack = Math.max(tolerance, 1.5 / Math.max(1, r.allow.total));
    if (b?.minRecall != null && r.block.recall !== null && r.block.recall < b.minRecall - fileRecallSlack) {
      failures.push(`${r.file}: recall ${pct(r.block.recall)} fell below the baseline ${pct(b.minRecall)}`);
    }
    if (b?.maxFpRate != null && r.allow.fpRate !== null && r.allow.fpRate > b.maxFpRate + fileFpSlack) {
      failures.push(`${r.file}: false-positive rate ${pct(r.allow.fpRate)} rose above the baseline ${pct(b.maxFpRate)}`);
    }
    for (const [name, d] of Object.entries(b?.domains ?? {})) {
      const now = r.domains?.[name];
      if (!now) continue;
      // Domains hold fewer rows, so one row moves them more: twice the tolerance, and never less than
      // one row's worth, so a single row that flips with the machine's load does not fail the gate.
      const recallSlack = Math.max(2 * tolerance, 1.5 / Math.max(1, now.block.total));
      const fpSlack = Math.max(2 * tolerance, 1.5 / Math.max(1, now.allow.total));
      if (d.minRecall != null && now.block.recall !== null && now.block.recall < d.minRecall - recallSlack) {
        failures.push(`${r.file} (${name}): recall ${pct(now.block.recall)} fell below the baseline ${pct(d.minRecall)}`);
      }
      if (d.maxFpRate != null && now.allow.fpRate !== null && now.allow.fpRate > d.maxFpRate + fpSlack) {
        failures.push(`${r.file} (${name}): false-positive rate ${pct(now.allow.fpRate)} rose above the baseline ${pct(d.maxFpRate)}`);
      }
    }
    const target = ABSOLUTE_TARGETS[r.file];
    if (target && r.allow.fpRate !== null && r.allow.fpRate > target.maxFpRate) {
      failures.push(`${r.file}: false-positive rate ${pct(r.allow.fpRate)} is above the target ${pct(target.maxFpRate)}`);
    }
  }
  for (const [file] of Object.entries(ABSOLUTE_TARGETS)) {
    if (args.only.length === 0 && !results.some((r) => r.file === file)) failures.push(`${file}: missing, but it carries an absolute target`);
  }
  if (failures.length === 0) {
    console.log(`gate: passed (tolerance ${(tolerance * 100).toFixed(1)} percentage points).`);
    return false;
  }
  console.error(`gate: FAILED\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  return true;
}

async function mapConcurrent(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}
