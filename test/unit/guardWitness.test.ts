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
});
