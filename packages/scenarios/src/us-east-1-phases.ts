// The summary of `us-east-1-2025-10-20` beyond its components' own sections: the phases of the
// outage (DNS, DWFM, network, NLB) as the components' reports date them, and the time to recovery.
import type { ActorBlock, ActorId, SummaryInput } from '@cascade/kernel';
import { usToSeconds } from '@cascade/kernel';
import type { OperatorReport } from '@cascade/operator';
import { summarizeDns, type DnsComponent } from '@cascade/dns';
import { latencySummary, summarizeAzFleet, summarizeLaunches, summarizeNetwork, summarizeNlb, type AzFleet } from '@cascade/fleet';
import { DNS_RACE_CLOCK_START } from './dns-race-model.js';
import type { UsEast1Params } from './us-east-1-params.js';

export interface Phase {
  readonly name: string;
  readonly start: number;
  readonly end: number | null;
}

/** The scenario's components, as the wiring added them. */
export interface UsEast1Parts {
  readonly fleet: AzFleet;
  readonly dns: DnsComponent;
  readonly nlb: ActorBlock;
  readonly managers: ActorBlock;
  readonly launches: ActorBlock;
  readonly operator: ActorId;
}

/** The fleet's sections, network, NLB, launches, phases, time to recovery, operator and clock (DNS adds its own). */
export function summarizeUsEast1(input: SummaryInput, parts: UsEast1Parts, p: UsEast1Params) {
  const s = usToSeconds;
  const dnsPart = summarizeDns(input, parts.dns, p.dns);
  const fleet = summarizeAzFleet(input, parts.fleet, p.fleet);
  const network = summarizeNetwork(input, parts.managers);
  const nlb = summarizeNlb(input, parts.nlb, p.nlb);
  const leases = fleet.sections.leases;
  const phases: Phase[] = [];
  const { emptyRecordAt, restoredAt } = dnsPart.dns;
  if (emptyRecordAt !== null) phases.push({ name: 'dns', start: emptyRecordAt, end: restoredAt });
  if (leases.validFractionMin < 0.99) {
    const dwfm = fleet.sections.dwfm;
    const start = fleet.availableUs !== null && fleet.availableUs > 0 ? s(fleet.availableUs) : (dwfm.dynamodbLostAt ?? 0);
    phases.push({ name: 'dwfm', start, end: fleet.recoveredUs === null ? null : s(fleet.recoveredUs) });
  }
  if (network.impairedFromUs !== null) phases.push({ name: 'network', start: s(network.impairedFromUs), end: network.clearedUs === null ? null : s(network.clearedUs) });
  if (nlb.firstUnstableUs !== null) phases.push({ name: 'nlb', start: s(nlb.firstUnstableUs), end: nlb.stableUs === null ? null : s(nlb.stableUs) });
  phases.sort((a, b) => a.start - b.start);
  const readyLatency = latencySummary(Float64Array.from(network.readyLatencyUs));
  const op = input.reports[parts.operator] as OperatorReport;
  return {
    ...fleet.sections,
    network: network.network,
    nlb: nlb.nlb,
    ...summarizeLaunches(input, parts.launches, { ...readyLatency }),
    phases,
    timeToRecovery: timeToRecovery(phases),
    operator: { mode: op.mode, actions: op.actions, steps: op.steps },
    clock: { start: DNS_RACE_CLOCK_START },
  };
}

/** Seconds from the first phase's start to the last phase's end; null while one is open; 0 without phases. */
export function timeToRecovery(phases: readonly Phase[]): number | null {
  if (phases.length === 0) return 0;
  if (phases.some((ph) => ph.end === null)) return null;
  const start = Math.min(...phases.map((ph) => ph.start));
  const end = Math.max(...phases.map((ph) => ph.end as number));
  return Math.round((end - start) * 1e6) / 1e6;
}
