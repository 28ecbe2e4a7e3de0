// What a line hands to child shells, and the one-time approvals the broker holds for those children:
// a child bash -c / zsh -c / fish -c of a line a person just allowed checks its own command, and that
// check is covered once, for exactly a string the person saw; nothing in the environment takes part.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { Assessment } from '../../src/core/assessment';
import { ApprovalBroker } from '../../src/host/broker/approvalBroker';
import { ApprovalMemory } from '../../src/host/broker/approvalMemory';
import { childShellCommands, splitSimpleCommands } from '../../src/host/broker/childShellCommands';
import type { GuardRequest } from '../../src/host/decisionService';

void describe('childShellCommands', () => {
  void it('reads the -c string of bash, zsh and sh as the child shell will see it, through quotes and escapes', () => {
    assert.deepEqual(childShellCommands(`bash -c 'rm -rf data'`), ['rm -rf data']);
    assert.deepEqual(childShellCommands(`cd sub && /bin/zsh -lc "echo \\"hi\\" \\$HOME"; true`), ['echo "hi" $HOME']);
    assert.deepEqual(childShellCommands(`sudo bash -ec $'a\\nb' name arg`), ['a\nb']);
    assert.deepEqual(childShellCommands(`bash -o pipefail -c 'x | y' && sh -c -- "z"`), ['x | y', 'z']);
    assert.deepEqual(childShellCommands(`echo $(bash -c 'inner') | bash -c outer`), ['inner', 'outer']);
  });

  void it('follows nested shells a few levels down', () => {
    assert.deepEqual(childShellCommands(`bash -c "zsh -c 'rm -rf data'"`), [`zsh -c 'rm -rf data'`, 'rm -rf data']);
  });

  void it('reads fish -C and -c as the fish guard asks about them: init commands first, one string', () => {
    assert.deepEqual(childShellCommands(`fish -c 'rm -rf data'`), ['rm -rf data']);
    assert.deepEqual(childShellCommands(`fish -c a -C b --command=c --init-command d`), ['b\nd\na\nc']);
    assert.deepEqual(childShellCommands(`fish -lcfoo`), ['foo']);
    assert.deepEqual(childShellCommands(`fish -d exec -c 'x'`), ['x']);
  });

  void it('finds nothing where no shell is given a command string', () => {
    assert.deepEqual(childShellCommands(`bash script.sh -c 'x'`), []);
    assert.deepEqual(childShellCommands(`bash -- -c`), []);
    assert.deepEqual(childShellCommands(`grep -c bash file # bash -c 'x'`), []);
    assert.deepEqual(childShellCommands(`bash -c`), []);
  });

  void it('splits commands at operators and keeps an unterminated quote as text', () => {
    assert.deepEqual(splitSimpleCommands(`a 'b c'; d|e && (f) > out`), [['a', 'b c'], ['d'], ['e'], ['f'], ['out']]);
    assert.deepEqual(splitSimpleCommands(`a 'b c`), [['a', 'b c']]);
  });
});

function assessment(score: number, paths: string[], rule = 'fs.rm.workspace-unrecoverable'): Assessment {
  return {
    score, level: score >= 80 ? 'critical' : score >= 50 ? 'high' : score >= 20 ? 'low' : 'none',
    reasons: score > 0 ? [{ rule, score, message: 'deletes' }] : [],
    impact: { summary: '', paths: paths.map((path) => ({ path, exists: true, files: 2, bytes: 4, tracked: 0, untracked: 2, modified: 0, truncated: false })), files: 2, bytes: 4, untracked: 2, modified: 0 },
  };
}

const shell = (command: string, source: GuardRequest['source'] = 'shell-guard', cwd = '/w'): GuardRequest => ({ action: { kind: 'shell', command }, cwd, source });

void describe('one-time approvals for the child shells of an approved line', () => {
  void it("covers a child's check once per occurrence, only for a string the line hands to a child, showing nothing more", () => {
    const clock = { now: 1000 };
    const memory = new ApprovalMemory(60_000, () => clock.now);
    const data = assessment(65, ['/w/data']);
    memory.remember(shell(`bash -c 'rm -rf data'; echo done`), data, '/w');
    assert.equal(memory.claim(shell('rm -rf data other'), assessment(65, ['/w/data', '/w/other']), '/w'), undefined, 'text the line never handed over');
    assert.equal(memory.claim(shell('rm -rf data'), data, '/elsewhere'), undefined, 'another workspace');
    assert.equal(memory.claim(shell('rm -rf data'), data, '/w', true), undefined, 'a typed line (through a session) is no child');
    assert.equal(memory.claim(shell('rm -rf data'), assessment(90, ['/w/data']), '/w'), undefined, 'scoring higher than what was approved');
    assert.equal(memory.claim(shell('rm -rf data'), data, '/w'), 'approved-child');
    assert.equal(memory.claim(shell('rm -rf data'), data, '/w'), undefined, 'the same child again is asked again');
  });

  void it('a line running the same child twice covers it twice; an expired approval covers nothing', () => {
    const clock = { now: 1000 };
    const memory = new ApprovalMemory(60_000, () => clock.now);
    const data = assessment(65, ['/w/data']);
    memory.remember(shell(`bash -c 'rm -rf data'; bash -c 'rm -rf data'`), data, '/w');
    assert.equal(memory.claim(shell('rm -rf data'), data, '/w'), 'approved-child');
    assert.equal(memory.claim(shell('rm -rf data'), data, '/w'), 'approved-child');
    assert.equal(memory.claim(shell('rm -rf data'), data, '/w'), undefined, 'a third run');
    memory.remember(shell(`bash -c 'rm -rf data'`), data, '/w');
    clock.now += 61_000;
    assert.equal(memory.claim(shell('rm -rf data'), data, '/w'), undefined);
  });

  void it('the broker answers a covered child without asking, and asks about it when it comes again', async () => {
    const data = assessment(65, ['/w/data']);
    const broker = new ApprovalBroker({
      evaluate: () => Promise.resolve({ assessment: data, policy: { decision: 'ask', decidedBy: 'threshold' }, workspaceRoot: '/w', timeoutMs: 60_000 }),
      record: () => Promise.resolve({ seq: 1 }),
    });
    const asked: string[] = [];
    broker.onDidChange(() => {
      for (const pending of broker.pending()) {
        if (asked.includes(pending.id)) continue;
        asked.push(pending.id);
        // The person allows the typed line and denies anything else they are asked about.
        const typed = pending.request.action.kind === 'shell' && pending.request.action.command.startsWith('bash -c');
        setImmediate(() => broker.answer(pending.id, typed ? 'allow-once' : 'deny'));
      }
    });
    const origin = { sessionId: 's1', shellPid: 42 };
    const line = await broker.decide(shell(`bash -c 'rm -rf data'`), { origin });
    assert.deepEqual([line.decision, line.decider.how], ['allow', 'allow-once']);
    const child = await broker.decide(shell('rm -rf data'));
    assert.deepEqual([child.decision, child.decider.by, child.decider.how], ['allow', 'person', 'approved-child']);
    assert.equal(asked.length, 1, 'the person was asked once');
    const again = await broker.decide(shell('rm -rf data'));
    assert.deepEqual([again.decision, again.decider.how], ['deny', 'deny']);
    assert.equal(asked.length, 2, 'the child run again was asked about');
  });
});
