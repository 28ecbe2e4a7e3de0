import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { BROKER_PROTOCOL_VERSION, frame, MAX_MESSAGE_BYTES, parseBrokerResponse } from '../protocol/brokerMessages';
import type { BrokerRequest, BrokerResponse } from '../protocol/brokerMessages';
import { BROKER_SOCKET_ENV, BROKER_TOKEN_ENV, findBrokers, NO_BROKER_ENV } from './broker/brokerRegistry';
import type { DeferredEngine, Engine } from '../core/engine';
import type { DecideHooks, DecisionService, GuardAnswer, GuardRequest } from './decisionService';

export interface BrokerClientOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** The per-user Airlock folder holding the broker registry (tests). */
  readonly stateRoot?: string;
  /**
   * How long a live broker has to say it holds the request (default 2 s); past it the next broker, then
   * the fallback, is tried. A window that is gone fails at once (no socket), so this only delays a hung one.
   */
  readonly connectTimeoutMs?: number;
  /** How long the broker may take to assess a request before it answers or queues it for a person. */
  readonly assessTimeoutMs?: number;
  /** Extra wait past the deadline the broker announced, for its own timeout answer to arrive. */
  readonly answerGraceMs?: number;
  /** Asks the broker for a shorter wait for a person than the window's setting (tests, impatient callers). */
  readonly personTimeoutMs?: number;
  readonly onWarning?: (message: string) => void;
}

export interface Target {
  readonly socket: string;
  readonly token: string;
}

export type Outcome =
  | { readonly kind: 'answer'; readonly answer: GuardAnswer }
  | { readonly kind: 'approval'; readonly approved: boolean }
  | { readonly kind: 'pong' }
  /** Nobody answered, or the broker refused: the next broker, or the fallback, decides. */
  | { readonly kind: 'unreachable'; readonly reason: string }
  /** A broker took the request and then went silent: the fallback decides (and fails closed). */
  | { readonly kind: 'lost'; readonly reason: string };

/**
 * The `DecisionService` the CLI uses: asks the window that guards the request's folder (found through
 * the terminal's environment, then the per-user registry), and when no broker answers in time decides
 * locally through `fallback`, which fails closed. `AIRLOCK_NO_BROKER=1` skips the broker.
 */
export class BrokerDecisionService implements DecisionService {
  private fallbackService: Promise<DecisionService> | undefined;

  constructor(
    private readonly fallback: DecisionService | (() => Promise<DecisionService>),
    private readonly options: BrokerClientOptions = {},
  ) {}

  async decide(request: GuardRequest, hooks: DecideHooks = {}): Promise<GuardAnswer> {
    for (const target of this.targets(request.cwd)) {
      const outcome = await this.send(target, { v: BROKER_PROTOCOL_VERSION, type: 'decide', id: newId(), token: target.token, request,
        ...(this.options.personTimeoutMs !== undefined ? { timeoutMs: this.options.personTimeoutMs } : {}) }, hooks);
      if (outcome.kind === 'answer') return outcome.answer;
      this.options.onWarning?.(`the Airlock window at ${target.socket} did not answer (${'reason' in outcome ? outcome.reason : 'wrong reply'})`);
      // A broker that held the request and went silent may have shown it to a person; asking another
      // window would show it twice, so the local decider settles it.
      if (outcome.kind === 'lost') break;
    }
    return (await this.fallbackDecider()).decide(request);
  }

  /**
   * Whether a person just approved exactly this command in Airlock's view (used once; a shim calls it
   * so an approved command is not asked about twice). False when no broker answers.
   */
  async consumeApproval(command: string, cwd: string): Promise<boolean> {
    for (const target of this.targets(cwd)) {
      const outcome = await this.send(target, { v: BROKER_PROTOCOL_VERSION, type: 'consume-approval', id: newId(), token: target.token, command, cwd });
      if (outcome.kind === 'approval') return outcome.approved;
    }
    return false;
  }

  /**
   * Whether a live window guards `cwd` and accepts our token, without deciding anything: the shell
   * guard asks this once at start to know whether a blocked line can be sent for approval.
   */
  async ping(cwd: string): Promise<boolean> {
    for (const target of this.targets(cwd)) {
      const outcome = await this.send(target, { v: BROKER_PROTOCOL_VERSION, type: 'ping', id: newId(), token: target.token });
      if (outcome.kind === 'pong') return true;
    }
    return false;
  }

  /** The brokers to try, in order: the terminal's own window, then live registry entries for `cwd`. */
  targets(cwd: string): Target[] {
    return brokerTargets(cwd, this.options);
  }

  private fallbackDecider(): Promise<DecisionService> {
    this.fallbackService ??= typeof this.fallback === 'function' ? this.fallback() : Promise.resolve(this.fallback);
    return this.fallbackService;
  }

