import { timingSafeEqual } from 'node:crypto';
import * as net from 'node:net';
import { BROKER_PROTOCOL_VERSION, frame, MAX_MESSAGE_BYTES, parseBrokerRequest } from '../../protocol/brokerMessages';
import type { BrokerRequest, BrokerResponse, SessionClient } from '../../protocol/brokerMessages';
import type { ApprovalBroker } from './approvalBroker';

/** A long-lived client (a shell guard's coprocess) holding a connection open. */
export interface BrokerSession {
  /** Chosen by the server. */
  readonly id: string;
  /** As the client claimed it. */
  readonly client: SessionClient;
  readonly openedAt: number;
}

export type SessionChange = { readonly kind: 'open' | 'close'; readonly session: BrokerSession };

interface Connection {
  readonly socket: net.Socket;
  /** Complete lines not handled yet. */
  readonly lines: string[];
  busy: boolean;
  handledOne: boolean;
  session?: BrokerSession;
  /** The broker's id of this connection's request while it waits for a person. */
  waitingId?: string | undefined;
}

/** Lines a connection may send ahead of their answers. */
const MAX_QUEUED_LINES = 4;

export interface BrokerServerOptions {
  /** Connections open at once; more are refused at once (the broker's queue limit bounds the rest). */
  readonly maxConnections?: number;
  /** How long a client may take to send its one request line. */
  readonly requestReadMs?: number;
  readonly onWarning?: (message: string) => void;
  /** Told when a session opens or closes (its connection ended, whoever ended it). */
  readonly onSession?: (change: SessionChange) => void;
}

/**
 * The socket side of the broker: one newline-terminated request per connection, checked for size,
 * schema and token before anything else happens, answered with `accepted` and then exactly one final
 * message; or, after a `hello`, a session: requests one after another on the same connection, which
 * stays open until the client closes it. Pure node: the extension only chooses the address and the token.
 */
export class BrokerServer {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly sessionsById = new Map<string, BrokerSession>();
  private nextSessionId = 1;

  constructor(
    private readonly broker: ApprovalBroker,
    private readonly token: string,
    private readonly options: BrokerServerOptions = {},
  ) {
    this.server = net.createServer((socket) => this.accept(socket));
    this.server.maxConnections = options.maxConnections ?? 256;
  }

