// Where queueing theory gives the lease-storm boundary (CONTRACT.md's model, FIFO, no backoff, no
// throttle, stagger or restart, every lease lapsed during the outage): with n droplets per host all
// enqueued at outage.end, each costing c with deadline A, the backlog after round k is
// A + 2^(k-2)(n·c - 2A): it collapses iff n > 2A/c, and once collapsed it recovers only if the
// retrying droplets per host fall below A/c (docs/metastability.md derives both).
import { getPath } from './keys.js';

export interface MapTheory {
  /** The x at which the map should tip from recovered to collapsed. */
  readonly boundary: number;
  /** From a collapsed state: the x the load must fall to (below) for it to recover by itself. */
  readonly recoverFromCollapse: number;
  readonly formula: string;
}

/** The keys theory speaks about, as x. */
export const THEORY_KEYS = ['fleet.droplets', 'lease.attemptTimeout', 'lease.establishCost'] as const;

/** The theory's boundary for one resolved lease-storm config along `xKey`, or null where it does not apply. */
export function fifoTheory(scenario: string, config: Record<string, unknown>, xKey: string): MapTheory | null {
  if (scenario !== 'lease-storm' || !(THEORY_KEYS as readonly string[]).includes(xKey)) return null;
  const num = (key: string) => getPath(config, key) as number;
  const applies =
    getPath(config, 'policy.queue') === 'fifo' &&
    getPath(config, 'policy.backoff.kind') === 'none' &&
    num('policy.throttle.rate') === 0 &&
    num('policy.throttle.queueCap') === 0 &&
    num('policy.stagger.window') === 0 &&
    (getPath(config, 'operator.restartAt') as unknown[]).length === 0 &&
    num('outage.end') - num('outage.start') > num('lease.duration') + num('lease.renewCost');
  if (!applies) return null;
  const A = num('lease.attemptTimeout');
  const c = num('lease.establishCost');
  const D = num('fleet.dwfmHosts');
  const n = num('fleet.droplets') / D;
  switch (xKey) {
    case 'fleet.droplets':
      return { boundary: (2 * A * D) / c, recoverFromCollapse: (A * D) / c, formula: 'droplets = 2·A/c per host' };
    case 'lease.attemptTimeout':
      return { boundary: (n * c) / 2, recoverFromCollapse: n * c, formula: 'A = n·c/2 (n droplets per host)' };
    default:
      return { boundary: (2 * A) / n, recoverFromCollapse: A / n, formula: 'c = 2·A/n (n droplets per host)' };
  }
}
