import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { LedgerEntry } from '../../src/core/ledger/entry';
import { queryLedger } from '../../src/extension/sidePanel/ledgerQuery';
import { isHostToSidePanel, isSidePanelToHost } from '../../src/protocol/sidePanelMessages';

const LEVELS = ['none', 'low', 'high', 'critical'] as const;
const SOURCES = ['agent-hook', 'shell-guard', 'shim'] as const;

function entry(seq: number): LedgerEntry {
  const level = LEVELS[seq % 4]!;
  return {
    v: 1, seq, prev: '0', hash: '0', time: new Date(seq * 1000).toISOString(),
    source: SOURCES[seq % 3]!, agent: seq % 2 ? 'claude' : 'cursor',
    action: { kind: 'shell', command: seq % 10 === 0 ? `rm -rf build-${seq}` : `ls dir-${seq}` },
    assessment: { score: seq % 100, level, reasons: [{ rule: `rule.${level}`, score: 1, message: `message ${level}` }], impact: { summary: '', paths: [], files: 0, bytes: 0, untracked: 0, modified: 0 } },
    policy: { decision: 'allow', decidedBy: 'threshold' },
    outcome: seq % 5 === 0 ? 'denied' : 'allowed',
    decider: { by: 'policy', how: 'threshold' },
    waitMs: 0,
  };
}

const entries = Array.from({ length: 100_000 }, (_, i) => entry(i + 1));

void describe('side panel: the ledger, newest first, filtered and paged by the extension', () => {
  void it('pages newest first and counts every match', () => {
    const first = queryLedger(entries, {}, 0, 200);
    assert.equal(first.matched, 100_000);
    assert.equal(first.rows.length, 200);
    assert.equal(first.rows[0]!.seq, 100_000);
    const second = queryLedger(entries, {}, 200, 200);
    assert.equal(second.rows[0]!.seq, 99_800);
  });

  void it('filters by decision, source, level and text together', () => {
    const { rows, matched } = queryLedger(entries, { decision: 'denied', level: 'high', source: 'shim', text: 'RM -RF' }, 0, 1000);
    assert.ok(matched > 0);
    for (const row of rows) {
      assert.equal(row.outcome, 'denied');
      assert.equal(row.level, 'high');
      assert.equal(row.source, 'shim');
      assert.match(row.text, /^rm -rf/);
    }
    const expected = entries.filter((e) => e.outcome === 'denied' && e.assessment.level === 'high' && e.source === 'shim' && e.action.kind === 'shell' && e.action.command.startsWith('rm')).length;
    assert.equal(matched, expected);
  });

  void it('a filtered page of 100,000 entries takes well under a frame budget of 100 ms', () => {
    queryLedger(entries, { text: 'build-99' }, 0, 200);
    const started = performance.now();
    queryLedger(entries, { text: 'build-99', decision: 'denied' }, 0, 200);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 100, `${elapsed.toFixed(1)} ms`);
  });

  void it('the page may only ask, never change anything, and what it is sent is checked', () => {
    assert.equal(isSidePanelToHost({ type: 'query', filter: { level: 'high' }, offset: 0, limit: 200 }), true);
    assert.equal(isSidePanelToHost({ type: 'query', filter: { level: 'high', approve: true }, offset: 0, limit: 200 }), false);
    assert.equal(isSidePanelToHost({ type: 'query', filter: {}, offset: 0, limit: 1_000_000 }), false);
    assert.equal(isSidePanelToHost({ type: 'answer', id: 'a1', choice: 'allow-once' }), false);
    const page = { type: 'page', rows: queryLedger(entries, {}, 0, 3).rows, matched: 3, total: 3, offset: 0 };
    assert.equal(isHostToSidePanel(page), true);
    assert.equal(isHostToSidePanel({ ...page, rows: [{ ...page.rows[0], html: '<b>' }] }), false);
  });
});
