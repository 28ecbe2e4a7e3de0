// The parser adapter and word resolution: what the statement walker hands the rules for each shape of
// shell source (quotes, escapes, expansions, redirects, lists, loops, functions, aliases), checked on
// the walker's own output and, where it matters for safety, on the engine's judgement.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { Extraction } from '../../src/core/shell/extract';
import type { ShellExtractor } from '../../src/core/shell/extract';
import type { Invocation } from '../../src/core/shell/ir';
import type { Fixture } from './support/engineFixture';
import { assertAllowed, assertStopped, extractWith, makeFixture, sharedExtractor } from './support/engineFixture';

const CWD = '/work/project';
const HOME = '/home/agent';

let extractor: ShellExtractor;
let fixture: Fixture;

before(async () => {
  extractor = await sharedExtractor();
  fixture = await makeFixture();
});

after(() => fixture.dispose());

function extract(command: string): Extraction {
  return extractWith(extractor, command, CWD, HOME);
}

/** The argument values of every program the line starts, e.g. `[['rm', '-rf', '/']]`. */
function argvs(command: string): string[][] {
  return extract(command).invocations.filter((invocation) => invocation.argv.length > 0).map((invocation) => invocation.argv.map((word) => word.value));
}

function only(command: string, name: string): Invocation {
  const found = extract(command).invocations.filter((invocation) => invocation.name === name);
  assert.equal(found.length, 1, `expected one ${name} in ${command}, got ${JSON.stringify(found.map((invocation) => invocation.argv.map((word) => word.value)))}`);
  return found[0] as Invocation;
}

function values(invocation: Invocation): string[] {
  return invocation.argv.map((word) => word.value);
}

void describe('parser adapter', () => {
  void it('lists a simple command with its arguments', () => {
    assert.deepEqual(argvs('rm -rf build'), [['rm', '-rf', 'build']]);
  });

  void it('normalizes the program name from paths and case, keeping argv[0] as written', () => {
    const invocation = only('/usr/bin/RM.exe -f x', 'rm');
    assert.equal(values(invocation)[0], '/usr/bin/RM.exe');
  });

  void it('walks lists joined by ;, &&, || and &', () => {
    assert.deepEqual(argvs('ls && rm x || rm y; echo done &'), [['ls'], ['rm', 'x'], ['rm', 'y'], ['echo', 'done']]);
  });

  void it('walks pipelines, giving each later stage the previous one as its input', () => {
    const { invocations } = extract('ls | grep x | wc -l');
    assert.deepEqual(invocations.map((invocation) => invocation.name), ['ls', 'grep', 'wc']);
    const [ls, grep, wc] = invocations as [Invocation, Invocation, Invocation];
    assert.equal(ls.stdin, undefined);
    assert.equal(grep.stdin?.kind === 'pipe' ? grep.stdin.producer.name : undefined, 'ls');
    assert.equal(wc.stdin?.kind === 'pipe' ? wc.stdin.producer.name : undefined, 'grep');
  });

  void it('walks if, while, case and negation bodies', () => {
    assert.deepEqual(argvs('if [ -f x ]; then rm x; else rm y; fi').filter((argv) => argv[0] === 'rm'), [['rm', 'x'], ['rm', 'y']]);
    assert.deepEqual(argvs('while true; do rm -rf x; done').filter((argv) => argv[0] === 'rm'), [['rm', '-rf', 'x']]);
    assert.deepEqual(argvs('case $1 in a) rm a;; b) rm b;; esac'), [['rm', 'a'], ['rm', 'b']]);
    assert.deepEqual(argvs('! rm x'), [['rm', 'x']]);
  });

  void it('skips comments entirely', () => {
    assert.deepEqual(argvs('# rm -rf /'), []);
    assert.deepEqual(argvs('ls # rm -rf /'), [['ls']]);
  });

  void it('keeps leading assignments apart from the arguments', () => {
    const invocation = only('A=1 B="two words" cmd arg', 'cmd');
    assert.deepEqual(values(invocation), ['cmd', 'arg']);
    assert.deepEqual([...invocation.assignments].map(([name, word]) => `${name}=${word.value}`), ['A=1', 'B=two words']);
  });

  void it('treats arguments after -- as operands, not options', () => {
    assert.deepEqual(argvs('rm -- -rf'), [['rm', '--', '-rf']]);
    assertAllowed(fixture, 'rm -- -rf', 'fs.rm.root');
  });
});

