// PHOLD, the standard benchmark of parallel discrete-event simulators: every event at an LP
// schedules one new event at now + lookahead + Exp(mean), to a random LP with probability
// `remote`, else to itself.
import { z } from 'zod';
import { buildPhold } from './phold-model.js';
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

export { buildPhold };

export type PholdConfig = z.output<typeof pholdSchema>;

export const pholdScenario: ScenarioDef<PholdConfig> = {
  name: 'phold',
  description: 'PHOLD, the standard parallel discrete-event benchmark (engine speed)',
  schema: pholdSchema,
  fleetKey: 'phold.lps',
  build: buildPhold,
  // Measured peaks on one thread (benchmarks/README.md, "Memory guard"): 132 MB at 1e5 LPs, 169 MB
  // at 3e5, 354 MB at 1e6, one event each: about 120 MB of Node and kernel, 204 B per LP with its
  // event.
  estimateMemoryBytes: (c) => 120e6 + c.phold.lps * (124 + 80 * c.phold.startEvents),
};
