import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { DeferredEngine, Engine } from '../core/engine';
import type { PathShimState, SessionClient } from '../protocol/brokerMessages';
import { AbandonedRequestError } from '../host/brokerSession';
import type { DecideHooks, GuardAnswer, GuardRequest } from '../host/decisionService';
import { findWorkspaceRoot } from '../host/ledger/locations';
import type { GuardDecider } from '../host/shellGuard/guardDecisionService';
import { createGuardDecider } from '../host/shellGuard/guardDecisionService';
import type { GuardShell } from '../host/shellGuard/guardProtocol';
import { allowLine, blockedMessage, cannotDecideMessage, denyLine, isGuardShell, parsePathShimState, RequestReader, sequenced, waitingMessage, waitLine } from '../host/shellGuard/guardProtocol';
import { argvToCommandLine, findRealProgram, pathWithoutShims } from '../host/shims/pathShims';
import type { CommandIo } from './io';
import { UsageError } from './io';

export const GUARD_USAGE = `       airlock guard --shell bash|zsh|fish [--cwd DIR] [--path-shims on|off] -- <command line>
       airlock guard --serve --shell bash|zsh [--shell-pid PID]   (the shell guards' coprocess)
       airlock guard --shim PROGRAM -- <args...>     (PATH shims: prints the real program when allowed)
`;

