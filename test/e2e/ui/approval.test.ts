import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findBrokers } from '../../../src/host/broker/brokerRegistry';
import { BrokerDecisionService } from '../../../src/host/brokerClient';
import type { GuardAnswer, GuardRequest } from '../../../src/host/decisionService';
import { airlockStateDir } from '../../../src/host/ledger/locations';
import type { Workbench } from '../harness/workbench';
import type { UiTest } from '../harness/uiSuite';

/**
 * A guard client in this process talks to the window's broker exactly as `airlock hook` would (found
 * through the per-user registry in the session's home), and the test answers in the approval view as
 * a person: clicks, Escape, typing. Nothing here runs any of the commands; they are only assessed.
 */
function clientFor(workbench: Workbench, personTimeoutMs?: number): { client: BrokerDecisionService; stateRoot: string } {
  const home = path.join(path.dirname(workbench.workspace), 'home');
  const stateRoot = airlockStateDir({ ...process.env, HOME: home });
  const fallback = { decide: (): Promise<GuardAnswer> => Promise.reject(new Error('no broker answered: the client fell back to deciding locally')) };
  return { client: new BrokerDecisionService(fallback, { stateRoot, env: {}, ...(personTimeoutMs ? { personTimeoutMs } : {}) }), stateRoot };
}