void describe('word resolution: quotes and escapes', () => {
  void it('removes single quotes, double quotes and backslashes', () => {
    assert.deepEqual(argvs(`rm 'a b' "c d" e\\ f`), [['rm', 'a b', 'c d', 'e f']]);
  });

  void it('expands variables in double quotes but not in single quotes or after a backslash', () => {
    assert.deepEqual(argvs(`echo "x $HOME y" '$HOME' "\\$HOME" "a\\"b"`), [['echo', `x ${HOME} y`, '$HOME', '$HOME', 'a"b']]);
  });

  void it('decodes ANSI-C strings: named, hex, octal and unicode escapes', () => {
    assert.deepEqual(argvs(`echo $'a\\tb\\x41\\101\\u00e9\\n'`), [['echo', 'a\tbAA\u00e9\n']]);
  });

  void it('joins concatenated quoted pieces into one word', () => {
    assert.deepEqual(argvs(`r'm' "-"rf /`), [['rm', '-rf', '/']]);
  });

  void it('marks unquoted glob characters, and not quoted ones', () => {
    const [star, quoted] = only(`rm *.log '*.tmp'`, 'rm').argv.slice(1);
    assert.equal(star?.glob, true);
    assert.equal(quoted?.glob, false);
  });

  void it('expands brace lists', () => {
    assert.deepEqual(argvs('rm -rf /{etc,usr}'), [['rm', '-rf', '/etc', '/usr']]);
  });
});

void describe('word resolution: variables and $IFS', () => {
  void it('substitutes a variable assigned earlier on the line, splitting it when unquoted', () => {
    assert.deepEqual(argvs(`X='-rf /'; rm $X`), [['rm', '-rf', '/']]);
  });

  void it('does not split a quoted expansion', () => {
    assert.deepEqual(argvs(`X='-rf /'; rm "$X"`), [['rm', '-rf /']]);
  });

  void it('splits on $IFS the way the shell does', () => {
    assert.deepEqual(argvs('rm${IFS}-rf${IFS}/'), [['rm', '-rf', '/']]);
  });

  void it('substitutes exported and local assignments too', () => {
    assert.deepEqual(argvs(`export A=/x; rm "$A"`).pop(), ['rm', '/x']);
    assert.deepEqual(argvs('D=/srv; rm -rf "$D/data"'), [['rm', '-rf', '/srv/data']]);
  });

  void it('keeps an unknown variable dynamic with the literal prefix before it', () => {
    const word = only('rm -rf /srv/$UNKNOWN', 'rm').argv[2];
    assert.equal(word?.dynamic, true);
    assert.equal(word?.prefix, '/srv/');
  });

  void it('forgets a variable after unset', () => {
    const word = only('X=/tmp/a; unset X; rm "$X"', 'rm').argv[1];
    assert.equal(word?.dynamic, true);
  });

  void it('judges a same-line variable by its value', () => {
    assertStopped(fixture, 'T=/; rm -rf $T', { rule: 'fs.rm.root', level: 'critical' });
    assertAllowed(fixture, 'T=/tmp/cache-dir; rm -rf "$T"', 'fs.rm.root');
  });

  void it('does not let $HOME from the real environment leak in: HOME is the context home', () => {
    assertStopped(fixture, 'rm -rf "$HOME"', { rule: 'fs.rm.home', level: 'critical' });
  });
});

void describe('word resolution: tilde', () => {
  void it('expands ~ and ~/ unquoted at the start of a word only', () => {
    assert.deepEqual(argvs(`rm ~/a ~ '~/b' x~`), [['rm', `${HOME}/a`, HOME, '~/b', 'x~']]);
  });

  void it('leaves ~user as unknown: another user\'s home', () => {
    const word = only('rm -rf ~other/x', 'rm').argv[2];
    assert.equal(word?.dynamic, true);
  });

  void it('judges rm -rf ~ as deleting the home directory', () => {
    assertStopped(fixture, 'rm -rf ~', { rule: 'fs.rm.home', level: 'critical' });
    assertStopped(fixture, 'rm -rf ~/', { rule: 'fs.rm.home', level: 'critical' });
  });
});

