// The model parameters of `us-east-1-2025-10-20`: the resolved config turned into every component's
// parameters (integer µs, absolute rates scaled to the fleet's size).
import { secondsToUs } from '@cascade/kernel';
import type { AzFleetParams, LaunchParams, NetworkParams, NlbParams } from '@cascade/fleet';
import { toDnsParams } from './dns-race-model.js';
import { US_EAST_1_DROPLETS_PER_HOST, US_EAST_1_RATE_UNIT_DROPLETS } from './us-east-1-constants.js';
import { playbook, timetable } from './us-east-1-playbook.js';
import type { UsEast1Config } from './us-east-1-schema.js';

/** Model parameters of every component (integer µs, absolute rates). */
export function toUsEast1Params(c: UsEast1Config) {
  const us = secondsToUs;
  const endUs = us(c.duration);
  const sampleIntervalUs = us(c.sampleInterval);
  const op = c.operator;
  const scale = c.fleet.droplets / US_EAST_1_RATE_UNIT_DROPLETS;
  const azs = c.fleet.azs;
  // the policy throttle (a fix) runs from t = 0 and replaces the operator's DWFM throttle
  const policyThrottle = c.policy.throttle.rate > 0 || c.policy.throttle.queueCap > 0;
  const tickUs = us(c.lease.renewTick);
  const hostsPerAz = c.fleet.dwfmHostsPerAz === 'auto' ? Math.max(1, Math.round(c.fleet.droplets / azs / US_EAST_1_DROPLETS_PER_HOST)) : c.fleet.dwfmHostsPerAz;
  const fleet: AzFleetParams = {
    droplets: c.fleet.droplets,
    azs,
    dwfmHostsPerAz: hostsPerAz,
    renewIntervalUs: us(c.lease.renewInterval),
    renewTickUs: tickUs,
    renewAheadUs: us(c.lease.renewAhead),
    // whole ticks: as many as fit, at least one (so a coarser renewTick needs no retryAhead of its own)
    retryAheadUs: Math.max(1, Math.floor(us(c.lease.retryAhead) / tickUs)) * tickUs,
    leaseDurationUs: us(c.lease.duration),
    renewCostUs: us(c.lease.renewCost),
    establishCostUs: us(c.lease.establishCost),
    attemptTimeoutUs: us(c.lease.attemptTimeout),
    rpcLatencyUs: us(c.dwfm.rpcLatency),
    backoff: { kind: c.policy.backoff.kind, baseUs: us(c.policy.backoff.base), capUs: us(c.policy.backoff.cap) },
    queue: c.policy.queue,
    staggerWindowUs: us(c.policy.stagger.window),
    throttleRatePerS: policyThrottle ? c.policy.throttle.rate : 0,
    throttleQueueCap: policyThrottle ? c.policy.throttle.queueCap : 0,
    throttleFromUs: 0,
    throttleUntilUs: Infinity,
    minThrottledRetryUs: us(c.dwfm.throttledRetry),
    // restarts come from the operator, as messages
    restartAtUs: [],
    launchProbes: c.launches.probes,
    endUs,
    sampleIntervalUs,
  };
  const launches: LaunchParams = {
    ec2RatePerS: (c.launches.ec2Rate * scale) / azs,
    serviceRatePerS: (c.launches.serviceRate * scale) / azs,
    terminationRatePerS: (c.launches.terminationRate * scale) / azs,
    retryProbability: c.launches.retryProbability,
    tickUs: us(c.launches.tick),
    apiLatencyUs: us(c.launches.apiLatency),
    throttleRatePerS: 0,
    sampleIntervalUs,
    endUs,
  };
  const network: NetworkParams = {
    changeCostUs: Math.max(1, Math.round(1e6 / ((c.network.rate * scale) / azs))),
    nlbTargetFraction: c.nlb.targetFraction,
    nlbLatencyUs: us(c.network.latency),
    impairedDelayUs: us(c.network.impairedDelay),
    normalDelayUs: us(c.network.normalDelay),
    monitorIntervalUs: us(c.network.monitorInterval),
    reconcile: { ratePerS: (c.network.reconcileRate * scale) / azs, validFraction: c.network.reconcileWhenValid },
    endUs,
    sampleIntervalUs,
  };
  const nlb: NlbParams = {
    azs,
    baseTargetsPerAz: (c.nlb.baseTargets * scale) / azs,
    checkIntervalUs: us(c.nlb.checkInterval),
    initialGraceUs: us(c.nlb.initialGrace),
    unreadyPassProbability: c.nlb.unreadyPassProbability,
    flapCostChecks: c.nlb.flapCost,
    checkerCapacityPerS: (c.nlb.checkerCapacity * scale) / azs,
    failoverThreshold: c.nlb.failoverThreshold,
    velocityControlPerMin: c.nlb.velocityControl,
    stableRounds: c.nlb.stableRounds,
    sampleIntervalUs,
    endUs,
  };
  // the operator repairs DNS itself (the DNS component's timetable operator stays idle)
  const dns = toDnsParams(c.dns, c.faults, { dnsRepairAt: null });
  const operator = {
    mode: op.mode,
    latencyUs: us(op.latency),
    steps: playbook(op),
    timetable: timetable(op),
    dwfmThrottleRatePerS: policyThrottle ? 0 : op.dwfmThrottleRate,
    launchThrottleRatePerS: (op.launchThrottleRate * scale) / azs,
  };
  return { endUs, sampleIntervalUs, fleet, launches, network, nlb, dns, operator };
}

export type UsEast1Params = ReturnType<typeof toUsEast1Params>;