  /** One request on one connection; resolves exactly once, whatever the socket does. */
  private send(target: Target, request: BrokerRequest, hooks: DecideHooks = {}): Promise<Outcome> {
    const connectMs = this.options.connectTimeoutMs ?? 2000;
    const assessMs = this.options.assessTimeoutMs ?? 15_000;
    const graceMs = this.options.answerGraceMs ?? 5000;
    return new Promise((resolve) => {
      let accepted = false;
      let buffer = '';
      let timer: ReturnType<typeof setTimeout> | undefined;
      const socket = net.createConnection(target.socket);
      const done = (result: Outcome): void => {
        const outcome: Outcome = accepted && result.kind === 'unreachable' ? { kind: 'lost', reason: result.reason } : result;
        if (timer) clearTimeout(timer);
        socket.removeAllListeners('data');
        socket.destroy();
        resolve(outcome);
      };
      const fail = (reason: string): void => done(accepted ? { kind: 'lost', reason } : { kind: 'unreachable', reason });
      const arm = (ms: number, reason: string): void => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => fail(reason), ms);
      };
      arm(connectMs, `no reply in ${connectMs} ms`);
      socket.setEncoding('utf8');
      socket.on('connect', () => socket.write(frame(request)));
      socket.on('error', (error) => fail(error.message));
      socket.on('close', () => fail('the connection closed before an answer'));
      socket.on('data', (chunk: string) => {
        buffer += chunk;
        if (buffer.length > MAX_MESSAGE_BYTES * 2) return fail('reply too large');
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          const parsed = parseBrokerResponse(line);
          if (!parsed.ok) return fail(`invalid reply: ${parsed.reason}`);
          const outcome = interpretResponse(parsed.value, request.id);
          if (outcome === 'accepted-assessing') {
            accepted = true;
            arm(assessMs, `not assessed in ${assessMs} ms`);
          } else if (typeof outcome === 'number') {
            accepted = true;
            arm(outcome + graceMs, 'no answer by the deadline');
            hooks.onWaiting?.(outcome);
          } else {
            return done(outcome);
          }
        }
        return undefined;
      });
    });
  }
}

/** The brokers to try for `cwd`, in order: the terminal's own window, then live registry entries. */
export function brokerTargets(cwd: string, options: Pick<BrokerClientOptions, 'env' | 'stateRoot' | 'onWarning'> = {}): Target[] {
  const env = options.env ?? process.env;
  if (env[NO_BROKER_ENV] === '1') return [];
  const targets: Target[] = [];
  const socket = env[BROKER_SOCKET_ENV];
  const token = env[BROKER_TOKEN_ENV];
  if (socket && token) targets.push({ socket, token });
  try {
    for (const entry of findBrokers(cwd, options.stateRoot)) {
      if (!targets.some((t) => t.socket === entry.socket)) targets.push({ socket: entry.socket, token: entry.token });
    }
  } catch (error) {
    options.onWarning?.(`the broker registry could not be read: ${(error as Error).message}`);
  }
  return targets;
}

/**
 * What one broker message means for the request `id`: a final outcome, or how long to keep waiting
 * (`accepted`: 0 while it is assessed, else the person's deadline in milliseconds).
 */
export function interpretResponse(message: BrokerResponse, id: string): Outcome | 'accepted-assessing' | number {
  if (message.type !== 'error' && message.id !== id) return { kind: 'unreachable', reason: 'a reply to another request' };
  switch (message.type) {
    case 'accepted':
      return message.timeoutMs > 0 ? message.timeoutMs : 'accepted-assessing';
    case 'answer':
      return { kind: 'answer', answer: message.answer as GuardAnswer };
    case 'approval':
      return { kind: 'approval', approved: message.approved };
    case 'pong':
      return { kind: 'pong' };
    case 'error':
      return { kind: 'unreachable', reason: message.reason };
  }
}

/**
 * The DecisionService for every interceptor outside the extension (hooks, shell guard, shims): the
 * window's broker, else the local fail-closed decider. The local decider, its ledger and policy code
 * and the engine are loaded only when it is needed: a bundle that imports this module initializes
 * them lazily, so a hook call the window answers never pays for them.
 */
export function createBrokerDecisionService(loadEngine: () => Promise<Engine | DeferredEngine>, options: BrokerClientOptions = {}): BrokerDecisionService {
  const local = async (): Promise<DecisionService> => {
    const { LocalDecisionService } = await import('./decisionService');
    return new LocalDecisionService(await loadEngine(), {
      ...(options.stateRoot !== undefined ? { stateRoot: options.stateRoot } : {}),
      ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    });
  };
  return new BrokerDecisionService(local, options);
}

export function newId(): string {
  return randomBytes(8).toString('hex');
}
