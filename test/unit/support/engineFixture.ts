// Shared by the engine unit tests: a real git repository and a fake home in a temp folder, and the
// engine loaded once per test file. Not a test file itself (the runner only picks up `*.test.ts`).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Assessment, Level } from '../../../src/core/assessment';
import type { AnalysisContext } from '../../../src/core/context/analysisContext';
import type { Engine } from '../../../src/core/engine';
import { decide } from '../../../src/core/policy/decide';
import { BashParser } from '../../../src/core/shell/bashParser';
import { ShellExtractor } from '../../../src/core/shell/extract';
import type { Extraction } from '../../../src/core/shell/extract';
import type { Word } from '../../../src/core/shell/ir';
import { literalWord } from '../../../src/core/shell/ir';
import { Scope } from '../../../src/core/shell/scope';
import type { Decision } from '../../../src/core/policy/decide';
import { createDiskContext } from '../../../src/host/diskContext';
import { createDiskProbe } from '../../../src/host/diskProbe';
import { loadEngine } from '../../../src/host/engineLoader';

export interface Fixture {
  /** The temp folder holding everything; removed by `dispose`. */
  readonly root: string;
  /** A git repository with committed, modified, untracked and ignored files (see `makeFixture`). */
  readonly repo: string;
  /** A second repository whose work tree is clean. */
  readonly cleanRepo: string;
  /** A folder that is not in any git repository. */
  readonly plain: string;
  /** The fake home directory the contexts use. */
  readonly home: string;
  /** Assess a command in `repo` (or `opts.cwd`). */
  assess(command: string, opts?: AssessOptions): Assessment;
  context(cwd?: string, env?: Readonly<Record<string, string | undefined>>): AnalysisContext;
  dispose(): void;
}

export interface AssessOptions {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

function write(path: string, content = 'x\n'): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=Airlock Test', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], { cwd, stdio: 'ignore' });
}

let enginePromise: Promise<Engine> | undefined;

/** The engine, loaded once per process (per test file). */
export function sharedEngine(): Promise<Engine> {
  enginePromise ??= loadEngine();
  return enginePromise;
}

function wasm(file: string, packageFile: string): Uint8Array {
  const built = resolve(__dirname, '..', '..', '..', 'dist', file);
  return readFileSync(existsSync(built) ? built : require.resolve(packageFile));
}

let extractorPromise: Promise<ShellExtractor> | undefined;

/** The statement walker on its own, for tests of parsing and word resolution. */
export function sharedExtractor(): Promise<ShellExtractor> {
  extractorPromise ??= BashParser.create({
    runtime: wasm('tree-sitter.wasm', 'web-tree-sitter/tree-sitter.wasm'),
    bash: wasm('tree-sitter-bash.wasm', 'tree-sitter-bash/tree-sitter-bash.wasm'),
  }).then((parser) => new ShellExtractor(parser));
  return extractorPromise;
}

/** What the walker finds in a line run in `cwd`, with HOME and the other variables the analyzer knows. */
export function extractWith(extractor: ShellExtractor, command: string, cwd = '/work/project', home = '/home/agent'): Extraction {
  const known = new Map<string, Word>([
    ['HOME', literalWord(home)],
    ['PWD', literalWord(cwd)],
    ['IFS', literalWord(' \t\n')],
  ]);
  return extractor.extract(command, Scope.root(cwd, known));
}

/**
 * Builds the fixture:
 * - `repo/`: committed and clean `README.md`, `package.json`, `src/app.ts`, `src/util.ts`,
 *   `src/lib/deep.ts`, `docs/guide.md`, `.claude/settings.json`, `.cursor/hooks.json`,
 *   `.vscode/settings.json`; `src/modified.ts` committed then changed; `notes/untracked.txt` and
 *   `scratch.txt` untracked; `dist/`, `node_modules/`, `.env` and `debug.log` ignored; `.airlock/policy.json`.
 * - `clean/`: a repository with one commit and nothing uncommitted.
 * - `plain/`: files outside any repository.
 * - `home/`: `.ssh/id_ed25519`, `.aws/credentials`, `Documents/notes.txt`, `.cache/tool/blob`, `.bashrc`.
 */
