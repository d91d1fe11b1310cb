// dns-race's model from a resolved config, and the DNS parameters us-east-1 shares (no schema
// here, so a worker thread that builds the model does not load zod).
import type { Model } from '@cascade/kernel';
import { ModelAssembly, secondsToUs } from '@cascade/kernel';
import { addDns, type DnsParams } from '@cascade/dns';
import type { DnsConfig, DnsRaceConfig } from './dns-race.js';

/** Model parameters (µs) from the validated `dns`, `faults` and `operator` sections. */
export function toDnsParams(
  dns: DnsConfig,
  faults: DnsRaceConfig['faults'] = { enactorStall: null },
  operator: DnsRaceConfig['operator'] = { dnsRepairAt: null },
): DnsParams {
  const us = secondsToUs;
  const endpoints = dns.endpoints + 1;
  const stall = faults.enactorStall;
  return {
    layout: {
      endpoints,
      regional: Math.round(dns.regionalPosition * (endpoints - 1)),
      loadBalancers: dns.loadBalancers,
      lbsPerEndpoint: dns.lbsPerEndpoint,
    },
    ttlUs: us(dns.ttl),
    negativeTtlUs: us(dns.negativeTtl),
    apiLatencyUs: us(dns.apiLatency),
    planner: {
      intervalUs: us(dns.planner.interval),
      lbFailProbability: dns.planner.lbFailProbability,
      lbRecoverProbability: dns.planner.lbRecoverProbability,
    },
    enactor: {
      count: dns.enactors,
      steps: dns.enactor.steps,
      passTimeUs: us(dns.enactor.passTime),
      stallProbability: dns.enactor.stallProbability,
      stallScaleUs: us(dns.enactor.stallScale),
      stallAlpha: dns.enactor.stallAlpha,
      stallMaxUs: us(dns.enactor.stallMax),
      retryDelayUs: us(dns.enactor.retryDelay),
      maxRetries: dns.enactor.maxRetries,
      pollIntervalUs: us(dns.enactor.pollInterval),
      keepGenerations: dns.cleanup.olderThan,
    },
    resolvers: {
      count: dns.resolvers.count,
      clientsPerResolver: dns.resolvers.clientsPerResolver,
      clientIntervalUs: us(dns.resolvers.clientInterval),
      latencyUs: us(dns.resolvers.latency),
    },
    safety: { ...dns.safety },
    maxLagUs: us(dns.monitor.maxLag),
    stall: stall === null || stall.for === 0 ? null : { enactor: stall.enactor, atUs: us(stall.at), forUs: us(stall.for) },
    repairAtUs: operator.dnsRepairAt === null ? null : us(operator.dnsRepairAt),
  };
}

/** Wall-clock time of t = 0 in the replay: 11:00 PM PDT, 19 October 2025. */
export const DNS_RACE_CLOCK_START = '2025-10-19T23:00:00-07:00';

export function buildDnsRace(config: DnsRaceConfig): Model {
  const assembly = new ModelAssembly({
    scenario: 'dns-race',
    seed: config.seed,
    endUs: secondsToUs(config.duration),
    sampleIntervalUs: secondsToUs(config.sampleInterval),
  });
  addDns(assembly, { params: toDnsParams(config.dns, config.faults, config.operator), sampleIntervalUs: secondsToUs(config.sampleInterval) });
  const repairAt = config.operator.dnsRepairAt;
  const actions = repairAt !== null && repairAt <= config.duration ? [{ action: 'repair-dns', at: repairAt, trigger: 'timetable: operator.dnsRepairAt' }] : [];
  assembly.summarize(() => ({ clock: { start: DNS_RACE_CLOCK_START }, operator: { mode: 'timetable', actions } }));
  return assembly.build();
}
