import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { AgentActivity } from '../../src/extension/files/agentActivity';
import { isWatchedPath, RecentPaths } from '../../src/extension/files/filePaths';
import { addEdit, addLosses, markRestored, MAX_EDITS, parseReviewState, removeEdit, EMPTY_REVIEW } from '../../src/extension/files/reviewModel';
import type { RecordedLoss, ReviewedEdit } from '../../src/extension/files/reviewModel';
import { isHostToSidePanel, isSidePanelToHost } from '../../src/protocol/sidePanelMessages';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);
const HASH_C = 'c'.repeat(64);

function edit(id: string, path: string, before: string | undefined, after: string): ReviewedEdit {
  return {
    id, path, workspaceRoot: '/ws', time: 1000, after: { hash: after, size: 10 }, added: 1, removed: 1, textDiff: true,
    ...(before ? { before: { hash: before, size: 9 } } : {}),
  };
}

function loss(id: string, path: string, restoredAt?: number): RecordedLoss {
  return { id, path, workspaceRoot: '/ws', how: 'deleted', time: 1000, snapshot: { hash: HASH_A, size: 3 }, ...(restoredAt ? { restoredAt } : {}) };
}

void describe('agent activity: edits count as an agent\'s while its hook calls are recent', () => {
  void it('is active within the window after a hook call and not after it', () => {
    const activity = new AgentActivity(() => 5 * 60_000);
    assert.equal(activity.activeAt(1_000), undefined, 'no hook call yet');
    activity.noteHookCall({ agent: 'claude', at: 10_000 });
    assert.equal(activity.activeAt(10_000 + 5 * 60_000)?.agent, 'claude');
    assert.equal(activity.activeAt(10_001 + 5 * 60_000), undefined);
  });

  void it('reads the window at every question, so a changed setting applies at once', () => {
    let minutes = 1;
    const activity = new AgentActivity(() => minutes * 60_000);
    activity.noteHookCall({ agent: 'cursor', at: 0 });
    assert.equal(activity.activeAt(90_000), undefined);
    minutes = 2;
    assert.equal(activity.activeAt(90_000)?.agent, 'cursor');
  });

  void it('knows when the spell began: calls within the window continue it, a call after a quiet period starts another', () => {
    const activity = new AgentActivity(() => 60_000);
    activity.noteHookCall({ agent: 'claude', at: 1_000 });
    activity.noteHookCall({ agent: 'claude', at: 50_000 });
    activity.noteHookCall({ agent: 'claude', at: 100_000 });
    assert.equal(activity.activeAt(100_000)?.since, 1_000);
    activity.noteHookCall({ agent: 'claude', at: 200_000 });
    assert.equal(activity.activeAt(200_000)?.since, 200_000);
  });

  void it('keeps the newest call: an older one read late from the ledger does not replace it', () => {
    const activity = new AgentActivity(() => 60_000);
    activity.noteHookCall({ agent: 'claude', at: 50_000 });
    activity.noteHookCall({ agent: 'copilot', at: 10_000 });
    activity.noteHookCall({ agent: 'cursor', at: Number.NaN });
    assert.equal(activity.activeAt(100_000)?.agent, 'claude');
  });
});

void describe('watched paths: Airlock\'s own files, git internals and dependencies are not watched', () => {
  void it('leaves out the ledger and snapshot store but watches the team policy', () => {
    assert.equal(isWatchedPath('.airlock/ledger.jsonl'), false);
    assert.equal(isWatchedPath('.airlock/snapshots/objects/ab/abc'), false);
    assert.equal(isWatchedPath('.airlock/policy.json'), true);
  });

  void it('sees the .git folder go but not git rewriting its internals', () => {
    assert.equal(isWatchedPath('.git'), true);
    assert.equal(isWatchedPath('.git/index'), false);
    assert.equal(isWatchedPath('vendor/lib/.git/HEAD'), false);
  });

  void it('leaves out node_modules anywhere, the root itself and paths outside', () => {
    assert.equal(isWatchedPath('node_modules/x/index.js'), false);
    assert.equal(isWatchedPath('packages/a/node_modules/x.js'), false);
    assert.equal(isWatchedPath(''), false);
    assert.equal(isWatchedPath('../elsewhere/.env'), false);
    assert.equal(isWatchedPath('db/migrations/001.sql'), true);
  });
});