void describe('word resolution: command substitution', () => {
  void it('runs the commands inside $(...) and backticks', () => {
    const names = extract('echo $(rm -rf /tmp/x) `rm -rf /tmp/y`').invocations.map((invocation) => invocation.name);
    assert.deepEqual(names.filter((name) => name === 'rm').length, 2);
  });

  void it('uses the output of a literal printer as the word', () => {
    assert.deepEqual(argvs('rm -rf $(echo /tmp/x)').pop(), ['rm', '-rf', '/tmp/x']);
    assert.deepEqual(argvs('rm -rf `echo /tmp/y`').pop(), ['rm', '-rf', '/tmp/y']);
  });

  void it('keeps a quoted substitution as one word', () => {
    assert.deepEqual(argvs('rm "$(echo a b)"').pop(), ['rm', 'a b']);
  });

  void it('marks an unknowable output dynamic and records which programs produced it', () => {
    const word = only('rm -rf $(cat list)', 'rm').argv[2];
    assert.equal(word?.dynamic, true);
    assert.deepEqual(word?.sources, ['cat']);
  });

  void it('judges commands inside substitutions, even inside double quotes', () => {
    assertStopped(fixture, 'echo "$(rm -rf /)"', { rule: 'fs.rm.root', level: 'critical' });
    assertStopped(fixture, 'rm -rf $(echo /)', { rule: 'fs.rm.root', level: 'critical' });
  });

  void it('runs substitutions inside arithmetic expansions', () => {
    assert.ok(extract('echo $(( $(rm -rf /tmp/q; echo 1) + 1 ))').invocations.some((invocation) => invocation.name === 'rm'));
  });

  void it('runs process substitutions', () => {
    assert.deepEqual(extract('diff <(ls a) <(ls b)').invocations.map((invocation) => invocation.name), ['ls', 'ls', 'diff']);
  });
});

void describe('heredocs and herestrings', () => {
  void it('gives a heredoc body to the command as its input', () => {
    const cat = only('cat <<EOF > out.txt\nhello\nEOF', 'cat');
    assert.equal(cat.stdin?.kind, 'text');
    assert.equal(cat.stdin?.kind === 'text' ? cat.stdin.text.trim() : '', 'hello');
    assert.deepEqual(cat.redirects.map((redirect) => `${redirect.op}${redirect.target.value}`), ['>out.txt']);
  });

  void it('runs substitutions in an unquoted heredoc body', () => {
    assert.ok(extract('cat <<EOF\nhello $(whoami)\nEOF').invocations.some((invocation) => invocation.name === 'whoami'));
  });

  void it('gives a herestring to the command as its input, with a newline', () => {
    const python = only(`python3 <<< 'print(1)'`, 'python3');
    assert.deepEqual(python.stdin, { kind: 'text', text: 'print(1)\n', dynamic: false });
  });

  void it('treats heredoc text written to a file as data, not a command', () => {
    assertAllowed(fixture, 'cat <<EOF > notes.md\nrm -rf /\nEOF', 'fs.rm');
  });
});

void describe('redirects', () => {
  void it('records each redirect with its operator, descriptor and target', () => {
    const echo = only('echo a > f1 2>> f2 &> f3 < in', 'echo');
    assert.deepEqual(echo.redirects.map((redirect) => `${redirect.fd ?? ''}${redirect.op}${redirect.target.value}`), ['>f1', '2>>f2', '&>f3', '<in']);
  });

  void it('resolves variables in redirect targets', () => {
    const echo = only('F=/etc/hosts; echo x > "$F"', 'echo');
    assert.equal(echo.redirects[0]?.target.value, '/etc/hosts');
  });

  void it('judges a redirect with no command (`> file`)', () => {
    assertStopped(fixture, '> /etc/passwd', { rule: 'fs.redirect' });
  });
});

void describe('working directory tracking', () => {
  void it('follows cd for the rest of the line', () => {
    const rm = only('cd /tmp && rm -rf x', 'rm');
    assert.equal(rm.cwd, '/tmp');
    assert.equal(only('cd sub; rm x', 'rm').cwd, `${CWD}/sub`);
  });

  void it('keeps a cd inside a subshell inside it', () => {
    const { invocations } = extract('(cd /etc && ls); rm y');
    assert.equal(invocations.find((invocation) => invocation.name === 'ls')?.cwd, '/etc');
    assert.equal(invocations.find((invocation) => invocation.name === 'rm')?.cwd, CWD);
  });

  void it('forgets the directory after cd to somewhere unknown', () => {
    assert.equal(only('cd $SOMEWHERE && rm -rf x', 'rm').cwd, undefined);
  });

  void it('judges relative paths against the directory cd moved to', () => {
    assertStopped(fixture, 'cd / && rm -rf *', { level: 'critical' });
    assertStopped(fixture, `cd ${fixture.home} && rm -rf .ssh`, { rule: 'fs.rm.home-sensitive' });
    assertAllowed(fixture, 'cd dist && rm -rf *', 'fs.rm.workspace-root');
  });
});

