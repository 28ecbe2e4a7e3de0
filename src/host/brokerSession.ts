import * as net from 'node:net';
import { BROKER_PROTOCOL_VERSION, frame, MAX_MESSAGE_BYTES, parseBrokerResponse } from '../protocol/brokerMessages';
import type { BrokerRequest, SessionClient } from '../protocol/brokerMessages';
import { brokerTargets, interpretResponse, newId } from './brokerClient';
import type { BrokerClientOptions, Outcome, Target } from './brokerClient';
import type { DecideHooks, DecisionService, GuardAnswer, GuardRequest } from './decisionService';

export interface BrokerSessionOptions extends Pick<BrokerClientOptions, 'env' | 'stateRoot' | 'onWarning' | 'assessTimeoutMs' | 'answerGraceMs'> {
  readonly client: SessionClient;
  /** How long connecting and the broker's first reply to a message may take (default 2 s). */
  readonly replyTimeoutMs?: number;
  /** After a failed connection or a lost one, how long until the next attempt (default 1 s). */
  readonly retryMs?: number;
  readonly now?: () => number;
}

/** The shell gave up on a line (a newer one arrived): its answer no longer matters to anyone. */
export class AbandonedRequestError extends Error {
  readonly reason = 'abandoned';
  constructor() {
    super('the shell stopped waiting for this line');
  }
}

type Result = Outcome | { readonly kind: 'abandoned' };

/**
 * One connection to a broker, opened with `hello` and kept: requests go one at a time, each resolved
 * exactly once whatever the socket does.
 */
class SessionConnection {
  private buffer = '';
  private current: { readonly id: string; readonly onMessage: (line: string) => void; readonly onEnd: (reason: string) => void } | undefined;
  private closedReason: string | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      if (this.buffer.length > MAX_MESSAGE_BYTES * 2) return this.close('reply too large');
      for (let newline = this.buffer.indexOf('\n'); newline >= 0; newline = this.buffer.indexOf('\n')) {
        const line = this.buffer.slice(0, newline);
        this.buffer = this.buffer.slice(newline + 1);
        this.current?.onMessage(line);
      }
      return undefined;
    });
    socket.on('error', (error) => this.close(error.message));
    socket.on('close', () => this.close('the connection closed'));
  }

  /** Connects and says hello; resolves to the connection, or to why it could not. */
  static open(target: Target, client: SessionClient, timeoutMs: number): Promise<SessionConnection | string> {
    return new Promise((resolve) => {
      const socket = net.createConnection(target.socket);
      const connection = new SessionConnection(socket);
      socket.once('connect', () => {
        void connection.exchange({ v: BROKER_PROTOCOL_VERSION, type: 'hello', id: newId(), token: target.token, client }, timeoutMs, {}).then((result) => {
          if (result.kind === 'pong') return resolve(connection);
          connection.close('no session');
          resolve('reason' in result ? result.reason : 'no session');
        });
      });
      socket.once('error', (error) => resolve(error.message));
      setTimeout(() => {
        if (!socket.connecting) return;
        connection.close(`no connection in ${timeoutMs} ms`);
        resolve(`no connection in ${timeoutMs} ms`);
      }, timeoutMs).unref();
    });
  }

  get alive(): boolean {
    return this.closedReason === undefined;
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  /**
   * Sends one message and waits for its final reply: `timeoutMs` for the first, then the broker's own
   * deadlines (assessing, then waiting for a person, plus `graceMs`).
   */
  exchange(message: BrokerRequest, timeoutMs: number, options: { assessMs?: number; graceMs?: number; hooks?: DecideHooks }): Promise<Result> {
    return new Promise((resolve) => {
      if (!this.alive || this.current) return resolve({ kind: 'unreachable', reason: this.closedReason ?? 'busy' });
      let accepted = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (result: Result): void => {
        if (timer) clearTimeout(timer);
        this.current = undefined;
        resolve(result);
      };
      // Closing ends the request through `onEnd`; a broker that took it and went silent may still show
      // it to a person, so that is `lost`, not `unreachable`.
      const fail = (reason: string): void => this.close(reason);
      const arm = (ms: number, reason: string): void => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => fail(reason), ms);
      };
      this.current = {
        id: message.id,
        onMessage: (line) => {
          const parsed = parseBrokerResponse(line);
          if (!parsed.ok) return fail(`invalid reply: ${parsed.reason}`);
          const outcome = interpretResponse(parsed.value, message.id);
          if (outcome === 'accepted-assessing') {
            accepted = true;
            arm(options.assessMs ?? 15_000, 'not assessed in time');
          } else if (typeof outcome === 'number') {
            accepted = true;
            arm(outcome + (options.graceMs ?? 5000), 'no answer by the deadline');
            options.hooks?.onWaiting?.(outcome);
          } else {
            finish(outcome);
          }
          return undefined;
        },
        onEnd: (reason) => finish(reason === 'abandoned' ? { kind: 'abandoned' } : accepted ? { kind: 'lost', reason } : { kind: 'unreachable', reason }),
      };
      arm(timeoutMs, `no reply in ${timeoutMs} ms`);
      this.socket.write(frame(message));
    });
  }

  close(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    this.socket.destroy();
    this.current?.onEnd(reason);
  }
}

