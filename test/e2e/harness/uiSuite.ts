import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorMessage, withTimeout } from './results';
import type { TestResult } from './results';
import { Session } from './session';
import type { RunContext } from './session';
import { Workbench } from './workbench';

/** A test that drives the workbench page from outside, as a person or an agent would. */
export interface UiTest {
  readonly name: string;
  readonly timeoutMs?: number;
  run(workbench: Workbench): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Runs every test exported as `tests` from `test/e2e/ui/*.test.ts`, each in a session of its own so
 * that no test sees another's terminals, files or settings. A failure keeps a screenshot and logs.
 */
export async function runUiSuite(run: RunContext, grep: string, artifacts: string, report: (r: TestResult) => void): Promise<TestResult[]> {
  const dir = path.join(run.repoRoot, 'test', 'e2e', 'ui');
  const results: TestResult[] = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.test.ts')).sort()) {
    const { tests } = (await import(path.join(dir, file))) as { tests: readonly UiTest[] };
    for (const test of tests) {
      const name = `${file.replace(/\.test\.ts$/, '')}: ${test.name}`;
      if (grep && !name.includes(grep)) continue;
      const result = await runOne(run, name, test, artifacts);
      report(result);
      results.push(result);
    }
  }
  return results;
}

async function runOne(run: RunContext, name: string, test: UiTest, artifacts: string): Promise<TestResult> {
  const started = Date.now();
  let session: Session | undefined;
  let message: string | undefined;
  try {
    // Starting is bounded by the session's own timeouts; the test's own time starts once the workbench is up.
    session = await Session.start(run, { name: `ui-${name}` });
    await session.whenRestored();
    await withTimeout(test.run(new Workbench(session, run.repoRoot)), test.timeoutMs ?? DEFAULT_TIMEOUT_MS, 'the test');
  } catch (error) {
    message = errorMessage(error);
    await session?.saveArtifacts(artifacts, slug(name));
  } finally {
    await session?.close();
  }
  return { suite: 'ui', name, ok: message === undefined, durationMs: Date.now() - started, ...(message ? { message } : {}) };
}

function slug(name: string): string {
  return name.replace(/[^\w.-]+/g, '-').slice(0, 80);
}
