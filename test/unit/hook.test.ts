// Golden tests of `airlock hook`: each agent's documented payloads in (fixtures/hooks), the exact stdout
// and exit code out, for below-threshold, denied (local, fail closed), approved and denied by a person,
// malformed, truncated, huge and unexpected input.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeWorld, payload, personDecides } from './hookSupport';
import type { HookWorld } from './hookSupport';

let world: HookWorld;
before(() => {
  world = makeWorld();
});
after(() => world.dispose());

const DESTRUCTIVE = 'rm -rf ~/';
const denyShape = (stdout: string): { decision: string; reason: string; event: string } => {
  const parsed = JSON.parse(stdout) as { hookSpecificOutput: { hookEventName: string; permissionDecision: string; permissionDecisionReason: string } };
  assert.deepEqual(Object.keys(parsed), ['hookSpecificOutput']);
  assert.deepEqual(Object.keys(parsed.hookSpecificOutput), ['hookEventName', 'permissionDecision', 'permissionDecisionReason']);
  return { decision: parsed.hookSpecificOutput.permissionDecision, reason: parsed.hookSpecificOutput.permissionDecisionReason, event: parsed.hookSpecificOutput.hookEventName };
};

void test('claude Bash below the threshold: no output, exit 0 (the agent keeps its own prompt)', async () => {
  const run = await world.run('claude', payload('claude-bash', { CWD: world.ws, COMMAND: 'git status' }));
  assert.equal(run.stdout, '');
  assert.equal(run.code, 0);
  assert.deepEqual(run.requests.map((r) => [r.action.kind, r.source, r.agent]), [['shell', 'agent-hook', 'claude']]);
});

