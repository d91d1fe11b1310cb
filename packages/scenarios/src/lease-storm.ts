// `lease-storm`: the DWFM micro-model of CONTRACT.md (section 2 of INCIDENT.md) — D DWFM hosts
// re-establishing N droplet leases after a DynamoDB outage, with the recovery policies as knobs.
import { BACKOFF_KINDS, QUEUE_DISCIPLINES, TOKEN_RATE_MAX } from '@cascade/fleet';
import { z } from 'zod';
import { buildLeaseStorm } from './lease-storm-model.js';
import type { ScenarioDef } from './registry.js';
import { count, duration, positiveDuration } from './units.js';


/** Time-series bucket of the scenario. */

/** The `lease.*` keys of CONTRACT.md; scenarios differ in the establish cost and timeout. */
export function leaseShape(defaults: { establishCost: number; attemptTimeout: number }) {
  return {
    renewInterval: positiveDuration('renewals every R').describe('a valid lease is renewed by a state check every R').default(300),
    duration: positiveDuration('a lease lasts L after its last success').describe('a lease stays valid for L after its last success').default(900),
    renewCost: duration().describe('DWFM service time of one renewal').default(0.002),
    establishCost: duration().describe('DWFM service time of one lease establish attempt').default(defaults.establishCost),
    attemptTimeout: positiveDuration('the deadline of an attempt')
      .describe('an attempt not done this long after it was sent times out and is retried (A)')
      .default(defaults.attemptTimeout),
  };
}

/** The `lease` section of lease-storm. */
export function leaseSchema(defaults: { establishCost: number; attemptTimeout: number }) {
  return z.object(leaseShape(defaults)).strict().prefault({});
}

/** The recovery policies (`policy.*` of CONTRACT.md), all off by default. */
export const policySchema = z
  .object({
    backoff: z
      .object({
        kind: z.enum(BACKOFF_KINDS).describe('the delay before a retry: none, constant, exponential or a jittered kind').default('none'),
        base: duration().describe('the first backoff delay').default(1),
        cap: duration().describe('the largest backoff delay').default(300),
      })
      .strict()
      .prefault({}),
    queue: z.enum(QUEUE_DISCIPLINES).describe("the DWFM hosts' queue discipline; drop-expired skips items past their deadline").default('fifo'),
    stagger: z
      .object({ window: duration().describe("spread the recovery workflow's enqueues over this window with jitter; 0 = off").default(0) })
      .strict()
      .prefault({}),
    throttle: z
      .object({
        rate: z
          .number()
          .min(0, { error: 'must be >= 0 (0 = off)' })
          .max(TOKEN_RATE_MAX)
          .meta({ description: 'establish attempts admitted per second per host (token bucket); 0 = off', unit: '1/s' })
          .default(0),
        queueCap: count()
          .pipe(z.number().min(0, { error: 'must be >= 0 (0 = off)' }))
          .describe('establish attempts admitted only while fewer items wait at the host; 0 = off')
          .default(0),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.backoff.cap < p.backoff.base) {
      ctx.addIssue({ code: 'custom', path: ['backoff', 'cap'], message: `must be at least policy.backoff.base (${p.backoff.base}s)` });
    }
  })
  .prefault({});

export const leaseStormSchema = z
  .object({
    seed: z.number().int().nonnegative().describe('the seed every random stream of the run derives from').default(1),
    duration: positiveDuration('the simulated time').describe('the simulated time the run covers').default(6 * 3600),
    fleet: z
      .object({
        droplets: count()
          .pipe(z.number().min(1, { error: 'must be at least 1 droplet' }).max(2 ** 31 - 1))
          .describe('droplets (N); droplet i is managed by DWFM host i mod D')
          .default(100_000),
        dwfmHosts: count()
          .pipe(z.number().min(1, { error: 'must be at least 1 DWFM host' }).max(1_000_000))
          .describe('DWFM hosts (D), each a server working one item at a time')
          .default(10),
      })
      .strict()
      .prefault({}),
    lease: leaseSchema({ establishCost: 0.02, attemptTimeout: 30 }),
    outage: z
      .object({
        start: duration().describe('DynamoDB becomes unavailable: renewals fail, leases start to lapse').default(600),
        end: duration().describe('DynamoDB is back: every host enqueues an establish attempt per lapsed lease').default(4200),
      })
      .strict()
      .prefault({}),
    policy: policySchema,
    operator: z
      .object({
        restartAt: z.array(duration()).describe('times at which every DWFM host drops its queue and the item in service').default([]),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.outage.end < c.outage.start) {
      ctx.addIssue({ code: 'custom', path: ['outage', 'end'], message: `must not be before outage.start (${c.outage.start}s)` });
    }
    const slowest = Math.max(c.lease.renewCost, c.lease.establishCost);
    if (c.lease.attemptTimeout < slowest) {
      ctx.addIssue({ code: 'custom', path: ['lease', 'attemptTimeout'], message: `must be at least the largest cost (${slowest}s), or no attempt could ever succeed` });
    }
    c.operator.restartAt.forEach((t, i) => {
      if (t > c.duration) {
        ctx.addIssue({ code: 'custom', path: ['operator', 'restartAt', i], message: `must be within [0, duration] = [0, ${c.duration}]s` });
      }
    });
  });

export type LeaseStormConfig = z.output<typeof leaseStormSchema>;

export { LEASE_STORM_SAMPLE_INTERVAL_S, buildLeaseStorm, toLeaseStormParams } from './lease-storm-model.js';

export const leaseStormScenario: ScenarioDef<LeaseStormConfig> = {
  name: 'lease-storm',
  description: 'DWFM lease re-establishment after a DynamoDB outage: congestive collapse and recovery policies',
  schema: leaseStormSchema,
  fleetKey: 'fleet.droplets',
  build: buildLeaseStorm,
  // Measured peaks on one thread (benchmarks/README.md, "Memory guard"): 155 MB at 1e5 droplets,
  // 218 MB at 3e5, 316 MB at 1e6: about 140 MB of Node and kernel, 180 B per droplet.
  estimateMemoryBytes: (c) => 140e6 + c.fleet.droplets * 180,
};
