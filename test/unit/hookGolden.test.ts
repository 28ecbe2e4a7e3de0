// Golden tests of `airlock hook` for every agent and event Airlock installs: each event's documented
// payload in, the exact stdout and exit code out, for six cases: below the threshold, approved by a
// person, denied by a person, timed out (in the window, and at the hook's own deadline), no window to
// ask (the real broker client falling back to the local decider, failing closed), and malformed input.
// Person decisions come from a stand-in window with a fixed assessment, so their answers are exact to
// the byte; the no-window answers come from the real engine, so only the engine's clause is a pattern.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Assessment } from '../../src/core/assessment';
import { createBrokerDecisionService } from '../../src/host/brokerClient';
import type { DecisionService, GuardAnswer } from '../../src/host/decisionService';
import { makeWorld, payload } from './hookSupport';
import type { HookWorld } from './hookSupport';
import { sharedEngine } from './support/engineFixture';

let world: HookWorld;
before(() => {
  world = makeWorld();
  writeFileSync(join(world.ws, '.env'), 'DATABASE_URL=postgres://app:hunter2@db/app\n');
  mkdirSync(join(world.ws, '.airlock'), { recursive: true });
  // The setting that makes reads of secrets ask (a team policy may only tighten).
  writeFileSync(join(world.ws, '.airlock', 'policy.json'), JSON.stringify({ protectedPaths: ['vault/**'], rules: { ask: [{ rule: 'secret.read', reason: 'reads of secrets are asked here' }] } }));
});
after(() => world.dispose());

type Dialect = 'claude' | 'cursor' | 'copilot';
const AFTER = 'Do not retry it or reach the same result another way; tell the user what you wanted to do and why, so they can decide.';
const APPROVED = 'approved by the user in Airlock';

/** Each agent's exact answers, written out literally: key order and field names are the contract. */
const FORMAT: Record<Dialect, { none: string; allow: string; deny: (reason: string) => string; denyExit: number; denyStderr: boolean }> = {
  claude: {
    none: '',
    allow: `{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow","permissionDecisionReason":"${APPROVED}"}}\n`,
    deny: (r) => `{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":${JSON.stringify(r)}}}\n`,
    denyExit: 2,
    denyStderr: true,
  },
  cursor: {
    none: '{"permission":"allow"}\n',
    allow: `{"permission":"allow","user_message":"${APPROVED}"}\n`,
    deny: (r) => `{"permission":"deny","user_message":${JSON.stringify(r)},"agent_message":${JSON.stringify(r)},"userMessage":${JSON.stringify(r)},"agentMessage":${JSON.stringify(r)}}\n`,
    denyExit: 2,
    denyStderr: true,
  },
  copilot: {
    none: '',
    allow: `{"permissionDecision":"allow","permissionDecisionReason":"${APPROVED}"}\n`,
    deny: (r) => `{"permissionDecision":"deny","permissionDecisionReason":${JSON.stringify(r)}}\n`,
    denyExit: 0,
    denyStderr: true,
  },
};

interface EventCase {
  readonly name: string;
  /** The agent named on the hook's command line (what the installed file runs). */
  readonly agent: 'claude' | 'cursor' | 'copilot';
  readonly dialect: Dialect;
  /** The dialect of a deny for input that cannot be read, which only the command line names. */
  readonly malformedDialect: Dialect;
  benign(): string;
  risky(): string;
  /** How the deny reason names the risky action. */
  readonly what: () => string;
}

