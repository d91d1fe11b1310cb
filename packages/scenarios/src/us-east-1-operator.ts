// The on-call team of `us-east-1-2025-10-20`: its schema (a playbook of triggered steps, or the
// night's timetable), and the playbook as the operator actor runs it. The reactive defaults are
// calibrated in CALIBRATION.md; only the timetable names the official clock times.
import { z } from 'zod';
import type { OfficialTimes } from './registry.js';
import { duration } from './units.js';

/** Official times (seconds after 11:00 PM PDT) the calibration aims at, and the timetable replays. */
export const US_EAST_1_OFFICIAL = {
  dnsEmpty: 2880, //               11:48 PM
  dnsRestored: 12300, //            2:25 AM
  operatorDwfm: 18840, //           4:14 AM throttles and DWFM restarts
  leasesBack: 23280, //             5:28 AM
  nlbFailing: 23400, //             5:30 AM NLB health checks failing
  networkImpaired: 26460, //        6:21 AM
  nlbFailoverOff: 38160, //         9:36 AM
  networkNormal: 41760, //         10:36 AM
  throttlesRelaxed: 44580, //      11:23 AM
  nlbStable: 54540, //              2:09 PM failover back on
} as const;

/**
 * The official phases in seconds of simulated time, handed to the report through summary.json
 * (`official`, by the scenario definition), so that the report compares without knowing the incident.
 */
export const US_EAST_1_OFFICIAL_PHASES: OfficialTimes = {
  source: 'AWS post-event summary of the us-east-1 service disruption of 19-20 October 2025 (PDT)',
  phases: [
    { name: 'dns', title: 'DNS record empty', start: US_EAST_1_OFFICIAL.dnsEmpty, end: US_EAST_1_OFFICIAL.dnsRestored },
    { name: 'dwfm', title: 'DWFM lease collapse', start: US_EAST_1_OFFICIAL.dnsRestored, end: US_EAST_1_OFFICIAL.leasesBack },
    { name: 'network', title: 'Network Manager backlog', start: US_EAST_1_OFFICIAL.networkImpaired, end: US_EAST_1_OFFICIAL.networkNormal },
    { name: 'nlb', title: 'NLB health checks flapping', start: US_EAST_1_OFFICIAL.nlbFailing, end: US_EAST_1_OFFICIAL.nlbStable },
  ],
};

/** The operator's actions, by what they send (see `deliveries` in us-east-1.ts). */
export const OPERATOR_ACTIONS = ['repair-dns', 'throttle', 'restart-dwfm', 'relax-throttles', 'failover-off', 'failover-on'] as const;

/** A time of a timetable action; `never` (or `null`) for none. */
const actionTime = () => z.preprocess((v) => (v === 'never' || v === 'null' ? null : v), duration().nullable());
const share = () => z.number().min(0).max(1);

/** The keys every playbook step has: on/off, how long its trigger must hold, the response delay after it. */
function stepKeys(hold: number, delay: number) {
  return {
    enabled: z.boolean().default(true).describe('false: the operator never takes this step'),
    hold: duration().default(hold).describe("how long the step's trigger must hold before the team acts (detection)"),
    delay: duration().default(delay).describe('from the trigger to the action: diagnosis and the work itself'),
  };
}

/** Keys that only the timetable reads. */
export const TIMETABLE_KEYS = ['dnsRepairAt', 'restartAt', 'throttleAt', 'relaxAt', 'nlbFailoverOffAt', 'nlbFailoverOnAt'] as const;

