// Which bash parser should the engine use? Measures each npm candidate on the same commands, every
// `command` of every corpus *.jsonl (deduplicated), against bash's own verdict on their syntax:
//
//   web-tree-sitter + tree-sitter-bash   (what src/core/shell/bashParser.ts uses)
//   sh-syntax                            (mvdan/sh compiled to WebAssembly with TinyGo)
//   mvdan-sh                             (mvdan/sh compiled to JavaScript with GopherJS)
//   bash-parser                          (hand-written JavaScript parser)
//
//   npm run bench:parsers          (node bench/parsers.mjs)
//
// Env: AIRLOCK_CORPORA (corpora folder, default ../shared/corpora from the repo root).
// Writes bench/results/parsers.json; caches bash's verdicts in bench/results/bash-syntax.json (gitignored).
//
// SAFETY: corpus commands include `rm -rf /` and worse. None is ever executed. The parsers only parse,
// and bash only sees a command as the argument of `bash -n -c --` (noexec: read and parse, never run),
// spawned without a shell, with HOME, PATH and the working directory pointing at empty temp folders.
// A canary checks that `-n` really stops execution before any corpus command is handed over.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(repoRoot, 'package.json'));
const corporaDir = resolve(repoRoot, process.env.AIRLOCK_CORPORA ?? '../shared/corpora');
const resultsDir = join(repoRoot, 'bench/results');
const BASH_TIMEOUT_MS = 10_000;
const EXAMPLES = 5;
// The package's own sh-syntax `parse()` recompiles its WebAssembly on every call; timing it on a sample
// is enough to show what it costs.
const SH_SYNTAX_SHIPPED_SAMPLE = 100;

if (!existsSync(corporaDir)) {
  console.log(`bench:parsers: no corpora at ${corporaDir} (set AIRLOCK_CORPORA); nothing to measure.`);
  process.exit(0);
}
mkdirSync(resultsDir, { recursive: true });

const commands = loadCommands(corporaDir);
console.log(`${commands.length} distinct commands from ${corporaDir}`);

