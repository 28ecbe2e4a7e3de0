// `airlock.productionMarkers` from the user's settings, the workspace's settings and the team policy
// reach the engine on every path (the CLI check, the hook and guard fallback, the extension's broker),
// so a command that names one of those words scores higher than the same command without it.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { runCheck } from '../../src/cli/checkCommand';
import type { Engine } from '../../src/core/engine';
import { engineEvaluator } from '../../src/host/broker/brokerEvaluator';
import { LocalDecisionService } from '../../src/host/decisionService';
import { createDiskContext } from '../../src/host/diskContext';
import { saveUserSettings } from '../../src/host/policyLoader';
import { sharedEngine } from './support/engineFixture';

let engine: Engine;
let base: string;
let marked: string;
let plain: string;
let state: string;
let previousStateDir: string | undefined;

// Neither word says prod: only the settings make them production markers.
const USER_MARKED = 'kubectl --context blue-cluster delete deployment api';
const POLICY_MARKED = 'psql -h db-eu-main.internal -c "DELETE FROM orders"';

function repo(dir: string): void {
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '.'], { cwd: dir });
}

before(async () => {
  engine = await sharedEngine();
  base = mkdtempSync(join(tmpdir(), 'airlock-markers-'));
  marked = join(base, 'marked');
  plain = join(base, 'plain');
  state = join(base, 'state');
  repo(marked);
  repo(plain);
  mkdirSync(join(marked, '.airlock'), { recursive: true });
  writeFileSync(join(marked, '.airlock', 'policy.json'), JSON.stringify({ version: 1, productionMarkers: ['eu-main'] }));
  saveUserSettings({ 'airlock.productionMarkers': ['prod', 'production', 'live', 'blue-cluster'] }, state);
  previousStateDir = process.env.AIRLOCK_STATE_DIR;
  process.env.AIRLOCK_STATE_DIR = state;
});

after(() => {
  if (previousStateDir === undefined) delete process.env.AIRLOCK_STATE_DIR;
  else process.env.AIRLOCK_STATE_DIR = previousStateDir;
  rmSync(base, { recursive: true, force: true });
});

function shell(command: string): { kind: 'shell'; command: string } {
  return { kind: 'shell', command };
}

/** The score the engine gives without any settings: the baseline the markers must raise. */
function unmarkedScore(command: string): number {
  return engine.analyze(shell(command), createDiskContext(plain)).score;
}

async function cliScore(cwd: string, command: string): Promise<{ score: number; reasons: { message: string }[] }> {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const io = { stdout, stderr: new PassThrough() } as unknown as Parameters<typeof runCheck>[1];
  await runCheck(['--json', '--cwd', cwd, '--', command], io, new PassThrough(), () => Promise.resolve(engine));
  return JSON.parse(text) as { score: number; reasons: { message: string }[] };
}

void describe('production markers from the settings', () => {
  void it('the context carries the markers it is given', () => {
    assert.deepEqual(createDiskContext(plain, { productionMarkers: ['eu-main'] }).productionMarkers, ['eu-main']);
    assert.equal(createDiskContext(plain).productionMarkers, undefined);
  });

  void it('airlock check: a user marker and a team-policy marker each raise the score', async () => {
    const user = await cliScore(marked, USER_MARKED);
    assert.ok(user.score > unmarkedScore(USER_MARKED), `${user.score} > ${unmarkedScore(USER_MARKED)}`);
    assert.match(user.reasons[0]?.message ?? '', /production: .*blue-cluster/);
    const team = await cliScore(marked, POLICY_MARKED);
    assert.ok(team.score > unmarkedScore(POLICY_MARKED), `${team.score} > ${unmarkedScore(POLICY_MARKED)}`);
    // The team policy belongs to its workspace: the same line elsewhere is not production.
    assert.equal((await cliScore(plain, POLICY_MARKED)).score, unmarkedScore(POLICY_MARKED));
  });

  void it('the local decider (hooks and guards without the extension) uses them', async () => {
    const service = new LocalDecisionService(engine, { stateRoot: state });
    const answer = await service.decide({ action: shell(POLICY_MARKED), cwd: marked, source: 'agent-hook', agent: 'claude' });
    assert.ok(answer.assessment.score > unmarkedScore(POLICY_MARKED));
    assert.equal(answer.assessment.impact.resources?.[0]?.environment, 'production');
  });

  void it("the extension's broker uses the window's workspace settings too", async () => {
    const evaluate = engineEvaluator(() => Promise.resolve(engine), { stateRoot: state, workspaceLayers: () => [{ label: 'workspace settings', raw: { 'airlock.productionMarkers': ['green-stack'] } }] });
    const command = 'kubectl --context green-stack delete deployment api';
    const evaluated = await evaluate({ action: shell(command), cwd: plain, source: 'agent-hook' });
    assert.ok(evaluated.assessment.score > unmarkedScore(command));
  });

  void it('markers match whole words: live marks db-live-1, not delivery', () => {
    const context = (cwd: string) => createDiskContext(cwd, { productionMarkers: ['live'] });
    const live = engine.analyze(shell('psql -h db-live-1 -c "DROP TABLE orders"'), context(plain));
    const delivery = engine.analyze(shell('psql -h delivery-db -c "DROP TABLE orders"'), context(plain));
    assert.ok(live.score > delivery.score);
  });
});
