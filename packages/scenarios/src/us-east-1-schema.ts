// The configuration schema of `us-east-1-2025-10-20`: every key with its default (the one layer of
// defaults; the calibrated values are explained in CALIBRATION.md) and the checks across keys.
import { z } from 'zod';
import { secondsToUs } from '@cascade/kernel';
import { checkDnsKeys, dnsRaceSchema, dnsSchema } from './dns-race.js';
import { leaseShape, policySchema } from './lease-storm.js';
import { count, duration, positiveDuration } from './units.js';
import { checkOperator, operatorSchema } from './us-east-1-operator.js';
import { withUsEast1Defaults } from './us-east-1-defaults.js';


/** A link between placement groups: at least 1 µs. */
const linkLatency = () => duration().pipe(z.number().min(1e-6, { error: 'must be at least 1µs (it is a link between placement groups)' }));
const rate = () => z.number().min(0, { error: 'must be >= 0' });
const fraction = () => z.number().min(0).max(1);

const fleetSchema = z
  .object({
    droplets: count().pipe(z.number().min(3, { error: 'must be at least 3 droplets (one per AZ)' }).max(2 ** 31 - 1)).default(50_000).describe('droplets in the region (split evenly over the AZs)'),
    azs: z.number().int().min(1).max(16).default(3).describe('availability zones, each with its own DWFM hosts, resolver, Network Manager and launches'),
    /** 'auto': droplets / azs / 3,333 rounded (at least 1), so any --fleet keeps the calibrated load per host. */
    dwfmHostsPerAz: z
      .union([z.literal('auto'), count().pipe(z.number().min(1, { error: "must be at least 1 DWFM host per AZ, or 'auto'" }).max(100_000))])
      .default('auto')
      .describe("DWFM hosts per AZ; 'auto': about 3,333 droplets per host (the calibrated load)"),
  })
  .strict()
  .prefault({});