void describe('recent paths: what this window just wrote or handled', () => {
  void it('matches a marked path and everything under a marked folder, until the time to live ends', () => {
    const recent = new RecentPaths(1_000);
    recent.mark('/ws/reports', 0);
    assert.equal(recent.has('/ws/reports', 500), true);
    assert.equal(recent.has('/ws/reports/q1/chart.png', 500), true);
    assert.equal(recent.has('/ws/reports-old/a', 500), false, 'a sibling with a longer name is not inside');
    assert.equal(recent.has('/ws/reports', 1_001), false);
  });
});

void describe('review list: edits keep the version before the agent\'s first edit', () => {
  void it('a second edit of a file replaces the first but keeps its id and its before', () => {
    let state = addEdit(EMPTY_REVIEW, edit('e1', '/ws/a.ts', HASH_A, HASH_B));
    state = addEdit(state, edit('e2', '/ws/a.ts', HASH_B, HASH_C));
    assert.equal(state.edits.length, 1);
    assert.equal(state.edits[0]!.id, 'e1');
    assert.equal(state.edits[0]!.before?.hash, HASH_A, 'restore goes back past every agent edit');
    assert.equal(state.edits[0]!.after.hash, HASH_C);
  });

  void it('an edit first seen without an earlier version never gains one from the middle of the agent\'s work', () => {
    let state = addEdit(EMPTY_REVIEW, edit('e1', '/ws/a.ts', undefined, HASH_B));
    state = addEdit(state, edit('e2', '/ws/a.ts', HASH_B, HASH_C));
    assert.equal(state.edits[0]!.before, undefined);
  });

  void it('is bounded, newest first, and Keep removes one', () => {
    let state = EMPTY_REVIEW;
    for (let i = 0; i < MAX_EDITS + 5; i++) state = addEdit(state, edit(`e${i}`, `/ws/f${i}`, HASH_A, HASH_B));
    assert.equal(state.edits.length, MAX_EDITS);
    assert.equal(state.edits[0]!.id, `e${MAX_EDITS + 4}`);
    state = removeEdit(state, `e${MAX_EDITS + 4}`);
    assert.equal(state.edits[0]!.id, `e${MAX_EDITS + 3}`);
  });

  void it('a file lost again replaces its unrestored entry; a restored one stays as history', () => {
    let state = addLosses(EMPTY_REVIEW, [loss('l1', '/ws/.env')]);
    state = markRestored(state, 'l1', 2000);
    state = addLosses(state, [loss('l2', '/ws/.env')]);
    state = addLosses(state, [loss('l3', '/ws/.env')]);
    assert.deepEqual(state.losses.map((l) => l.id), ['l3', 'l1']);
    assert.equal(state.losses[1]!.restoredAt, 2000);
  });

  void it('a saved state that was tampered with loses its malformed items, not the rest', () => {
    const parsed = parseReviewState({
      edits: [edit('ok', '/ws/a', HASH_A, HASH_B), { id: 'bad', path: '/ws/b', after: { hash: 'not-a-hash', size: 1 } }, null],
      losses: [loss('ok', '/ws/c'), { ...loss('bad', '/ws/d'), how: 'exploded' }],
    });
    assert.deepEqual(parsed.edits.map((e) => e.id), ['ok']);
    assert.deepEqual(parsed.losses.map((l) => l.id), ['ok']);
    assert.deepEqual(parseReviewState('garbage'), EMPTY_REVIEW);
  });
});

void describe('side panel protocol: Restore from a ledger entry', () => {
  void it('accepts a restore naming an entry and a path, and details listing the kept files', () => {
    assert.equal(isSidePanelToHost({ type: 'restore', seq: 3, path: 'db/migrations/001.sql' }), true);
    assert.equal(isHostToSidePanel({ type: 'details', seq: 3, json: '{}', restorable: [{ path: '.env', size: 12 }] }), true);
  });

  void it('refuses a restore without a path, with a non-integer entry, or with extra fields', () => {
    assert.equal(isSidePanelToHost({ type: 'restore', seq: 3 }), false);
    assert.equal(isSidePanelToHost({ type: 'restore', seq: 1.5, path: 'a' }), false);
    assert.equal(isSidePanelToHost({ type: 'restore', seq: 3, path: '' }), false);
    assert.equal(isSidePanelToHost({ type: 'restore', seq: 3, path: 'a', overwrite: true }), false);
  });
});