const EVENTS: EventCase[] = [
  { name: 'Claude Code PreToolUse (Bash)', agent: 'claude', dialect: 'claude', malformedDialect: 'claude',
    benign: () => payload('claude-bash', { CWD: world.ws, COMMAND: 'git status' }), risky: () => payload('claude-bash', { CWD: world.ws, COMMAND: 'rm -rf ~/' }), what: () => 'the command `rm -rf ~/`' },
  { name: 'Cursor beforeShellExecution', agent: 'cursor', dialect: 'cursor', malformedDialect: 'cursor',
    benign: () => payload('cursor-shell', { CWD: world.ws, COMMAND: 'ls' }), risky: () => payload('cursor-shell', { CWD: world.ws, COMMAND: 'rm -rf ~/' }), what: () => 'the command `rm -rf ~/`' },
  { name: 'Cursor beforeMCPExecution', agent: 'cursor', dialect: 'cursor', malformedDialect: 'cursor',
    benign: () => payload('cursor-mcp', { CWD: world.ws, TOOL: 'list_tables', ARGS: '{}' }),
    risky: () => payload('cursor-mcp', { CWD: world.ws, TOOL: 'delete_volume', ARGS: '{"volumeId":"prod-db"}' }), what: () => 'the MCP call https://mcp.example.com/sse/delete_volume' },
  { name: 'Cursor beforeReadFile', agent: 'cursor', dialect: 'cursor', malformedDialect: 'cursor',
    benign: () => payload('cursor-read', { CWD: world.ws, PATH: join(world.ws, 'README.md') }), risky: () => payload('cursor-read', { CWD: world.ws, PATH: join(world.ws, '.env') }), what: () => `the read of ${join(world.ws, '.env')}` },
  { name: 'Cursor preToolUse (Delete)', agent: 'cursor', dialect: 'cursor', malformedDialect: 'cursor',
    benign: () => payload('cursor-delete', { CWD: world.ws, PATH: 'notes.txt' }), risky: () => payload('cursor-delete', { CWD: world.ws, PATH: '.airlock/policy.json' }), what: () => 'the deletion of .airlock/policy.json' },
  { name: 'VS Code agent mode, local harness PreToolUse', agent: 'copilot', dialect: 'claude', malformedDialect: 'claude',
    benign: () => payload('vscode-terminal', { CWD: world.ws, COMMAND: 'npm test' }), risky: () => payload('vscode-terminal', { CWD: world.ws, COMMAND: 'rm -rf ~/' }), what: () => 'the command `rm -rf ~/`' },
  { name: 'VS Code agent mode, Copilot harness preToolUse', agent: 'copilot', dialect: 'copilot', malformedDialect: 'claude',
    benign: () => payload('copilot-bash', { CWD: world.ws, COMMAND: 'ls' }), risky: () => payload('copilot-bash', { CWD: world.ws, COMMAND: 'rm -rf ~/' }), what: () => 'the command `rm -rf ~/`' },
];

let call = 0;
/** A new tool call each time: the same payload twice would otherwise share one answer (answerCache.ts). */
function fresh(text: string): string {
  const json = JSON.parse(text) as Record<string, unknown>;
  call += 1;
  for (const key of ['tool_use_id', 'generation_id']) if (key in json) json[key] = `${String(json[key])}-${call}`;
  if (typeof json.timestamp === 'number') json.timestamp += call;
  return JSON.stringify(json);
}

const FIXED: Assessment = { score: 60, level: 'high', reasons: [{ rule: 'fs.test', score: 60, message: 'would destroy data' }], impact: { summary: 'would destroy data', paths: [], files: 0, bytes: 0, untracked: 0, modified: 0 } };
/** A window that asks a person: the answer is the person's (or the timeout's), recorded as such. */
function window(decision: 'allow' | 'deny', by: 'person' | 'timeout'): DecisionService {
  return {
    decide: (): Promise<GuardAnswer> => Promise.resolve({
      decision, assessment: FIXED, policy: { decision: 'ask', decidedBy: 'threshold' },
      decider: { by, how: by === 'timeout' ? 'timeout' : decision === 'allow' ? 'allow-once' : 'deny' }, ledger: { seq: 1 },
    }),
  };
}
/** The CLI's real service with no window registered: it falls back to the local, fail-closed decider. */
const noWindow = (): DecisionService => createBrokerDecisionService(() => sharedEngine(), { env: {}, stateRoot: world.state });
const never: DecisionService = { decide: () => new Promise<never>(() => undefined) };

function expectDeny(dialect: Dialect, run: { stdout: string; stderr: string; code: number }, reason: string): void {
  assert.equal(run.stdout, FORMAT[dialect].deny(reason));
  assert.equal(run.code, FORMAT[dialect].denyExit);
  assert.equal(run.stderr, `${reason}\n`);
}

