import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { errorMessage, withTimeout } from './results';
import type { TestResult } from './results';
import { Session } from './session';
import type { RunContext } from './session';

/** Bounds the whole in-host run, so a test that never settles still ends the suite. */
const SUITE_TIMEOUT_MS = 180_000;

/**
 * Bundles every `test/e2e/extensionHost/*.test.ts` into one module whose `run()` the workbench calls
 * inside the real extension host (the `extensionTestsPath` payload), then collects each test's result.
 */
export async function runExtensionHostSuite(run: RunContext, grep: string, artifacts: string): Promise<TestResult[]> {
  const sourceDir = path.join(run.repoRoot, 'test', 'e2e', 'extensionHost');
  const files = fs.readdirSync(sourceDir).filter((f) => f.endsWith('.test.ts')).sort();
  const outDir = path.join(run.dir, 'extension-host-tests');
  const resultsFile = path.join(outDir, 'results.jsonl');
  const entry = [
    `import { runHostTests } from './hostTest';`,
    ...files.map((f, i) => `import { tests as t${i} } from './${f.replace(/\.ts$/, '')}';`),
    `export function run() { return runHostTests([${files.map((f, i) => `{ file: ${JSON.stringify(f.replace(/\.test\.ts$/, ''))}, tests: t${i} }`).join(', ')}]); }`,
  ].join('\n');
  await esbuild.build({
    stdin: { contents: entry, resolveDir: sourceDir, sourcefile: 'index.ts', loader: 'ts' },
    outfile: path.join(outDir, 'index.js'),
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: 'inline', external: ['vscode'], logLevel: 'warning',
    define: { AIRLOCK_E2E_HOST_CONFIG: JSON.stringify({ resultsFile, grep }) },
  });

  const started = Date.now();
  const results: TestResult[] = [];
  let session: Session | undefined;
  try {
    session = await Session.start(run, { name: 'extension-host', payload: [['extensionTestsPath', path.join(outDir, 'index.js')]] });
    const exitCode = await withTimeout(session.automationExit, SUITE_TIMEOUT_MS, 'the extension-host tests to finish');
    results.push(...readResults(resultsFile));
    // A failing test already explains a non-zero exit; otherwise the run itself broke (say, the bundle did not load).
    if (exitCode !== 0 && results.every((r) => r.ok)) {
      results.push(runFailure(started, `the extension host exited with code ${exitCode}; see extension-host.browser.log`));
    }
  } catch (error) {
    results.push(...readResults(resultsFile), runFailure(started, errorMessage(error)));
  } finally {
    if (session && results.some((r) => !r.ok)) await session.saveArtifacts(artifacts, 'extension-host');
    await session?.close();
  }
  if (results.length === 0) results.push(runFailure(started, `no extension-host test matched "${grep}"`));
  return results;
}

function readResults(file: string): TestResult[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as TestResult);
}

function runFailure(started: number, message: string): TestResult {
  return { suite: 'extension-host', name: '(extension-host run)', ok: false, message, durationMs: Date.now() - started };
}