void test('claude Bash rm -rf ~/ without a broker: deny JSON with hookEventName, exit 2, reason on stderr', async () => {
  const run = await world.run('claude', payload('claude-bash', { CWD: world.ws, COMMAND: DESTRUCTIVE }));
  const shape = denyShape(run.stdout);
  assert.equal(shape.decision, 'deny');
  assert.equal(shape.event, 'PreToolUse');
  assert.match(shape.reason, /^Airlock stopped the command `rm -rf ~\/`: it .*home directory.*\(critical, score \d+\)\. It needs the user's approval and nobody could be asked, so it is denied\. Do not retry it/);
  assert.doesNotMatch(shape.reason, /threshold|airlock\.|AIRLOCK_|settings/i, 'the reason must not teach a way around');
  assert.equal(run.code, 2);
  assert.equal(run.stderr, `${shape.reason}\n`);
});

void test('claude: a person approved in Airlock gets the one explicit allow; a person deny is a deny', async () => {
  const approved = await world.run('claude', payload('claude-bash', { CWD: world.ws, COMMAND: 'rm -rf ~/old-build' }), personDecides('allow'));
  assert.equal(approved.stdout, '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow","permissionDecisionReason":"approved by the user in Airlock"}}\n');
  assert.equal(approved.code, 0);
  const denied = await world.run('claude', payload('claude-bash', { CWD: world.ws, COMMAND: 'rm -rf ~/other-build' }), personDecides('deny'));
  assert.equal(denyShape(denied.stdout).decision, 'deny');
  assert.match(denyShape(denied.stdout).reason, /The user denied it\./);
  assert.equal(denied.code, 2);
});

void test('claude Write emptying an untracked file is denied; a new file passes with no decision', async () => {
  const empty = await world.run('claude', payload('claude-write', { CWD: world.ws, PATH: join(world.ws, 'notes.txt'), CONTENT: '' }));
  assert.equal(denyShape(empty.stdout).decision, 'deny');
  assert.match(denyShape(empty.stdout).reason, /^Airlock stopped the write to .*notes\.txt: it writes notes\.txt down to nothing/);
  const action = empty.requests[0]?.action as { kind: string; oldContent?: string };
  assert.equal(action.kind, 'fileWrite');
  assert.match(action.oldContent ?? '', /^note 0\nnote 1/, 'the old content is read from disk');
  const fresh = await world.run('claude', payload('claude-write', { CWD: world.ws, PATH: 'src/new.ts', CONTENT: 'export {};\n' }));
  assert.equal(fresh.stdout, '');
  assert.equal(fresh.code, 0);
});

void test('claude Edit in bypass mode: the edit is applied to the file on disk and judged as the whole file', async () => {
  const run = await world.run('claude', payload('claude-edit', { CWD: world.ws, PATH: 'README.md', OLD: '# readme', NEW: '# Readme' }));
  assert.equal(run.stdout, '');
  assert.deepEqual(run.requests[0]?.action, { kind: 'fileWrite', path: 'README.md', oldContent: '# readme\n', newContent: '# Readme\n', tool: 'Edit', cwd: world.ws });
  const tamper = await world.run('claude', payload('claude-edit', { CWD: world.ws, PATH: '.claude/settings.local.json', OLD: 'airlock', NEW: 'true' }));
  assert.match(denyShape(tamper.stdout).reason, /tampering with Airlock/);
  assert.equal(tamper.code, 2);
});

void test('claude MCP: DROP TABLE in the arguments is denied, a SELECT gets no decision', async () => {
  const drop = await world.run('claude', payload('claude-mcp', { CWD: world.ws, SQL: 'DROP TABLE users' }));
  assert.equal(denyShape(drop.stdout).decision, 'deny');
  assert.deepEqual(drop.requests[0]?.action, { kind: 'mcp', server: 'postgres', tool: 'query', args: { sql: 'DROP TABLE users' }, cwd: world.ws });
  const select = await world.run('claude', payload('claude-mcp', { CWD: world.ws, SQL: 'SELECT 1' }));
  assert.equal(select.stdout, '');
  assert.equal(select.code, 0);
});

void test('cursor beforeShellExecution: always explicit JSON; allow below the threshold, deny with exit 2', async () => {
  const ok = await world.run('cursor', payload('cursor-shell', { CWD: world.ws, COMMAND: 'ls -la' }));
  assert.equal(ok.stdout, '{"permission":"allow"}\n');
  assert.equal(ok.code, 0);
  const stop = await world.run('cursor', payload('cursor-shell', { CWD: world.ws, COMMAND: DESTRUCTIVE }));
  const parsed = JSON.parse(stop.stdout) as Record<string, string>;
  assert.deepEqual(Object.keys(parsed), ['permission', 'user_message', 'agent_message', 'userMessage', 'agentMessage']);
  assert.equal(parsed.permission, 'deny');
  assert.match(parsed.agent_message ?? '', /^Airlock stopped the command `rm -rf ~\/`/);
  assert.equal(stop.code, 2);
  const approved = await world.run('cursor', payload('cursor-shell', { CWD: world.ws, COMMAND: 'rm -rf ~/cache-x' }), personDecides('allow'));
  assert.equal(approved.stdout, '{"permission":"allow","user_message":"approved by the user in Airlock"}\n');
});

void test('cursor beforeMCPExecution with tool_input as a JSON string; beforeReadFile never copies the content', async () => {
  const mcp = await world.run('cursor', payload('cursor-mcp', { CWD: world.ws, TOOL: 'delete_volume', ARGS: '{"volumeId":"prod-db"}' }));
  assert.equal((JSON.parse(mcp.stdout) as { permission: string }).permission, 'deny');
  assert.deepEqual(mcp.requests[0]?.action, { kind: 'mcp', server: 'https://mcp.example.com/sse', tool: 'delete_volume', args: { volumeId: 'prod-db' }, cwd: world.ws });
  const read = await world.run('cursor', payload('cursor-read', { CWD: world.ws, PATH: join(world.ws, '.env') }));
  assert.equal(read.stdout, '{"permission":"allow"}\n');
  assert.doesNotMatch(JSON.stringify(read.requests), /do-not-log-me/);
  const ledger = readFileSync(join(world.ws, '.airlock', 'ledger.jsonl'), 'utf8');
  assert.match(ledger, /"secret\.read"/, 'the secret read is recorded');
  assert.doesNotMatch(ledger, /do-not-log-me/);
});

void test('cursor preToolUse Delete of an untracked file is judged like rm of it', async () => {
  const run = await world.run('cursor', payload('cursor-delete', { CWD: world.ws, PATH: 'notes.txt' }));
  assert.deepEqual(run.requests[0]?.action, { kind: 'fileDelete', path: 'notes.txt', tool: 'Delete', cwd: world.ws });
  assert.equal(run.code, 0, run.stdout);
  assert.equal(run.stdout, '{"permission":"allow"}\n', 'one untracked file scores like rm notes.txt: recorded, below the threshold');
});

void test('VS Code local harness (camelCase hookEventName, run_in_terminal) is answered in Claude format', async () => {
  const ok = await world.run('copilot', payload('vscode-terminal', { CWD: world.ws, COMMAND: 'npm test' }));
  assert.equal(ok.stdout, '');
  assert.equal(ok.code, 0);
  assert.equal(ok.requests[0]?.agent, 'vscode');
  const stop = await world.run('copilot', payload('vscode-terminal', { CWD: world.ws, COMMAND: DESTRUCTIVE }));
  assert.equal(denyShape(stop.stdout).decision, 'deny');
  assert.equal(stop.code, 2);
  const replace = await world.run('copilot', payload('vscode-replace', { CWD: world.ws, PATH: join(world.ws, 'README.md'), OLD: 'readme', NEW: 'READ ME' }));
  assert.equal(replace.stdout, '');
  assert.equal((replace.requests[0]?.action as { newContent?: string }).newContent, '# READ ME\n');
});

void test('Copilot harness (toolName, toolArgs as a JSON string) gets the flat permissionDecision', async () => {
  const ok = await world.run('copilot', payload('copilot-bash', { CWD: world.ws, COMMAND: 'ls' }));
  assert.equal(ok.stdout, '');
  assert.equal(ok.code, 0);
  const stop = await world.run('copilot', payload('copilot-bash', { CWD: world.ws, COMMAND: DESTRUCTIVE }));
  const parsed = JSON.parse(stop.stdout) as Record<string, string>;
  assert.deepEqual(Object.keys(parsed), ['permissionDecision', 'permissionDecisionReason']);
  assert.equal(parsed.permissionDecision, 'deny');
  assert.equal(stop.code, 0);
  assert.equal(stop.requests[0]?.agent, 'copilot');
});

void test('Cursor calling the hook installed in Claude files is detected and answered in Cursor format', async () => {
  const run = await world.run('claude', payload('cursor-shell', { CWD: world.ws, COMMAND: 'ls' }));
  assert.equal(run.stdout, '{"permission":"allow"}\n');
  assert.equal(run.requests[0]?.agent, 'cursor');
});

void test('one action reaching Airlock from two hook files is decided and recorded once', async () => {
  const input = payload('vscode-terminal', { CWD: world.ws, COMMAND: 'rm -rf ~/twice' });
  const [first, second] = await Promise.all([world.run('copilot', input), world.run('claude', input)]);
  assert.equal((first?.requests.length ?? 0) + (second?.requests.length ?? 0), 1, 'only one call asked the DecisionService');
  assert.equal(first?.stdout, second?.stdout);
  assert.equal(first?.code, 2);
});

void test('malformed, truncated, empty, non-object and unexpected input: a deny in the agent format, a message on stderr', async () => {
  const cases: [string, string | Buffer][] = [
    ['claude', '{not json'],
    ['claude', payload('claude-bash', { CWD: world.ws, COMMAND: 'ls' }).slice(0, 40)],
    ['claude', ''],
    ['claude', '[1,2]'],
    ['claude', '{"hook_event_name":"PreToolUse","session_id":"s","tool_input":{}}'],
    ['claude', '{"hook_event_name":"PreToolUse","session_id":"s","tool_name":"Bash","tool_input":"rm -rf /"}'],
    ['claude', '{"hook_event_name":"PreToolUse","session_id":"s","tool_name":"Bash","tool_input":{"cmd_typo":"x"}}'],
    ['claude', '{"hook_event_name":"UserPromptSubmit","session_id":"s","prompt":"hi"}'],
    ['claude', Buffer.from([0xff, 0xfe, 0x00, 0x7b])],
  ];
  for (const [agent, input] of cases) {
    const run = await world.run(agent, input);
    assert.equal(denyShape(run.stdout).decision, 'deny', `${String(input)}: ${run.stdout}`);
    assert.match(denyShape(run.stdout).reason, /^Airlock stopped this tool call: .*It is not allowed unseen\.$/);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^airlock hook claude: /);
    assert.equal(run.requests.length, 0);
  }
  const cursor = await world.run('cursor', '{"conversation_id":"c","generation_id":"g","hook_event_name":"beforeShellExecution","cursor_version":"2"}');
  assert.equal((JSON.parse(cursor.stdout) as { permission: string }).permission, 'deny');
  assert.equal(cursor.code, 2);
  const unknown = await world.run('gemini', '{}');
  assert.equal(unknown.stdout, '');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown agent gemini/);
});

