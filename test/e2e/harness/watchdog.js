// Runs one command as the leader of a new process group and ties the group's life to the test
// runner's: the runner holds the other end of this process's stdin, so when the runner goes, even by
// SIGKILL, stdin ends and the whole group (the command and everything it started) is killed.
// Usage: node watchdog.js <command> [args...]; the exit code is the command's.
'use strict';
const { spawn } = require('node:child_process');

const [command, ...args] = process.argv.slice(2);
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
const killGroup = () => {
  try {
    process.kill(0, 'SIGKILL'); // 0: every process of this group, this one included.
  } catch {
    process.exit(1);
  }
};
process.stdin.on('end', killGroup);
process.stdin.on('error', killGroup);
process.stdin.resume();
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('error', (error) => { console.error(String(error)); process.exit(127); });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
