import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { MAX_MESSAGE_BYTES, parseBrokerRequest, parseBrokerResponse } from '../../src/protocol/brokerMessages';

const TOKEN = 'ab'.repeat(32);
const decide = (overrides: Record<string, unknown> = {}, request: Record<string, unknown> = {}): string =>
  JSON.stringify({
    v: 1, type: 'decide', id: 'r1', token: TOKEN,
    request: { action: { kind: 'shell', command: 'rm -rf build' }, cwd: '/work/project', source: 'agent-hook', agent: 'claude', ...request },
    ...overrides,
  });

void describe('broker protocol: requests are checked at the boundary', () => {
  void it('accepts a well-formed decide, consume-approval and ping', () => {
    const parsed = parseBrokerRequest(decide());
    assert.equal(parsed.ok, true);
    assert.equal(parsed.ok && parsed.value.type, 'decide');
    assert.equal(parseBrokerRequest(JSON.stringify({ v: 1, type: 'consume-approval', id: 'x', token: TOKEN, command: 'ls', cwd: '/w' })).ok, true);
    assert.equal(parseBrokerRequest(JSON.stringify({ v: 1, type: 'ping', id: 'x', token: TOKEN })).ok, true);
  });

  void it('accepts a shell guard\'s PATH shim state, on or off only', () => {
    for (const pathShims of ['on', 'off']) {
      const parsed = parseBrokerRequest(decide({}, { source: 'shell-guard', pathShims }));
      assert.equal(parsed.ok && parsed.value.type === 'decide' && parsed.value.request.pathShims, pathShims);
    }
    for (const pathShims of ['', 'maybe', true]) assert.equal(parseBrokerRequest(decide({}, { pathShims })).ok, false, String(pathShims));
  });

  void it('accepts the file, MCP and tool actions as well as shell ones', () => {
    for (const action of [
      { kind: 'fileWrite', path: 'a.ts', oldContent: 'a', newContent: 'b', tool: 'Edit' },
      { kind: 'fileDelete', path: 'a.ts' },
      { kind: 'fileRead', file: '.env' },
      { kind: 'mcp', server: 'db', tool: 'query', args: { sql: 'DROP TABLE users' } },
      { kind: 'tool', tool: 'Unknown', input: [1, 2] },
    ]) {
      const parsed = parseBrokerRequest(decide({}, { action }));
      assert.equal(parsed.ok, true, `${action.kind}: ${parsed.ok ? '' : parsed.reason}`);
    }
  });

  void it('rejects unknown fields at every level, so nothing can be smuggled in', () => {
    for (const [text, where] of [
      [decide({ approved: true }), 'approved'],
      [decide({}, { decision: 'allow' }), 'decision'],
      [decide({}, { action: { kind: 'shell', command: 'ls', approve: true } }), 'approve'],
    ] as const) {
      const parsed = parseBrokerRequest(text);
      assert.equal(parsed.ok, false);
      assert.match(parsed.ok ? '' : parsed.reason, new RegExp(`unknown field "${where}"`));
    }
  });

  void it('rejects wrong types, missing fields, unknown kinds, sources and versions', () => {
    const bad = [
      decide({ v: 2 }),
      decide({ type: 'approve' }),
      decide({ token: 'short' }),
      decide({ id: 'has space' }),
      decide({ timeoutMs: -5 }),
      decide({}, { source: 'person' }),
      decide({}, { cwd: 7 }),
      decide({}, { action: { kind: 'shell' } }),
      decide({}, { action: { kind: 'rocket', command: 'x' } }),
      JSON.stringify({ v: 1, type: 'decide', id: 'r1', token: TOKEN }),
      '[1,2,3]',
      'null',
      '{"v":1,',
      JSON.stringify({ ['__proto__']: { polluted: true }, v: 1, type: 'ping', id: 'x', token: TOKEN }),
    ];
    for (const text of bad) assert.equal(parseBrokerRequest(text).ok, false, text);
  });

  void it('refuses a message over the size limit before parsing it', () => {
    const huge = decide({}, { action: { kind: 'shell', command: 'x'.repeat(MAX_MESSAGE_BYTES) } });
    const parsed = parseBrokerRequest(huge);
    assert.equal(parsed.ok, false);
    assert.match(parsed.ok ? '' : parsed.reason, /larger than/);
  });

  void it('checks broker replies too: an answer must say allow or deny', () => {
    const answer = {
      decision: 'allow', decider: { by: 'person', how: 'allow-once' }, ledger: { seq: 3 },
      assessment: { score: 60, level: 'high', reasons: [{ rule: 'fs.rm', score: 60, message: 'm' }], impact: { summary: '', paths: [] } },
      policy: { decision: 'ask', decidedBy: 'threshold' },
    };
    assert.equal(parseBrokerResponse(JSON.stringify({ v: 1, type: 'answer', id: 'r1', answer })).ok, true);
    assert.equal(parseBrokerResponse(JSON.stringify({ v: 1, type: 'answer', id: 'r1', answer: { ...answer, decision: 'ask' } })).ok, false);
    assert.equal(parseBrokerResponse(JSON.stringify({ v: 1, type: 'answer', id: 'r1', answer: { ...answer, decider: { by: 'agent', how: 'x' } } })).ok, false);
  });
});
