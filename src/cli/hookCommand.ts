import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import type { Action } from '../core/action';
import { formatReply } from '../core/hooks/answer';
import type { HookVerdict } from '../core/hooks/answer';
import { HOOK_AGENTS, parseHookPayload } from '../core/hooks/payload';
import type { HookAgent, HookRequest } from '../core/hooks/payload';
import type { GuardAnswer } from '../host/decisionService';
import { AnswerCache } from '../host/hooks/answerCache';
import type { Claim } from '../host/hooks/answerCache';
import { intentToAction } from '../host/hooks/intentAction';
import { airlockStateDir } from '../host/ledger/locations';
import { createDecisionService } from './decisionServiceFactory';
import type { DecisionServiceFactory } from './decisionServiceFactory';
import type { CommandIo } from './io';

export const HOOK_USAGE = `       airlock hook claude|cursor|copilot [--deadline SECONDS] < the agent's hook JSON
`;

/** Hook payloads are a tool call; a megabyte is far beyond any real one and bounds memory. */
export const MAX_HOOK_INPUT = 1024 * 1024;
/** Under VS Code's default hook timeout (30 s), for a hook file written without Airlock's long timeout. */
const DEFAULT_DEADLINE_S = 25;
/** An agent that never closes stdin must not hold the hook until its own timeout lets the action through. */
const INPUT_TIMEOUT_MS = 5_000;

export interface HookDeps {
  readonly createService: DecisionServiceFactory;
  readonly env?: NodeJS.ProcessEnv;
  /** The per-user Airlock folder (tests); answers shared between hook calls live below it. */
  readonly stateRoot?: string;
  readonly cwd?: string;
}

/**
 * `airlock hook <agent>`: one agent hook call. Reads the payload, judges every action in it through the
 * DecisionService, and answers in the agent's format. Never crashes and never allows silently: input
 * it cannot read, and any failure, is a deny.
 */
export async function runHook(args: readonly string[], io: CommandIo, stdin: Readable, deps: HookDeps): Promise<number> {
  const agent = args[0] as HookAgent | undefined;
  if (agent === undefined || !HOOK_AGENTS.includes(agent)) {
    // Exit 2 blocks in Claude Code, VS Code and Cursor alike.
    io.stderr.write(`airlock hook: unknown agent ${agent ?? '(none)'}; expected ${HOOK_AGENTS.join(', ')}. The action is not allowed unseen.\n`);
    return 2;
  }
  const deadlineSeconds = Number(optionValue(args, '--deadline') ?? DEFAULT_DEADLINE_S);
  const deadline = Date.now() + (Number.isFinite(deadlineSeconds) && deadlineSeconds > 1 ? deadlineSeconds - 1 : DEFAULT_DEADLINE_S) * 1000;
  const input = await readInput(stdin);
  const request = 'problem' in input ? parseHookPayload(agent, '') : parseHookPayload(agent, input.text);
  const problem = 'problem' in input ? input.problem : request.problem;
  let verdict: HookVerdict;
  if (problem !== undefined) {
    verdict = { kind: 'deny', reason: `Airlock stopped this tool call: ${problem}, so Airlock cannot tell what it would do. It is not allowed unseen.` };
  } else {
    try {
      verdict = await judge(request, deps, deadline);
    } catch (error) {
      verdict = { kind: 'deny', reason: `Airlock stopped this tool call: it failed while judging it (${error instanceof Error ? error.message : String(error)}). It is not allowed unseen.` };
    }
  }
  if (verdict.kind === 'deny' && problem !== undefined) io.stderr.write(`airlock hook ${agent}: ${problem}\n`);
  const reply = formatReply(request.dialect, request.event, verdict);
  io.stdout.write(reply.stdout);
  if (reply.stderr) io.stderr.write(reply.stderr);
  return reply.exitCode;
}

/**
 * A whole hook process, as `airlock hook` (dist/cli.js) and the hook launcher's bundle (dist/hook.js)
 * run it: answers one call on this process's stdin and exits with the agent's exit code.
 */
export async function runHookProcess(args: readonly string[], io: CommandIo): Promise<never> {
  // One short parse per process: baseline WebAssembly code compiled lazily is ready at once, where the
  // optimizing tier keeps background threads compiling the grammar that exit then waits for.
  setFlagsFromString('--liftoff-only');
  setFlagsFromString('--wasm-lazy-compilation');
  const code = await runHook(args, io, process.stdin, { createService: () => createDecisionService({ onWarning: (message) => io.stderr.write(`airlock: ${message}\n`) }) });
  // The agent waits on this process: once the answer is flushed, exit instead of idling while V8
  // finishes background compilation of the grammar (measured: a few hundred ms).
  await new Promise<void>((resolve) => process.stdout.write('', () => process.stderr.write('', () => resolve())));
  process.exit(code);
}

