// The plain-line path (src/core/shell/plainLine.ts): for every line it accepts (the corpora of
// ../shared/corpora when present, test/unit/fixtures/plainLines.txt, and generated lines), the programs
// found and the assessment must equal what the parser's path gives. A comparison that could never fail
// would prove nothing, so a deliberately wrong splitter is shown to be caught too. Also the deferred
// engine: tree-sitter is started only by a line that needs a parse.
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Action } from '../../src/core/action';
import type { AnalysisContext } from '../../src/core/context/analysisContext';
import { createDeferredEngine } from '../../src/core/createEngine';
import type { Engine } from '../../src/core/engine';
import { DEFAULT_PACKS, RuleIndex } from '../../src/core/rules/packs';
import { BashParser } from '../../src/core/shell/bashParser';
import type { BashGrammarBinaries } from '../../src/core/shell/bashParser';
import { DEFAULT_LIMITS, ExtractionRun } from '../../src/core/shell/extract';
import { literalWord } from '../../src/core/shell/ir';
import type { Word } from '../../src/core/shell/ir';
import { MAX_PLAIN_LENGTH, plainLine } from '../../src/core/shell/plainLine';
import type { PlainLine } from '../../src/core/shell/plainLine';
import { Scope } from '../../src/core/shell/scope';
import { ShellAnalyzer } from '../../src/core/shellAnalyzer';
import type { Fixture } from './support/engineFixture';
import { makeFixture, sharedEngine } from './support/engineFixture';

const REPO = resolve(__dirname, '..', '..');
const CORPORA = resolve(REPO, process.env.AIRLOCK_CORPORA ?? '../shared/corpora');

function binaries(): BashGrammarBinaries {
  const wasm = (file: string, packageFile: string): Uint8Array => {
    const built = join(REPO, 'dist', file);
    return readFileSync(existsSync(built) ? built : require.resolve(packageFile));
  };
  return { runtime: wasm('tree-sitter.wasm', 'web-tree-sitter/tree-sitter.wasm'), bash: wasm('tree-sitter-bash.wasm', 'tree-sitter-bash/tree-sitter-bash.wasm') };
}

