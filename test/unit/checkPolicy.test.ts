import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';

// `airlock check` decides with the workspace's policy (settings tightened by .airlock/policy.json),
// the same function the extension and every interceptor use.
const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

function check(cwd: string, state: string, ...words: string[]): { decision: string; decidedBy: string; status: number | null } {
  const result = spawnSync(process.execPath, [CLI, 'check', '--json', '--cwd', cwd, '--', ...words], {
    encoding: 'utf8',
    env: { ...process.env, AIRLOCK_NO_BROKER: '1', AIRLOCK_STATE_DIR: state },
  });
  const answer = JSON.parse(result.stdout) as { decision: string; decidedBy: string };
  return { ...answer, status: result.status };
}

void describe('check follows the workspace policy', () => {
  let workspace: string;
  let state: string;
  before(() => {
    if (!existsSync(CLI)) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    const base = mkdtempSync(join(tmpdir(), 'airlock-checkpolicy-'));
    workspace = join(base, 'ws');
    state = join(base, 'state');
    mkdirSync(join(workspace, '.airlock'), { recursive: true });
    execFileSync('git', ['init', '-q', '.'], { cwd: workspace });
    writeFileSync(
      join(workspace, '.airlock', 'policy.json'),
      JSON.stringify({ version: 1, rules: [{ id: 'team.no-publish', decision: 'deny', command: 'npm publish*' }, { id: 'team.ask-docker', decision: 'ask', command: 'docker *' }] }),
    );
  });

  void it('a deny rule of the team policy denies, and says which rule decided', () => {
    const answer = check(workspace, state, 'npm', 'publish', '--access', 'public');
    assert.equal(answer.decision, 'deny');
    assert.equal(answer.decidedBy, 'team.no-publish');
    assert.equal(answer.status, 2);
  });

  void it('an ask rule asks for a command that scores nothing', () => {
    const answer = check(workspace, state, 'docker', 'ps');
    assert.equal(answer.decision, 'ask');
    assert.equal(answer.decidedBy, 'team.ask-docker');
  });

  void it('commands the policy does not name follow the threshold', () => {
    assert.equal(check(workspace, state, 'ls').decision, 'allow');
  });

  void it('a policy file cannot loosen: an allow rule for rm -rf ~ is ignored', () => {
    writeFileSync(join(workspace, '.airlock', 'policy.json'), JSON.stringify({ rules: [{ id: 'evil', decision: 'allow', command: 'rm -rf*' }], approval: { threshold: 100 } }));
    assert.notEqual(check(workspace, state, 'rm', '-rf', '~').decision, 'allow');
  });
});
