// Per-command overhead of the shell guard on allowed commands: the same interactive bash (and zsh)
// in a pseudo-terminal, with and without the guard, typing the same few hundred harmless commands.
// Each prompt records a timestamp; the time from one prompt to the next is one command's full cycle
// (read the line, decide, run, prompt). Reports median and p95 of both and their difference.
// Twice with the guard: deciding locally (AIRLOCK_NO_BROKER=1), and asking a window's broker over the
// coprocess's session (the scripted broker of the shell tests: the real broker code, engine, policy
// and ledger in a process of its own, as the extension host would be). A temporary HOME and folder
// hold the ledger. Every session has a shim folder first on PATH, named by AIRLOCK_SHIM_DIR, as a VS
// Code terminal does, so the guard's check that PATH still leads to it is inside each cycle (the
// commands themselves are not shimmed programs).
// Usage: node bench/shellOverhead.mjs [--commands N]   (after npm run build)
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'dist', 'cli.js');
const countArg = process.argv.indexOf('--commands');
const count = countArg > 0 ? Number(process.argv[countArg + 1]) : 300;
const commands = ['true', 'echo ok >/dev/null', 'cd .', 'x=1', 'ls >/dev/null'];

const shells = {
  bash: {
    start: 'bash --norc --noprofile -i',
    // Appended after the guard's own prompt hook, so the guard's work is inside each measured cycle.
    stamp: (file) => [`PROMPT_COMMAND="\${PROMPT_COMMAND:+$PROMPT_COMMAND; }__ts+=(\\$EPOCHREALTIME)"`, `trap 'printf "%s\\n" "\${__ts[@]}" > ${file}' EXIT`],
  },
  zsh: {
    start: 'zsh -f -i',
    stamp: (file) => ['zmodload zsh/datetime', 'typeset -ga __ts', 'precmd() { __ts+=($EPOCHREALTIME) }', `zshexit() { print -l -- $__ts > ${file} }`],
  },
};

function installed(shell) {
  return spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
}

/** Starts the scripted broker; resolves to the environment a terminal of that window gets. */
async function startBroker(dir) {
  const socket = join(dir, 'broker.sock');
  const token = randomBytes(32).toString('hex');
  const config = { socket, token, stateRoot: join(dir, 'state'), log: join(dir, 'broker.jsonl') };
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test', 'shell', 'scriptedBroker.ts'), JSON.stringify(config)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    child.stdout.once('data', resolve);
    child.once('exit', (code) => reject(new Error(`the scripted broker exited (${code})`)));
  });
  return { env: { AIRLOCK_BROKER_SOCKET: socket, AIRLOCK_BROKER_TOKEN: token }, stop: () => child.kill('SIGKILL') };
}

