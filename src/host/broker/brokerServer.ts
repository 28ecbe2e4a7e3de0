import { timingSafeEqual } from 'node:crypto';
import * as net from 'node:net';
import { BROKER_PROTOCOL_VERSION, frame, MAX_MESSAGE_BYTES, parseBrokerRequest } from '../../protocol/brokerMessages';
import type { BrokerRequest, BrokerResponse } from '../../protocol/brokerMessages';
import type { ApprovalBroker } from './approvalBroker';

export interface BrokerServerOptions {
  /** Connections open at once; more are refused at once (the broker's queue limit bounds the rest). */
  readonly maxConnections?: number;
  /** How long a client may take to send its one request line. */
  readonly requestReadMs?: number;
  readonly onWarning?: (message: string) => void;
}

/**
 * The socket side of the broker: one newline-terminated request per connection, checked for size,
 * schema and token before anything else happens, answered with `accepted` and then exactly one final
 * message. Pure node: the extension only chooses the address and the token.
 */
export class BrokerServer {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

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
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setEncoding('utf8');
    let buffer = '';
    let handled = false;
    const readTimer = setTimeout(() => reply(socket, { v: BROKER_PROTOCOL_VERSION, type: 'error', reason: 'no request in time' }, true), this.options.requestReadMs ?? 5000);
    readTimer.unref();
    socket.on('data', (chunk: string) => {
      if (handled) return;
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline < 0) {
        if (Buffer.byteLength(buffer, 'utf8') > MAX_MESSAGE_BYTES) {
          handled = true;
          clearTimeout(readTimer);
          reply(socket, { v: BROKER_PROTOCOL_VERSION, type: 'error', reason: `message larger than ${MAX_MESSAGE_BYTES} bytes` }, true);
        }
        return;
      }
      handled = true;
      clearTimeout(readTimer);
      this.handle(socket, buffer.slice(0, newline));
    });
  }

  private handle(socket: net.Socket, line: string): void {
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
    this.dispatch(socket, request).catch((error: unknown) => {
      this.options.onWarning?.(`broker request failed: ${(error as Error).message}`);
      reply(socket, { v: BROKER_PROTOCOL_VERSION, type: 'error', id: request.id, reason: 'internal error' }, true);
    });
  }

  private async dispatch(socket: net.Socket, request: BrokerRequest): Promise<void> {
    const { id } = request;
    switch (request.type) {
      case 'ping':
        reply(socket, { v: BROKER_PROTOCOL_VERSION, type: 'pong', id, pid: process.pid }, true);
        return;
      case 'consume-approval':
        reply(socket, { v: BROKER_PROTOCOL_VERSION, type: 'approval', id, approved: this.broker.consumeApproval(request.command, request.cwd) }, true);
        return;
      case 'decide': {
        let pendingId: string | undefined;
        let answered = false;
        // A client that hangs up while its request waits will run nothing; the request is denied and recorded.
        socket.once('close', () => {
          if (!answered && pendingId !== undefined) this.broker.cancel(pendingId, 'client-gone');
        });
        // `timeoutMs: 0` says "held, being assessed"; a second `accepted` gives the person's deadline.
        reply(socket, { v: BROKER_PROTOCOL_VERSION, type: 'accepted', id, timeoutMs: 0 }, false);
        const answer = await this.broker.decide(request.request, {
          ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
          onPending: (pending) => {
            pendingId = pending.id;
            // The client left while its request was being assessed: nobody waits for this answer.
            if (socket.destroyed) {
              this.broker.cancel(pending.id, 'client-gone');
              return;
            }
            // The client learns the real deadline, so it waits long enough and no longer.
            reply(socket, { v: BROKER_PROTOCOL_VERSION, type: 'accepted', id, timeoutMs: Math.max(1, pending.deadline - Date.now()) }, false);
          },
        });
        answered = true;
        reply(socket, { v: BROKER_PROTOCOL_VERSION, type: 'answer', id, answer }, true);
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