interface GuardOptions {
  serve: boolean;
  shell?: GuardShell;
  shellPid?: number;
  shim?: string;
  cwd: string;
  /** What the shell guard saw of its PATH (see PathShimState); absent when it knows no shim folder. */
  pathShims?: PathShimState;
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
      if (!isGuardShell(shell)) throw new UsageError('--shell is bash, zsh or fish');
      options.shell = shell;
    } else if (arg === '--shell-pid') {
      const pid = Number(args[++index]);
      if (!Number.isInteger(pid) || pid < 1) throw new UsageError('--shell-pid needs a process id');
      options.shellPid = pid;
    } else if (arg === '--path-shims') {
      // Empty when the guard knows no shim folder: nothing to report, and nothing wrong.
      const state = args[++index];
      if (state === undefined || (state !== '' && !parsePathShimState(state))) throw new UsageError('--path-shims is on or off');
      const pathShims = parsePathShimState(state);
      if (pathShims) options.pathShims = pathShims;
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
export function guardRequest(command: string, cwd: string, source: 'shell-guard' | 'shim', env: NodeJS.ProcessEnv = process.env, pathShims?: PathShimState): GuardRequest {
  const inRepository = existsSync(join(findWorkspaceRoot(cwd), '.git'));
  const workspace = env.AIRLOCK_WORKSPACE;
  const decideIn = !inRepository && workspace && existsSync(workspace) ? resolve(workspace) : cwd;
  return { action: { kind: 'shell', command, cwd }, cwd: decideIn, source, ...(pathShims ? { pathShims } : {}) };
}

/** Decides one line; any failure is a deny that says Airlock could not decide. Never throws. */
async function answerLine(decider: GuardDecider, cwd: string, line: string, pathShims: PathShimState | undefined, hooks: DecideHooks = {}): Promise<string> {
  try {
    if (line.trim() === '') return allowLine();
    const answer = await decider.service.decide(guardRequest(line, cwd, 'shell-guard', process.env, pathShims), hooks);
    return answer.decision === 'allow' ? allowLine() : denyLine(blockedMessage(answer));
  } catch (error) {
    if (error instanceof AbandonedRequestError) return denyLine('airlock: the shell stopped waiting for this line; it did not run.');
    return denyLine(cannotDecideMessage(error));
  }
}

/**
 * `airlock guard`: what the shell guard snippets call. One-shot, it decides the line after `--` and
 * prints one answer line (exit 0 allow, 1 deny). With `--serve` it is the guard's long-lived
 * coprocess: NUL-framed requests on stdin, one answer line each, in order, until stdin closes.
 */
export async function runGuard(args: readonly string[], io: CommandIo, stdin: Readable, loadEngine: () => Promise<Engine | DeferredEngine>): Promise<number> {
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
  // The coprocess names its shell, so the window knows which terminal has a live guard.
  const session: SessionClient | undefined = options.serve && options.shell && options.shell !== 'fish' && options.shellPid !== undefined
    ? { kind: 'shell-guard', shell: options.shell, shellPid: options.shellPid }
    : undefined;
  try {
    decider = await createGuardDecider(process.env, loadEngine, { ...(session ? { session } : {}), cwd: resolve(options.cwd), onWarning });
  } catch (error) {
    // Without an engine nothing can be decided: fail closed, and in serve mode exit so the shell
    // falls back to one-shot calls (which fail closed the same way, each saying why).
    io.stdout.write(denyLine(cannotDecideMessage(error)));
    return 1;
  }
  if (options.shim !== undefined) return runShim(decider, options.shim, options.words, io, callerPath);
  if (!options.serve) {
    if (options.words.length === 0) throw new UsageError('no command line given');
    const line = options.words.join(' ');
    // The answer goes to stdout, which the shell reads only at the end; the wait is said on the terminal.
    // fish runs its Enter binding with the cursor still after the typed line (bash and zsh move on first).
    const lead = options.shell === 'fish' ? '\n' : '';
    const onWaiting = (ms: number): void => void io.stderr.write(`${lead}${waitingMessage(ms)}\n`);
    const reply = await answerLine(decider, resolve(options.cwd), line, options.pathShims, { onWaiting });
    io.stdout.write(reply);
    return reply === allowLine() ? 0 : 1;
  }
  const reader = new RequestReader();
  // Requests are answered strictly in order: the shell waits for each answer before its next line. A
  // request that arrives while another is still waiting means the shell stopped waiting (Ctrl-C):
  // that one is abandoned, so the new line is not stuck behind a question nobody is looking at.
  let queue = Promise.resolve();
  let inFlight = 0;
  stdin.on('data', (chunk: Buffer) => {
    for (const request of reader.push(chunk)) {
      if (inFlight > 0) decider.abandon();
      inFlight++;
      queue = queue.then(async () => {
        const onWaiting = (ms: number): void => void io.stdout.write(sequenced(request.seq, waitLine(waitingMessage(ms))));
        const reply = await answerLine(decider, resolve(request.cwd || '/'), request.line, request.pathShims, { onWaiting });
        inFlight--;
        io.stdout.write(sequenced(request.seq, reply));
      });
    }
  });
  await new Promise<void>((done) => stdin.once('end', done).once('close', done));
  await queue;
  // The shell has gone: an open session would keep this process alive for nothing.
  decider.close();
  return 0;
}

/**
 * `airlock guard` as its own process. Shells wait on it (a shim's `$(...)` until it exits, the shell
 * for the coprocess's answers), so once the answer is flushed it exits instead of idling while V8
 * finishes compiling the grammar in the background. A one-shot call parses once: baseline WebAssembly
 * compiled lazily is ready at once. The coprocess parses every line, so it keeps the optimizing tier.
 */
export async function runGuardProcess(args: readonly string[], io: CommandIo, loadEngine: () => Promise<Engine | DeferredEngine>): Promise<never> {
  if (!args.includes('--serve')) {
    setFlagsFromString('--liftoff-only');
    setFlagsFromString('--wasm-lazy-compilation');
  }
  let code: number;
  try {
    // Only the coprocess reads stdin; opening process.stdin costs a one-shot call about 3 ms.
    code = await runGuard(args, io, args.includes('--serve') ? process.stdin : Readable.from([]), loadEngine);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`airlock: ${error.message}\n${GUARD_USAGE}`);
    code = 2;
  }
  await new Promise<void>((done) => process.stdout.write('', () => process.stderr.write('', () => done())));
  process.exit(code);
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
  const command = argvToCommandLine(program, args);
  try {
    const onWaiting = (ms: number): void => void io.stderr.write(`${waitingMessage(ms, command)}\n`);
    answer = await decider.service.decide(guardRequest(command, cwd, 'shim'), { onWaiting });
  } catch (error) {
    failure = error;
  }
  if (answer?.decision === 'allow') {
    io.stdout.write(`${real}\n`);
    return 0;
  }
  io.stderr.write(`${answer ? blockedMessage(answer) : cannotDecideMessage(failure)}\n`);
  return 126;
}
