// Shared by the hook tests: documented payloads from fixtures/hooks with placeholders filled, and a
// runner for `airlock hook` in-process with a temp state folder and either the real local decider or a fake.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import type { DecisionService, GuardAnswer, GuardRequest } from '../../src/host/decisionService';
import { LocalDecisionService } from '../../src/host/decisionService';
import { runHook } from '../../src/cli/hookCommand';
import { sharedEngine } from './support/engineFixture';

export interface HookRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
  readonly requests: GuardRequest[];
}

/** A payload from `fixtures/hooks/NAME.json` with `{{KEY}}` filled in, JSON-escaped, also inside JSON strings. */
export function payload(name: string, values: Record<string, string>): string {
  const fill = (value: unknown): unknown => {
    if (typeof value === 'string') {
      if (value.startsWith('{"') && value.includes('{{')) return JSON.stringify(fill(JSON.parse(value)));
      return value.replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? '');
    }
    if (Array.isArray(value)) return value.map(fill);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
    return value;
  };
  return JSON.stringify(fill(JSON.parse(readFileSync(join(__dirname, 'fixtures', 'hooks', `${name}.json`), 'utf8'))));
}

export interface HookWorld {
  /** A git repository with a committed `README.md` and an untracked `notes.txt`. */
  readonly ws: string;
  readonly state: string;
  run(agent: string, input: string | Buffer, service?: 'local' | DecisionService, args?: string[]): Promise<HookRun>;
  dispose(): void;
}

export function makeWorld(): HookWorld {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'airlock-hook-')));
  const ws = join(root, 'ws');
  const state = join(root, 'state');
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  };
  write(join(ws, 'README.md'), '# readme\n');
  execFileSync('git', ['init', '-q', '.'], { cwd: ws });
  execFileSync('git', ['-c', 'user.email=t@e', '-c', 'user.name=t', 'add', 'README.md'], { cwd: ws });
  execFileSync('git', ['-c', 'user.email=t@e', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', 'commit', '-qm', 'init'], { cwd: ws });
  write(join(ws, 'notes.txt'), Array.from({ length: 30 }, (_, i) => `note ${i}`).join('\n'));
  return {
    ws,
    state,
    async run(agent, input, service = 'local', args = []) {
      const out: string[] = [];
      const err: string[] = [];
      const requests: GuardRequest[] = [];
      const engine = await sharedEngine();
      const local = new LocalDecisionService(engine, { stateRoot: state });
      const inner = service === 'local' ? local : service;
      const recording: DecisionService = { decide: (request) => (requests.push(request), inner.decide(request)) };
      const code = await runHook([agent, ...args], { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) } }, Readable.from([typeof input === 'string' ? Buffer.from(input) : input]), {
        createService: () => Promise.resolve(recording),
        stateRoot: state,
        env: { HOME: root },
        cwd: ws,
      });
      return { stdout: out.join(''), stderr: err.join(''), code, requests };
    },
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** A DecisionService standing in for the broker: a person approved (or denied) whatever is asked. */
export function personDecides(decision: 'allow' | 'deny'): DecisionService {
  return {
    async decide(request: GuardRequest): Promise<GuardAnswer> {
      const engine = await sharedEngine();
      const { createDiskContext } = await import('../../src/host/diskContext');
      const assessment = engine.analyze(request.action, createDiskContext(request.cwd));
      return {
        decision,
        assessment,
        policy: { decision: 'ask', decidedBy: 'threshold', reason: 'reaches the threshold' },
        decider: { by: 'person', how: decision === 'allow' ? 'allow-once' : 'deny' },
        ledger: { seq: 1 },
      };
    },
  };
}