void test('input over 1 MiB is denied without being parsed; a BOM (Cursor on Windows) is tolerated', async () => {
  const huge = await world.run('cursor', Buffer.alloc(1024 * 1024 + 10, 0x20));
  assert.equal((JSON.parse(huge.stdout) as { permission: string }).permission, 'deny');
  assert.match(huge.stderr, /larger than 1048576 bytes/);
  assert.equal(huge.code, 2);
  const bom = await world.run('cursor', `\uFEFF${payload('cursor-shell', { CWD: world.ws, COMMAND: 'pwd' })}`);
  assert.equal(bom.stdout, '{"permission":"allow"}\n');
});

void test('every decided hook call is in the workspace ledger', () => {
  const ledger = join(world.ws, '.airlock', 'ledger.jsonl');
  assert.ok(existsSync(ledger));
  const lines = readFileSync(ledger, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { source: string; agent: string; outcome: string });
  assert.ok(lines.length >= 10, `${lines.length} entries`);
  assert.ok(lines.every((line) => line.source === 'agent-hook'));
  assert.deepEqual([...new Set(lines.map((line) => line.agent))].sort(), ['claude', 'copilot', 'cursor', 'vscode']);
});

void test('a decision that does not come before the deadline is a deny, well before the agent gives up', async () => {
  const never = { decide: () => new Promise<never>(() => undefined) };
  const started = Date.now();
  const run = await world.run('claude', payload('claude-bash', { CWD: world.ws, COMMAND: 'rm -rf ~/slow' }), never, ['--deadline', '2']);
  assert.ok(Date.now() - started < 1900, `answered after ${Date.now() - started} ms`);
  assert.equal(denyShape(run.stdout).decision, 'deny');
  assert.match(denyShape(run.stdout).reason, /^Airlock stopped the command `rm -rf ~\/slow`: nobody decided in time\./);
  assert.equal(run.code, 2);
});