export const operatorSchema = z
  .object({
    enabled: z.boolean().default(true).describe('false: nobody acts (the DNS record is never repaired either).'),
    mode: z.enum(['reactive', 'timetable']).default('reactive').describe('reactive: the playbook below; timetable: every action at its official time (the keys ending in `At`).'),
    latency: duration().pipe(z.number().min(1e-6, { error: 'must be at least 1µs (it is a link between placement groups)' })).default(1).describe('One-way latency of the monitors -> operator and operator -> systems links.'),
    dwfmThrottleRate: z.number().min(0, { error: 'must be >= 0' }).default(0.82).describe('DWFM establish attempts admitted per second per host while throttled; 0 = none.'),
    launchThrottleRate: z.number().min(0, { error: 'must be >= 0' }).default(3).describe('Launches admitted per second (region, per 100k droplets) while throttled; 0 = none.'),
    dnsRepair: z.object({ ...stepKeys(300, 9059), errorRate: share().default(0.5).describe('trigger: DynamoDB resolutions failing, as clients see them, above this share') }).strict().prefault({}).describe('Repair the DNS record by hand once clients keep failing to resolve DynamoDB.'),
    dwfmRecovery: z.object({ ...stepKeys(3600, 2339), invalidShare: share().default(0.2).describe('trigger: droplets without a valid lease above this share...'), dynamodbErrorRate: share().default(0.01).describe('...while DynamoDB errors seen by clients are below this share') }).strict().prefault({}).describe('Throttle incoming work and restart every DWFM host once DynamoDB is healthy but leases do not come back.'),
    failoverOff: z.object({ ...stepKeys(3600, 4980), capacityRemoved: share().default(0.2).describe('trigger: NLB capacity removed by AZ failover above this share') }).strict().prefault({}).describe('Turn NLB automatic AZ failover off once AZ failover keeps capacity out of service.'),
    /** Relax the throttles once leases, launches and the network are back to normal. */
    relaxThrottles: z
      
      .object({ ...stepKeys(1800, 1200), invalidShare: share().default(0.01).describe('trigger: droplets without a valid lease below this share, and...'), launchFailureRate: share().default(0.05).describe('...launches failing for capacity below this share, and...'), networkDelay: duration().default(60).describe('...network propagation delay below this') })
      .strict()
      .prefault({}),
    failoverOn: z.object({ ...stepKeys(3 * 3600, 1980), networkDelay: duration().default(60).describe('trigger: no failing health check, propagation delay below this, and...'), checkerLoad: z.number().positive().default(1).describe('...health-checker load below this (1 = its capacity)') }).strict().prefault({}).describe('Turn failover on again once health checks and the network have been calm long enough.'),
    // the timetable (operator.mode=timetable); official times by default
    dnsRepairAt: actionTime().optional().describe('the DNS record repaired by hand'),
    restartAt: z.array(duration()).optional().describe('DWFM host restarts.'),
    throttleAt: actionTime().optional().describe('throttles of incoming work (DWFM and launches) from here until relaxAt'),
    relaxAt: actionTime().optional().describe('the throttles relaxed'),
    nlbFailoverOffAt: actionTime().optional().describe('NLB automatic AZ failover switched off'),
    nlbFailoverOnAt: actionTime().optional().describe('NLB automatic AZ failover switched on again'),
  })
  .strict()
  .prefault({});

export type OperatorConfig = z.output<typeof operatorSchema>;

/** In timetable mode, the official time of every timetable key the user left out. */
export function withTimetableDefaults(operator: Record<string, unknown>): Record<string, unknown> {
  if (operator['mode'] !== 'timetable') return operator;
  const o = US_EAST_1_OFFICIAL;
  return {
    dnsRepairAt: o.dnsRestored,
    restartAt: [o.operatorDwfm],
    throttleAt: o.operatorDwfm,
    relaxAt: o.throttlesRelaxed,
    nlbFailoverOffAt: o.nlbFailoverOff,
    nlbFailoverOnAt: o.nlbStable,
    ...operator,
  };
}

/** Issues of an operator config: timetable keys outside timetable mode, restarts outside the run, delays too short. */
export function checkOperator(op: OperatorConfig, runSeconds: number, attemptTimeoutS: number): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  if (op.mode === 'reactive') {
    for (const key of TIMETABLE_KEYS) {
      if (op[key] !== undefined) {
        issues.push({ path: ['operator', key], message: 'applies only with operator.mode=timetable (the reactive operator acts when its playbook steps fire: operator.<step>.hold/delay)' });
      }
    }
  }
  (op.restartAt ?? []).forEach((t, i) => {
    if (t > runSeconds) issues.push({ path: ['operator', 'restartAt', i], message: `must be within [0, duration] = [0, ${runSeconds}]s` });
  });
  if (op.dwfmRecovery.delay < attemptTimeoutS) {
    issues.push({ path: ['operator', 'dwfmRecovery', 'delay'], message: `must be at least lease.attemptTimeout (${attemptTimeoutS}s): restarts are announced to the DWFM hosts that far ahead` });
  }
  return issues;
}
