import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findBrokers } from '../../../src/host/broker/brokerRegistry';
import { BrokerDecisionService } from '../../../src/host/brokerClient';
import type { GuardAnswer } from '../../../src/host/decisionService';
import type { HostTest } from './hostTest';
import { airlock, workspace } from './hostWorkspace';

const EXTENSION_ID = 'airlock.airlock';

const noFallback = { decide: (): Promise<GuardAnswer> => Promise.reject(new Error('no broker answered')) };

export const tests: HostTest[] = [
  {
    name: 'the broker listens on a socket in a private folder and registers for the workspace',
    async run() {
      const started = await (await airlock()).brokerHost.started;
      assert.ok(started, 'the broker started');
      assert.equal(fs.statSync(path.dirname(started.socket)).mode & 0o777, 0o700);
      assert.equal(fs.statSync(started.registryFile).mode & 0o777, 0o600);
      const found = findBrokers(workspace());
      assert.equal(found[0]?.socket, started.socket);
      assert.equal(found[0]?.pid, process.pid);
    },
  },
  {
    name: 'no VS Code command approves a waiting request: it is denied at its deadline',
    timeoutMs: 20_000,
    async run() {
      const { broker } = (await airlock()).brokerHost;
      const client = new BrokerDecisionService(noFallback, { env: {}, personTimeoutMs: 3000 });
      const answer = client.decide({ action: { kind: 'shell', command: 'rm -rf /' }, cwd: workspace(), source: 'agent-hook', agent: 'claude' });
      const deadline = Date.now() + 10_000;
      while (broker.pending().length === 0) {
        assert.ok(Date.now() < deadline, 'the request never reached the queue');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const pending = broker.pending()[0]!;
      // Every command Airlock contributes, handed the request's id and an "allow" in every shape a
      // caller might try. None of them may answer it.
      const contributed = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { commands: { command: string }[] } })
        .contributes.commands.map((c) => c.command).filter((id) => id !== 'airlock.checkCommand');
      for (const id of contributed) {
        // Bounded, so a command that opens a prompt cannot stall the test; its answer is not what matters.
        await Promise.race([
          Promise.resolve(vscode.commands.executeCommand(id, pending.id, 'allow-once', pending.policy.confirmation)).catch(() => undefined),
          new Promise((resolve) => setTimeout(resolve, 1000)),
        ]);
      }
      await vscode.commands.executeCommand('airlock.checkCommand', 'true');
      assert.equal(broker.pending()[0]?.id, pending.id, 'the request still waits');
      const result = await answer;
      assert.equal(result.decision, 'deny');
      assert.equal(result.decider.by, 'timeout');
      const chain = await vscode.commands.executeCommand<{ status: string; detail: string }>('airlock.verifyLedger');
      assert.equal(chain?.status, 'intact', chain?.detail);
    },
  },
  {
    name: 'the broker decides with the window\'s workspace settings, which can tighten the threshold',
    async run() {
      await airlock();
      const client = new BrokerDecisionService(noFallback, { env: {}, personTimeoutMs: 300 });
      const request = { action: { kind: 'shell' as const, command: 'rm -rf README.md' }, cwd: workspace(), source: 'agent-hook' as const };
      const before = await client.decide(request);
      assert.equal(before.decision, 'allow', `score ${before.assessment.score} is below the default threshold`);
      const config = vscode.workspace.getConfiguration('airlock');
      await config.update('approval.threshold', 20, vscode.ConfigurationTarget.Workspace);
      try {
        const after = await client.decide(request);
        assert.equal(after.policy.decision, 'ask', `score ${after.assessment.score} now reaches the workspace threshold 20`);
        assert.equal(after.decision, 'deny');
        assert.equal(after.decider.by, 'timeout');
      } finally {
        await config.update('approval.threshold', undefined, vscode.ConfigurationTarget.Workspace);
      }
    },
  },
];