/**
 * The DecisionService of a long-lived guard (the shell guard's coprocess): one session with the
 * window's broker, kept open, so an allowed line costs one round trip on a warm connection. When the
 * broker is gone, or goes mid-session, each line is decided by `fallback` (local, failing closed)
 * until a later line finds the broker back (tried again at most once per `retryMs`). The broker learns
 * from the session which shell has a live guard.
 */
export class BrokerSessionService implements DecisionService {
  private connection: SessionConnection | undefined;
  /** The token of the broker the connection leads to. */
  private token: string | undefined;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private fallbackService: Promise<DecisionService> | undefined;
  private readonly now: () => number;

  constructor(
    private readonly fallback: () => Promise<DecisionService>,
    private readonly options: BrokerSessionOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Whether a broker holds this session now. */
  get connected(): boolean {
    return this.connection?.alive === true;
  }

  async decide(request: GuardRequest, hooks: DecideHooks = {}): Promise<GuardAnswer> {
    const connection = await this.connect(request.cwd);
    if (connection) {
      const result = await connection.exchange(
        { v: BROKER_PROTOCOL_VERSION, type: 'decide', id: newId(), token: this.token ?? '', request },
        this.options.replyTimeoutMs ?? 2000,
        { ...(this.options.assessTimeoutMs !== undefined ? { assessMs: this.options.assessTimeoutMs } : {}), ...(this.options.answerGraceMs !== undefined ? { graceMs: this.options.answerGraceMs } : {}), hooks },
      );
      if (result.kind === 'answer') return result.answer;
      if (result.kind === 'abandoned') throw new AbandonedRequestError();
      this.options.onWarning?.(`the Airlock window stopped answering (${'reason' in result ? result.reason : 'wrong reply'}); deciding here, failing closed, until it is back`);
      this.lastAttempt = this.now();
    }
    this.fallbackService ??= this.fallback();
    let fallback: DecisionService;
    try {
      fallback = await this.fallbackService;
    } catch (error) {
      // Loading failed once (a missing file, say); the next line tries again rather than never.
      this.fallbackService = undefined;
      throw error;
    }
    return fallback.decide(request, hooks);
  }

  /**
   * Connects before the first line; with no broker to be found, starts loading the local decider
   * instead, so the first line does not wait for the engine either way. Resolves to whether a broker
   * holds the session.
   */
  async warmUp(cwd: string): Promise<boolean> {
    if (await this.connect(cwd)) return true;
    this.fallbackService ??= this.fallback();
    // A failed load surfaces at the line that needs it, as a deny that says why.
    this.fallbackService.catch(() => undefined);
    return false;
  }

  /**
   * The shell stopped waiting for the line in flight: the connection is dropped, so the broker denies
   * and records that request at once (nobody will run it), and the next line connects afresh.
   */
  abandon(): void {
    if (!this.connection?.busy) return;
    this.connection.close('abandoned');
    this.connection = undefined;
    this.lastAttempt = Number.NEGATIVE_INFINITY;
  }

  close(): void {
    this.connection?.close('closed by the guard');
    this.connection = undefined;
  }

  private async connect(cwd: string): Promise<SessionConnection | undefined> {
    if (this.connection?.alive) return this.connection;
    this.connection = undefined;
    if (this.now() - this.lastAttempt < (this.options.retryMs ?? 1000)) return undefined;
    this.lastAttempt = this.now();
    for (const target of brokerTargets(cwd, this.options)) {
      const opened = await SessionConnection.open(target, this.options.client, this.options.replyTimeoutMs ?? 2000);
      if (typeof opened !== 'string') {
        this.connection = opened;
        this.token = target.token;
        return opened;
      }
    }
    return undefined;
  }
}
