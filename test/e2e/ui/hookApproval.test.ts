import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findBrokers } from '../../../src/host/broker/brokerRegistry';
import { airlockStateDir } from '../../../src/host/ledger/locations';
import type { Workbench } from '../harness/workbench';
import type { UiTest } from '../harness/uiSuite';

/**
 * The whole path an agent's action takes: Claude Code runs `airlock hook claude` with its payload,
 * the hook finds the window's broker, the approval view asks the person, a click answers, and the hook
 * prints Claude Code's own answer while the ledger records who decided. The command is only assessed.
 */
function runHook(workbench: Workbench, home: string, command: string): Promise<{ stdout: string; code: number | null }> {
  const payload = {
    session_id: 'e2e', transcript_path: '/tmp/t', cwd: workbench.workspace, permission_mode: 'default',
    hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command }, tool_use_id: `u-${Date.now()}`,
  };
  // The hook must look for the broker, as it does on an agent's machine.
  const env = { ...process.env };
  delete env.AIRLOCK_NO_BROKER;
  const child = spawn(process.execPath, [path.join(workbench.repoRoot, 'dist', 'cli.js'), 'hook', 'claude'], {
    cwd: workbench.workspace,
    env: { ...env, HOME: home, XDG_STATE_HOME: path.join(home, '.local', 'state') },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stdin.end(JSON.stringify(payload));
  return new Promise((resolve) => child.on('close', (code) => resolve({ stdout, code })));
}

/** Waits for a file the extension writes; bounded, no fixed sleep. */
async function fileAppears(file: string, timeoutMs: number): Promise<string> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${file} did not appear within ${timeoutMs} ms`);
}

/** Runs a hook command exactly as written into a hook file, through `sh -c`, as VS Code runs it. */
function runInstalled(command: string, home: string, payload: unknown): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const child = spawn('sh', ['-c', command], { env: { PATH: process.env.PATH, HOME: home }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(JSON.stringify(payload));
  return new Promise((resolve) => child.on('close', (code) => resolve({ stdout, stderr, code })));
}

export const tests: UiTest[] = [
  {
    name: 'airlock hook claude, run as Claude Code runs it, waits for the approval view: a click allows once, another denies, and the ledger says a person decided',
    timeoutMs: 90_000,
    async run(workbench) {
      const home = path.join(path.dirname(workbench.workspace), 'home');
      const stateRoot = airlockStateDir({ ...process.env, HOME: home, XDG_STATE_HOME: path.join(home, '.local', 'state') });
      const deadline = Date.now() + 30_000;
      while (findBrokers(workbench.workspace, stateRoot).length === 0) {
        if (Date.now() > deadline) throw new Error(`no broker registered under ${stateRoot}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      // The team policy asks from score 20, so deleting a tracked README asks without being critical.
      fs.mkdirSync(path.join(workbench.workspace, '.airlock'), { recursive: true });
      fs.writeFileSync(path.join(workbench.workspace, '.airlock', 'policy.json'), JSON.stringify({ approval: { threshold: 20 } }));
      const command = 'rm -rf README.md';

      let hook = runHook(workbench, home, command);
      await workbench.webview('#allow-once').click();
      let result = await hook;
      assert.equal(result.code, 0, result.stdout);
      assert.equal((JSON.parse(result.stdout) as { hookSpecificOutput?: { permissionDecision?: string } }).hookSpecificOutput?.permissionDecision, 'allow');

      hook = runHook(workbench, home, command);
      await workbench.webview('#deny').click();
      result = await hook;
      assert.equal((JSON.parse(result.stdout) as { hookSpecificOutput?: { permissionDecision?: string } }).hookSpecificOutput?.permissionDecision, 'deny');

      const entries = fs.readFileSync(path.join(workbench.workspace, '.airlock', 'ledger.jsonl'), 'utf8').trim().split('\n')
        .map((line) => JSON.parse(line) as { source?: string; decider?: { by?: string; how?: string }; outcome?: string });
      const mine = entries.filter((entry) => entry.source === 'agent-hook');
      assert.deepEqual(mine.slice(-2).map((entry) => [entry.outcome, entry.decider?.by, entry.decider?.how]), [
        ['allowed', 'person', 'allow-once'],
        ['denied', 'person', 'deny'],
      ]);
      assert.ok(fs.existsSync(path.join(workbench.workspace, 'README.md')), 'nothing was run');
    },
  },
  {
    name: 'the hook command Connect Agents wrote for VS Code agent mode, run as VS Code runs it (sh -c, the launcher, dist/hook.js): the window asks, a click allows, and the ledger names the agent and the person',
    timeoutMs: 90_000,
    async run(workbench) {
      const home = path.join(path.dirname(workbench.workspace), 'home');
      await workbench.runCommand('Airlock: Connect Agents');
      const hooks = JSON.parse(await fileAppears(path.join(workbench.workspace, '.github', 'hooks', 'airlock.json'), 15_000)) as { hooks: { PreToolUse: { command: string }[] } };
      const command = hooks.hooks.PreToolUse[0]?.command ?? '';
      fs.mkdirSync(path.join(workbench.workspace, '.airlock'), { recursive: true });
      fs.writeFileSync(path.join(workbench.workspace, '.airlock', 'policy.json'), JSON.stringify({ approval: { threshold: 20 } }));
      const payload = (id: string, line: string): unknown => ({
        timestamp: new Date().toISOString(), cwd: workbench.workspace, sessionId: 'e2e-vs', hookEventName: 'PreToolUse',
        transcript_path: '/tmp/vs.json', tool_name: 'run_in_terminal', tool_input: { command: line, explanation: 'x', isBackground: false }, tool_use_id: id,
      });

      const below = await runInstalled(command, home, payload('call-1', 'git status'));
      assert.deepEqual([below.stdout, below.code], ['', 0], `below the threshold: no decision (${below.stderr})`);

      const hook = runInstalled(command, home, payload('call-2', 'rm -rf README.md'));
      await workbench.webview('#allow-once').click();
      const approved = await hook;
      assert.equal(approved.code, 0, approved.stderr);
      assert.equal(approved.stdout, '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow","permissionDecisionReason":"approved by the user in Airlock"}}\n');

      const entries = fs.readFileSync(path.join(workbench.workspace, '.airlock', 'ledger.jsonl'), 'utf8').trim().split('\n')
        .map((line) => JSON.parse(line) as { source?: string; agent?: string; action?: { command?: string }; decider?: { by?: string; how?: string }; outcome?: string });
      const last = entries.filter((entry) => entry.source === 'agent-hook').slice(-2);
      assert.deepEqual(last.map((entry) => [entry.agent, entry.action?.command, entry.outcome, entry.decider?.by]), [
        ['vscode', 'git status', 'allowed', 'policy'],
        ['vscode', 'rm -rf README.md', 'allowed', 'person'],
      ]);
      assert.ok(fs.existsSync(path.join(workbench.workspace, 'README.md')), 'nothing was run');
    },
  },
];
