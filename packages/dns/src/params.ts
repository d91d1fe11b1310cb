// The DNS model's parameters, in model units (integer µs, counts, probabilities). Scenarios
// validate human config with their schema and convert it to this; the model trusts it.
import type { EndpointLayout } from './plan.js';

export type VersionCheck = 'once' | 'atApply';

export interface SafetySwitches {
  /** 'once': the 2025 one-time staleness check before a pass; 'atApply': also a CAS per endpoint. */
  readonly versionCheck: VersionCheck;
  /** Clean-up never deletes a plan some record still uses. */
  readonly cleanupSparesActive: boolean;
  /** Route53 refuses any change that would leave a record with no addresses. */
  readonly rejectEmpty: boolean;
}

export const SAFETY_2025: SafetySwitches = { versionCheck: 'once', cleanupSparesActive: false, rejectEmpty: false };

export interface EnactorStall {
  readonly enactor: number;
  readonly atUs: number;
  readonly forUs: number;
}

export interface PlannerParams {
  readonly intervalUs: number;
  /** Per plan, the chance a healthy load balancer turns unhealthy, and an unhealthy one recovers. */
  readonly lbFailProbability: number;
  readonly lbRecoverProbability: number;
}

export interface EnactorParams {
  readonly count: number;
  /** Steps per pass: each step is one lock + one commit over a contiguous batch of endpoints. */
  readonly steps: number;
  /** Nominal work time of a whole pass, spread evenly over its steps (jitter ±50%). */
  readonly passTimeUs: number;
  /** Heavy tail: with this probability per step, an extra Pareto(scale, alpha) delay, capped. */
  readonly stallProbability: number;
  readonly stallScaleUs: number;
  readonly stallAlpha: number;
  readonly stallMaxUs: number;
  /** Wait before retrying endpoints another enactor held (jitter ±50%), and the retry limit. */
  readonly retryDelayUs: number;
  readonly maxRetries: number;
  /** Wait between looks at the plan store when there is no newer plan (jitter ±50%). */
  readonly pollIntervalUs: number;
  /** Clean-up deletes plans more than this many generations older than the one just applied. */
  readonly keepGenerations: number;
}

export interface ResolverParams {
  readonly count: number;
  /** Clients per resolver, each resolving the regional endpoint every `clientIntervalUs`. */
  readonly clientsPerResolver: number;
  readonly clientIntervalUs: number;
  /** One-way latency resolver <-> Route53 (also the lookahead of that link). */
  readonly latencyUs: number;
}

export interface DnsParams {
  readonly layout: EndpointLayout;
  /** Record TTL of positive answers, and the SOA negative TTL of empty answers. */
  readonly ttlUs: number;
  readonly negativeTtlUs: number;
  /** One-way latency of control-plane calls (enactor <-> Route53, plan store). */
  readonly apiLatencyUs: number;
  readonly planner: PlannerParams;
  readonly enactor: EnactorParams;
  readonly resolvers: ResolverParams;
  readonly safety: SafetySwitches;
  /** Bound of the "applied matches intended" monitor. */
  readonly maxLagUs: number;
  readonly stall: EnactorStall | null;
  /** Operator restores every emptied record (the 2:25 AM fix); null = never. */
  readonly repairAtUs: number | null;
}