function fixtureLines(): string[] {
  return readFileSync(join(__dirname, 'fixtures', 'plainLines.txt'), 'utf8').split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

function corpusLines(): string[] {
  const lines = new Set<string>();
  for (const file of readdirSync(CORPORA).filter((name) => name.endsWith('.jsonl')).sort()) {
    for (const row of readFileSync(join(CORPORA, file), 'utf8').split('\n')) {
      if (row.trim() === '') continue;
      const command = (JSON.parse(row) as { command?: unknown }).command;
      if (typeof command === 'string') lines.add(command);
    }
  }
  return [...lines];
}

/** Programs the rules and the wrapper walker know, with arguments that make them act: every pair. */
function generatedLines(): string[] {
  const programs = ['rm', 'git', 'sudo', 'env', 'bash', 'sh', 'zsh', 'ssh', 'xargs', 'find', 'timeout', 'nohup', 'eval', 'exec', 'command', 'builtin', 'source', '.', 'alias', 'cd', 'kubectl', 'terraform', 'docker', 'helm', 'aws', 'gcloud', 'az', 'psql', 'mysql', 'redis-cli', 'npm', 'npx', 'cargo', 'dd', 'chmod', 'chown', 'mv', 'cp', 'ln', 'truncate', 'shred', 'kill', 'systemctl', 'curl', 'wget', 'python3', 'node', 'watch', 'parallel', 'time', 'FOO=1', 'echo'];
  const argumentLists = ['', '-rf /', '-rf .', '-rf src', '-rf ~/', '--force', '-f', 'reset --hard', 'clean -fdx', 'push --force origin main', 'branch -D main', '-c ls', '-c rm', 'host rm -rf /', 'rm -rf /', 'delete ns prod', 'destroy -auto-approve', 'system prune -af', 's3 rm s3://b --recursive', 'FLUSHALL', 'publish', 'of=/dev/sda', '-R 777 /', '-9 1', 'stop nginx', '-X DELETE https://x/y', '-c print', '--dry-run rm -rf /', '--help', 'a==b', 'x=1 y', '%1 +2 ,3 :4 @5', '1 2 3', 'done fi esac', 'HEAD~2 a~b c/~d ~~'];
  return programs.flatMap((program) => argumentLists.map((args) => (args === '' ? program : `${program} ${args}`)));
}

let parser: BashParser;
let fixture: Fixture;
let eager: Engine;
let context: AnalysisContext;

before(async () => {
  parser = await BashParser.create(binaries());
  fixture = await makeFixture();
  eager = await sharedEngine();
  context = fixture.context(fixture.repo);
});

after(() => fixture.dispose());

function rootScope(): Scope {
  const known = new Map<string, Word>([
    ['HOME', literalWord(fixture.home)],
    ['PWD', literalWord(fixture.repo)],
    ['IFS', literalWord(' \t\n')],
  ]);
  return Scope.root(fixture.repo, known);
}

/** Where the programs found from a split line differ from those the walker finds in the parsed line. */
function extractionDifference(line: string, split: (line: string) => PlainLine | undefined): string | undefined {
  const plain = split(line);
  if (!plain) return undefined;
  const parsed = new ExtractionRun(parser, DEFAULT_LIMITS);
  parsed.script(line, rootScope(), { via: [], depth: 0 });
  const direct = new ExtractionRun(parser, DEFAULT_LIMITS);
  direct.run(plain.words.map(literalWord), new Map(), [], rootScope(), { via: [], depth: 0 }, plain.text);
  try {
    assert.deepStrictEqual({ invocations: direct.invocations, signals: direct.signals }, { invocations: parsed.invocations, signals: parsed.signals });
    return undefined;
  } catch (error) {
    return `${JSON.stringify(line)}: ${error instanceof Error ? error.message.slice(0, 600) : String(error)}`;
  }
}

/** Where the analyzer's assessment with the plain-line path differs from the one without it. */
function assessmentDifferences(lines: readonly string[]): string[] {
  const rules = new RuleIndex(DEFAULT_PACKS);
  const fast = new ShellAnalyzer(parser, rules);
  const full = new ShellAnalyzer(parser, rules, false);
  const differences: string[] = [];
  for (const line of lines) {
    if (!plainLine(line)) continue;
    try {
      assert.deepStrictEqual(fast.analyze(line, fixture.repo, context), full.analyze(line, fixture.repo, context));
    } catch (error) {
      differences.push(`${JSON.stringify(line)}: ${error instanceof Error ? error.message.slice(0, 600) : String(error)}`);
    }
  }
  return differences;
}

function compareAll(lines: readonly string[], what: string): void {
  const accepted = lines.filter((line) => plainLine(line) !== undefined);
  const extraction = accepted.map((line) => extractionDifference(line, plainLine)).filter((difference): difference is string => difference !== undefined);
  assert.deepEqual(extraction.slice(0, 5), [], `${extraction.length} of ${accepted.length} ${what} lines found other programs without the parser`);
  const assessment = assessmentDifferences(accepted);
  assert.deepEqual(assessment.slice(0, 5), [], `${assessment.length} of ${accepted.length} ${what} lines were judged differently without the parser`);
}

void describe('plain lines: which lines skip the parser', () => {
  void it('accepts simple commands of literal words, with the text the parser gives the command', () => {
    assert.deepEqual(plainLine('ls -la'), { words: ['ls', '-la'], text: 'ls -la' });
    assert.deepEqual(plainLine('  git\tstatus  '), { words: ['git', 'status'], text: 'git\tstatus' });
    assert.deepEqual(plainLine('git diff HEAD~1 --stat'), { words: ['git', 'diff', 'HEAD~1', '--stat'], text: 'git diff HEAD~1 --stat' });
    assert.deepEqual(plainLine('make CC=gcc a==b %1 +x ,y :z @w'), { words: ['make', 'CC=gcc', 'a==b', '%1', '+x', ',y', ':z', '@w'], text: 'make CC=gcc a==b %1 +x ,y :z @w' });
  });

  void it('leaves to the parser anything bash would expand, split, quote or read as syntax', () => {
    const needParsing = [
      'FOO=bar npm test', '=x', 'echo =x', 'echo ==x', 'time ls', 'coproc ls', 'if', 'done', 'in', 'function', 'declare x=1', 'export PATH=/x', 'local x', 'readonly x', 'typeset x', 'unset x', 'unsetenv x',
      'echo $HOME', "echo 'x'", 'echo "x"', 'echo `id`', 'echo a\\ b', 'echo *', 'echo ?', 'echo [a]', 'echo ~', 'echo ~x', 'echo a=~', 'echo a:~', 'echo PATH=a:~/bin', 'echo {a,b}', 'echo #x', 'echo !x', 'ls; rm', 'ls | rm', 'ls && rm', 'ls & rm', 'ls > x', 'ls < x', '(ls)',
      'ls\nrm', 'ls\r', 'ls\u00a0-la', 'caf\u00e9', '', '   ', `echo ${'a'.repeat(MAX_PLAIN_LENGTH)}`,
    ];
    for (const line of needParsing) assert.equal(plainLine(line), undefined, JSON.stringify(line));
  });
});

void describe('plain lines: the same programs and the same judgement as the parser', () => {
  void it('on the representative lines (test/unit/fixtures/plainLines.txt)', () => {
    const lines = fixtureLines();
    assert.ok(lines.filter((line) => plainLine(line)).length > 120, 'most representative lines are plain');
    compareAll(lines, 'representative');
  });

  void it('on generated lines: known programs with arguments that act', () => compareAll(generatedLines(), 'generated'));

  void it('on every line of the corpora', (t) => {
    if (!existsSync(CORPORA)) {
      t.skip(`no corpora at ${CORPORA} (set AIRLOCK_CORPORA): only the representative and generated lines were compared`);
      return;
    }
    compareAll(corpusLines(), 'corpus');
  });

  void it('catches a wrong splitter (the comparison can fail)', () => {
    // Splits on blanks whatever the line holds: quotes, `~`, globs and `$` come through unread.
    const careless = (line: string): PlainLine | undefined => (/[;|&<>()\n]/.test(line) ? undefined : { words: line.trim().split(/\s+/), text: line.trim() });
    const caught = ["rm -rf '/'", 'rm -rf ~', 'echo $HOME', 'FOO=1 rm -rf /'].filter((line) => extractionDifference(line, careless) !== undefined);
    assert.equal(caught.length, 4, 'every careless split is told apart from the parse');
    // Losing the last word changes what rm deletes.
    const dropsOne = (line: string): PlainLine | undefined => {
      const plain = plainLine(line);
      return plain && { ...plain, words: plain.words.slice(0, -1) };
    };
    assert.notEqual(extractionDifference('rm -rf src', dropsOne), undefined);
  });
});

void describe('the deferred engine', () => {
  function counting(load: () => BashGrammarBinaries = binaries): { engine: ReturnType<typeof createDeferredEngine>; loads: () => number } {
    let loads = 0;
    const engine = createDeferredEngine(() => {
      loads++;
      return load();
    });
    return { engine, loads: () => loads };
  }
  const shell = (command: string): Action => ({ kind: 'shell', command });

  void it('judges plain lines and file actions without starting tree-sitter', async () => {
    const { engine, loads } = counting();
    for (const command of ['ls -la', 'rm -rf src', 'git reset --hard', 'sudo rm -rf /']) assert.deepStrictEqual(await engine.analyze(shell(command), context), eager.analyze(shell(command), context), command);
    const write: Action = { kind: 'fileWrite', path: 'src/app.ts', newContent: 'x' };
    assert.deepStrictEqual(await engine.analyze(write, context), eager.analyze(write, context));
    assert.equal(loads(), 0);
  });

  void it('starts it, once, for a line or a wrapped payload that needs a parse, and judges as the eager engine', async () => {
    const { engine, loads } = counting();
    for (const command of ['bash -c rm', 'ssh host rm -rf /', 'ls; rm -rf /', "echo 'x'", 'ls -la']) assert.deepStrictEqual(await engine.analyze(shell(command), context), eager.analyze(shell(command), context), command);
    assert.equal(loads(), 1);
  });

  void it('fails closed when the grammar cannot start: the analysis rejects, as creating the engine did', async () => {
    const { engine } = counting(() => {
      throw new Error('tree-sitter-bash.wasm is missing');
    });
    await assert.rejects(engine.analyze(shell('ls | sh'), context), /missing/);
    await assert.rejects(engine.analyze(shell('bash -c ls'), context), /missing/);
  });
});