void test('a DecisionService that fails is a deny, never an allow', async () => {
  const broken = { decide: () => Promise.reject(new Error('socket reset')) };
  const run = await world.run('cursor', payload('cursor-shell', { CWD: world.ws, COMMAND: 'ls -d src' }), broken);
  assert.equal((JSON.parse(run.stdout) as { permission: string }).permission, 'deny');
  assert.match(run.stdout, /failed while judging it \(socket reset\)/);
  assert.equal(run.code, 2);
});

void test('two separate tool calls of the same command are each decided: only one call shares its answer', async () => {
  const first = payload('claude-bash', { CWD: world.ws, COMMAND: 'rm -rf ~/again' });
  const second = first.replace('"toolu_01"', '"toolu_99"');
  const a = await world.run('claude', first);
  const b = await world.run('claude', second);
  assert.deepEqual([a.requests.length, b.requests.length], [1, 1]);
  assert.deepEqual([a.code, b.code], [2, 2]);
});

void test('editor tools with the operation in `command` (Copilot CLI) and Cursor Write carrying edits become edits', async () => {
  const view = await world.run('copilot', JSON.stringify({ timestamp: 1, cwd: world.ws, toolName: 'str_replace_editor', toolArgs: JSON.stringify({ command: 'view', path: 'README.md' }) }));
  assert.deepEqual(view.requests[0]?.action, { kind: 'fileRead', file: 'README.md', tool: 'str_replace_editor', cwd: world.ws });
  const replace = await world.run('copilot', JSON.stringify({ timestamp: 2, cwd: world.ws, toolName: 'str_replace_editor', toolArgs: JSON.stringify({ command: 'str_replace', path: 'README.md', old_str: 'readme', new_str: 'doc' }) }));
  assert.equal((replace.requests[0]?.action as { newContent?: string }).newContent, '# doc\n');
  const cursorWrite = await world.run('cursor', JSON.stringify({ conversation_id: 'c9', generation_id: 'g9', hook_event_name: 'preToolUse', cursor_version: '2.4.1', workspace_roots: [world.ws], cwd: world.ws, tool_name: 'Write', tool_input: { file_path: 'README.md', edits: [{ old_string: '# readme', new_string: '' }] } }));
  assert.deepEqual(cursorWrite.requests[0]?.action, { kind: 'fileWrite', path: 'README.md', oldContent: '# readme\n', newContent: '\n', tool: 'Write', cwd: world.ws });
});

