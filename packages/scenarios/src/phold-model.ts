// PHOLD's model: the logical processes and the model a resolved config builds (no schema here, so a
// worker thread that builds the model does not load zod).
import type { Actor, Context, Message, Model } from '@cascade/kernel';
import { secondsToUs } from '@cascade/kernel';
import type { PholdConfig } from './phold.js';

interface PholdEvent extends Message {
  readonly kind: 'phold';
}

const EVENT: PholdEvent = Object.freeze({ kind: 'phold' });

class LogicalProcess implements Actor<PholdEvent> {
  constructor(
    private readonly params: PholdParams,
  ) {}

  init(ctx: Context<PholdEvent>): void {
    for (let i = 0; i < this.params.startEvents; i++) ctx.after(this.params.lookaheadUs + this.holdUs(ctx), EVENT);
  }

  receive(msg: PholdEvent, ctx: Context<PholdEvent>): void {
    switch (msg.kind) {
      case 'phold': {
        const p = this.params;
        if (ctx.now >= p.crashAtUs && ctx.self === 0) throw new Error('injected fault (faults.crashAt)');
        // the lookahead is the link's latency (every LP <-> LP link), the exponential part the LP's own
        const holdUs = this.holdUs(ctx);
        if (ctx.rng.random() < p.remote) ctx.sendAfter(holdUs, ctx.rng.int(p.lps), EVENT);
        else ctx.after(p.lookaheadUs + holdUs, EVENT);
        return;
      }
      default: {
        const never: never = msg.kind;
        throw new Error(`unexpected message ${String(never)}`);
      }
    }
  }

  private holdUs(ctx: Context<PholdEvent>): number {
    return Math.floor(ctx.rng.exponential(this.params.meanUs));
  }
}

interface PholdParams {
  readonly lps: number;
  readonly startEvents: number;
  readonly remote: number;
  readonly lookaheadUs: number;
  readonly meanUs: number;
  readonly crashAtUs: number;
}

export function buildPhold(config: PholdConfig): Model {
  const params: PholdParams = {
    lps: config.phold.lps,
    startEvents: config.phold.startEvents,
    remote: config.phold.remote,
    lookaheadUs: secondsToUs(config.phold.lookahead),
    meanUs: secondsToUs(config.phold.mean),
    crashAtUs: config.faults.crashAt === null ? Infinity : secondsToUs(config.faults.crashAt),
  };
  const endUs = secondsToUs(config.duration);
  // An LP's only state is its random stream, which the kernel keeps in the actor's row: every LP
  // can be the same object, so an event does not miss the cache on an LP object of its own.
  const lp = new LogicalProcess(params);
  return {
    scenario: 'phold',
    seed: config.seed,
    endUs,
    actorCount: params.lps,
    groupCount: params.lps,
    groupOf: (lp) => lp,
    lookaheadUs: params.lookaheadUs,
    kinds: ['lp'],
    kindOf: () => 0,
    linksUs: Float64Array.of(params.lookaheadUs),
    sampleIntervalUs: Math.max(1, Math.floor(endUs / 100)),
    actorName: (lp) => `lp-${lp}`,
    createActor: () => lp,
    summarize: () => ({ phold: { ...config.phold } }),
  };
}
