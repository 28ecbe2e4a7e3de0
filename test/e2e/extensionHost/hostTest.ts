import * as fs from 'node:fs';
import { errorMessage, withTimeout } from '../harness/results';
import type { TestResult } from '../harness/results';

/** A test that runs inside the real extension host, with the real `vscode` API. */
export interface HostTest {
  readonly name: string;
  readonly timeoutMs?: number;
  run(): Promise<void>;
}

/** Set at bundle time by the runner (esbuild `define`): where to report, and which tests to run. */
declare const AIRLOCK_E2E_HOST_CONFIG: { resultsFile: string; grep: string };

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Runs the tests one after another and reports each as a JSON line the moment it ends, so a run that
 * hangs or crashes still tells which tests passed. Throws at the end if any failed, which makes the
 * workbench report a non-zero exit code as well.
 */
export async function runHostTests(files: readonly { file: string; tests: readonly HostTest[] }[]): Promise<void> {
  const { resultsFile, grep } = AIRLOCK_E2E_HOST_CONFIG;
  let failed = 0;
  for (const { file, tests } of files) {
    for (const test of tests) {
      const name = `${file}: ${test.name}`;
      if (grep && !name.includes(grep)) continue;
      const started = Date.now();
      let message: string | undefined;
      try {
        await withTimeout(test.run(), test.timeoutMs ?? DEFAULT_TIMEOUT_MS, 'the test');
      } catch (error) {
        message = errorMessage(error);
        failed++;
      }
      const result: TestResult = { suite: 'extension-host', name, ok: message === undefined, durationMs: Date.now() - started, ...(message ? { message } : {}) };
      fs.appendFileSync(resultsFile, `${JSON.stringify(result)}\n`);
    }
  }
  if (failed > 0) throw new Error(`${failed} extension-host test(s) failed`);
}
