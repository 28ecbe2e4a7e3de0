// Whole-process latency of `airlock hook claude` on the below-threshold path (the call every harmless
// tool use pays), against the peer `cc-safety-net hook --claude-code` on the same Claude Code payloads,
// interleaved in the same run, with a bare `node -e 0` as the floor. Airlock is measured three ways:
// as installed (the command `airlock hooks install` writes, run by `sh -c` as Claude Code runs it: the
// launcher, dist/hook.js and its code cache) with no Airlock window open, so the hook loads the engine
// and decides and records locally; as installed with a window open (a real broker in another process,
// bench/support/hookBroker.ts, which assesses and records); and as a bare `node dist/cli.js hook claude`.
//
//   node bench/hookLatency.mjs [--rounds N]
//
// Each call gets its own session id, so Airlock's shared answer for a repeated action never kicks in.
// The target is printed as met or not; the exit code stays 0 because shared machines are noisy.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TARGET_MEDIAN_MS = 55;
const COMMANDS = ['git status', 'ls -la', 'npm test', 'cat README.md', 'git diff HEAD~1 --stat', 'grep -rn TODO src', 'node --version', 'echo hello'];
const roundsArg = process.argv.indexOf('--rounds');
const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 6;

const peerPackage = JSON.parse(readFileSync(join(repoRoot, 'node_modules/cc-safety-net/package.json'), 'utf8'));
const peerBin = join(repoRoot, 'node_modules/cc-safety-net', typeof peerPackage.bin === 'string' ? peerPackage.bin : peerPackage.bin['cc-safety-net']);
const cli = join(repoRoot, 'dist/cli.js');

const root = mkdtempSync(join(tmpdir(), 'airlock-hookbench-'));
const ws = join(root, 'ws');
const home = join(root, 'home');
mkdirSync(join(ws, 'src'), { recursive: true });
mkdirSync(home, { recursive: true });
writeFileSync(join(ws, 'README.md'), '# bench\n');
writeFileSync(join(ws, 'src/index.ts'), 'export {};\n');
const git = (...args) => execFileSync('git', ['-c', 'user.email=b@e', '-c', 'user.name=b', '-c', 'commit.gpgsign=false', ...args], { cwd: ws, stdio: 'ignore' });
git('init', '-q', '.');
git('add', '.');
git('commit', '-qm', 'init');
const state = join(home, 'state');
const env = { PATH: process.env.PATH, HOME: home, AIRLOCK_STATE_DIR: state, AIRLOCK_NO_BROKER: '1' };
const windowEnv = { PATH: process.env.PATH, HOME: home, AIRLOCK_STATE_DIR: state };
// The environment an agent passes on is the user's: with NODE_EXTRA_CA_CERTS set (as on this machine),
// every Node start reads the certificates. The launcher drops it; the peer and bare Node pay it.
const shellEnv = { ...process.env, HOME: home, AIRLOCK_STATE_DIR: state, AIRLOCK_NO_BROKER: '1' };
const shellNote = process.env.NODE_EXTRA_CA_CERTS ? 'NODE_EXTRA_CA_CERTS set' : 'NODE_EXTRA_CA_CERTS not set';
execFileSync(process.execPath, [cli, 'hooks', 'install', '--workspace', ws, '--agents', 'claude'], { env, stdio: 'ignore' });
const installed = JSON.parse(readFileSync(join(ws, '.claude/settings.local.json'), 'utf8')).hooks.PreToolUse[0].hooks[0].command;
const broker = await startBroker();

let session = 0;
const payload = (command) => JSON.stringify({ session_id: `bench-${++session}`, transcript_path: join(root, 't.jsonl'), cwd: ws, permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command }, tool_use_id: `toolu_${session}` });

const tools = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'airlock hook (as installed)', file: '/bin/sh', args: ['-c', installed], check: (r) => r.status === 0 && r.stdout === '' },
  { name: 'airlock hook (installed, window)', file: '/bin/sh', args: ['-c', installed], env: windowEnv, check: (r) => r.status === 0 && r.stdout === '' && !/did not answer/.test(r.stderr) },
  { name: 'node dist/cli.js hook claude', args: [cli, 'hook', 'claude'], check: (r) => r.status === 0 && r.stdout === '' },
  { name: 'cc-safety-net hook --claude-code', args: [peerBin, 'hook', '--claude-code'], check: (r) => r.status === 0 },
  { name: 'node -e 0 (shell env)', args: ['-e', '0'], env: shellEnv },
  { name: 'airlock hook (installed, shell env)', file: '/bin/sh', args: ['-c', installed], env: shellEnv, check: (r) => r.status === 0 && r.stdout === '' },
  { name: 'cc-safety-net (shell env)', args: [peerBin, 'hook', '--claude-code'], env: shellEnv, check: (r) => r.status === 0 },
];

