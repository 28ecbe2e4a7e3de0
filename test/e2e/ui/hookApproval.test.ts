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
];
