// The wiring of `us-east-1-2025-10-20`: DNS, the AZ fleet, the NLB, Network Managers, launch
// workloads and the operator in one assembly, the links between their kinds, and what each
// operator action sends to whom.
import type { ActorId, Message, Model, Observer } from '@cascade/kernel';
import { ModelAssembly } from '@cascade/kernel';
import { Operator, type Delivery } from '@cascade/operator';
import { DNS_KINDS, addDns } from '@cascade/dns';
import {
  FLEET_KINDS,
  addAzFleet,
  addLaunchWorkloads,
  addNetworkManagers,
  addNlb,
  type FailoverMsg,
  type LaunchThrottleMsg,
  type RestartAtMsg,
  type ThrottleMsg,
} from '@cascade/fleet';
import { US_EAST_1 } from './us-east-1-constants.js';
import { toUsEast1Params, type UsEast1Params } from './us-east-1-params.js';
import { summarizeUsEast1 } from './us-east-1-phases.js';
import { OPERATOR_SIGNALS } from './us-east-1-playbook.js';
import type { UsEast1Config } from './us-east-1-schema.js';

/** The operator's actor kind: its link joins every system it watches or acts on. */
const OPERATOR_KIND = 'operator';

export function buildUsEast1(config: UsEast1Config): Model {
  const p = toUsEast1Params(config);
  const assembly = new ModelAssembly({ scenario: US_EAST_1, seed: config.seed, endUs: p.endUs, sampleIntervalUs: p.sampleIntervalUs });
  const azs = p.fleet.azs;
  const resolvers = p.dns.resolvers.count;
  // The operator is added last, so its id is known only then: monitors resolve it at build time.
  let operatorId = -1;
  const toOperator = (): Observer[] => [{ id: operatorId }];
  // the operator's link: readings reach it and its actions leave it over one latency
  for (const kind of [DNS_KINDS.clients, DNS_KINDS.route53, FLEET_KINDS.shard, FLEET_KINDS.host, FLEET_KINDS.launches, FLEET_KINDS.networkManager, FLEET_KINDS.nlb]) {
    assembly.link(OPERATOR_KIND, kind, p.operator.latencyUs);
  }
  // DNS first: its actor ids, hence its random streams, do not depend on the fleet's size.
  // AZ a's DWFM hosts learn about DynamoDB from resolver a mod resolvers (resolved at build time).
  let hostsOfAz: (az: number) => number[] = () => [];
  const dns = addDns(assembly, {
    params: p.dns,
    sampleIntervalUs: p.sampleIntervalUs,
    subscribers: { kind: FLEET_KINDS.host, latencyUs: p.dns.resolvers.latencyUs, of: (i) => Array.from({ length: azs }, (_, a) => a).filter((a) => a % resolvers === i).flatMap((a) => hostsOfAz(a)) },
    observers: toOperator,
  });
  let firstManager = -1;
  const fleet = addAzFleet(assembly, p.fleet, {
    networkManager: (a) => firstManager + a,
    networkLatencyUs: p.launches.apiLatencyUs,
    observers: (a) => [...toOperator(), { id: firstManager + a }],
  });
  hostsOfAz = (a) => fleet.hostsOfAz(a);
  const nlb = addNlb(assembly, p.nlb, toOperator);
  const managers = addNetworkManagers(assembly, azs, p.network, () => nlb.first, toOperator);
  firstManager = managers.first;
  const launches = addLaunchWorkloads(assembly, p.launches, {
    azs,
    shardsOfAz: (a) => fleet.shardsOfAz(a),
    networkManager: (a) => managers.first + a,
    observers: toOperator,
  });
  const operatorGroup = assembly.newGroups(1);
  const operator = assembly.addActors(1, {
    kind: OPERATOR_KIND,
    name: () => OPERATOR_KIND,
    group: () => operatorGroup,
    create: () =>
      new Operator({
        mode: p.operator.mode,
        signals: OPERATOR_SIGNALS,
        steps: p.operator.steps,
        timetable: p.operator.timetable,
        deliveries: deliveries(p, { route53: dns.route53, hosts: fleet.hosts, launches, nlb: nlb.first }),
        evaluateIntervalUs: p.sampleIntervalUs,
        evaluateOffsetUs: p.operator.latencyUs,
        endUs: p.endUs,
      }),
  });
  operatorId = operator.first;
  assembly.summarize((input) => summarizeUsEast1(input, { fleet, dns, nlb, managers, launches, operator: operator.first }, p));
  return assembly.build();
}

/** What each operator action sends, and to whom. */
function deliveries(
  p: UsEast1Params,
  to: { route53: ActorId; hosts: { first: ActorId; count: number }; launches: { first: ActorId; count: number }; nlb: ActorId },
): Record<string, Delivery[]> {
  const each = (block: { first: ActorId; count: number }, msg: Message, announce = false): Delivery[] =>
    Array.from({ length: block.count }, (_, i) => ({ to: block.first + i, msg, announce }));
  const hostThrottle = (ratePerS: number): ThrottleMsg => ({ kind: 'throttle', ratePerS });
  const launchThrottle = (ratePerS: number): LaunchThrottleMsg => ({ kind: 'launch-throttle', ratePerS });
  const failover = (enabled: boolean): FailoverMsg => ({ kind: 'failover', enabled });
  // announced ahead (the operator sets afterUs): a FIFO host fixes each item's fate when it is enqueued
  const restart: RestartAtMsg = { kind: 'restart-at', afterUs: 0 };
  const dwfmRate = p.operator.dwfmThrottleRatePerS;
  const launchRate = p.operator.launchThrottleRatePerS;
  return {
    'repair-dns': [{ to: to.route53, msg: { kind: 'repair' }, announce: false }],
    throttle: [...(dwfmRate > 0 ? each(to.hosts, hostThrottle(dwfmRate)) : []), ...(launchRate > 0 ? each(to.launches, launchThrottle(launchRate)) : [])],
    'restart-dwfm': each(to.hosts, restart, true),
    'relax-throttles': [...each(to.hosts, hostThrottle(0)), ...each(to.launches, launchThrottle(0))],
    'failover-off': [{ to: to.nlb, msg: failover(false), announce: false }],
    'failover-on': [{ to: to.nlb, msg: failover(true), announce: false }],
  };
}
