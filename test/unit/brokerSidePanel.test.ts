import { strict as assert } from 'node:assert';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { LedgerEntry, LedgerRecord } from '../../src/core/ledger/entry';
import { LedgerCache, queryLedger } from '../../src/extension/sidePanel/ledgerQuery';
import { LedgerStore } from '../../src/host/ledger/ledgerStore';
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

void describe('side panel: the ledger cache reads only what was appended', () => {
  void it('follows appends, waits for a torn line to complete, and rereads a rewritten ledger', async () => {
    const root = mkdtempSync(join(tmpdir(), 'airlock-cache-'));
    try {
      const workspace = join(root, 'ws');
      mkdirSync(join(workspace, '.git'), { recursive: true });
      const stateRoot = join(root, 'state');
      const store = new LedgerStore(workspace, { stateRoot });
      // A record is an entry before the store numbers, chains and hashes it.
      const record = (seq: number): LedgerRecord =>
        Object.fromEntries(Object.entries(entry(seq)).filter(([key]) => !['v', 'seq', 'prev', 'hash'].includes(key))) as unknown as LedgerRecord;
      for (let i = 1; i <= 3; i++) await store.append(record(i));
      const cache = new LedgerCache(workspace, stateRoot);
      assert.equal(cache.read().length, 3);
      await store.append(record(4));
      assert.deepEqual(cache.read().map((e) => e.seq), [1, 2, 3, 4]);

      const file = join(workspace, '.airlock', 'ledger.jsonl');
      const lines = readFileSync(file, 'utf8');
      const torn = lines.split('\n')[0]!.replace('"seq":1', '"seq":5');
      appendFileSync(file, torn.slice(0, 20));
      assert.equal(cache.read().length, 4, 'half a line is not an entry yet');
      appendFileSync(file, `${torn.slice(20)}\n`);
      assert.deepEqual(cache.read().map((e) => e.seq), [1, 2, 3, 4, 5]);

      writeFileSync(file, lines.split('\n').slice(0, 2).join('\n') + '\n');
      assert.deepEqual(cache.read().map((e) => e.seq), [1, 2], 'a shorter file is read again from the start');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
