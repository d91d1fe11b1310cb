// Every message of the DNS model, one union per receiving actor. Messages are plain data.
import type { ActorId, ObservationMsg } from '@cascade/kernel';
import type { Plan } from './plan.js';

export type PlannerIn = { readonly kind: 'plan-tick' };

export type PlanStoreIn =
  | { readonly kind: 'put-plan'; readonly plan: Plan }
  | { readonly kind: 'get-newest'; readonly enactor: number }
  /** Delete every plan older than `below`, except the spared generations. */
  | { readonly kind: 'delete-plans'; readonly below: number; readonly spared: readonly number[] }
  | { readonly kind: 'sample' };

export type Route53In =
  /** The Planner's intended state, for the consistency monitor. */
  | { readonly kind: 'planned'; readonly plan: Plan }
  /** The one-time staleness check: is `generation` newer than the previously applied plan? */
  | { readonly kind: 'check'; readonly enactor: number; readonly generation: number }
  /** Lock endpoints [from, from + count) or, for retries, the listed ones. */
  | { readonly kind: 'lock'; readonly enactor: number; readonly from: number; readonly count: number; readonly endpoints: readonly number[] | null }
  /** One transaction per endpoint this enactor holds: write `plan`'s record, release the lock. */
  | { readonly kind: 'commit'; readonly enactor: number; readonly plan: Plan }
  /** End of a pass: record the applied plan and clean up plans older than `below`. */
  | { readonly kind: 'finish'; readonly enactor: number; readonly generation: number; readonly below: number }
  | { readonly kind: 'resolve'; readonly resolver: number }
  | { readonly kind: 'repair' }
  | { readonly kind: 'lag-check'; readonly generation: number }
  | { readonly kind: 'sample' };

export type EnactorIn =
  | { readonly kind: 'poll' }
  | { readonly kind: 'newest'; readonly plan: Plan | null }
  | { readonly kind: 'checked'; readonly ok: boolean; readonly previous: number }
  | { readonly kind: 'step' }
  | { readonly kind: 'locked'; readonly busy: readonly number[] }
  | { readonly kind: 'committed'; readonly applied: number; readonly rejected: number }
  | { readonly kind: 'cleaned'; readonly deleted: number };

export type ResolverIn =
  | { readonly kind: 'query'; readonly pool: ActorId }
  | { readonly kind: 'answer'; readonly addresses: number; readonly generation: number };

export type ClientPoolIn =
  | { readonly kind: 'client-tick' }
  | { readonly kind: 'resolved'; readonly addresses: number }
  | { readonly kind: 'sample' };

/**
 * What resolvers send to subscribed actors (e.g. a fleet's DWFM hosts) when DynamoDB's regional
 * endpoint turns resolvable or unresolvable as seen through them.
 */
export interface DynamoAvailabilityMessage {
  readonly kind: 'dynamodb-availability';
  readonly available: boolean;
  readonly resolver: number;
}

/** Exhaustiveness check for message switches. */
export function unexpected(msg: never): never {
  throw new Error(`unexpected message ${JSON.stringify(msg)}`);
}

/** Every message of the DNS model: what its actors may send. */
export type DnsMessage = PlannerIn | PlanStoreIn | Route53In | EnactorIn | ResolverIn | ClientPoolIn | DynamoAvailabilityMessage | ObservationMsg;