export const usEast1Schema = z.preprocess(
  withUsEast1Defaults,
  z
    .object({
      seed: z.number().int().nonnegative().default(1).describe('the seed every random stream of the run derives from'),
      duration: positiveDuration('the simulated time').default(16 * 3600).describe('simulated time from 11:00 PM PDT'),
      sampleInterval: positiveDuration('the time-series bucket').default(60).describe("time-series bucket, and the monitors' reporting interval to the operator"),
      dns: dnsSchema,
      faults: dnsRaceSchema.shape.faults,
      fleet: fleetSchema,
      lease: z
        .object({
          ...leaseShape({ establishCost: 0.4, attemptTimeout: 60 }),
          renewTick: positiveDuration('the renewal tick')
            .describe('DWFM state checks run on this tick: renewal phases are drawn on it, and after an establish the next renewal is the first tick at or after completion + R (a divisor of renewInterval; 1µs = every droplet on its own µs, and its retries too with retryAhead=1µs)')
            .default(1),
          retryAhead: positiveDuration('the retry span')
            .describe("retries (the attempts a droplet's own timer sends: backoffs, throttled retries, the staggered recovery) go to the DWFM host in one message per shard for each span of this length, each with its own send time, and the host books each at its arrival when the message comes in, so a change at the host within the span (DynamoDB's availability, a throttle) reaches those retries from the next span on (whole renewal ticks: as many as fit, at least one; = renewTick: a message every tick)")
            .default(10),
          renewAhead: duration()
            .describe('an engine setting that changes no result, only the events it takes: while every droplet of a shard holds a valid lease, its renewals due up to the next multiple of this go to its DWFM host in one message, and the host books each one after its arrival (0 = every renewal at its own tick; less than lease.renewInterval)')
            .default(20),
        })
        .strict()
        .prefault({}),
      dwfm: z
        .object({
          rpcLatency: linkLatency().default(1).describe('One-way latency of the droplet-side shard <-> DWFM host RPC.'),
          throttledRetry: positiveDuration('the retry after a throttled attempt').default(60).describe('A droplet whose establish attempt was throttled retries after at least this.'),
        })
        .strict()
        .prefault({}),
      policy: policySchema,
      operator: operatorSchema,
      launches: z
        .object({
          ec2Rate: rate().default(3).describe('Demand per second (region, per 100k droplets): EC2 RunInstances, Lambda/ECS/Fargate, terminations.'),
          serviceRate: rate().default(1).describe('Lambda/ECS/Fargate launches per second (region, per 100k droplets)'),
          terminationRate: rate().default(2).describe('instance terminations per second (region, per 100k droplets)'),
          retryProbability: fraction().default(0.9).describe('chance a failed launch is retried next tick'),
          tick: positiveDuration('the workload tick').default(10).describe('launches are sent in batches this often'),
          apiLatency: linkLatency().default(1).describe('One-way EC2 API latency (workload <-> fleet, workload -> Network Manager).'),
          probes: z.number().int().min(1).max(100).default(3).describe('Droplets a launch tries before it fails as insufficient capacity.'),
        })
        .strict()
        .prefault({}),
      network: z
        .object({
          rate: z.number().positive().default(10.7).describe('Network changes propagated per second (region, per 100k droplets), split evenly over AZs.'),
          impairedDelay: positiveDuration('the impaired threshold').default(600).describe('Connectivity counts as impaired above this propagation delay, normal again at or below `normalDelay`.'),
          reconcileRate: z.number().positive().default(7.7).describe('Resyncs of re-established droplets fed to propagation per second (region, per 100k droplets) once an AZ\'s leases are healthy.'),
          reconcileWhenValid: fraction().default(0.99).describe('An AZ\'s network state is reconciled once this fraction of its droplets holds a valid lease.'),
          normalDelay: duration().default(60).describe('connectivity is normal again at or below this propagation delay'),
          monitorInterval: positiveDuration('the monitor interval').default(10).describe('Network Manager checks its delay (and reconciles) this often'),
          latency: linkLatency().default(1).describe('Network Manager -> NLB latency.'),
        })
        .strict()
        .prefault({}),
      nlb: z
        .object({
          baseTargets: z.number().min(0).default(3000).describe('Established targets (region, per 100k droplets), and the fraction of launches that register as targets.'),
          targetFraction: fraction().default(0.5).describe('fraction of launched instances that register as NLB targets'),
          checkInterval: positiveDuration('the health-check interval').default(10).describe('NLB health-check round interval'),
          initialGrace: duration().default(60).describe('A new target is first judged this long after registration.'),
          unreadyPassProbability: fraction().default(0.5).describe('chance a check of a target without network state passes'),
          flapCost: z.number().min(0).default(3).describe('checker work per target state change, in checks'),
          checkerCapacity: z.number().positive().default(600).describe('Checks per second (region, per 100k droplets) the checkers handle before they time out.'),
          failoverThreshold: fraction().default(0.3).describe('an AZ fails over when more than this fraction of its targets fails'),
          velocityControl: fraction().default(0).describe('Most NLB capacity (fraction) failover may remove per minute; 0 = off (the 2025 behaviour).'),
          stableRounds: z.number().int().min(1).max(100_000).default(30).describe('Calm check rounds in a row (no flap, nothing removed, checker within capacity, failover on) before the NLB counts as stable.'),
        })
        .strict()
        .prefault({}),
    })
    .strict()
    .superRefine((c, ctx) => {
      checkDnsKeys(c, ctx);
      if (c.dns.resolvers.count < 1) {
        ctx.addIssue({ code: 'custom', path: ['dns', 'resolvers', 'count'], message: 'must be at least 1: the DWFM hosts learn about DynamoDB from the resolvers' });
      }
      if (secondsToUs(c.lease.renewInterval) % secondsToUs(c.lease.renewTick) !== 0) {
        ctx.addIssue({ code: 'custom', path: ['lease', 'renewTick'], message: `must divide lease.renewInterval (${c.lease.renewInterval}s) into whole ticks` });
      }
      if (c.lease.renewAhead >= c.lease.renewInterval) {
        ctx.addIssue({ code: 'custom', path: ['lease', 'renewAhead'], message: `must be less than lease.renewInterval (${c.lease.renewInterval}s)` });
      }
      const slowest = Math.max(c.lease.renewCost, c.lease.establishCost) + 2 * c.dwfm.rpcLatency;
      if (c.lease.attemptTimeout <= slowest) {
        ctx.addIssue({ code: 'custom', path: ['lease', 'attemptTimeout'], message: `must exceed the largest cost plus the RPC round trip (${slowest}s)` });
      }
      if (c.policy.backoff.cap < c.policy.backoff.base) {
        ctx.addIssue({ code: 'custom', path: ['policy', 'backoff', 'cap'], message: `must be at least policy.backoff.base (${c.policy.backoff.base}s)` });
      }
      for (const issue of checkOperator(c.operator, c.duration, c.lease.attemptTimeout)) ctx.addIssue({ code: 'custom', ...issue });
    }),
);

export type UsEast1Config = z.output<typeof usEast1Schema>;
