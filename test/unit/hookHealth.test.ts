// The Agents view's diagnosis: each way a hook file stops protecting (moved, no longer failing closed,
// edited, unreadable, launcher gone) is named, and Repair (the installer run again) makes it right.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { agentHealth } from '../../src/host/hooks/hookHealth';
import type { AgentHealthReport } from '../../src/host/hooks/hookHealth';
import { installHooks } from '../../src/host/hooks/installer';
import type { HookInstallOptions } from '../../src/host/hooks/installer';
import { launcherPath } from '../../src/host/hooks/launcher';

interface World {
  readonly ws: string;
  readonly home: string;
  readonly state: string;
  readonly cli: string;
  options(agents?: HookInstallOptions['agents'], scope?: HookInstallOptions['scope']): HookInstallOptions;
  health(): Record<string, AgentHealthReport>;
  repair(agents: HookInstallOptions['agents'], scope?: HookInstallOptions['scope']): void;
  dispose(): void;
}

function world(): World {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'airlock-health-')));
  const ws = join(root, 'ws');
  const home = join(root, 'home');
  const state = join(home, '.local', 'state', 'airlock');
  const cli = join(root, 'ext', 'dist', 'cli.js');
  mkdirSync(ws, { recursive: true });
  mkdirSync(home, { recursive: true });
  mkdirSync(dirname(cli), { recursive: true });
  writeFileSync(cli, '// airlock\n');
  const options = (agents: HookInstallOptions['agents'] = ['claude', 'cursor', 'copilot'], scope: HookInstallOptions['scope'] = 'workspace'): HookInstallOptions => ({ workspace: ws, scope, home, stateRoot: state, agents });
  return {
    ws, home, state, cli, options,
    health: () => Object.fromEntries(agentHealth({ workspace: ws, home, stateRoot: state }).map((report) => [report.agent, report])),
    repair: (agents, scope = 'workspace') => void installHooks(options(agents, scope), { cliPath: cli, runtime: process.execPath, electron: false }),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

const edit = (file: string, change: (json: Record<string, any>) => void): void => { // eslint-disable-line @typescript-eslint/no-explicit-any
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  change(json);
  writeFileSync(file, JSON.stringify(json, null, 2));
};

void test('nothing installed: every agent not-installed, detected by its folder; after install all healthy, with the file and scope', () => {
  const w = world();
  try {
    mkdirSync(join(w.ws, '.cursor'));
    let health = w.health();
    assert.deepEqual(Object.values(health).map((r) => [r.agent, r.detected, r.health, r.files.length]), [['claude', false, 'not-installed', 0], ['cursor', true, 'not-installed', 0], ['copilot', false, 'not-installed', 0]]);
    w.repair(['claude', 'cursor', 'copilot']);
    w.repair(['claude'], 'user');
    health = w.health();
    assert.deepEqual(Object.values(health).map((r) => r.health), ['healthy', 'healthy', 'healthy']);
    assert.deepEqual(health.claude?.files.map((f) => [f.scope, f.file, f.problems]), [
      ['workspace', join(w.ws, '.claude', 'settings.local.json'), []],
      ['user', join(w.home, '.claude', 'settings.json'), []],
    ]);
  } finally {
    w.dispose();
  }
});

void test("Cursor: not first, failClosed removed, version removed: broken with each reason; Repair puts Airlock first and keeps the user's hook", () => {
  const w = world();
  try {
    w.repair(['cursor']);
    const file = join(w.ws, '.cursor', 'hooks.json');
    const fresh = readFileSync(file, 'utf8');
    edit(file, (json) => {
      json.hooks.beforeShellExecution.unshift({ command: './audit.sh' });
      delete json.hooks.beforeMCPExecution[0].failClosed;
      delete json.version;
    });
    const cursor = w.health().cursor;
    assert.equal(cursor?.health, 'broken');
    assert.deepEqual(cursor?.files[0]?.problems, [
      '"version": 1 is missing, and without it Cursor loads no hooks from this file',
      "Airlock's beforeShellExecution hook is not first, and Cursor reportedly runs only the first",
      'beforeMCPExecution no longer fails closed (failClosed is missing), so a hook that crashes or times out lets the action through',
    ]);
    w.repair(['cursor']);
    assert.equal(w.health().cursor?.health, 'healthy');
    const repaired = JSON.parse(readFileSync(file, 'utf8')) as { version: number; hooks: Record<string, { command: string }[]> };
    assert.equal(repaired.version, 1);
    assert.deepEqual(repaired.hooks.beforeShellExecution?.map((h) => h.command.includes('airlock-hook') ? 'airlock' : h.command), ['airlock', './audit.sh']);
    assert.deepEqual((JSON.parse(fresh) as { hooks: Record<string, unknown[]> }).hooks.beforeMCPExecution, repaired.hooks.beforeMCPExecution);
  } finally {
    w.dispose();
  }
});

void test('Claude: onFailure removed and timeout shortened, VS Code: an event removed; each named, each repaired', () => {
  const w = world();
  try {
    w.repair(['claude', 'copilot']);
    const claude = join(w.ws, '.claude', 'settings.local.json');
    edit(claude, (json) => {
      delete json.hooks.PreToolUse[0].hooks[0].onFailure;
      json.hooks.PreToolUse[0].hooks[0].timeout = 5;
    });
    const copilot = join(w.ws, '.github', 'hooks', 'airlock.json');
    edit(copilot, (json) => {
      delete json.hooks.preToolUse;
    });
    const health = w.health();
    assert.deepEqual(health.claude?.files[0]?.problems, [
      'PreToolUse no longer fails closed (onFailure: "block" is missing), so a hook that crashes or times out lets the action through',
      "Airlock's PreToolUse entry was changed (timeout)",
    ]);
    assert.deepEqual(health.copilot?.files[0]?.problems, ['no Airlock hook on preToolUse, so those actions are not checked']);
    w.repair(['claude', 'copilot']);
    assert.deepEqual([w.health().claude?.health, w.health().copilot?.health], ['healthy', 'healthy']);
  } finally {
    w.dispose();
  }
});

void test('a file holding Airlock that is no longer JSON is broken and not repairable; someone else\'s broken file is not reported', () => {
  const w = world();
  try {
    w.repair(['claude']);
    const file = join(w.ws, '.claude', 'settings.local.json');
    writeFileSync(file, `${readFileSync(file, 'utf8').slice(0, -10)}`);
    const claude = w.health().claude;
    assert.equal(claude?.health, 'broken');
    assert.equal(claude?.files[0]?.repairable, false);
    assert.match(claude?.files[0]?.problems[0] ?? '', /^the file cannot be read as JSON, so Claude Code ignores it or stops: /);
    mkdirSync(join(w.ws, '.cursor'));
    writeFileSync(join(w.ws, '.cursor', 'hooks.json'), '{ "version": 1, oops');
    assert.equal(w.health().cursor?.health, 'not-installed');
  } finally {
    w.dispose();
  }
});

void test('the launcher gone, or its Airlock gone: every agent using it is broken; Repair writes the launcher again', () => {
  const w = world();
  try {
    w.repair(['claude']);
    unlinkSync(launcherPath(w.state));
    assert.deepEqual(w.health().claude?.files[0]?.problems, [`the launcher ${launcherPath(w.state)} is missing, so every call of the hook does nothing`]);
    assert.deepEqual(w.health().claude?.launcherProblems, [`the launcher ${launcherPath(w.state)} is missing, so every call of the hook does nothing`]);
    w.repair(['claude']);
    assert.equal(w.health().claude?.health, 'healthy');
    unlinkSync(w.cli);
    assert.deepEqual(w.health().claude?.launcherProblems, [`the launcher runs ${w.cli}, which is gone, so every call is blocked`]);
    assert.equal(w.health().cursor?.health, 'not-installed', 'an agent without hooks is not broken by the launcher');
  } finally {
    w.dispose();
  }
});
