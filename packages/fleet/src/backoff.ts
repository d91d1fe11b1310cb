// Retry delays of the recovery policies (CONTRACT.md lease-storm rule 6), in whole µs. One
// function per kind so the hot path branches once per retry, not per droplet field.
import type { Rng } from '@cascade/kernel';

export const BACKOFF_KINDS = ['none', 'constant', 'exponential', 'full-jitter', 'equal-jitter', 'decorrelated'] as const;
export type BackoffKind = (typeof BACKOFF_KINDS)[number];

export interface BackoffPolicy {
  readonly kind: BackoffKind;
  readonly baseUs: number;
  readonly capUs: number;
}

/** min(cap, base * 2^(n-1)) for retry n >= 1. */
export function backoffCeilingUs(policy: BackoffPolicy, retry: number): number {
  const doublings = Math.min(retry - 1, 62);
  return Math.min(policy.capUs, policy.baseUs * 2 ** doublings);
}

/**
 * The delay before retry `retry` (1, 2, ...). `previousUs` is decorrelated's last delay (base at
 * the start of a lapse); the caller stores the result as the next `previousUs`. Random draws come
 * from the requester's stream and are rounded down to whole µs.
 */
export function backoffDelayUs(policy: BackoffPolicy, retry: number, previousUs: number, rng: Rng): number {
  switch (policy.kind) {
    case 'none':
      return 0;
    case 'constant':
      return policy.baseUs;
    case 'exponential':
      return backoffCeilingUs(policy, retry);
    case 'full-jitter':
      return Math.floor(rng.random() * backoffCeilingUs(policy, retry));
    case 'equal-jitter': {
      const v = backoffCeilingUs(policy, retry);
      return Math.floor(v / 2 + rng.random() * (v / 2));
    }
    case 'decorrelated': {
      const hi = 3 * previousUs;
      return Math.min(policy.capUs, Math.floor(policy.baseUs + rng.random() * (hi - policy.baseUs)));
    }
    default: {
      const never: never = policy.kind;
      throw new Error(`unknown backoff kind ${String(never)}`);
    }
  }
}
