// `dns-race`: the DNS subsystem alone (section 1 of INCIDENT.md). The defaults replay the night
// of 19–20 October 2025 with t = 0 at 11:00 PM PDT: the forced stall of enactor 0 empties the
// regional record at ~11:48 PM, the operator repairs it at 2:25 AM, negative caches expire ~2:40 AM.
import { MAX_LOAD_BALANCERS } from '@cascade/dns';
import { z } from 'zod';
import { buildDnsRace } from './dns-race-model.js';
import type { ScenarioDef } from './registry.js';
import { count, duration, positiveDuration } from './units.js';


export const dnsSafetySchema = z
  .object({
    versionCheck: z
      .enum(['once', 'atApply'])
      .describe("once (2025): one staleness check before a pass; atApply: also a CAS on the applied generation per endpoint")
      .default('once'),
    cleanupSparesActive: z.boolean().describe('the clean-up never deletes a plan a record still uses').default(false),
    rejectEmpty: z.boolean().describe('Route53 refuses any change that leaves a record without addresses').default(false),
  })
  .strict()
  .prefault({});

/** The `dns` section, shared with the combined us-east-1 scenario. */
export const dnsSchema = z
  .object({
    endpoints: count()
      .pipe(z.number().min(0).max(10_000_000))
      .describe('endpoints besides the regional one (hundreds of thousands in production)')
      .default(300),
    regionalPosition: z.number().min(0).max(1).describe("where the regional endpoint sits in the enactors' pass order: 0 first, 1 last").default(0.5),
    loadBalancers: z.number().int().min(1).max(MAX_LOAD_BALANCERS).describe('load balancers the Planner spreads the endpoints over').default(8),
    lbsPerEndpoint: z.number().int().min(1).max(MAX_LOAD_BALANCERS).describe("load-balancer addresses in each endpoint's record").default(4),
    ttl: duration().describe('TTL of the records').default(5),
    negativeTtl: duration().describe('how long resolvers cache an empty answer (the SOA negative TTL)').default(900),
    apiLatency: duration().describe('one-way latency of control-plane calls (enactor <-> Route53 and plan store)').default(0.005),
    planner: z
      .object({
        interval: positiveDuration('a new plan generation every interval').describe('the Planner makes a new plan generation this often').default(15),
        lbFailProbability: z.number().min(0).max(1).describe('per plan, the chance a healthy load balancer turns unhealthy').default(0.01),
        lbRecoverProbability: z.number().min(0).max(1).describe('per plan, the chance an unhealthy load balancer recovers').default(0.3),
      })
      .strict()
      .prefault({}),
    cleanup: z
      .object({
        olderThan: z
          .number()
          .int()
          .min(1, { error: 'must be at least 1 generation' })
          .describe('clean-up deletes plans more than this many generations older than the one just applied')
          .default(20),
      })
      .strict()
      .prefault({}),
    enactors: z.number().int().min(1, { error: 'must be at least 1 enactor' }).max(127).describe('enactors applying plans independently (one per AZ)').default(3),
    enactor: z
      .object({
        steps: z.number().int().min(1).max(100_000).describe('steps per pass; each locks and commits a batch of endpoints').default(30),
        passTime: duration().describe('nominal time of a whole pass, spread over its steps with ±50% jitter').default(10),
        stallProbability: z
          .number()
          .min(0)
          .max(1)
          .describe('per step, the chance of an extra heavy-tailed delay: Pareto(stallScale, stallAlpha) up to stallMax')
          .default(0.0002),
        stallScale: positiveDuration('the Pareto scale').describe('scale of the Pareto stall delay').default(10),
        stallAlpha: z.number().positive().describe('shape of the Pareto stall delay (smaller: heavier tail)').default(1),
        stallMax: duration().describe('the longest stall delay').default(1800),
        retryDelay: duration().describe('wait (±50%) before retrying endpoints another enactor holds').default(0.2),
        maxRetries: z.number().int().min(0).max(1_000_000).describe('retries of held endpoints per step').default(100),
        pollInterval: positiveDuration('the poll interval').describe('wait (±50%) between looks at the plan store when no plan is newer').default(2),
      })
      .strict()
      .prefault({}),
    resolvers: z
      .object({
        count: z.number().int().min(0).max(10_000).describe('DNS resolvers with positive and negative caches').default(4),
        clientsPerResolver: z.number().int().min(0).max(1_000_000).describe('clients resolving the regional endpoint through each resolver').default(10),
        clientInterval: positiveDuration('each client resolves every interval').describe('each client resolves the regional endpoint this often').default(10),
        latency: duration()
          .pipe(z.number().min(1e-6, { error: 'must be at least 1µs (it is a link between placement groups)' }))
          .describe('one-way latency resolver <-> Route53 (the lookahead of that link)')
          .default(0.002),
      })
      .strict()
      .prefault({}),
    monitor: z
      .object({
        maxLag: positiveDuration('the lag bound')
          .describe('invariant "applied matches intended": the regional record may lag the newest plan by at most this')
          .default(600),
      })
      .strict()
      .prefault({}),
    safety: dnsSafetySchema,
  })
  .strict()
  .prefault({});

