import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDiskContext } from '../../src/host/diskContext';
import { createDiskProbe } from '../../src/host/diskProbe';

const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'airlock-probe-')));
const repo = join(scratch, 'repo');
const plain = join(scratch, 'plain');

function write(path: string, content = 'x'): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

function git(...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo, stdio: 'ignore' });
}

before(() => {
  write(join(repo, 'src/a.ts'), 'aaaa');
  write(join(repo, 'src/b.ts'), 'bb');
  write(join(repo, 'src/deep/c.ts'), 'c');
  write(join(repo, 'data/rows.csv'), '1,2\n');
  write(join(repo, 'README.md'), '# r');
  write(join(repo, '.gitignore'), 'dist/\nnode_modules/\n.env\n*.log\n');
  git('init', '-q', '.');
  git('add', '.');
  git('commit', '-qm', 'init');
  write(join(repo, 'src/a.ts'), 'changed'); // modified in the work tree
  write(join(repo, 'src/staged.ts'), 's');
  git('add', 'src/staged.ts'); // staged, never committed
  write(join(repo, 'src/new.ts'), 'n'); // untracked
  write(join(repo, 'src/debug.log'), 'l'); // ignored file
  write(join(repo, '.env'), 'SECRET=1'); // ignored file
  write(join(repo, 'dist/app.js'), 'js');
  write(join(repo, 'dist/app.js.map'), 'map');
  write(join(repo, 'node_modules/pkg/index.js'), 'i');
  write(join(repo, 'node_modules/pkg/lib/util.js'), 'u');
  write(join(repo, 'node_modules/pkg/package.json'), '{}');
  write(join(plain, 'one.txt'), '12345');
  write(join(plain, 'sub/two.txt'), '12');
  write(join(plain, '.hidden'), 'h');
  symlinkSync(join(repo, 'src'), join(plain, 'link-to-src'));
});

after(() => rmSync(scratch, { recursive: true, force: true }));

void describe('DiskProbe.describe in a git repository', () => {
  void it('counts a whole source folder by git state', () => {
    const facts = createDiskProbe().describe(join(repo, 'src'));
    assert.equal(facts.exists, true);
    assert.equal(facts.isDirectory, true);
    assert.equal(facts.inGitRepo, true);
    assert.equal(facts.files, 6);
    assert.equal(facts.tracked, 2, 'b.ts and deep/c.ts are committed and clean');
    assert.equal(facts.modified, 2, 'a.ts changed in the work tree, staged.ts only staged');
    assert.equal(facts.untracked, 1);
    assert.equal(facts.ignored, 1);
    assert.equal(facts.truncated, false);
  });

  void it('counts the files of ignored folders that git reports whole', () => {
    const probe = createDiskProbe();
    const modules = probe.describe(join(repo, 'node_modules'));
    assert.equal(modules.files, 3);
    assert.equal(modules.ignored, 3);
    assert.equal(modules.tracked + modules.modified + modules.untracked, 0);
    assert.equal(probe.describe(join(repo, 'node_modules/pkg/lib')).ignored, 1);
    assert.equal(probe.describe(join(repo, '.env')).ignored, 1);
  });

  void it('counts files inside .git as untracked', () => {
    const probe = createDiskProbe();
    const gitDir = probe.describe(join(repo, '.git'));
    assert.ok(gitDir.files > 5);
    assert.equal(gitDir.untracked, gitDir.files);
    const whole = probe.describe(repo);
    assert.equal(whole.tracked, 5);
    assert.equal(whole.modified, 2);
    assert.equal(whole.untracked, 1 + gitDir.files);
    assert.equal(whole.ignored, 2 + 2 + 3);
    assert.equal(whole.files, 5 + 2 + 1 + 7 + gitDir.files);
  });

  void it('describes single files', () => {
    const probe = createDiskProbe();
    const clean = probe.describe(join(repo, 'src/b.ts'));
    assert.deepEqual([clean.files, clean.bytes, clean.tracked, clean.isDirectory], [1, 2, 1, false]);
    assert.equal(probe.describe(join(repo, 'src/a.ts')).modified, 1);
    assert.equal(probe.describe(join(repo, 'src/new.ts')).untracked, 1);
    // A name that is a prefix of another (`src/a.ts` vs `src/a.tsx`) must not count its neighbours.
    assert.equal(probe.describe(join(repo, 'src/a')).exists, false);
  });

  void it('reports a missing path inside a repository as missing', () => {
    const facts = createDiskProbe().describe(join(repo, 'nope/never'));
    assert.equal(facts.exists, false);
    assert.equal(facts.files, 0);
    assert.equal(facts.inGitRepo, true);
  });

  void it('starts git once per repository, however many paths are asked about', () => {
    const log = join(scratch, 'git-calls.log');
    const wrapper = join(scratch, 'git-counting');
    writeFileSync(wrapper, `#!/bin/sh\necho "$@" >> '${log}'\nexec git "$@"\n`);
    chmodSync(wrapper, 0o755);
    const probe = createDiskProbe({ gitBinary: wrapper });
    for (const p of ['src', 'src/a.ts', 'data', 'dist', '.git', '', 'src/deep', 'missing']) probe.describe(join(repo, p));
    probe.describe(join(plain, 'one.txt'));
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    assert.equal(calls.length, 3, calls.join('\n')); // rev-parse, ls-files, status
  });

  void it('never follows symbolic links when counting', () => {
    const facts = createDiskProbe().describe(join(plain, 'link-to-src'));
    assert.equal(facts.exists, true);
    assert.equal(facts.isSymlink, true);
    assert.equal(facts.isDirectory, false);
    assert.equal(facts.files, 1);
    const folder = createDiskProbe().describe(plain);
    assert.equal(folder.files, 4, 'one.txt, sub/two.txt, .hidden and the link itself');
    assert.equal(folder.bytes, 5 + 2 + 1);
    assert.equal(folder.inGitRepo, false);
    assert.equal(folder.tracked + folder.untracked + folder.modified + folder.ignored, 0);
  });
});