async function waitForBroker(workbench: Workbench, stateRoot: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (findBrokers(workbench.workspace, stateRoot).length === 0) {
    if (Date.now() > deadline) throw new Error(`no broker registered for ${workbench.workspace} under ${stateRoot}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const shell = (workbench: Workbench, command: string): GuardRequest =>
  ({ action: { kind: 'shell', command }, cwd: workbench.workspace, source: 'agent-hook', agent: 'claude' });

/** The command that deleted PocketOS's production volume and its backups (see test/unit/http.test.ts). */
const POCKETOS = 'curl -X POST https://backboard.railway.app/graphql/v2 -H "Authorization: Bearer $RAILWAY_TOKEN" -d \'{"query":"mutation { volumeDelete(volumeId: \\"3d2c42fb\\") }"}\'';

/** `AIRLOCK_E2E_SCREENSHOTS=docs` saves the README's picture of the view holding the PocketOS command. */
async function screenshot(workbench: Workbench, client: BrokerDecisionService, dir: string): Promise<void> {
  const answer = client.decide({ ...shell(workbench, POCKETOS), agent: 'cursor' });
  await workbench.webview('#deny').waitFor();
  await workbench.page.screenshot({ path: path.resolve(workbench.repoRoot, dir, 'approval-view.png') });
  await workbench.webview('#deny').click();
  assert.equal((await answer).decision, 'deny');
}

/** Waits until the reloaded page's workbench is restored; a key pressed during the reload is lost. */
async function whenReloaded(workbench: Workbench): Promise<void> {
  type Driver = { driver?: { whenWorkbenchRestored(): Promise<void> } };
  await workbench.page.waitForLoadState('load');
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await workbench.page.waitForFunction(() => (globalThis as unknown as Driver).driver !== undefined, undefined, { timeout: 30_000 });
      await workbench.page.evaluate(() => (globalThis as unknown as Driver).driver!.whenWorkbenchRestored());
      return;
    } catch (error) {
      // The old page's context goes away under us while the new one loads; try again on the new one.
      if (Date.now() > deadline) throw error;
    }
  }
}

export const tests: UiTest[] = [
  {
    name: 'a request through the socket opens the approval view; Deny, Escape, Allow once, the typed name, the timeout, the queue, allow similar and closing the window each answer as they should; the side panel lists them',
    timeoutMs: 120_000,
    async run(workbench) {
      const { client, stateRoot } = clientFor(workbench);
      await waitForBroker(workbench, stateRoot);
      if (process.env.AIRLOCK_E2E_SCREENSHOTS) await screenshot(workbench, client, process.env.AIRLOCK_E2E_SCREENSHOTS);
      // The team policy asks from score 20, so deleting a tracked README asks without being critical.
      fs.mkdirSync(path.join(workbench.workspace, '.airlock'), { recursive: true });
      fs.writeFileSync(path.join(workbench.workspace, '.airlock', 'policy.json'), JSON.stringify({ approval: { threshold: 20 } }));
      const view = (selector: string) => workbench.webview(selector);

      // Deny by click: the view shows the command exactly, its claimed source, score, reasons.
      const command = 'rm -rf README.md';
      let answer = client.decide(shell(workbench, command));
      await view('#deny').waitFor();
      assert.equal(await view('pre.action').textContent(), command);
      assert.match((await view('.facts').textContent()) ?? '', /agent-hook \(claude\)/);
      assert.match((await view('.reasons').textContent()) ?? '', /fs\.rm/);
      assert.match((await view('.countdown').textContent()) ?? '', /Denied automatically in \d+:\d\d/);
      assert.equal(await view('#deny').evaluate((button) => button === button.ownerDocument.activeElement), true, 'Deny has the focus');
      await view('#deny').click();
      let result = await answer;
      assert.equal(result.decision, 'deny');
      assert.deepEqual(result.decider, { by: 'person', how: 'deny' });

      // Escape denies too.
      answer = client.decide(shell(workbench, command));
      await view('#deny').waitFor();
      await view('#deny').press('Escape');
      result = await answer;
      assert.deepEqual(result.decider, { by: 'person', how: 'deny' });

      // Allow once allows.
      answer = client.decide(shell(workbench, command));
      await view('#allow-once').click();
      result = await answer;
      assert.equal(result.decision, 'allow');
      assert.deepEqual(result.decider, { by: 'person', how: 'allow-once' });

      // A critical action cannot be allowed until its name is typed exactly.
      answer = client.decide(shell(workbench, 'rm -rf /'));
      await view('#confirm').waitFor();
      const name = (await view('label[for=confirm] code').textContent()) ?? '';
      assert.ok(name.length > 0, 'the view names what to type');
      assert.equal(await view('#allow-once').isDisabled(), true);
      assert.equal(await view('#allow-similar').count(), 0, 'allow similar is never offered for critical actions');
      await view('#confirm').fill(`${name}x`);
      assert.equal(await view('#allow-once').isDisabled(), true, 'a wrong name keeps allow disabled');
      await view('#confirm').fill(name);
      await view('#allow-once').click();
      result = await answer;
      assert.equal(result.decision, 'allow');
      assert.deepEqual(result.decider, { by: 'person', how: 'typed-confirmation' });

      // Nobody answers: the broker denies at the deadline.
      const impatient = clientFor(workbench, 1500).client;
      const started = Date.now();
      result = await impatient.decide(shell(workbench, command));
      assert.equal(result.decision, 'deny');
      assert.equal(result.decider.by, 'timeout');
      assert.ok(Date.now() - started < 10_000);

      // The window's terminals are told where their broker is.
      const [registered] = findBrokers(workbench.workspace, stateRoot);
      await workbench.openTerminal();
      await workbench.typeInTerminal('echo "broker=$AIRLOCK_BROKER_SOCKET token=${#AIRLOCK_BROKER_TOKEN}"');
      const [, socket, tokenLength] = await workbench.waitForTerminalText(/^broker=(\S+) token=(\d+)$/m);
      assert.equal(socket, registered?.socket);
      assert.equal(tokenLength, '64');

      // Every answer went into the workspace's ledger, and the chain verifies.
      const cli = path.join(workbench.repoRoot, 'dist', 'cli.js');
      const out = execFileSync(process.execPath, [cli, 'ledger', 'verify', '--workspace', workbench.workspace], {
        env: { ...process.env, AIRLOCK_STATE_DIR: stateRoot, AIRLOCK_NO_BROKER: '1' }, encoding: 'utf8',
      });
      assert.match(out, /Ledger intact: \d+ entries/, out);
      // Other layers (the terminal's shell guard) record their own entries; these are the broker's.
      const lines = fs.readFileSync(path.join(workbench.workspace, '.airlock', 'ledger.jsonl'), 'utf8').trim().split('\n');
      const ours = lines.map((line) => JSON.parse(line) as { action: { command?: string }; decider: { by: string; how: string } })
        .filter((e) => e.action.command === command || e.action.command === 'rm -rf /');
      assert.deepEqual(ours.map((e) => e.decider.by === 'timeout' ? 'timeout' : `${e.decider.by}:${e.decider.how}`),
        ['person:deny', 'person:deny', 'person:allow-once', 'person:typed-confirmation', 'timeout']);

      // Several requests queue visibly, the status bar counts them, and Escape denies each in turn.
      const both = [client.decide(shell(workbench, command)), client.decide(shell(workbench, command))];
      await view('.queue li').nth(1).waitFor();
      assert.match((await view('h1').textContent()) ?? '', /^2 actions wait/);
      await workbench.page.locator('.statusbar-item', { hasText: 'Airlock: 2 waiting' }).waitFor();
      await view('#deny').press('Escape');
      await view('h1').filter({ hasText: /^An action waits/ }).waitFor();
      await view('#deny').press('Escape');
      assert.deepEqual((await Promise.all(both)).map((a) => a.decider.how), ['deny', 'deny']);

      // Allow similar, explained before it is chosen, then covers the same action from the same agent.
      const similar = { ...shell(workbench, command), agent: 'cursor' };
      answer = client.decide(similar);
      // The view shows the denied request until this one arrives: wait for this one, then read it.
      await view('#similar-help').filter({ hasText: /agent-hook \(cursor\)/ }).waitFor();
      assert.match((await view('#similar-help').textContent()) ?? '', /Until this window closes, allow actions from agent-hook \(cursor\)/);
      await view('#allow-similar').click();
      assert.deepEqual((await answer).decider, { by: 'person', how: 'allow-similar' });
      const again = await client.decide(similar);
      assert.equal(again.decision, 'allow');
      assert.deepEqual(again.decider, { by: 'person', how: 'allow-similar' });

      // Closing the window while a request waits answers it deny at once.
      answer = client.decide(shell(workbench, command));
      await view('#deny').waitFor();
      const closing = Date.now();
      await workbench.runCommand('Developer: Reload Window');
      result = await answer;
      assert.equal(result.decision, 'deny');
      assert.deepEqual(result.decider, { by: 'fail-closed', how: 'window-closed' });
      assert.ok(Date.now() - closing < 20_000);

      // The reloaded window's side panel lists the ledger newest first, filters it, and shows the chain intact.
      await whenReloaded(workbench);
      await workbench.runCommand('Airlock: Show Ledger');
      await view('.entries li').first().waitFor();
      await view('.chain .chain-intact').waitFor();
      const shots = process.env.AIRLOCK_E2E_SCREENSHOTS;
      if (shots) await workbench.page.screenshot({ path: path.resolve(workbench.repoRoot, shots, 'side-panel.png') });
      await view('#filter-text').fill(command);
      // Deny, Escape, the timeout, the queued pair and the window closing were denied; Allow once and
      // the two similar ones were allowed.
      await view('.summary').filter({ hasText: /^1–9 of 9 matching/ }).waitFor();
      assert.match((await view('.entries li').first().textContent()) ?? '', /denied.*rm -rf README\.md.*fail-closed: window-closed/s);
      await view('#filter-decision').selectOption('allowed');
      await view('.summary').filter({ hasText: /^1–3 of 3 matching/ }).waitFor();
      await view('.chain .chain-intact').waitFor();
    },
  },
];
