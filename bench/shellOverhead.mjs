// Per-command overhead of the shell guard on allowed commands: the same interactive bash (and zsh)
// in a pseudo-terminal, with and without the guard, typing the same few hundred harmless commands.
// Each prompt records a timestamp; the time from one prompt to the next is one command's full cycle
// (read the line, decide, run, prompt). Reports median and p95 of both and their difference.
// Decides locally (AIRLOCK_NO_BROKER=1) in a temporary HOME and folder, so the ledger goes there.
// Usage: node bench/shellOverhead.mjs [--commands N]   (after npm run build)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

function session(shell, guarded) {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-shell-'));
  try {
    const home = join(dir, 'home');
    const work = join(dir, 'work');
    mkdirSync(home);
    mkdirSync(work);
    const stamps = join(dir, 'stamps');
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
      env: { PATH: process.env.PATH, HOME: home, TERM: 'dumb', AIRLOCK_NO_BROKER: '1', AIRLOCK_STATE_DIR: join(dir, 'state') },
      encoding: 'utf8',
      timeout: 600_000,
    });
    if (result.status !== 0) throw new Error(`${shell} session failed (${result.status}): ${result.stdout.slice(-500)}`);
    const times = readFileSync(stamps, 'utf8').trim().split('\n').map(Number);
    // Cycles between consecutive prompts, without the setup and warm-up lines.
    const cycles = times.slice(1).map((t, i) => (t - times[i]) * 1000).slice(-count);
    if (process.env.AIRLOCK_BENCH_RAW) console.log(shell, guarded, cycles.map((c) => c.toFixed(1)).join(" "));
    return cycles.sort((a, b) => a - b);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (ms) => `${ms.toFixed(2)} ms`;
console.log(`shell guard overhead: ${count} allowed commands per session (${commands.join(' | ')}), deciding locally`);
for (const shell of Object.keys(shells)) {
  if (!installed(shell)) {
    console.log(`  ${shell}: not installed, skipped`);
    continue;
  }
  const plain = session(shell, false);
  const guarded = session(shell, true);
  const [pm, pp, gm, gp] = [percentile(plain, 0.5), percentile(plain, 0.95), percentile(guarded, 0.5), percentile(guarded, 0.95)];
  console.log(`  ${shell}: without guard median ${fmt(pm)} p95 ${fmt(pp)}; with guard median ${fmt(gm)} p95 ${fmt(gp)}; overhead median ${fmt(gm - pm)} p95 ${fmt(gp - pp)} (target: under 3 ms median)`);
}