void describe('DiskProbe limits and failures', () => {
  void it('stops counting at the entry limit and says so', () => {
    const facts = createDiskProbe({ maxEntries: 3 }).describe(repo);
    assert.equal(facts.truncated, true);
    assert.ok(facts.files <= 3);
    assert.equal(facts.tracked, 5, 'git counts stay exact while the walk is truncated');
  });

  void it('answers for / and the home folder quickly', () => {
    const probe = createDiskProbe();
    for (const path of ['/', process.env.HOME ?? '/root']) {
      const started = performance.now();
      const facts = probe.describe(path);
      const elapsed = performance.now() - started;
      assert.equal(facts.exists, true);
      assert.ok(elapsed < 1_000, `${path} took ${elapsed} ms`);
    }
  });

  void it('shares one walking budget across many paths, as `rm -rf /*` asks', () => {
    const probe = createDiskProbe();
    const started = performance.now();
    for (const name of readdirSync('/')) probe.describe(join('/', name));
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 1_500, `describing every folder of / took ${elapsed} ms`);
  });

  void it('reports no repository when git is not on PATH', () => {
    const probe = createDiskProbe({ env: { PATH: join(scratch, 'no-such-bin') } });
    const facts = probe.describe(join(repo, 'src'));
    assert.equal(facts.exists, true);
    assert.equal(facts.files, 6);
    assert.equal(facts.inGitRepo, false);
    assert.equal(facts.tracked + facts.modified + facts.untracked + facts.ignored, 0);
  });

  void it('reports no repository when git fails or times out', () => {
    const broken = join(scratch, 'git-broken');
    writeFileSync(broken, '#!/bin/sh\nexit 128\n');
    chmodSync(broken, 0o755);
    assert.equal(createDiskProbe({ gitBinary: broken }).describe(repo).inGitRepo, false);
    const slow = join(scratch, 'git-slow');
    writeFileSync(slow, '#!/bin/sh\nexec sleep 5\n');
    chmodSync(slow, 0o755);
    const started = performance.now();
    assert.equal(createDiskProbe({ gitBinary: slow, gitTimeoutMs: 200 }).describe(repo).inGitRepo, false);
    assert.ok(performance.now() - started < 2_000);
  });

  void it('reads unreadable paths as missing rather than throwing', () => {
    const probe = createDiskProbe();
    assert.equal(probe.describe('/proc/1/root/nothing-here').exists, false);
    assert.equal(probe.describe('\0bad').exists, false);
  });
});

