// PHOLD, the standard benchmark of parallel discrete-event simulators: every event at an LP
// schedules one new event at now + lookahead + Exp(mean), to a random LP with probability
// `remote`, else to itself.
import type { Actor, Context, Message, Model } from '@cascade/kernel';
import { secondsToUs } from '@cascade/kernel';
import { z } from 'zod';
import type { ScenarioDef } from './registry.js';
import { count, duration } from './units.js';

export const pholdSchema = z
  .object({
    seed: z.number().int().nonnegative().describe('the seed every random stream of the run derives from').default(1),
    duration: duration().describe('the simulated time the run covers').default(100),
    phold: z
      .object({
        lps: count().pipe(z.number().min(1).max(2 ** 31 - 1)).describe('logical processes (LPs)').default(100_000),
        startEvents: z.number().int().min(1).max(1000).describe('events each LP holds at the start').default(1),
        remote: z.number().min(0).max(1).describe('probability that an event goes to a uniformly random LP instead of its own').default(0.1),
        lookahead: duration()
          .pipe(z.number().min(1e-6, { error: 'must be at least 1µs (it is the lookahead between partitions)' }))
          .describe('the minimum delay of every event, hence the lookahead between partitions')
          .default(0.1),
        mean: duration().describe("the mean of the exponential part of an event's delay").default(1),
      })
      .strict()
      .prefault({}),
    faults: z
      .object({
        crashAt: duration()
          .nullable()
          .describe('LP 0 throws at its first event at or after this time, to exercise failure handling; null = never')
          .default(null),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type PholdConfig = z.output<typeof pholdSchema>;

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

export const pholdScenario: ScenarioDef<PholdConfig> = {
  name: 'phold',
  description: 'PHOLD, the standard parallel discrete-event benchmark (engine speed)',
  schema: pholdSchema,
  fleetKey: 'phold.lps',
  build: buildPhold,
  // Measured peaks (benchmarks/README.md, "Memory guard"): 140 MB at 1e5 LPs, 213 MB at 3e5,
  // 324 MB at 1e6, one event each: about 120 MB of Node and kernel, 204 B per LP with its event.
  estimateMemoryBytes: (c) => 120e6 + c.phold.lps * (124 + 80 * c.phold.startEvents),
};

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
