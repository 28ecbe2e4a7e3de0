// Whole-process latency of `airlock hook claude` on the below-threshold path (the call every harmless
// tool use pays), against the peer `cc-safety-net hook --claude-code` on the same Claude Code payloads,
// interleaved in the same run, with a bare `node -e 0` as the floor. Airlock is measured twice: as
// installed (the command `airlock hooks install` writes, run by `sh -c` as Claude Code runs it: the
// launcher and its code cache) and as a bare `node dist/cli.js hook claude`.
//
//   node bench/hookLatency.mjs [--rounds N]
//
// Each call gets its own session id, so Airlock's shared answer for a repeated action never kicks in.
// The target is printed as met or not; the exit code stays 0 because shared machines are noisy.
import { spawnSync, execFileSync } from 'node:child_process';
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
const env = { PATH: process.env.PATH, HOME: home, AIRLOCK_STATE_DIR: join(home, 'state'), AIRLOCK_NO_BROKER: '1' };
execFileSync(process.execPath, [cli, 'hooks', 'install', '--workspace', ws, '--agents', 'claude'], { env, stdio: 'ignore' });
const installed = JSON.parse(readFileSync(join(ws, '.claude/settings.local.json'), 'utf8')).hooks.PreToolUse[0].hooks[0].command;

let session = 0;
const payload = (command) => JSON.stringify({ session_id: `bench-${++session}`, transcript_path: join(root, 't.jsonl'), cwd: ws, permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command }, tool_use_id: `toolu_${session}` });

const tools = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'airlock hook (as installed)', file: '/bin/sh', args: ['-c', installed], check: (r) => r.status === 0 && r.stdout === '' },
  { name: 'node dist/cli.js hook claude', args: [cli, 'hook', 'claude'], check: (r) => r.status === 0 && r.stdout === '' },
  { name: 'cc-safety-net hook --claude-code', args: [peerBin, 'hook', '--claude-code'], check: (r) => r.status === 0 },
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
  console.log(`hook latency: ${rounds} rounds x ${COMMANDS.length} below-threshold Claude Code Bash payloads, whole process, interleaved\n`);
  console.log(`${'tool'.padEnd(34)}${'median ms'.padStart(10)}${'p95 ms'.padStart(9)}${'max ms'.padStart(9)}  unexpected answers`);
  const summary = {};
  for (const tool of tools) {
    const sorted = [...times.get(tool.name)].sort((a, b) => a - b);
    const stats = { median: pick(sorted, 0.5), p95: pick(sorted, 0.95), max: sorted[sorted.length - 1], calls: sorted.length, unexpected: problems.get(tool.name) };
    summary[tool.name] = stats;
    console.log(`${tool.name.padEnd(34)}${stats.median.toFixed(1).padStart(10)}${stats.p95.toFixed(1).padStart(9)}${stats.max.toFixed(1).padStart(9)}  ${tool.check ? stats.unexpected : '-'}`);
  }
  const airlock = summary['airlock hook (as installed)'];
  console.log(`\ntarget: airlock median under ${TARGET_MEDIAN_MS} ms: ${airlock.median < TARGET_MEDIAN_MS ? 'met' : 'NOT met'} (${airlock.median.toFixed(1)} ms; node -e 0 ${summary['node -e 0'].median.toFixed(1)} ms)`);
  mkdirSync(join(repoRoot, 'bench/results'), { recursive: true });
  writeFileSync(join(repoRoot, 'bench/results/hook-latency.json'), `${JSON.stringify({ date: new Date().toISOString(), rounds, commands: COMMANDS, summary }, null, 2)}\n`);
} finally {
  rmSync(root, { recursive: true, force: true });
}

function run(tool, command) {
  const started = process.hrtime.bigint();
  const result = spawnSync(tool.file ?? process.execPath, tool.args, { input: payload(command), cwd: ws, env, encoding: 'utf8' });
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, result };
}

function pick(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
