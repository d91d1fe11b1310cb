// The operator of `us-east-1-2025-10-20` as the model runs it: the signals it watches, its
// playbook of triggered steps and the night's timetable, from a resolved config (no schema here, so
// a worker thread that builds the model does not load zod).
import { secondsToUs } from '@cascade/kernel';
import type { Condition, TimedAction, TriggerStep } from '@cascade/operator';
import type { OperatorConfig } from './us-east-1-operator.js';

/** Signals the monitors report, and how the operator combines their sources. */
export const OPERATOR_SIGNALS = {
  'dynamodb.errorRate': 'mean',
  'leases.invalidShare': 'mean',
  'launches.failureRate': 'mean',
  'network.delaySeconds': 'max',
  'nlb.capacityRemoved': 'max',
  'nlb.failoverRemoved': 'max',
  'nlb.failingChecks': 'sum',
  'nlb.checkerLoad': 'max',
} as const;

const above = (signal: string, threshold: number): Condition => ({ signal, op: 'above', threshold });
const below = (signal: string, threshold: number): Condition => ({ signal, op: 'below', threshold });

/** The reactive playbook (empty when the operator is off or runs the timetable). */
export function playbook(op: OperatorConfig): TriggerStep[] {
  if (!op.enabled || op.mode !== 'reactive') return [];
  const us = secondsToUs;
  const step = (name: string, s: { enabled: boolean; hold: number; delay: number }, conditions: Condition[], actions: string[], requires: string | null = null): TriggerStep[] =>
    s.enabled ? [{ name, conditions, holdUs: us(s.hold), delayUs: us(s.delay), requires, actions }] : [];
  return [
    ...step('dns-repair', op.dnsRepair, [above('dynamodb.errorRate', op.dnsRepair.errorRate)], ['repair-dns']),
    ...step(
      'dwfm-recovery',
      op.dwfmRecovery,
      [below('dynamodb.errorRate', op.dwfmRecovery.dynamodbErrorRate), above('leases.invalidShare', op.dwfmRecovery.invalidShare)],
      ['throttle', 'restart-dwfm'],
    ),
    ...step('failover-off', op.failoverOff, [above('nlb.failoverRemoved', op.failoverOff.capacityRemoved)], ['failover-off']),
    ...step(
      'relax-throttles',
      op.relaxThrottles,
      [
        below('leases.invalidShare', op.relaxThrottles.invalidShare),
        below('launches.failureRate', op.relaxThrottles.launchFailureRate),
        below('network.delaySeconds', op.relaxThrottles.networkDelay),
      ],
      ['relax-throttles'],
      'dwfm-recovery',
    ),
    ...step(
      'failover-on',
      op.failoverOn,
      [below('nlb.failingChecks', 1), below('nlb.checkerLoad', op.failoverOn.checkerLoad), below('network.delaySeconds', op.failoverOn.networkDelay)],
      ['failover-on'],
      'failover-off',
    ),
  ];
}

/** The night's actions at their official (or given) times, when the operator runs the timetable. */
export function timetable(op: OperatorConfig): TimedAction[] {
  if (!op.enabled || op.mode !== 'timetable') return [];
  const us = secondsToUs;
  const at = (action: string, t: number | null | undefined): TimedAction[] => (t === null || t === undefined ? [] : [{ action, atUs: us(t) }]);
  return [
    ...at('repair-dns', op.dnsRepairAt),
    ...at('throttle', op.throttleAt),
    ...(op.restartAt ?? []).flatMap((t) => at('restart-dwfm', t)),
    ...at('relax-throttles', op.relaxAt),
    ...at('failover-off', op.nlbFailoverOffAt),
    ...at('failover-on', op.nlbFailoverOnAt),
  ];
}
