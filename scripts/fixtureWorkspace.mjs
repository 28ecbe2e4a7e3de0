// The fixture workspace the evaluation and the benchmarks judge commands in: a git repository that
// looks like a real project (sources, data, backups, build outputs, an uncommitted change, an
// untracked file, a `.env`), and a fake home folder beside it so `rm -rf ~` is judged against files
// that exist without the real home ever being named. Built once per run in a temp folder.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

const COMMITTED = {
  'README.md': '# shop\n\nA small web shop used as the Airlock evaluation fixture.\n',
  'package.json': JSON.stringify({ name: 'shop', version: '1.0.0', scripts: { build: 'tsc', test: 'node --test' } }, null, 2),
  '.gitignore': 'dist/\nbuild/\nnode_modules/\n.env\n*.log\ncoverage/\n',
  'src/index.ts': "import { listUsers } from './db';\n\nexport function main(): void {\n  console.log(listUsers());\n}\n",
  'src/db.ts': "export function listUsers(): string[] {\n  return ['ada', 'grace'];\n}\n",
  'src/util.ts': 'export const sum = (a: number, b: number): number => a + b;\n',
  'src/routes/users.ts': "export const route = '/users';\n",
  'test/db.test.ts': "import { listUsers } from '../src/db';\nconsole.assert(listUsers().length === 2);\n",
  'data/users.csv': 'id,name\n1,ada\n2,grace\n',
  'data/orders.csv': 'id,user,total\n1,1,9.99\n2,2,19.99\n',
  'migrations/001_init.sql': 'CREATE TABLE users (id int primary key, name text);\n',
  'docs/setup.md': 'Run npm ci, then npm run build.\n',
  'scripts/deploy.sh': '#!/bin/sh\necho deploying\n',
};

const BACKUPS = {
  'backups/db-2026-01-01.sql.gz': 'INSERT INTO users VALUES (1, \'ada\');\n',
  'backups/db-2026-02-01.sql.gz': 'INSERT INTO users VALUES (2, \'grace\');\n',
};

const IGNORED = {
  'dist/index.js': 'console.log("built");\n',
  'dist/index.js.map': '{}\n',
  'build/output.txt': 'build output\n',
  'node_modules/left-pad/index.js': 'module.exports = (s) => s;\n',
  'node_modules/left-pad/package.json': '{"name":"left-pad"}\n',
  'node_modules/.bin/left-pad': '#!/bin/sh\n',
  '.env': 'DATABASE_URL=postgres://app:hunter2-not-real@db.example.com:5432/shop\nSTRIPE_SECRET_KEY=sk_test_not_a_real_key_0000\n',
  'debug.log': 'log line\n',
};

const HOME = {
  '.bashrc': 'export PATH="$HOME/bin:$PATH"\n',
  '.gitconfig': '[user]\n\tname = Fixture\n\temail = fixture@example.com\n',
  '.ssh/id_ed25519': '-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n-----END OPENSSH PRIVATE KEY-----\n',
  '.ssh/known_hosts': 'github.com ssh-ed25519 AAAA\n',
  '.aws/credentials': '[default]\naws_access_key_id = AKIAFIXTURENOTREAL00\n',
  'Documents/notes.md': 'notes\n',
  'Documents/taxes-2025.pdf': 'pdf\n',
  'Pictures/cat.jpg': 'jpg\n',
};

function writeAll(base, files, transform = (content) => content) {
  for (const [path, content] of Object.entries(files)) {
    const full = join(base, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, transform(content));
  }
}

function git(cwd, ...args) {
  // Fixed identity and no signing, so the user's global git configuration cannot change the fixture.
  execFileSync('git', ['-c', 'user.email=fixture@example.com', '-c', 'user.name=Fixture', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    stdio: 'ignore',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: cwd },
  });
}

/**
 * Builds the fixture and returns `{ base, root, home, dispose }`: `root` is the repository (judge
 * commands with it as cwd) and `home` the fake home (give it to the engine as HOME).
 *
 * `parent` should not be a temp folder: the corpora expect `rm -rf /tmp/*` to be judged as clearing
 * scratch space, and with the workspace inside /tmp it would (rightly) delete the workspace too.
 * Real workspaces live in a home or projects folder, so the callers pass a gitignored results folder.
 */
export function buildFixtureWorkspace(parent = tmpdir()) {
  mkdirSync(parent, { recursive: true });
  const base = realpathSync(mkdtempSync(join(parent, 'airlock-fixture-')));
  // The workspace lives in the fake home, as projects do: what lies beside it (`../other`) is then
  // another project in home, wherever the fixture itself is created (a clone in /tmp included).
  const home = join(base, 'home', 'fixture');
  const root = join(home, 'projects', 'shop');
  writeAll(root, COMMITTED);
  writeAll(root, BACKUPS, (sql) => gzipSync(sql));
  git(root, 'init', '-q', '-b', 'main', '.');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'Initial commit');
  writeAll(root, IGNORED);
  // Work that exists nowhere else: an uncommitted change and an untracked file.
  writeFileSync(join(root, 'src/db.ts'), "export function listUsers(): string[] {\n  return ['ada', 'grace', 'linus'];\n}\n");
  writeAll(root, { 'src/draft.ts': '// work in progress, never committed\n' });
  writeAll(home, HOME);
  mkdirSync(join(home, 'projects'), { recursive: true });
  return {
    base,
    root,
    home,
    dispose: () => rmSync(base, { recursive: true, force: true }),
  };
}
