// lease-storm's model from a resolved config (no schema here, so a worker thread that builds the
// model does not load zod).
import type { Model } from '@cascade/kernel';
import { secondsToUs } from '@cascade/kernel';
import { buildLeaseStormModel, type LeaseStormParams } from '@cascade/fleet';
import type { LeaseStormConfig } from './lease-storm.js';

export const LEASE_STORM_SAMPLE_INTERVAL_S = 60;

/** The model's parameters (integer µs) from a resolved config. */
export function toLeaseStormParams(c: LeaseStormConfig): LeaseStormParams {
  return {
    droplets: c.fleet.droplets,
    dwfmHosts: c.fleet.dwfmHosts,
    renewIntervalUs: secondsToUs(c.lease.renewInterval),
    leaseDurationUs: secondsToUs(c.lease.duration),
    renewCostUs: secondsToUs(c.lease.renewCost),
    establishCostUs: secondsToUs(c.lease.establishCost),
    attemptTimeoutUs: secondsToUs(c.lease.attemptTimeout),
    outageStartUs: secondsToUs(c.outage.start),
    outageEndUs: secondsToUs(c.outage.end),
    endUs: secondsToUs(c.duration),
    backoff: { kind: c.policy.backoff.kind, baseUs: secondsToUs(c.policy.backoff.base), capUs: secondsToUs(c.policy.backoff.cap) },
    queue: c.policy.queue,
    staggerWindowUs: secondsToUs(c.policy.stagger.window),
    throttleRatePerS: c.policy.throttle.rate,
    throttleQueueCap: c.policy.throttle.queueCap,
    restartAtUs: c.operator.restartAt.map(secondsToUs),
    seed: c.seed,
    sampleIntervalUs: secondsToUs(LEASE_STORM_SAMPLE_INTERVAL_S),
  };
}

export function buildLeaseStorm(config: LeaseStormConfig): Model {
  const model = buildLeaseStormModel(toLeaseStormParams(config));
  // the micro-model's operator is a timetable: the restarts of operator.restartAt
  const actions = config.operator.restartAt
    .filter((t) => t <= config.duration)
    .sort((a, b) => a - b)
    .map((at) => ({ action: 'restart-dwfm', at, trigger: 'timetable: operator.restartAt' }));
  return { ...model, summarize: (input) => ({ ...model.summarize(input), operator: { mode: 'timetable', actions } }) };
}