void describe('DiskProbe.expandGlob', () => {
  const probe = createDiskProbe();
  const names = (paths: readonly string[] | undefined, base: string) =>
    paths?.map((p) => (p.startsWith(`${base}/`) ? p.slice(base.length + 1) : p));

  void it('expands *, ? and brackets like bash', () => {
    assert.deepEqual(names(probe.expandGlob('src/*.ts', repo), repo), ['src/a.ts', 'src/b.ts', 'src/new.ts', 'src/staged.ts']);
    assert.deepEqual(names(probe.expandGlob('src/?.ts', repo), repo), ['src/a.ts', 'src/b.ts']);
    assert.deepEqual(names(probe.expandGlob('src/[ab].ts', repo), repo), ['src/a.ts', 'src/b.ts']);
    assert.deepEqual(names(probe.expandGlob('src/[!a].ts', repo), repo), ['src/b.ts']);
    assert.deepEqual(names(probe.expandGlob('src/[[:lower:]].ts', repo), repo), ['src/a.ts', 'src/b.ts']);
    assert.deepEqual(names(probe.expandGlob('*/deep/*', repo), repo), ['src/deep/c.ts']);
  });

  void it('keeps dotfiles out of * unless the pattern starts with a dot', () => {
    assert.deepEqual(names(probe.expandGlob('*', plain), plain), ['link-to-src', 'one.txt', 'sub']);
    assert.deepEqual(names(probe.expandGlob('.h*', plain), plain), ['.hidden']);
  });

  void it('returns absolute paths, [] for no match, and honours escapes and trailing slashes', () => {
    assert.deepEqual(probe.expandGlob(`${plain}/*.txt`, '/'), [join(plain, 'one.txt')]);
    assert.deepEqual(probe.expandGlob('*.nothing', plain), []);
    assert.deepEqual(probe.expandGlob('one\\*', plain), []);
    assert.deepEqual(names(probe.expandGlob('*/', plain), plain), ['link-to-src', 'sub']);
    assert.deepEqual(probe.expandGlob('one.txt', plain), [join(plain, 'one.txt')]);
    assert.deepEqual(probe.expandGlob('missing.txt', plain), []);
  });

  void it('expands ** recursively, skipping hidden folders', () => {
    const all = names(probe.expandGlob('**/*.ts', repo), repo);
    assert.deepEqual(all, ['src/a.ts', 'src/b.ts', 'src/deep/c.ts', 'src/new.ts', 'src/staged.ts']);
  });

  void it('stays bounded', () => {
    const few = createDiskProbe({ maxGlobMatches: 2 }).expandGlob('src/*', repo);
    assert.equal(few?.length, 2);
    const started = performance.now();
    const everything = probe.expandGlob('/**/*', '/');
    assert.equal(everything, undefined);
    assert.ok(performance.now() - started < 1_000);
    assert.equal(probe.expandGlob('[z-a]*', plain), undefined);
  });
});

void describe('createDiskContext', () => {
  void it('uses the git top level as the workspace root', () => {
    const context = createDiskContext(join(repo, 'src/deep'), { home: '/home/someone', env: { A: '1' } });
    assert.equal(context.cwd, join(repo, 'src/deep'));
    assert.equal(context.workspaceRoot, repo);
    assert.equal(context.home, '/home/someone');
    assert.deepEqual(context.env, { A: '1' });
    assert.equal(context.probe.describe(join(repo, 'src/b.ts')).tracked, 1);
  });

  void it('falls back to the folder itself, the real home and process.env, and shares a given probe', () => {
    const probe = createDiskProbe();
    const context = createDiskContext(plain, { probe });
    assert.equal(context.workspaceRoot, plain);
    assert.equal(context.env, process.env);
    assert.equal(context.probe, probe);
    assert.ok(context.home.length > 0);
  });
});
