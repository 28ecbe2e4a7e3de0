// Runs one analysis in a worker thread, so that a test can survive an input that hangs the engine
// (the worker is terminated) or crashes its WebAssembly (the crash stays in the worker).
import { parentPort, workerData } from 'node:worker_threads';
import { decide } from '../../../src/core/policy/decide';
import { createDiskContext } from '../../../src/host/diskContext';
import { loadEngine } from '../../../src/host/engineLoader';

export interface WorkerInput {
  readonly commands: readonly string[];
  readonly cwd: string;
  readonly home: string;
}

export interface WorkerAnswer {
  readonly ms: number;
  readonly decision?: string;
  readonly level?: string;
  readonly score?: number;
  readonly rules?: readonly string[];
  readonly error?: string;
}

async function main(): Promise<void> {
  const input = workerData as WorkerInput;
  const engine = await loadEngine();
  const answers: WorkerAnswer[] = [];
  for (const command of input.commands) {
    const started = performance.now();
    try {
      const assessment = engine.analyze({ kind: 'shell', command }, createDiskContext(input.cwd, { home: input.home, env: {} }));
      answers.push({
        ms: performance.now() - started,
        decision: decide(assessment).decision,
        level: assessment.level,
        score: assessment.score,
        rules: assessment.reasons.map((reason) => reason.rule),
      });
    } catch (error) {
      answers.push({ ms: performance.now() - started, error: String(error).slice(0, 300) });
    }
  }
  parentPort?.postMessage(answers);
}

void main();