try {
  const times = new Map(tools.map((tool) => [tool.name, []]));
  const problems = new Map(tools.map((tool) => [tool.name, 0]));
  for (const command of COMMANDS.slice(0, 3)) for (const tool of tools) run(tool, command); // warm the disk cache
  for (let round = 0; round < rounds; round++) {
    for (const command of COMMANDS) {
      for (const tool of tools) {
        const { ms, result } = run(tool, command);
        times.get(tool.name).push(ms);
        if (tool.check && !tool.check(result)) problems.set(tool.name, problems.get(tool.name) + 1);
      }
    }
  }
  // The broker's count arrives on its stdout, read between the synchronous runs above.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const windowRuns = times.get('airlock hook (installed, window)').length + 3;
  if (broker.decided !== windowRuns) problems.set('airlock hook (installed, window)', problems.get('airlock hook (installed, window)') + Math.abs(windowRuns - broker.decided));
  console.log(`hook latency: ${rounds} rounds x ${COMMANDS.length} below-threshold Claude Code Bash payloads, whole process, interleaved\n`);
  console.log(`${'tool'.padEnd(38)}${'median ms'.padStart(10)}${'p95 ms'.padStart(9)}${'max ms'.padStart(9)}  unexpected answers`);
  const summary = {};
  for (const tool of tools) {
    const sorted = [...times.get(tool.name)].sort((a, b) => a - b);
    const stats = { median: pick(sorted, 0.5), p95: pick(sorted, 0.95), max: sorted[sorted.length - 1], calls: sorted.length, unexpected: problems.get(tool.name) };
    summary[tool.name] = stats;
    console.log(`${tool.name.padEnd(38)}${stats.median.toFixed(1).padStart(10)}${stats.p95.toFixed(1).padStart(9)}${stats.max.toFixed(1).padStart(9)}  ${tool.check ? stats.unexpected : '-'}`);
  }
  const airlock = summary['airlock hook (as installed)'];
  const windowed = summary['airlock hook (installed, window)'];
  const floor = summary['node -e 0'].median;
  console.log(`\n"shell env": this shell's environment (${shellNote}); the other rows run with PATH and HOME only.`);
  console.log(`\ntarget: airlock median under ${TARGET_MEDIAN_MS} ms: ${airlock.median < TARGET_MEDIAN_MS ? 'met' : 'NOT met'} with no window (${airlock.median.toFixed(1)} ms), ${windowed.median < TARGET_MEDIAN_MS ? 'met' : 'NOT met'} with a window (${windowed.median.toFixed(1)} ms); node -e 0 ${floor.toFixed(1)} ms`);
  console.log(`over node -e 0: airlock ${(airlock.median - floor).toFixed(1)} ms (no window), ${(windowed.median - floor).toFixed(1)} ms (window); peer ${(summary['cc-safety-net hook --claude-code'].median - floor).toFixed(1)} ms`);
  mkdirSync(join(repoRoot, 'bench/results'), { recursive: true });
  writeFileSync(join(repoRoot, 'bench/results/hook-latency.json'), `${JSON.stringify({ date: new Date().toISOString(), rounds, commands: COMMANDS, summary }, null, 2)}\n`);
} finally {
  broker.kill('SIGTERM');
  rmSync(root, { recursive: true, force: true });
}

function run(tool, command) {
  const started = process.hrtime.bigint();
  const result = spawnSync(tool.file ?? process.execPath, tool.args, { input: payload(command), cwd: ws, env: tool.env ?? env, encoding: 'utf8' });
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, result };
}

/** A window's broker in a process of its own, registered for the bench workspace; resolves once it listens. */
function startBroker() {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'bench/support/hookBroker.ts'), state, ws], { cwd: repoRoot, env: windowEnv, stdio: ['pipe', 'pipe', 'inherit'] });
  child.decided = 0;
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the bench broker exited (${code})`)));
    child.stdout.on('data', (chunk) => {
      const text = String(chunk);
      for (const match of text.matchAll(/decided (\d+)/g)) child.decided = Number(match[1]);
      if (text.includes('ready')) resolve(child);
    });
  });
}

function pick(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
