import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findEnvironment } from './harness/environment';
import { runExtensionHostSuite } from './harness/extensionHostSuite';
import { ProcessRegistry } from './harness/processes';
import { errorMessage, formatResult } from './harness/results';
import type { TestResult } from './harness/results';
import type { RunContext } from './harness/session';
import { runUiSuite } from './harness/uiSuite';

// End-to-end tests against a real VS Code (code-server) in Chromium. Usage:
//   tsx test/e2e/run.ts [--grep TEXT] [--suite extension-host|ui]
// Prints each result and ends with "N passed, M failed"; exits 1 when anything failed or could not run.

const repoRoot = path.resolve(__dirname, '..', '..');
const artifacts = path.join(repoRoot, 'test', 'e2e', 'results');

const RUN_PREFIX = 'airlock-e2e-';

/**
 * Deletes the folders of earlier runs whose runner is gone without cleaning up (killed by SIGKILL; its
 * servers died with it, through the watchdog). A folder whose runner is alive belongs to a parallel run.
 */
function removeAbandonedRuns(): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    const pid = Number(new RegExp(`^${RUN_PREFIX}(\\d+)-\\w+$`).exec(name)?.[1]);
    if (pid > 0 && !isAlive(pid)) fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function option(name: string): string {
  const index = process.argv.indexOf(name);
  return index >= 0 ? (process.argv[index + 1] ?? '') : '';
}

async function main(): Promise<number> {
  let environment;
  try {
    environment = findEnvironment();
  } catch (error) {
    console.error(`e2e: ${(error as Error).message}`);
    return 1;
  }
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) {
    console.error('e2e: dist/extension.js is missing; run `npm run build` first (`npm run test:e2e` does).');
    return 1;
  }
  const grep = option('--grep');
  const suite = option('--suite');
  // Only the last run's failures are kept, so what is in results/ always belongs to the run just printed.
  fs.rmSync(artifacts, { recursive: true, force: true });

  removeAbandonedRuns();
  // The runner's pid is in the folder's name, so a later run can tell whether this one is still going.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${RUN_PREFIX}${process.pid}-`));
  const run: RunContext = { environment, processes: new ProcessRegistry(), repoRoot, dir };
  // AIRLOCK_E2E_KEEP=1 keeps the sessions' folders (workspaces, user data, logs) to look into afterwards.
  const keep = process.env['AIRLOCK_E2E_KEEP'] === '1';
  const cleanUpNow = (): void => {
    run.processes.killAllNow();
    if (keep) console.log(`e2e: kept ${run.dir}`); else fs.rmSync(run.dir, { recursive: true, force: true });
  };
  process.on('exit', cleanUpNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      console.error(`e2e: ${signal}, stopping`);
      process.exit(130);
    });
  }

  const results: TestResult[] = [];
  const report = (result: TestResult): void => {
    results.push(result);
    console.log(formatResult(result));
  };
  const started = Date.now();
  // A promise a failed test left behind may reject later: report it as a failure instead of letting
  // Node end the run before the browsers and servers are stopped and the summary is printed.
  process.on('unhandledRejection', (reason) => {
    report({ suite: 'ui', name: '(a promise left rejected by a test)', ok: false, message: errorMessage(reason), durationMs: 0 });
  });
  try {
    if (suite === '' || suite === 'extension-host') {
      for (const result of await runExtensionHostSuite(run, grep, artifacts)) report(result);
    }
    if (suite === '' || suite === 'ui') await runUiSuite(run, grep, artifacts, report);
  } catch (error) {
    report({ suite: 'ui', name: '(e2e runner)', ok: false, message: errorMessage(error), durationMs: Date.now() - started });
  } finally {
    await run.processes.stopAll();
  }

  const failed = results.filter((r) => !r.ok).length;
  if (failed > 0 && fs.existsSync(artifacts)) console.log(`screenshots and logs of failures: ${path.relative(repoRoot, artifacts)}/`);
  console.log(`e2e finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${results.length - failed} passed, ${failed} failed`);
  return failed > 0 || results.length === 0 ? 1 : 0;
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(`e2e: ${errorMessage(error)}`);
  process.exit(1);
});
