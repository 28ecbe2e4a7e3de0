// The observer's memory of what the guards asked: which execution a request vouches for, once.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { GuardRequest } from '../../src/host/decisionService';
import { GuardWitness } from '../../src/host/shellGuard/guardWitness';

const request = (command: string, source: GuardRequest['source'] = 'shell-guard'): GuardRequest => ({ action: { kind: 'shell', command }, cwd: '/w', source });

void describe('guard witness', () => {
  void it('vouches for an execution once, by its own shell (or a one-shot guard), whatever the spacing or definitions before it', () => {
    const clock = { now: 1000 };
    const witness = new GuardWitness(60_000, () => clock.now);
    witness.saw(request('alias ll=ls\n  rm -rf  build '), 42);
    witness.saw(request('make clean'));
    const query = (commandLine: string, shellPid?: number) => ({ commandLine, sources: ['shell-guard'], since: 0, ...(shellPid !== undefined ? { shellPid } : {}) });
    assert.equal(!!witness.claim(query('rm -rf build', 7)), false, 'another shell asked');
    assert.equal(!!witness.claim(query('rm -rf build', 42)), true);
    assert.equal(!!witness.claim(query('rm -rf build', 42)), false, 'used once');
    assert.equal(!!witness.claim({ ...query('rm -rf build', 42), includeUsed: true }), true, 'a task may count a used one');
    assert.equal(!!witness.claim(query('make clean', 9)), true, 'a one-shot guard names no shell');
    assert.equal(!!witness.claim({ ...query('git status'), sources: ['shim'] }), false);
    assert.equal(witness.expectsGuard(42), true);
    assert.equal(witness.expectsGuard(9), false, 'one-shot guards say nothing about a shell');
    witness.forgetShell(42);
    assert.equal(witness.expectsGuard(42), false);
  });

  void it('counts only requests since the execution\'s window opened, and forgets old ones', () => {
    const clock = { now: 1000 };
    const witness = new GuardWitness(5000, () => clock.now);
    witness.saw(request('ls'));
    assert.equal(!!witness.claim({ commandLine: 'ls', sources: ['shell-guard'], since: 2000 }), false);
    clock.now = 10_000;
    witness.saw(request('pwd'));
    assert.equal(!!witness.claim({ commandLine: 'ls', sources: ['shell-guard'], since: 0 }), false, 'forgotten');
  });

  void it('waits for a request that comes later, and gives up when the execution ends first', async () => {
    const witness = new GuardWitness();
    const query = { commandLine: 'rm -rf build', sources: ['shell-guard'], since: 0 };
    const waiting = witness.waitFor(query, 10_000);
    witness.saw(request('rm -rf build'));
    assert.deepEqual(await waiting, {});
    let end: () => void = () => undefined;
    const ended = new Promise<void>((resolve) => (end = resolve));
    const abandoned = witness.waitFor(query, 10_000, ended);
    end();
    assert.equal(await abandoned, undefined);
  });

  void it('tells what the vouching request said of its PATH shims, and nothing when it said nothing', async () => {
    const witness = new GuardWitness();
    const query = (commandLine: string) => ({ commandLine, sources: ['shell-guard'], since: 0 });
    witness.saw({ ...request('make'), pathShims: 'off' }, 42);
    witness.saw({ ...request('ls'), pathShims: 'on' }, 42);
    witness.saw(request('pwd'), 42);
    assert.deepEqual(witness.claim(query('make')), { pathShims: 'off' });
    assert.deepEqual(witness.claim(query('ls')), { pathShims: 'on' });
    assert.deepEqual(witness.claim(query('pwd')), {});
    const later = witness.waitFor(query('npm test'), 10_000);
    witness.saw({ ...request('npm test'), pathShims: 'off' });
    assert.deepEqual(await later, { pathShims: 'off' });
  });
  // Seen in VS Code 1.139 (confidence High) with lines typed while the one before was being checked:
  // the terminal echoed pieces of the later lines, and VS Code reported them with the first.
  const merged = 'export PATH=/usr/bin:/bin\nlock_shims:-none}"\nexpo';
  const terminalQuery = (commandLine: string, shellPid = 42) => ({ commandLine, shellPid, sources: ['shell-guard'], since: 0, typedAheadLines: true });

  void it('vouches for a terminal line reported with text typed ahead by its first line, and finds each typed-ahead piece in a later request of that shell', async () => {
    const witness = new GuardWitness();
    witness.saw(request('export PATH=/usr/bin:/bin'), 42);
    const vouch = witness.claim(terminalQuery(merged));
    assert.deepEqual(vouch?.typedAhead?.lines, ['lock_shims:-none}"', 'expo']);
    const typedAhead = vouch?.typedAhead;
    assert.ok(typedAhead);
    assert.deepEqual(witness.uncheckedTypedAhead(typedAhead), ['lock_shims:-none}"', 'expo'], 'nothing asked about them yet');
    // Asked about only once the first line ended; a request of another shell is no evidence.
    const waiting = witness.waitForTypedAhead(typedAhead, 10_000);
    witness.saw(request('echo "expo"'), 7);
    witness.saw(request('echo "dropped=${__airlock_shims:-none}"'), 42);
    assert.deepEqual(witness.uncheckedTypedAhead(typedAhead), ['expo']);
    // The later line's own execution may take its request first: it still shows the text was checked.
    witness.saw(request('export PATH=$saved_path'), 42);
    assert.equal(!!witness.claim(terminalQuery('export PATH=$saved_path')), true);
    assert.deepEqual(await waiting, []);
  });

  void it('keeps a merged line whose other part no guard asked about unvouched: the typed-ahead part, or the line that ran', async () => {
    const witness = new GuardWitness();
    witness.saw(request('echo a'), 42);
    const vouch = witness.claim(terminalQuery('echo a\nrm -rf victim'));
    assert.ok(vouch?.typedAhead);
    witness.saw(request('ls'), 42);
    assert.deepEqual(await witness.waitForTypedAhead(vouch.typedAhead, 20), ['rm -rf victim'], 'no later request contains it');

    witness.saw(request('echo b'), 42);
    assert.equal(witness.claim(terminalQuery('rm -rf victim\necho b')), undefined, 'the line that ran was never asked about');
    assert.equal(witness.claim(terminalQuery('echo b\nrm -rf victim', 7)), undefined, 'another shell asked');
  });

  void it('vouches for a terminal line VS Code reported with its start cut off, by a request of that shell\'s session only, cut a little', () => {
    const witness = new GuardWitness();
    witness.saw(request('echo "back=${__airlock_shims:-none}"'), 42);
    // Seen in a CI e2e run under load: the execution's command line lost its first three characters.
    assert.deepEqual(witness.claim(terminalQuery('o "back=${__airlock_shims:-none}"')), {});
    assert.equal(witness.claim(terminalQuery('o "back=${__airlock_shims:-none}"')), undefined, 'each request vouches once');
    witness.saw(request('echo "again=${__airlock_shims:-none}"'), 42);
    assert.equal(witness.claim(terminalQuery('o "again=${__airlock_shims:-none}"', 7)), undefined, 'another shell asked');
    assert.equal(witness.claim({ commandLine: 'o "again=${__airlock_shims:-none}"', sources: ['shell-guard'], since: 0 }), undefined, 'not a terminal line');
    witness.saw(request('echo "abcdefghijklmnopqrstuvwxyz=${__airlock_shims:-none}"'), 42);
    assert.equal(witness.claim(terminalQuery('uvwxyz=${__airlock_shims:-none}"')), undefined, 'far more than a few characters cut: not the same line');
    witness.saw(request('echo okay'), 42);
    assert.equal(witness.claim(terminalQuery('kay')), undefined, 'too little left to tell');
  });

  void it('counts only requests after the first line\'s own for typed-ahead text, and only for terminal lines', () => {
    const witness = new GuardWitness();
    witness.saw(request('export PATH=/usr/bin:/bin'), 42);
    const vouch = witness.claim(terminalQuery('export PATH=/usr/bin:/bin\nexport'));
    assert.ok(vouch?.typedAhead);
    assert.deepEqual(witness.uncheckedTypedAhead(vouch.typedAhead), ['export'], 'the first line\'s own request does not vouch for what was typed after it');

    witness.saw(request('make'));
    assert.equal(witness.claim({ commandLine: 'make\nrm -rf victim', sources: ['shell-guard'], since: 0 }), undefined, 'a task\'s command line is one command');
  });

  void it('vouches for a multi-line command the guard asked about as a whole, with nothing typed ahead', () => {
    const witness = new GuardWitness();
    witness.saw(request('for f in a b; do\n  rm -f "$f"\ndone'), 42);
    assert.deepEqual(witness.claim(terminalQuery('for f in a b; do\nrm -f "$f"\ndone')), {});
  });
});
