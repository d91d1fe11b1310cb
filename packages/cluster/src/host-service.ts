// The worker side of distributed partitioned runs: answers discovery, opens sessions, and runs each
// hosted partition in a thread of its own. A session ends when its coordinator closes it, falls
// silent, or the worker shuts down or loses its NATS connection.
import { decodeValue, encodeValue } from '@cascade/runtime';
import type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core';
import { Worker } from 'node:worker_threads';
import { publishFramed, Reassembler } from './frames.js';
import { DISCOVER_SUBJECT, HEARTBEAT_MS, openSubject, sessionDownSubject, sessionUpSubject } from './layout.js';
import {
  errorText,
  PROTOCOL_VERSION,
  type Down,
  type HostThreadData,
  type Offer,
  type OpenReply,
  type OpenRequest,
  type ThreadCall,
  type ThreadReply,
  type Up,
} from './protocol.js';

const HOST_THREAD_FILE = new URL('./host-thread.js', import.meta.url);

export interface HostServiceOptions {
  readonly nc: NatsConnection;
  readonly worker: string;
  readonly name: string;
  readonly threads: number;
  readonly log: (line: string) => void;
}

interface Session {
  readonly id: string;
  readonly threads: Map<number, Worker>;
  readonly sub: Subscription;
  readonly heartbeat: NodeJS.Timeout;
  lastHeardMs: number;
  closed: boolean;
}

export class HostService {
  private readonly sessions = new Map<string, Session>();
  private readonly subs: Subscription[] = [];

  constructor(private readonly options: HostServiceOptions) {
    const { nc, worker } = options;
    this.subs.push(nc.subscribe(DISCOVER_SUBJECT, { callback: (_err, msg) => this.offer(msg) }));
    this.subs.push(nc.subscribe(openSubject(worker), { callback: (_err, msg) => this.open(msg) }));
  }

  get hosting(): number {
    let n = 0;
    for (const s of this.sessions.values()) n += s.threads.size;
    return n;
  }

  /** Ends every session, telling each coordinator why. */
  closeAll(reason: string): void {
    for (const session of [...this.sessions.values()]) this.close(session, reason);
  }

  stop(reason: string): void {
    this.closeAll(reason);
    for (const sub of this.subs) sub.unsubscribe();
  }

  private offer(msg: Msg): void {
    const offer: Offer = { kind: 'offer', worker: this.options.worker, name: this.options.name, hosting: this.hosting, threads: this.options.threads };
    msg.respond(encodeValue(offer));
  }

  private open(msg: Msg): void {
    let request: OpenRequest;
    try {
      request = decodeValue(msg.data, 'open request') as OpenRequest;
      if (request.kind !== 'open' || request.v !== PROTOCOL_VERSION) throw new Error(`unsupported open request (protocol ${String(request.v)}, this worker speaks ${PROTOCOL_VERSION})`);
    } catch (error) {
      const reply: OpenReply = { kind: 'refused', error: errorText(error) };
      msg.respond(encodeValue(reply));
      return;
    }
    const { nc, worker } = this.options;
    const up = sessionUpSubject(request.session);
    const session: Session = {
      id: request.session,
      threads: new Map(),
      sub: nc.subscribe(sessionDownSubject(request.session, worker)),
      heartbeat: setInterval(() => this.beat(session, up, request.timeoutMs), HEARTBEAT_MS),
      lastHeardMs: Date.now(),
      closed: false,
    };
    this.sessions.set(session.id, session);
    for (const index of request.indices) {
      const data: HostThreadData = {
        modelModule: request.modelModule,
        scenario: request.scenario,
        config: request.config,
        index,
        partitions: request.partitions,
        placement: request.placement,
      };
      const thread = new Worker(HOST_THREAD_FILE, { workerData: data });
      thread.on('message', (reply: ThreadReply) => this.send(session, up, replyOf(worker, reply)));
      thread.on('error', (error) => this.close(session, `the thread of partition ${index} failed: ${error.message}`));
      thread.on('exit', (code) => {
        if (!session.closed) this.close(session, `the thread of partition ${index} exited (code ${code})`);
      });
      session.threads.set(index, thread);
    }
    this.options.log(`hosting partitions ${request.indices.join(',')} of ${request.partitions} (${request.scenario}) for session ${session.id}`);
    void this.serve(session, up);
    const reply: OpenReply = { kind: 'opened', name: this.options.name };
    msg.respond(encodeValue(reply));
  }

  private async serve(session: Session, up: string): Promise<void> {
    const frames = new Reassembler();
    for await (const msg of session.sub) {
      let down: Down;
      try {
        const bytes = frames.accept(msg);
        if (bytes === undefined) continue;
        down = decodeValue(bytes, 'session message') as Down;
      } catch (error) {
        this.close(session, `bad message from the coordinator: ${errorText(error)}`);
        return;
      }
      session.lastHeardMs = Date.now();
      switch (down.kind) {
        case 'call': {
          const thread = session.threads.get(down.partition);
          if (thread === undefined) {
            this.send(session, up, { kind: 'reply', worker: this.options.worker, id: down.id, ok: false, error: `partition ${down.partition} is not hosted here` });
            break;
          }
          const call: ThreadCall = { id: down.id, payload: down.payload };
          thread.postMessage(call);
          break;
        }
        case 'hb':
          break;
        case 'close':
          this.close(session, undefined);
          return;
        default: {
          const never: never = down;
          this.close(session, `unknown message ${JSON.stringify(never)}`);
          return;
        }
      }
    }
  }

  private beat(session: Session, up: string, timeoutMs: number): void {
    if (Date.now() - session.lastHeardMs > timeoutMs) {
      this.close(session, `the coordinator was silent for ${(timeoutMs / 1000).toFixed(1)} s`);
      return;
    }
    this.send(session, up, { kind: 'hb', worker: this.options.worker });
  }

  private send(session: Session, up: string, message: Up): void {
    if (session.closed || this.options.nc.isClosed()) return;
    publishFramed(this.options.nc, up, encodeValue(message));
  }

  /** Ends a session: `reason` (an abnormal end) is sent to the coordinator as 'gone'. */
  private close(session: Session, reason: string | undefined): void {
    if (session.closed) return;
    if (reason !== undefined) this.send(session, sessionUpSubject(session.id), { kind: 'gone', worker: this.options.worker, reason });
    session.closed = true;
    clearInterval(session.heartbeat);
    session.sub.unsubscribe();
    for (const thread of session.threads.values()) void thread.terminate();
    this.sessions.delete(session.id);
    this.options.log(`session ${session.id} ${reason === undefined ? 'closed' : `ended: ${reason}`}`);
  }
}

function replyOf(worker: string, reply: ThreadReply): Up {
  return reply.ok
    ? { kind: 'reply', worker, id: reply.id, ok: true, payload: reply.payload }
    : { kind: 'reply', worker, id: reply.id, ok: false, error: reply.error };
}