export async function makeFixture(): Promise<Fixture> {
  const engine = await sharedEngine();
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'airlock-engine-')));
  const repo = join(root, 'repo');
  const cleanRepo = join(root, 'clean');
  const plain = join(root, 'plain');
  const home = join(root, 'home');

  write(join(repo, 'README.md'), '# fixture\n');
  write(join(repo, 'package.json'), '{"name":"fixture"}\n');
  write(join(repo, 'src/app.ts'), 'export const app = 1;\n');
  write(join(repo, 'src/util.ts'), 'export const util = 2;\n');
  write(join(repo, 'src/lib/deep.ts'), 'export const deep = 3;\n');
  write(join(repo, 'src/modified.ts'), 'export const before = 1;\n');
  write(join(repo, 'docs/guide.md'), 'guide\n');
  write(join(repo, '.claude/settings.json'), '{"hooks":{}}\n');
  write(join(repo, '.cursor/hooks.json'), '{"hooks":{}}\n');
  write(join(repo, '.vscode/settings.json'), '{}\n');
  write(join(repo, '.gitignore'), 'dist/\nnode_modules/\n.env\n*.log\n');
  git(repo, 'init', '-q', '.');
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', 'initial');
  git(repo, 'checkout', '-q', '-b', 'feature/login');
  git(repo, 'checkout', '-q', 'main');
  write(join(repo, 'src/modified.ts'), 'export const after = 2;\n');
  write(join(repo, 'notes/untracked.txt'), 'only here\n');
  write(join(repo, 'scratch.txt'), 'scratch\n');
  write(join(repo, 'dist/bundle.js'), 'bundle\n');
  write(join(repo, 'node_modules/pkg/index.js'), 'module.exports = 1;\n');
  write(join(repo, '.env'), 'SECRET=1\n');
  write(join(repo, 'debug.log'), 'log\n');
  write(join(repo, '.airlock/policy.json'), '{}\n');

  write(join(cleanRepo, 'README.md'), '# clean\n');
  write(join(cleanRepo, 'src/index.ts'), 'export {};\n');
  git(cleanRepo, 'init', '-q', '.');
  git(cleanRepo, 'add', '.');
  git(cleanRepo, 'commit', '-qm', 'initial');

  write(join(plain, 'data.csv'), '1,2\n');
  write(join(plain, 'sub/more.txt'), 'more\n');

  write(join(home, '.ssh/id_ed25519'), 'KEY\n');
  write(join(home, '.aws/credentials'), '[default]\n');
  write(join(home, 'Documents/notes.txt'), 'notes\n');
  write(join(home, '.cache/tool/blob'), 'cache\n');
  write(join(home, '.bashrc'), '# rc\n');

  // One probe for the whole file: git is asked once per repository. It runs git with this process's
  // environment, while the engine sees an empty one (no TMPDIR, no stray variables).
  const probe = createDiskProbe();
  const context = (cwd: string = repo, env: Readonly<Record<string, string | undefined>> = {}): AnalysisContext => createDiskContext(cwd, { home, env, probe });

  return {
    root,
    repo,
    cleanRepo,
    plain,
    home,
    context,
    assess(command: string, opts: AssessOptions = {}): Assessment {
      const cwd = opts.cwd ?? repo;
      return engine.analyze({ kind: 'shell', command }, context(cwd, opts.env));
    },
    dispose(): void {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The default policy's decision for an assessment. */
export function decisionOf(assessment: Assessment): Decision {
  return decide(assessment).decision;
}

function describeAssessment(command: string, assessment: Assessment): string {
  const reasons = assessment.reasons.map((reason) => `${reason.rule}=${reason.score}`).join(', ') || 'no reasons';
  return `${JSON.stringify(command)}: ${assessment.level} ${assessment.score} (${reasons})`;
}

export function hasRule(assessment: Assessment, prefix: string): boolean {
  return assessment.reasons.some((reason) => reason.rule === prefix || reason.rule.startsWith(prefix));
}

const LEVEL_ORDER: readonly Level[] = ['none', 'low', 'high', 'critical'];

export interface Expectation {
  /** Some reason's rule id starts with this. */
  readonly rule?: string;
  /** The level is at least this. */
  readonly atLeast?: Level;
  /** The level is exactly this. */
  readonly level?: Level;
}

/** Asserts the command is stopped (ask or deny) and, when given, its rule prefix and level. */
export function assertStopped(fixture: Fixture, command: string, expectation: Expectation = {}, opts?: AssessOptions): Assessment {
  const assessment = fixture.assess(command, opts);
  const what = describeAssessment(command, assessment);
  assert.notEqual(decisionOf(assessment), 'allow', `expected ask or deny for ${what}`);
  checkExpectation(assessment, expectation, what);
  return assessment;
}

/** Asserts the command is allowed, and no reason's rule starts with `quietRule` when given. */
export function assertAllowed(fixture: Fixture, command: string, quietRule?: string, opts?: AssessOptions): Assessment {
  const assessment = fixture.assess(command, opts);
  const what = describeAssessment(command, assessment);
  assert.equal(decisionOf(assessment), 'allow', `expected allow for ${what}`);
  if (quietRule !== undefined) assert.ok(!hasRule(assessment, quietRule), `expected no ${quietRule} reason for ${what}`);
  return assessment;
}

export function checkExpectation(assessment: Assessment, expectation: Expectation, what: string): void {
  if (expectation.rule !== undefined) assert.ok(hasRule(assessment, expectation.rule), `expected a ${expectation.rule}* reason for ${what}`);
  if (expectation.level !== undefined) assert.equal(assessment.level, expectation.level, `expected level ${expectation.level} for ${what}`);
  if (expectation.atLeast !== undefined) {
    assert.ok(LEVEL_ORDER.indexOf(assessment.level) >= LEVEL_ORDER.indexOf(expectation.atLeast), `expected level ${expectation.atLeast} or worse for ${what}`);
  }
}

/** Human-readable summary, for assertion messages. */
export function summary(command: string, assessment: Assessment): string {
  return describeAssessment(command, assessment);
}