  listen(address: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(address, () => {
        this.server.off('error', reject);
        this.server.on('error', (error) => this.options.onWarning?.(`broker socket: ${error.message}`));
        resolve();
      });
    });
  }

  /** The sessions open now. */
  sessions(): BrokerSession[] {
    return [...this.sessionsById.values()];
  }

  /** Stops listening; waiting clients are answered by `broker.close()`, which the owner calls first. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      // Give answers already written a moment to flush, then drop whoever is left.
      setTimeout(() => {
        for (const socket of this.sockets) socket.destroy();
      }, 200).unref();
    });
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.setEncoding('utf8');
    const connection: Connection = { socket, lines: [], busy: false, handledOne: false };
    let buffer = '';
    const readTimer = setTimeout(() => reply(socket, { v: BROKER_PROTOCOL_VERSION, type: 'error', reason: 'no request in time' }, true), this.options.requestReadMs ?? 5000);
    readTimer.unref();
    socket.on('close', () => {
      clearTimeout(readTimer);
      this.sockets.delete(socket);
      // A client that hangs up while its request waits will run nothing; the request is denied and recorded.
      if (connection.waitingId !== undefined) this.broker.cancel(connection.waitingId, 'client-gone');
      if (connection.session) {
        this.sessionsById.delete(connection.session.id);
        this.options.onSession?.({ kind: 'close', session: connection.session });
      }
    });
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
        clearTimeout(readTimer);
        connection.lines.push(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
      }
      // A session sends one request at a time; a client that piles them up is not a guard.
      if (connection.lines.length > MAX_QUEUED_LINES || Buffer.byteLength(buffer, 'utf8') > MAX_MESSAGE_BYTES) {
        connection.lines.length = 0;
        reply(socket, { v: BROKER_PROTOCOL_VERSION, type: 'error', reason: `message larger than ${MAX_MESSAGE_BYTES} bytes, or too many at once` }, true);
        return;
      }
      this.pump(connection);
    });
  }

  /** Handles the connection's lines in order, one at a time; a connection without a session gets one. */
  private pump(connection: Connection): void {
    while (!connection.busy && connection.lines.length > 0 && !connection.socket.destroyed) {
      const line = connection.lines.shift()!;
      if (connection.handledOne && !connection.session) return;
      connection.handledOne = true;
      connection.busy = true;
      // `handle` answers every failure itself, so it never rejects.
      void this.handle(connection, line).finally(() => {
        connection.busy = false;
        this.pump(connection);
      });
    }
  }

  private async handle(connection: Connection, line: string): Promise<void> {
    const { socket } = connection;
    const end = !connection.session;
    const parsed = parseBrokerRequest(line);
    if (!parsed.ok) {
      reply(socket, { v: BROKER_PROTOCOL_VERSION, type: 'error', reason: `invalid request: ${parsed.reason}` }, true);
      return;
    }
    const request = parsed.value;
    if (!this.tokenMatches(request.token)) {
      reply(socket, { v: BROKER_PROTOCOL_VERSION, type: 'error', id: request.id, reason: 'wrong token' }, true);
      return;
    }
    try {
      await this.dispatch(connection, request, end);
    } catch (error) {
      this.options.onWarning?.(`broker request failed: ${(error as Error).message}`);
      reply(socket, { v: BROKER_PROTOCOL_VERSION, type: 'error', id: request.id, reason: 'internal error' }, true);
    }
  }

  private async dispatch(connection: Connection, request: BrokerRequest, end: boolean): Promise<void> {
    const { socket } = connection;
    const { id } = request;
    switch (request.type) {
      case 'ping':
        reply(socket, { v: BROKER_PROTOCOL_VERSION, type: 'pong', id, pid: process.pid }, end);
        return;
      case 'hello': {
        if (connection.session) {
          reply(socket, { v: BROKER_PROTOCOL_VERSION, type: 'error', id, reason: 'a session is open already' }, true);
          return;
        }
        connection.session = { id: `s${this.nextSessionId++}`, client: request.client, openedAt: Date.now() };
        this.sessionsById.set(connection.session.id, connection.session);
        reply(socket, { v: BROKER_PROTOCOL_VERSION, type: 'pong', id, pid: process.pid }, false);
        this.options.onSession?.({ kind: 'open', session: connection.session });
        return;
      }
      case 'consume-approval':
        reply(socket, { v: BROKER_PROTOCOL_VERSION, type: 'approval', id, approved: this.broker.consumeApproval(request.command, request.cwd) }, end);
        return;
      case 'decide': {
        const { session } = connection;
        // `timeoutMs: 0` says "held, being assessed"; a second `accepted` gives the person's deadline.
        reply(socket, { v: BROKER_PROTOCOL_VERSION, type: 'accepted', id, timeoutMs: 0 }, false);
        const answer = await this.broker.decide(request.request, {
          ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
          ...(session ? { origin: { sessionId: session.id, shellPid: session.client.shellPid } } : {}),
          onPending: (pending) => {
            // The client left while its request was being assessed: nobody waits for this answer.
            if (socket.destroyed) {
              this.broker.cancel(pending.id, 'client-gone');
              return;
            }
            connection.waitingId = pending.id;
            // The client learns the real deadline, so it waits long enough and no longer.
            reply(socket, { v: BROKER_PROTOCOL_VERSION, type: 'accepted', id, timeoutMs: Math.max(1, pending.deadline - Date.now()) }, false);
          },
        });
        connection.waitingId = undefined;
        reply(socket, { v: BROKER_PROTOCOL_VERSION, type: 'answer', id, answer }, end);
        return;
      }
    }
  }

  private tokenMatches(candidate: string): boolean {
    const a = Buffer.from(candidate, 'utf8');
    const b = Buffer.from(this.token, 'utf8');
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

function reply(socket: net.Socket, message: BrokerResponse, end: boolean): void {
  if (socket.destroyed || !socket.writable) return;
  if (end) socket.end(frame(message));
  else socket.write(frame(message));
}