const truth = await bashVerdicts(commands);
const results = [];
for (const candidate of candidates()) results.push(await measure(candidate, commands, truth));
printTable(results, truth);
writeFileSync(
  join(resultsDir, 'parsers.json'),
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, platform: process.platform },
      corpora: corporaDir,
      commands: commands.length,
      bash: truth.summary,
      parsers: results,
    },
    null,
    2,
  )}\n`,
);
console.log(`\nwrote ${join(resultsDir, 'parsers.json')}`);

// ---------------------------------------------------------------------------------------------------
// Corpus

function loadCommands(dir) {
  const seen = new Set();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort()) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let row;
      try {
        row = JSON.parse(line);
      } catch {
        continue; // a broken line is the corpus's problem, not the parsers'
      }
      if (typeof row.command === 'string') seen.add(row.command);
    }
  }
  return [...seen];
}

// ---------------------------------------------------------------------------------------------------
// Ground truth: does bash itself accept the syntax?

/** bash's verdict per command: 'ok', 'error' (syntax error) or 'unknown' (timeout, NUL byte...). */
async function bashVerdicts(all) {
  const cachePath = join(resultsDir, 'bash-syntax.json');
  const version = spawnSync('bash', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
  let cache = { bashVersion: version, verdicts: {} };
  if (existsSync(cachePath)) {
    const stored = JSON.parse(readFileSync(cachePath, 'utf8'));
    // Another bash may draw the line elsewhere; its verdicts are not ours.
    if (stored.bashVersion === version) cache = stored;
  }
  const missing = all.filter((c) => !(c in cache.verdicts));

  if (missing.length > 0) {
    const started = process.hrtime.bigint();
    const fresh = await runBashSyntaxChecks(missing);
    const spent = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`bash -n: checked ${missing.length} commands in ${spent.toFixed(1)} s`);
    Object.assign(cache.verdicts, fresh);
    // Seconds per command, so a partly cached run still reports what a full check costs.
    cache.secondsPerCommand =
      ((cache.secondsPerCommand ?? 0) * (Object.keys(cache.verdicts).length - missing.length) + spent) /
      Object.keys(cache.verdicts).length;
    writeFileSync(cachePath, JSON.stringify(cache));
  } else {
    console.log(`bash -n: all verdicts cached in ${cachePath}`);
  }
  const seconds = (cache.secondsPerCommand ?? 0) * all.length;
  const verdict = new Map(all.map((c) => [c, cache.verdicts[c]]));
  const count = (v) => all.filter((c) => verdict.get(c).v === v).length;
  return {
    get: (c) => verdict.get(c),
    summary: {
      version,
      accepted: count('ok'),
      rejected: count('error'),
      unknown: count('unknown'),
      checkSeconds: Number(seconds.toFixed(1)),
      cached: missing.length === 0,
    },
  };
}

async function runBashSyntaxChecks(list) {
  const sandbox = mkdtempSync(join(tmpdir(), 'airlock-bash-n-'));
  const cwd = join(sandbox, 'cwd');
  const home = join(sandbox, 'home');
  const path = join(sandbox, 'bin'); // empty: even a builtin-free slip could find no program
  for (const d of [cwd, home, path]) mkdirSync(d);
  // A fresh, minimal environment: no BASH_ENV or ENV that a non-interactive bash would source.
  const env = { HOME: home, PATH: path, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' };
  // Resolved here, from our own PATH: the child's PATH is the empty folder.
  const bash = findBash();
  const check = (cmd) =>
    new Promise((done) => {
      if (cmd.includes('\0')) return done({ v: 'unknown', why: 'NUL byte cannot be an argument' });
      // `--` so a command starting with `-` or `+` is the command string, never options such as `+n`.
      const child = spawn(bash, ['--norc', '--noprofile', '-n', '-c', '--', cmd], {
        cwd,
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: BASH_TIMEOUT_MS,
        shell: false,
      });
      let stderr = '';
      // stderr is missing when the spawn itself failed; the 'error' event reports that.
      child.stderr?.on('data', (d) => (stderr += d));
      child.on('error', (e) => done({ v: 'unknown', why: `spawn: ${e.message}` }));
      child.on('close', (code, signal) => {
        if (signal) return done({ v: 'unknown', why: `killed by ${signal}` });
        if (code === 0) return done({ v: 'ok' });
        const first = stderr.split('\n').find((l) => l.trim()) ?? `exit ${code}`;
        done({ v: 'error', why: first.replace(/^\S*bash: -c: line \d+: /, '').slice(0, 200) });
      });
    });
  try {
    // Canary: if `-n` ever stopped meaning noexec, this would create the file, and we stop here.
    const canary = join(sandbox, 'canary');
    await check(`: > '${canary}'`);
    if (existsSync(canary)) throw new Error('bash -n executed a command; refusing to continue');
    // And the verdicts must be real ones, not spawn failures.
    const [good, bad] = [await check('echo ok | cat'), await check('echo ((')];
    if (good.v !== 'ok' || bad.v !== 'error') throw new Error(`bash -n sanity check failed: ${JSON.stringify([good, bad])}`);

    const out = {};
    let next = 0;
    let done = 0;
    // A pool of bash processes: one process per command keeps one command's syntax error from
    // bleeding into the next, and the pool keeps both cores busy while processes start.
    const workers = Array.from({ length: Math.max(2, availableParallelism() * 2) }, async () => {
      while (next < list.length) {
        const cmd = list[next++];
        out[cmd] = await check(cmd);
        if (++done % 5000 === 0) console.log(`bash -n: ${done}/${list.length}`);
      }
    });
    await Promise.all(workers);
    return out;
  } finally {
    rmSync(sandbox, { recursive: true, force: true });
  }
}

function findBash() {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'bash'))) return join(dir, 'bash');
  }
  throw new Error('bash not found on PATH');
}

// ---------------------------------------------------------------------------------------------------
// Candidates. Each `load()` returns `parse(src)` (sync or async) that returns `{ error, partial }` when it
// produced a verdict (`error`: the message of the syntax error it reported, or null; `threw`: whether the
// parser reported it by throwing; `partial`: on error, whether a tree with at least one command still came
// back for the engine to score). It throws only on a crash: an internal error that is no verdict at all.

function version(pkg) {
  return JSON.parse(readFileSync(join(packageDir(pkg), 'package.json'), 'utf8')).version;
}

function packageDir(pkg) {
  // Not require.resolve(`${pkg}/package.json`): some candidates' `exports` hide it.
  let dir = dirname(require.resolve(pkg));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

function candidates() {
  return [
    {
      name: 'tree-sitter-bash',
      packages: ['web-tree-sitter', 'tree-sitter-bash'],
      // Never throws on bad syntax: it returns a tree with ERROR/MISSING nodes around the damage,
      // which is why its syntax-error verdict is rootNode.hasError.
      async load() {
        const { Parser, Language } = require('web-tree-sitter');
        await Parser.init({ wasmBinary: readFileSync(join(packageDir('web-tree-sitter'), 'tree-sitter.wasm')) });
        const language = await Language.load(readFileSync(join(packageDir('tree-sitter-bash'), 'tree-sitter-bash.wasm')));
        const parser = new Parser();
        parser.setLanguage(language);
        return (src) => {
          const tree = parser.parse(src);
          if (!tree) throw new Error('tree-sitter returned no tree');
          try {
            const root = tree.rootNode;
            if (!root.hasError) return { error: null };
            return { error: firstError(root), partial: root.descendantsOfType('command').length > 0 };
          } finally {
            tree.delete();
          }
        };
      },
    },
    {
      name: 'sh-syntax',
      packages: ['sh-syntax'],
      // The package is TinyGo WebAssembly whose instance cannot be reused across calls (a reused one
      // faults in its GC), so every parse needs a fresh instance. Its default `parse()` also recompiles
      // the module each call; getProcessor() with a precompiled module is the fastest sound use of it.
      async load() {
        const sh = await import(pathToFileURL(join(packageDir('sh-syntax'), 'lib/index.js')).href);
        const module = await WebAssembly.compile(readFileSync(join(packageDir('sh-syntax'), 'main.wasm')));
        const processor = sh.getProcessor((imports) => WebAssembly.instantiate(module, imports));
        const wrap = (fn) => async (src) => {
          try {
            await fn(src);
            return { error: null };
          } catch (e) {
            if (e instanceof sh.ParseError || e instanceof SyntaxError) return { error: e.message, threw: true };
            throw e;
          }
        };
        this.shipped = wrap(sh.parse);
        return wrap((src) => processor(src, { keepComments: false }));
      },
    },
    {
      name: 'mvdan-sh',
      packages: ['mvdan-sh'],
      // GopherJS throws Go errors as objects with an Error() method; anything else is a crash.
      async load() {
        const { syntax } = require('mvdan-sh');
        const parser = syntax.NewParser();
        return (src) => {
          try {
            parser.Parse(src, 'src');
            return { error: null };
          } catch (e) {
            if (e && typeof e.Error === 'function') return { error: String(e.Error()), threw: true };
            throw e;
          }
        };
      },
    },
    {
      name: 'bash-parser',
      packages: ['bash-parser'],
      // Reports every problem by throwing, its own bugs too: it rethrows a TypeError as an Error whose
      // message starts "TypeError:", which is a crash rather than a verdict.
      async load() {
        const parse = require('bash-parser');
        return (src) => {
          try {
            parse(src);
            return { error: null };
          } catch (e) {
            if (/^(TypeError|RangeError|ReferenceError)\b/.test(String(e?.message ?? e))) throw e;
            return { error: String(e?.message ?? e), threw: true };
          }
        };
      },
    },
  ];
}

function firstError(root) {
  // Where tree-sitter put its ERROR or MISSING node, for the examples.
  const cursor = root.walk();
  try {
    for (;;) {
      const node = cursor.currentNode;
      if (node.isError || node.isMissing) return `${node.isMissing ? 'MISSING' : 'ERROR'} at ${node.startIndex}`;
      if (node.hasError && cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return 'error';
    }
  } finally {
    cursor.delete();
  }
}

// ---------------------------------------------------------------------------------------------------
// Measurement

async function measure(candidate, all, truthTable) {
  const result = {
    name: candidate.name,
    versions: Object.fromEntries(candidate.packages.map((p) => [p, safe(() => version(p))])),
  };
  let parse;
  const loadStart = process.hrtime.bigint();
  try {
    // Load = import + initialisation + the first parse, what a cold engine pays before its first answer.
    parse = await candidate.load();
    await parse('true');
  } catch (e) {
    result.loadError = String(e?.stack ?? e);
    console.log(`${candidate.name}: could not load: ${e?.message ?? e}`);
    return result;
  }
  result.loadMs = round(Number(process.hrtime.bigint() - loadStart) / 1e6, 1);
  console.log(`${candidate.name}: loaded in ${result.loadMs} ms; parsing...`);

  // Pass 1: correctness, which doubles as the warm-up for the timed pass.
  let noThrow = 0;
  let noError = 0;
  let partialOnError = 0;
  const crashes = [];
  const agree = { labelled: 0, agreed: 0, falseRejections: 0, falseAcceptances: 0 };
  const rejectedExamples = [];
  const acceptedExamples = [];
  for (const cmd of all) {
    let outcome;
    try {
      outcome = await parse(cmd);
      if (!outcome.threw) noThrow++;
      if (outcome.error === null) noError++;
      else if (outcome.partial) partialOnError++;
    } catch (e) {
      crashes.push({ command: cmd, error: String(e?.message ?? e).slice(0, 200) });
    }
    const bash = truthTable.get(cmd);
    if (bash.v === 'unknown') continue;
    agree.labelled++;
    // A crash is not an acceptance: the engine would get no tree to score.
    const parserAccepts = outcome !== undefined && outcome.error === null;
    const bashAccepts = bash.v === 'ok';
    if (parserAccepts === bashAccepts) agree.agreed++;
    else if (bashAccepts) {
      agree.falseRejections++;
      rejectedExamples.push({ command: cmd, error: outcome?.error ?? crashes.at(-1).error });
    } else {
      agree.falseAcceptances++;
      acceptedExamples.push({ command: cmd, bash: bash.why });
    }
  }
  Object.assign(result, {
    commands: all.length,
    noThrow,
    noError,
    partialOnError,
    crashes: crashes.length,
    crashExamples: shortest(crashes),
    agreement: { ...agree, rate: round(agree.agreed / agree.labelled, 4) },
    falseRejectionExamples: shortest(rejectedExamples),
    falseAcceptanceExamples: shortest(acceptedExamples),
  });

  // Pass 2: latency per command, everything already warm.
  const times = [];
  for (const cmd of all) {
    const start = process.hrtime.bigint();
    try {
      await parse(cmd);
    } catch {
      // counted in pass 1; a throw still costs time
    }
    times.push(Number(process.hrtime.bigint() - start) / 1e3);
  }
  result.latencyUs = stats(times);

  if (candidate.shipped) {
    // sh-syntax's plain `parse()` as a caller would first write it, on an evenly spread sample.
    const sample = all.filter((_, i) => i % Math.ceil(all.length / SH_SYNTAX_SHIPPED_SAMPLE) === 0);
    for (const cmd of sample.slice(0, 5)) await candidate.shipped(cmd).catch(() => {});
    const shippedTimes = [];
    for (const cmd of sample) {
      const start = process.hrtime.bigint();
      await candidate.shipped(cmd).catch(() => {});
      shippedTimes.push(Number(process.hrtime.bigint() - start) / 1e3);
    }
    result.shippedParseLatencyUs = { sample: sample.length, ...stats(shippedTimes) };
  }
  return result;
}

function stats(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { median: round(at(0.5), 1), p99: round(at(0.99), 1), max: round(sorted.at(-1), 1) };
}

function shortest(list) {
  // The shortest examples are the easiest to read and the most telling.
  return [...list].sort((a, b) => a.command.length - b.command.length).slice(0, EXAMPLES);
}

function round(n, digits) {
  return Number(n.toFixed(digits));
}

function safe(fn) {
  try {
    return fn();
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------
// Report

function printTable(rows, truthTable) {
  const s = truthTable.summary;
  console.log(
    `\nbash ${s.version.replace(/^GNU bash, version /, '')}: accepts ${s.accepted}, rejects ${s.rejected}, ` +
      `unknown ${s.unknown}; bash -n over all commands took ${s.checkSeconds} s${s.cached ? ' (cached run)' : ''}\n`,
  );
  const header = ['parser', 'load ms', 'no throw', 'no error', 'crashes', 'tree on err', 'agree %', 'false rej', 'false acc', 'median µs', 'p99 µs', 'max µs'];
  const body = rows.map((r) =>
    r.loadError
      ? [r.name, 'failed to load', '', '', '', '', '', '', '', '', '', '']
      : [
          r.name,
          r.loadMs,
          r.noThrow,
          r.noError,
          r.crashes,
          `${r.partialOnError}/${r.commands - r.noError}`,
          (r.agreement.rate * 100).toFixed(2),
          r.agreement.falseRejections,
          r.agreement.falseAcceptances,
          r.latencyUs.median,
          r.latencyUs.p99,
          r.latencyUs.max,
        ].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(line(b));
  const labelled = rows.find((r) => r.agreement)?.agreement.labelled ?? 0;
  console.log(`(${rows.find((r) => r.commands)?.commands ?? 0} commands; agreement over the ${labelled} with a bash verdict;`);
  console.log(' no throw: returned normally; crashes: threw an internal error rather than a syntax error;');
  console.log(' tree on err: of the commands it flags or throws on, how many still give a tree with a command in it)');

  for (const r of rows) {
    if (r.shippedParseLatencyUs) {
      const t = r.shippedParseLatencyUs;
      console.log(`\n${r.name}: the package's plain parse() (recompiles the WebAssembly per call), ${t.sample} commands: median ${t.median} µs, p99 ${t.p99} µs`);
    }
    if (r.crashes) console.log(`\n${r.name}: ${r.crashes} internal errors (not syntax errors), e.g. ${JSON.stringify(r.crashExamples[0])}`);
    if (r.falseRejectionExamples?.length) {
      console.log(`\n${r.name} rejects, bash accepts:`);
      for (const e of r.falseRejectionExamples) console.log(`  ${clip(e.command)}\n      -> ${clip(e.error)}`);
    }
  }
}

function clip(text, n = 110) {
  const flat = JSON.stringify(text).slice(1, -1);
  return flat.length > n ? `${flat.slice(0, n - 1)}…` : flat;
}