for (const event of EVENTS) {
  void describe(event.name, () => {
    const format = FORMAT[event.dialect];
    void test('below the threshold, no window: no decision (Cursor: its explicit allow), exit 0', async () => {
      const run = await world.run(event.agent, fresh(event.benign()), noWindow());
      assert.deepEqual([run.stdout, run.code, run.stderr], [format.none, 0, '']);
    });
    void test('approved by a person in the window: the one explicit allow', async () => {
      const run = await world.run(event.agent, fresh(event.risky()), window('allow', 'person'));
      assert.deepEqual([run.stdout, run.code, run.stderr], [format.allow, 0, '']);
    });
    void test('denied by a person: deny, with what was stopped and why', async () => {
      const run = await world.run(event.agent, fresh(event.risky()), window('deny', 'person'));
      expectDeny(event.dialect, run, `Airlock stopped ${event.what()}: it would destroy data (high, score 60). The user denied it. ${AFTER}`);
    });
    void test('timed out in the window: deny', async () => {
      const run = await world.run(event.agent, fresh(event.risky()), window('deny', 'timeout'));
      expectDeny(event.dialect, run, `Airlock stopped ${event.what()}: it would destroy data (high, score 60). Nobody approved it in time. ${AFTER}`);
    });
    void test("timed out at the hook's own deadline (no answer at all): deny before the agent gives up", async () => {
      const run = await world.run(event.agent, fresh(event.risky()), never, ['--deadline', '1.3']);
      expectDeny(event.dialect, run, `Airlock stopped ${event.what()}: nobody decided in time. Tell the user what you wanted to do and why, so they can decide.`);
    });
    void test('no window to ask: decided locally by the real engine, failing closed', async () => {
      const run = await world.run(event.agent, fresh(event.risky()), noWindow());
      const reason = run.stderr.replace(/\n$/, '');
      expectDeny(event.dialect, run, reason);
      const escaped = event.what().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      assert.match(reason, new RegExp(`^Airlock stopped ${escaped}: it .+ \\((low|high|critical), score \\d+\\)\\. (It needs the user's approval( \\(.+\\))? and nobody could be asked, so it is denied\\.|Policy: .+\\.|The policy denies it\\.) ${AFTER.replace(/[.;]/g, '\\$&')}$`));
    });
    void test('malformed (truncated) input: deny in the format of the agent the command names, the problem on stderr', async () => {
      const run = await world.run(event.agent, event.risky().slice(0, 60), noWindow());
      const parsed = JSON.parse(run.stdout) as { agent_message?: string; hookSpecificOutput?: { permissionDecisionReason?: string } };
      const reason = (event.malformedDialect === 'cursor' ? parsed.agent_message : parsed.hookSpecificOutput?.permissionDecisionReason) ?? '';
      assert.match(reason, /^Airlock stopped this tool call: the hook input is not valid JSON \(.+\), so Airlock cannot tell what it would do\. It is not allowed unseen\.$/);
      assert.equal(run.stdout, FORMAT[event.malformedDialect].deny(reason));
      assert.equal(run.code, 2);
      assert.match(run.stderr, new RegExp(`^airlock hook ${event.agent}: the hook input is not valid JSON`));
      assert.equal(run.requests.length, 0);
    });
  });
}

void test('Claude Code in bypassPermissions (where an ask would be auto-approved): Airlock asks the person itself and answers allow or deny, never ask', async () => {
  const bypass = (command: string): string => fresh(payload('claude-bash', { CWD: world.ws, COMMAND: command }).replace('"permission_mode":"default"', '"permission_mode":"bypassPermissions"'));
  const approved = await world.run('claude', bypass('rm -rf ~/old'), window('allow', 'person'));
  assert.equal(approved.stdout, FORMAT.claude.allow);
  assert.equal(approved.requests.length, 1, 'the person was asked through the window');
  const alone = await world.run('claude', bypass('rm -rf ~/old'), noWindow());
  assert.equal(alone.code, 2);
  assert.match(alone.stdout, /"permissionDecision":"deny"/);
  for (const run of [approved, alone]) assert.doesNotMatch(run.stdout, /"ask"/);
});

void test('Cursor reading a secret: asked because a setting (an ask rule on secret.read) says so, and recorded with the secret redacted', async () => {
  const read = (): string => fresh(payload('cursor-read', { CWD: world.ws, PATH: join(world.ws, '.env') }));
  const approved = await world.run('cursor', read(), window('allow', 'person'));
  assert.equal(approved.stdout, FORMAT.cursor.allow);
  const alone = await world.run('cursor', read(), noWindow());
  assert.equal((JSON.parse(alone.stdout) as { permission: string }).permission, 'deny');
  const entries = readFileSync(join(world.ws, '.airlock', 'ledger.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { action: { kind: string; file?: string }; outcome: string; policy: { decidedBy: string; failedClosed?: boolean } });
  const last = entries[entries.length - 1];
  assert.deepEqual([last?.action.kind, last?.outcome, last?.policy.decidedBy, last?.policy.failedClosed], ['fileRead', 'denied', 'workspace.ask.1', true], 'the ask rule decided; with nobody to ask it failed closed');
  assert.doesNotMatch(JSON.stringify(entries), /hunter2|do-not-log-me/, 'neither the file nor the content Cursor sends is recorded');
  const plain = await world.run('cursor', fresh(payload('cursor-read', { CWD: world.ws, PATH: join(world.ws, 'README.md') })), noWindow());
  assert.equal(plain.stdout, FORMAT.cursor.none, 'other reads pass');
});

void test('a write the score lets through but a protected path asks about: the deny says why a person had to decide', async () => {
  const run = await world.run('claude', fresh(payload('claude-write', { CWD: world.ws, PATH: 'vault/new.txt', CONTENT: 'x' })), noWindow());
  expectDeny('claude', run, `Airlock stopped the write to vault/new.txt. It needs the user's approval (affects the protected path vault/new.txt) and nobody could be asked, so it is denied. ${AFTER}`);
});