void describe('loops', () => {
  void it('runs a for body once per literal value, with the variable bound', () => {
    assert.deepEqual(argvs('for f in a b c; do rm $f; done').slice(0, 3), [['rm', 'a'], ['rm', 'b'], ['rm', 'c']]);
  });

  void it('runs a for body once per literal value (no extra run with the loop body as a value)', () => {
    assert.deepEqual(argvs('for f in a b c; do rm $f; done'), [['rm', 'a'], ['rm', 'b'], ['rm', 'c']]);
  });

  void it('binds an unknown value when the list is a glob', () => {
    const rms = extract('for f in *.log; do rm $f; done').invocations.filter((invocation) => invocation.name === 'rm');
    assert.ok(rms.length >= 1);
    assert.ok(rms.every((invocation) => invocation.argv[1]?.dynamic === true));
  });

  void it('judges each loop value', () => {
    assertStopped(fixture, 'for d in /tmp/a ~; do rm -rf $d; done', { rule: 'fs.rm.home', level: 'critical' });
  });
});

void describe('functions and aliases', () => {
  void it('runs a function body where the function is called', () => {
    const rm = extract('f() { rm -rf "$1"; }; f /tmp/z').invocations.filter((invocation) => invocation.name === 'rm');
    assert.ok(rm.length >= 1);
    assert.deepEqual(rm[0]?.via, ['function f']);
  });

  void it('judges the body of a function that is only defined (it may run later: traps, handlers)', () => {
    const rm = extract('f() { rm -rf /; }').invocations.filter((invocation) => invocation.name === 'rm');
    assert.ok(rm.length >= 1);
    assert.deepEqual(rm[0]?.via, ['function f']);
  });

  void it('expands an alias defined earlier on the line', () => {
    const rm = only(`alias k='rm -rf'; k dir`, 'rm');
    assert.deepEqual(values(rm), ['rm', '-rf', 'dir']);
    assert.deepEqual(rm.via, ['alias k']);
  });

  void it('judges what functions and aliases run', () => {
    assertStopped(fixture, 'f() { rm -rf /; }; f', { rule: 'fs.rm.root', level: 'critical' });
    assertStopped(fixture, `alias x='rm -rf'; x /`, { rule: 'fs.rm.root', level: 'critical' });
    assertAllowed(fixture, 'f() { ls -la; }; f');
    assertAllowed(fixture, `alias ll='ls -l'; ll /`);
  });

  void it('binds positional parameters in a function body to the call\'s arguments', () => {
    // The body is judged once where it is defined (parameters unknown), then at each call.
    const called = (command: string): string[][] => argvs(command).slice(1);
    assert.deepEqual(called('f() { "$@"; }; f rm -rf "a b" c'), [['rm', '-rf', 'a b', 'c']]);
    assert.deepEqual(called('f() { rm -rf "x/$2" $1; }; f one two'), [['rm', '-rf', 'x/two', 'one']]);
    // Single quotes keep `$1` literal, as the shell does.
    assert.deepEqual(called(`f() { echo '$1'; }; f z`), [['echo', '$1']]);
  });

  void it('judges what a function that forwards its arguments runs', () => {
    assertStopped(fixture, 'run(){ "$@"; }; run rm -rf ~', { rule: 'fs.rm.home', level: 'critical' });
    assertStopped(fixture, 'f(){ rm -rf "$1"; }; f ~', { rule: 'fs.rm.home', level: 'critical' });
    assertStopped(fixture, 'f(){ $@; }; f rm -rf ~', { rule: 'fs.rm.home', level: 'critical' });
    assertStopped(fixture, 'g(){ "$@"; }; f(){ g "$@"; }; f rm -rf ~', { rule: 'fs.rm.home', level: 'critical' });
    // echo prints its arguments; it runs none of them.
    assertAllowed(fixture, 'f(){ echo "$@"; }; f rm -rf ~');
    assertAllowed(fixture, 'f(){ ls "$@"; }; f -la');
  });
});
