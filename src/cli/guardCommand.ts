import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { Engine } from '../core/engine';
import type { GuardAnswer, GuardRequest } from '../host/decisionService';
import { findWorkspaceRoot } from '../host/ledger/locations';
import type { GuardDecider } from '../host/shellGuard/guardDecisionService';
import { createGuardDecider } from '../host/shellGuard/guardDecisionService';
import { allowLine, blockedMessage, cannotDecideMessage, denyLine, isGuardShell, RequestReader } from '../host/shellGuard/guardProtocol';
import { argvToCommandLine, findRealProgram, pathWithoutShims } from '../host/shims/pathShims';
import type { CommandIo } from './io';
import { UsageError } from './io';

export const GUARD_USAGE = `       airlock guard --shell bash|zsh|fish [--cwd DIR] -- <command line>
       airlock guard --serve --shell bash|zsh|fish   (the shell guards' coprocess)
       airlock guard --shim PROGRAM -- <args...>     (PATH shims: prints the real program when allowed)
`;

interface GuardOptions {
  serve: boolean;
  shim?: string;
  cwd: string;
  words: string[];
}

function parseGuardArgs(args: readonly string[]): GuardOptions {
  const options: GuardOptions = { serve: false, cwd: process.cwd(), words: [] };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    if (arg === '--') {
      options.words = args.slice(index + 1);
      return options;
    }
    if (arg === '--serve') options.serve = true;
    else if (arg === '--shim') {
      const program = args[++index];
      if (!program || program.includes('/')) throw new UsageError('--shim needs a program name');
      options.shim = program;
    }
    else if (arg === '--shell') {
      const shell = args[++index];
      // The shell only names the caller today; checking it keeps a typo from passing silently.
      if (!isGuardShell(shell)) throw new UsageError('--shell is bash, zsh or fish');
    } else if (arg === '--cwd') {
      const dir = args[++index];
      if (dir === undefined) throw new UsageError('--cwd needs a directory');
      options.cwd = dir;
    } else throw new UsageError(`unknown option ${arg}`);
  }
  return options;
}

/**
 * The request for a command run in `cwd`. Its policy and ledger are those of the git work tree it runs
 * in; outside any, those of the VS Code workspace the terminal belongs to (AIRLOCK_WORKSPACE, set by
 * the extension), so commands run in ~ or /tmp are recorded there instead of leaving an .airlock
 * folder wherever a terminal goes. Paths are still resolved from `cwd`.
 */
export function guardRequest(command: string, cwd: string, source: 'shell-guard' | 'shim', env: NodeJS.ProcessEnv = process.env): GuardRequest {
  const inRepository = existsSync(join(findWorkspaceRoot(cwd), '.git'));
  const workspace = env.AIRLOCK_WORKSPACE;
  const decideIn = !inRepository && workspace && existsSync(workspace) ? resolve(workspace) : cwd;
  return { action: { kind: 'shell', command, cwd }, cwd: decideIn, source };
}

/** Decides one line; any failure is a deny that says Airlock could not decide. Never throws. */
async function answerLine(decider: GuardDecider, cwd: string, line: string): Promise<string> {
  try {
    if (line.trim() === '') return allowLine();
    const answer = await decider.service.decide(guardRequest(line, cwd, 'shell-guard'));
    return answer.decision === 'allow' ? allowLine() : denyLine(blockedMessage(answer, decider.canAsk));
  } catch (error) {
    return denyLine(cannotDecideMessage(error));
  }
}

/**
 * `airlock guard`: what the shell guard snippets call. One-shot, it decides the line after `--` and
 * prints one answer line (exit 0 allow, 1 deny). With `--serve` it is the guard's long-lived
 * coprocess: NUL-framed requests on stdin, one answer line each, in order, until stdin closes.
 */
export async function runGuard(args: readonly string[], io: CommandIo, stdin: Readable, loadEngine: () => Promise<Engine>): Promise<number> {
  const options = parseGuardArgs(args);
  // The real program is looked up on the PATH as given; everything Airlock itself starts (the
  // engine's git probes) must never run into a shim, or each probe would ask Airlock again.
  const callerPath = process.env.PATH ?? '';
  process.env.PATH = pathWithoutShims(callerPath, process.cwd());
  const warned = new Set<string>();
  // A shell prints whatever we write to stderr into the person's terminal: each warning once only.
  const onWarning = (message: string): void => {
    if (warned.has(message)) return;
    warned.add(message);
    io.stderr.write(`airlock: ${message}\n`);
  };
  let decider: GuardDecider;
  try {
    decider = await createGuardDecider(process.env, loadEngine, onWarning);
  } catch (error) {
    // Without an engine nothing can be decided: fail closed, and in serve mode exit so the shell
    // falls back to one-shot calls (which fail closed the same way, each saying why).
    io.stdout.write(denyLine(cannotDecideMessage(error)));
    return 1;
  }
  if (options.shim !== undefined) return runShim(decider, options.shim, options.words, io, callerPath);
  if (!options.serve) {
    if (options.words.length === 0) throw new UsageError('no command line given');
    const reply = await answerLine(decider, resolve(options.cwd), options.words.join(' '));
    io.stdout.write(reply);
    return reply === allowLine() ? 0 : 1;
  }
  const reader = new RequestReader();
  // Requests are answered strictly in order: the shell waits for each answer before its next line.
  let queue = Promise.resolve();
  stdin.on('data', (chunk: Buffer) => {
    for (const request of reader.push(chunk)) {
      queue = queue.then(async () => {
        io.stdout.write(await answerLine(decider, resolve(request.cwd || '/'), request.line));
      });
    }
  });
  await new Promise<void>((done) => stdin.once('end', done).once('close', done));
  await queue;
  return 0;
}

/**
 * One PATH shim call: decides the program with its full argv in the current folder. Allowed, it
 * prints the real program (found later on PATH, never a shim) for the shim to exec; denied, it says
 * why on stderr and exits 126; with no real program, 127 as a shell would.
 */
async function runShim(decider: GuardDecider, program: string, args: readonly string[], io: CommandIo, callerPath: string): Promise<number> {
  const cwd = process.cwd();
  const real = findRealProgram(program, callerPath, cwd);
  if (!real) {
    io.stderr.write(`airlock: ${program}: command not found (no real ${program} after the Airlock shims on PATH)\n`);
    return 127;
  }
  let answer: GuardAnswer | undefined;
  let failure: unknown;
  try {
    answer = await decider.service.decide(guardRequest(argvToCommandLine(program, args), cwd, 'shim'));
  } catch (error) {
    failure = error;
  }
  if (answer?.decision === 'allow') {
    io.stdout.write(`${real}\n`);
    return 0;
  }
  io.stderr.write(`${answer ? blockedMessage(answer, decider.canAsk) : cannotDecideMessage(failure)}\n`);
  return 126;
}