const stallSchema = z
  .object({
    enactor: z.number().int().min(0).describe('the enactor whose step is stalled (the 2025 race: enactor 0)').default(0),
    at: duration().describe("from this time, the enactor's next step over the regional endpoint (11:40 PM) ...").default(2400),
    for: duration().describe('... is delayed this much more, past the clean-up of the plan it holds; 0 = no stall').default(480),
  })
  .strict();

/** Cross-key checks of the dns.* and faults.* keys, shared by every scenario that has them. */
export function checkDnsKeys(
  c: { faults: { enactorStall: { enactor: number } | null }; dns: { enactors: number; lbsPerEndpoint: number; loadBalancers: number } },
  ctx: z.RefinementCtx,
): void {
  const stall = c.faults.enactorStall;
  if (stall !== null && stall.enactor >= c.dns.enactors) {
    ctx.addIssue({ code: 'custom', path: ['faults', 'enactorStall', 'enactor'], message: `must name one of the ${c.dns.enactors} enactors (0..${c.dns.enactors - 1})` });
  }
  if (c.dns.lbsPerEndpoint > c.dns.loadBalancers) {
    ctx.addIssue({ code: 'custom', path: ['dns', 'lbsPerEndpoint'], message: `must be at most dns.loadBalancers (${c.dns.loadBalancers})` });
  }
}

export const dnsRaceSchema = z
  .object({
    seed: z.number().int().nonnegative().describe('the seed every random stream of the run derives from').default(1),
    duration: duration().describe('the simulated time the run covers').default(4 * 3600),
    sampleInterval: positiveDuration('the time-series bucket').describe('the time-series bucket').default(60),
    dns: dnsSchema,
    faults: z
      .object({
        /** The 2025 delay of enactor A (null: none). */
        enactorStall: stallSchema.nullable().prefault({}),
      })
      .strict()
      .prefault({}),
    operator: z
      .object({
        dnsRepairAt: duration().nullable().describe('when the operator restores the emptied records (2:25 AM); null = never').default(12300),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine(checkDnsKeys);

export type DnsRaceConfig = z.output<typeof dnsRaceSchema>;
export type DnsConfig = z.output<typeof dnsSchema>;

export { DNS_RACE_CLOCK_START, buildDnsRace, toDnsParams } from './dns-race-model.js';

export const dnsRaceScenario: ScenarioDef<DnsRaceConfig> = {
  name: 'dns-race',
  description: 'the DNS Planner/Enactor race alone (2025 replay by default; safety switches make it a what-if)',
  schema: dnsRaceSchema,
  fleetKey: 'dns.endpoints',
  build: buildDnsRace,
  // Measured peaks on one thread (benchmarks/README.md, "Memory guard"): 120 MB at 300 endpoints,
  // 119 MB at 1e4, 118 MB at 1e5 (140 MB in an earlier build): about 120 MB of Node and kernel
  // and 130 B per endpoint at most.
  estimateMemoryBytes: (c) => 120e6 + c.dns.endpoints * 130,
};