void test("Cursor's beforeShellExecution and preToolUse(Shell) for one generation are decided once", async () => {
  const common = { conversation_id: 'c7', generation_id: 'g7', model: 'm', cursor_version: '2.4.1', workspace_roots: [world.ws] };
  const shell = JSON.stringify({ ...common, hook_event_name: 'beforeShellExecution', command: 'rm -rf ~/gen', cwd: '', sandbox: false });
  const tool = JSON.stringify({ ...common, hook_event_name: 'preToolUse', tool_name: 'Shell', tool_input: { command: 'rm -rf ~/gen', working_directory: world.ws }, tool_use_id: 'tu7', cwd: world.ws });
  const a = await world.run('cursor', shell);
  const b = await world.run('claude', tool);
  assert.deepEqual([a.requests.length, b.requests.length], [1, 0]);
  assert.equal(a.stdout, b.stdout);
  assert.equal(b.code, 2);
});

void test('Copilot harness calls carry no ids: one call seen by two hook files is decided once, the next call of the same command again', async () => {
  const call = (timestamp: number): string => JSON.stringify({ timestamp, cwd: world.ws, toolName: 'bash', toolArgs: JSON.stringify({ command: 'rm -rf ~/stamp' }) });
  const [a, b] = await Promise.all([world.run('copilot', call(1704614600001)), world.run('copilot', call(1704614600001))]);
  assert.equal((a?.requests.length ?? 0) + (b?.requests.length ?? 0), 1, 'two files, one call: asked once');
  const next = await world.run('copilot', call(1704614609999));
  assert.equal(next.requests.length, 1, 'a later call of the same command is asked again');
  const noStamp = JSON.stringify({ cwd: world.ws, toolName: 'bash', toolArgs: JSON.stringify({ command: 'rm -rf ~/stamp' }) });
  const [c, d] = [await world.run('copilot', noStamp), await world.run('copilot', noStamp)];
  assert.deepEqual([c.requests.length, d.requests.length], [1, 1], 'with nothing to tell calls apart, each is decided on its own');
});

void test('MultiEdit: every edit applied to the file on disk, judged as the whole resulting file', async () => {
  const run = await world.run('claude', JSON.stringify({
    session_id: 's-multi', cwd: world.ws, permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'MultiEdit', tool_use_id: 'toolu_multi',
    tool_input: { file_path: 'README.md', edits: [{ old_string: '# readme', new_string: '# Title' }, { old_string: 'Title', new_string: 'Heading', replace_all: true }] },
  }));
  assert.equal(run.stdout, '');
  assert.deepEqual(run.requests[0]?.action, { kind: 'fileWrite', path: 'README.md', oldContent: '# readme\n', newContent: '# Heading\n', tool: 'MultiEdit', cwd: world.ws });
});

void test('an unknown tool is scored by what its input holds: a destructive command inside is denied, a harmless input passes', async () => {
  const tool = (input: Record<string, unknown>, id: string): string => JSON.stringify({ session_id: 's-unknown', cwd: world.ws, permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'acme_runner', tool_use_id: id, tool_input: input });
  const risky = await world.run('claude', tool({ script: 'rm -rf ~/', reason: 'cleanup' }, 'u1'));
  assert.equal(denyShape(risky.stdout).decision, 'deny');
  assert.match(denyShape(risky.stdout).reason, /^Airlock stopped the acme_runner call: it .*home directory/);
  assert.deepEqual(risky.requests[0]?.action, { kind: 'tool', tool: 'acme_runner', input: { script: 'rm -rf ~/', reason: 'cleanup' }, cwd: world.ws });
  const harmless = await world.run('claude', tool({ query: 'weather in Paris' }, 'u2'));
  assert.deepEqual([harmless.stdout, harmless.code], ['', 0]);
});