/** `mode`: 'plain' (no guard), 'local' (guard deciding alone) or 'broker' (guard asking a broker). */
async function session(shell, mode) {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-shell-'));
  const broker = mode === 'broker' ? await startBroker(dir) : undefined;
  const guarded = mode !== 'plain';
  try {
    const home = join(dir, 'home');
    const work = join(dir, 'work');
    mkdirSync(home);
    mkdirSync(work);
    const stamps = join(dir, 'stamps');
    const shimDir = join(dir, 'shims');
    mkdirSync(shimDir);
    const lines = [];
    if (guarded) {
      const guard = join(dir, `guard.${shell}`);
      writeFileSync(guard, spawnSync(process.execPath, [cli, 'shell-init', shell], { encoding: 'utf8' }).stdout);
      lines.push(`source ${guard}`);
    }
    lines.push(...shells[shell].stamp(stamps));
    // Warm-up: the coprocess loads the engine while the first lines are read.
    for (let i = 0; i < 10; i++) lines.push('true');
    for (let i = 0; i < count; i++) lines.push(commands[i % commands.length]);
    lines.push('exit');
    const result = spawnSync('script', ['-qec', shells[shell].start, '/dev/null'], {
      cwd: work,
      input: `${lines.join('\n')}\n`,
      env: { PATH: `${shimDir}:${process.env.PATH}`, AIRLOCK_SHIM_DIR: shimDir, HOME: home, TERM: 'dumb', AIRLOCK_STATE_DIR: join(dir, 'state'), ...(broker ? broker.env : { AIRLOCK_NO_BROKER: '1' }) },
      encoding: 'utf8',
      timeout: 600_000,
    });
    if (result.status !== 0) throw new Error(`${shell} session failed (${result.status}): ${result.stdout.slice(-500)}`);
    // Every line must really have gone to the broker, or this measures the local path twice.
    if (broker) {
      const asked = readFileSync(join(dir, 'broker.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
      if (asked.length < count) throw new Error(`only ${asked.length} of ${count} lines reached the broker`);
      // And each said the shims lead PATH, or the shim check was not measured.
      const checked = asked.filter((entry) => entry.pathShims === 'on').length;
      if (checked < count) throw new Error(`only ${checked} of ${count} lines said whether PATH leads to the shims`);
    }
    const times = readFileSync(stamps, 'utf8').trim().split('\n').map(Number);
    // Cycles between consecutive prompts, without the setup and warm-up lines.
    const cycles = times.slice(1).map((t, i) => (t - times[i]) * 1000).slice(-count);
    if (process.env.AIRLOCK_BENCH_RAW) console.log(shell, mode, cycles.map((c) => c.toFixed(1)).join(' '));
    return cycles.sort((a, b) => a - b);
  } finally {
    broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (ms) => `${ms.toFixed(2)} ms`;
console.log(`shell guard overhead: ${count} allowed commands per session (${commands.join(' | ')})`);
for (const shell of Object.keys(shells)) {
  if (!installed(shell)) {
    console.log(`  ${shell}: not installed, skipped`);
    continue;
  }
  const plain = await session(shell, 'plain');
  const [pm, pp] = [percentile(plain, 0.5), percentile(plain, 0.95)];
  console.log(`  ${shell}: without guard median ${fmt(pm)} p95 ${fmt(pp)}`);
  for (const mode of ['local', 'broker']) {
    const guarded = await session(shell, mode);
    const [gm, gp] = [percentile(guarded, 0.5), percentile(guarded, 0.95)];
    const how = mode === 'local' ? 'deciding locally' : "asking the window's broker";
    console.log(`  ${shell}: with guard ${how}: median ${fmt(gm)} p95 ${fmt(gp)}; overhead median ${fmt(gm - pm)} p95 ${fmt(gp - pp)} (target: under 3 ms median)`);
  }
}

// A non-interactive child (bash -c / zsh -c / fish -c, as tasks, scripts and agents start them) decides
// its own command before it runs: no environment marker may skip that check, so each such child costs
// one airlock guard process. fish has no coprocess, so every line typed into an interactive fish costs
// the same one process: "fish -c" is also fish's per-line price. Measured both ways the guard can start
// it: the full CLI (node dist/cli.js guard), and the guard bundle through the loader with its V8 code
// cache (shell-init --loader-dir, as the extension sets terminals up).
const childRuns = 30;
const childDir = mkdtempSync(join(tmpdir(), 'airlock-bench-child-'));
try {
  console.log(`child shell check: ${childRuns} runs of "<shell> -c true" each, deciding locally`);
  for (const shell of ['bash', 'zsh', 'fish']) {
    if (!installed(shell)) continue;
    const base = { PATH: process.env.PATH, HOME: childDir, AIRLOCK_NO_BROKER: '1', AIRLOCK_STATE_DIR: join(childDir, 'state') };
    const guardEnv = (start) => {
      const dir = join(childDir, `${shell}-${start}`);
      mkdirSync(join(dir, 'fish', 'vendor_conf.d'), { recursive: true });
      const guard = join(dir, `guard.${shell}`);
      const loader = start === 'loader' ? ['--loader-dir', join(dir, 'loader')] : [];
      writeFileSync(guard, spawnSync(process.execPath, [cli, 'shell-init', shell, ...loader], { encoding: 'utf8' }).stdout);
      writeFileSync(join(dir, '.zshenv'), `source ${guard}\n`);
      writeFileSync(join(dir, 'fish', 'vendor_conf.d', 'airlock-guard.fish'), `source ${guard}\n`);
      return shell === 'bash' ? { BASH_ENV: guard } : shell === 'zsh' ? { ZDOTDIR: dir } : { XDG_DATA_DIRS: `${dir}:/usr/share` };
    };
    const time = (env) => {
      const runs = [];
      for (let i = 0; i < childRuns; i++) {
        const started = process.hrtime.bigint();
        const result = spawnSync(shell, ['-c', 'true'], { cwd: childDir, env, stdio: 'ignore' });
        if (result.status !== 0) throw new Error(`${shell} -c true exited ${result.status}`);
        runs.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      return percentile(runs.sort((a, b) => a - b), 0.5);
    };
    const [cliEnv, loaderEnv] = [guardEnv('cli'), guardEnv('loader')];
    // Both starts must still block: a fast start that let this through would be no guard.
    // (Only a folder inside this benchmark's own temporary one is named; it must survive.)
    const victim = join(childDir, 'victim');
    mkdirSync(victim, { recursive: true });
    writeFileSync(join(victim, 'keep'), 'kept');
    for (const env of [cliEnv, loaderEnv]) {
      const result = spawnSync(shell, ['-c', `rm -rf ${victim}`], { cwd: childDir, env: { ...base, ...env }, stdio: 'ignore' });
      if (result.status !== 126 || !existsSync(join(victim, 'keep'))) throw new Error(`${shell} -c rm -rf was not blocked (exit ${result.status})`);
    }
    const [plain, full, fast] = [time(base), time({ ...base, ...cliEnv }), time({ ...base, ...loaderEnv })];
    console.log(`  ${shell} -c: without guard median ${fmt(plain)}; with guard, full CLI start ${fmt(full)}; loader with code cache ${fmt(fast)} (one airlock guard process each)`);
  }
} finally {
  rmSync(childDir, { recursive: true, force: true });
}
