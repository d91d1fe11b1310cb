// DynamoDB clients behind one resolver, as one actor: each client resolves the regional endpoint
// every interval (clients evenly staggered) and a failed resolution (empty answer) is counted.
// Each sample interval the pool's error rate goes to its observers (`dynamodb.errorRate`).
import type { Actor, ActorId, Context, ObservationMsg, Observer } from '@cascade/kernel';
import { usToSeconds } from '@cascade/kernel';
import { unexpected, type ClientPoolIn, type ResolverIn } from './messages.js';

type PoolOut = ResolverIn | ObservationMsg;
type PoolCtx = Context<ClientPoolIn, PoolOut>;

export interface ClientPoolWiring {
  readonly resolver: ActorId;
  readonly clients: number;
  readonly intervalUs: number;
  /** Pools in the model, so the failure-rate series (a sum) is the mean over pools. */
  readonly pools: number;
  readonly sampleIntervalUs: number;
  /** Who is told the error rate each sample interval (weight: resolutions in it). */
  readonly observers: readonly Observer[];
}

export class ClientPool implements Actor<ClientPoolIn, PoolOut> {
  private readonly tickUs: number;
  private resolves = 0;
  private failures = 0;
  private windowResolves = 0;
  private windowFailures = 0;
  private firstFailureUs: number | null = null;
  private lastFailureUs: number | null = null;
  /** First success after the latest failure; null while the latest resolution failed. */
  private recoveredUs: number | null = null;

  constructor(private readonly wiring: ClientPoolWiring) {
    this.tickUs = Math.max(1, Math.round(wiring.intervalUs / Math.max(1, wiring.clients)));
  }

  init(ctx: PoolCtx): void {
    if (this.wiring.clients === 0) return;
    ctx.after(ctx.rng.int(this.tickUs), { kind: 'client-tick' });
    ctx.after(this.wiring.sampleIntervalUs, { kind: 'sample' });
  }

  receive(msg: ClientPoolIn, ctx: PoolCtx): void {
    switch (msg.kind) {
      case 'client-tick':
        ctx.send(this.wiring.resolver, { kind: 'query', pool: ctx.self });
        ctx.after(this.tickUs, { kind: 'client-tick' });
        return;
      case 'resolved':
        this.resolved(msg.addresses > 0, ctx);
        return;
      case 'sample': {
        const rate = this.windowResolves === 0 ? 0 : this.windowFailures / this.windowResolves;
        // Sampled at the end of the window it describes, into that window's bucket.
        ctx.metrics.sample('dynamodb.resolveFailureRate', ctx.now - 1, rate / this.wiring.pools, 'sum');
        for (const o of this.wiring.observers) {
          ctx.send(o.id, { kind: 'observe', signal: 'dynamodb.errorRate', source: ctx.self, value: rate, weight: this.windowResolves });
        }
        this.windowResolves = 0;
        this.windowFailures = 0;
        ctx.after(this.wiring.sampleIntervalUs, { kind: 'sample' });
        return;
      }
      default:
        unexpected(msg);
    }
  }

  report(): unknown {
    const s = (us: number | null): number | null => (us === null ? null : usToSeconds(us));
    return { resolves: this.resolves, failures: this.failures, firstFailureAt: s(this.firstFailureUs), lastFailureAt: s(this.lastFailureUs), recoveredAt: s(this.recoveredUs) };
  }

  private resolved(ok: boolean, ctx: PoolCtx): void {
    this.resolves++;
    this.windowResolves++;
    ctx.metrics.count('dynamodb.resolves');
    if (ok) {
      if (this.lastFailureUs !== null && this.recoveredUs === null) this.recoveredUs = ctx.now;
      return;
    }
    this.failures++;
    this.windowFailures++;
    ctx.metrics.count('dynamodb.resolveFailures');
    ctx.metrics.sample('dynamodb.resolveFailures', ctx.now, 1, 'sum');
    if (this.firstFailureUs === null) this.firstFailureUs = ctx.now;
    this.lastFailureUs = ctx.now;
    this.recoveredUs = null;
  }
}