async function judge(request: HookRequest, deps: HookDeps, deadline: number): Promise<HookVerdict> {
  if (request.intents.length === 0) return { kind: 'none' };
  const env = deps.env ?? process.env;
  const cwd = path.resolve(request.cwd || env.CURSOR_PROJECT_DIR || env.CLAUDE_PROJECT_DIR || deps.cwd || process.cwd());
  const actions = request.intents.map((intent) => intentToAction(intent, cwd));
  // Without an id, two calls of one command cannot be told from one call seen twice: decide each.
  if (request.session === undefined) return decideActions(request, actions, cwd, deps, deadline, undefined);
  const cache = new AnswerCache(path.join(deps.stateRoot ?? airlockStateDir(env), 'hook-answers'));
  // Per-action folders differ between events of one call (Cursor's `cwd` may be empty where its
  // `preToolUse` names `working_directory`), so the key holds the resolved folder once.
  const key = JSON.stringify([request.caller, request.session, cwd, actions.map((action) => ({ ...action, cwd: undefined }))]);
  const claim = await cache.claim(key, deadline);
  if (!claim.first) return claim.verdict;
  return decideActions(request, actions, cwd, deps, deadline, claim);
}

/** Asks about each action in turn; the first deny (or a decision not made in time) answers for the call. */
async function decideActions(request: HookRequest, actions: readonly Action[], cwd: string, deps: HookDeps, deadline: number, claim: Extract<Claim, { first: true }> | undefined): Promise<HookVerdict> {
  try {
    const service = await deps.createService();
    let approved = false;
    for (const action of actions) {
      const answer = await beforeDeadline(service.decide({ action, cwd, source: 'agent-hook', agent: request.caller }), deadline);
      if (answer === undefined) {
        const verdict: HookVerdict = { kind: 'deny', reason: `Airlock stopped ${describe(action)}: nobody decided in time. Tell the user what you wanted to do and why, so they can decide.` };
        claim?.settle(verdict);
        return verdict;
      }
      if (answer.decision === 'deny') {
        const verdict: HookVerdict = { kind: 'deny', reason: denyReason(action, answer) };
        claim?.settle(verdict);
        return verdict;
      }
      if (answer.decider.by === 'person') approved = true;
    }
    // Only a person's approval earns an explicit allow; anything the policy let through leaves the
    // agent's own permission rules in charge.
    const verdict: HookVerdict = approved ? { kind: 'allow', reason: 'approved by the user in Airlock' } : { kind: 'none' };
    claim?.settle(verdict);
    return verdict;
  } catch (error) {
    claim?.abandon();
    throw error;
  }
}

async function beforeDeadline<T>(work: Promise<T>, deadline: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What was stopped and why, for the agent and the person; it names no setting that would undo it. */
export function denyReason(action: Action, answer: GuardAnswer): string {
  const top = answer.assessment.reasons[0]?.message;
  const what = `Airlock stopped ${describe(action)}${top ? `: it ${top} (${answer.assessment.level}, score ${answer.assessment.score})` : ''}.`;
  // Why a person had to decide, when it was not the score: a protected path or a rule of the user's.
  // (decide() adds "nobody can approve it here" to a fail-closed reason; this sentence says so itself).
  const reason = answer.policy.reason?.replace(/; nobody can approve it here, so it is denied$/, '');
  const asked = answer.policy.decidedBy !== 'threshold' && reason ? ` (${reason})` : '';
  let why: string;
  switch (answer.decider.by) {
    case 'person':
      why = 'The user denied it.';
      break;
    case 'timeout':
      why = 'Nobody approved it in time.';
      break;
    case 'fail-closed':
      why = `It needs the user's approval${asked} and nobody could be asked, so it is denied.`;
      break;
    case 'limit':
      why = 'Too many actions are waiting for approval.';
      break;
    default:
      why = answer.policy.reason ? `Policy: ${answer.policy.reason}.` : 'The policy denies it.';
  }
  return `${what} ${why} Do not retry it or reach the same result another way; tell the user what you wanted to do and why, so they can decide.`;
}

function describe(action: Action): string {
  const clip = (text: string): string => (text.length > 120 ? `${text.slice(0, 117)}...` : text);
  switch (action.kind) {
    case 'shell':
      return `the command \`${clip(action.command.replace(/\s+/g, ' ').trim())}\``;
    case 'fileWrite':
      return `the write to ${action.path}`;
    case 'fileDelete':
      return `the deletion of ${action.path}`;
    case 'fileRead':
      return `the read of ${action.file}`;
    case 'mcp':
      return `the MCP call ${action.server ? `${action.server}/` : ''}${action.tool}`;
    case 'tool':
      return `the ${action.tool} call`;
    default:
      return `this ${action.kind} action`;
  }
}

function optionValue(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index >= 0) return args[index + 1];
  return args.find((arg) => arg.startsWith(`${name}=`))?.slice(name.length + 1);
}

/** Reads stdin up to the bound; more, or no end in time, is a problem to deny on, not to truncate. */
function readInput(stdin: Readable): Promise<{ text: string } | { problem: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: { text: string } | { problem: string }): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stdin.removeAllListeners('data');
      stdin.pause();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ problem: `the hook input did not end within ${INPUT_TIMEOUT_MS / 1000} s` }), INPUT_TIMEOUT_MS);
    stdin.on('data', (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buffer.length;
      if (size > MAX_HOOK_INPUT) return finish({ problem: `the hook input is larger than ${MAX_HOOK_INPUT} bytes` });
      chunks.push(buffer);
    });
    stdin.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      finish(text.trim() === '' ? { problem: 'the hook input is empty' } : { text });
    });
    stdin.on('error', (error) => finish({ problem: `the hook input could not be read (${error.message})` }));
  });
}
