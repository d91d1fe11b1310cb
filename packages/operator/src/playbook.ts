// A playbook: what the on-call team watches and what it does. A step fires when all its conditions
// on observed signals have held for `holdUs`; its actions take effect `delayUs` later (detection,
// diagnosis, the work itself). In timetable mode every action happens at a fixed time instead.
import type { ActorId, Message } from '@cascade/kernel';

/** How the latest readings of a signal's sources combine into one value. */
export type Aggregation = 'mean' | 'max' | 'sum';

export interface Condition {
  readonly signal: string;
  readonly op: 'above' | 'below';
  readonly threshold: number;
}

export interface TriggerStep {
  readonly name: string;
  readonly conditions: readonly Condition[];
  readonly holdUs: number;
  readonly delayUs: number;
  /** A step that must have fired before this one can (e.g. failover on after failover off). */
  readonly requires: string | null;
  readonly actions: readonly string[];
}

export interface TimedAction {
  readonly action: string;
  readonly atUs: number;
}

/**
 * A message an action sends. `announce`: sent when the step fires, carrying how long after its
 * arrival the action takes effect as `afterUs` (a scheduled restart that hosts must know ahead);
 * otherwise the operator holds it until the action's time and it arrives one link later.
 */
export interface Delivery {
  readonly to: ActorId;
  readonly msg: Message;
  readonly announce: boolean;
}

export interface OperatorParams {
  readonly mode: 'reactive' | 'timetable';
  /** Signals the operator accepts and how their sources combine. */
  readonly signals: Readonly<Record<string, Aggregation>>;
  readonly steps: readonly TriggerStep[];
  readonly timetable: readonly TimedAction[];
  /** What each action sends (plain data, so the operator checkpoints like any actor). */
  readonly deliveries: Readonly<Record<string, readonly Delivery[]>>;
  /** The operator looks at its dashboards this often, `offsetUs` after each monitor round. */
  readonly evaluateIntervalUs: number;
  readonly evaluateOffsetUs: number;
  readonly endUs: number;
}

/** One action as it appears in the summary (`operator.actions`). */
export interface ActionRecord {
  readonly action: string;
  /** Seconds: when the operator acts (its messages arrive one link latency later). */
  readonly at: number;
  readonly trigger: string;
}

export function describeCondition(c: Condition): string {
  return `${c.signal} ${c.op === 'above' ? '>' : '<'} ${c.threshold}`;
}
