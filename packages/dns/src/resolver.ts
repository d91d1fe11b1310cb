// A caching DNS resolver for the regional endpoint: positive answers live for the record TTL,
// empty answers for the negative TTL (so a repaired record stays invisible until they expire).
// It tells subscribed actors when DynamoDB turns (un)resolvable through it.
import type { Actor, ActorId, Context } from '@cascade/kernel';
import { usToSeconds } from '@cascade/kernel';
import { unexpected, type DynamoAvailabilityMessage, type ResolverIn, type ClientPoolIn, type Route53In } from './messages.js';

type ResolverOut = ClientPoolIn | Route53In | DynamoAvailabilityMessage;
type ResolverCtx = Context<ResolverIn, ResolverOut>;

export interface ResolverWiring {
  readonly index: number;
  readonly route53: ActorId;
  readonly ttlUs: number;
  readonly negativeTtlUs: number;
  /** Actors told about availability changes (over the link to their kind). */
  readonly subscribers: readonly ActorId[];
}

/** Waiters on one upstream query; more pile up only while it is in flight. */
const MAX_WAITERS = 100_000;

export class Resolver implements Actor<ResolverIn, ResolverOut> {
  private expiresUs = -Infinity;
  private addresses = 0;
  private inFlight = false;
  private readonly waiters: ActorId[] = [];
  private available = true;
  private unavailableFromUs: number | null = null;
  private availableAgainUs: number | null = null;
  private flips = 0;

  constructor(private readonly wiring: ResolverWiring) {}

  receive(msg: ResolverIn, ctx: ResolverCtx): void {
    switch (msg.kind) {
      case 'query':
        if (ctx.now < this.expiresUs) {
          ctx.send(msg.pool, { kind: 'resolved', addresses: this.addresses });
          return;
        }
        if (this.waiters.length < MAX_WAITERS) this.waiters.push(msg.pool);
        if (!this.inFlight) {
          this.inFlight = true;
          ctx.send(this.wiring.route53, { kind: 'resolve', resolver: this.wiring.index });
        }
        return;
      case 'answer':
        this.inFlight = false;
        this.addresses = msg.addresses;
        this.expiresUs = ctx.now + (msg.addresses > 0 ? this.wiring.ttlUs : this.wiring.negativeTtlUs);
        for (const pool of this.waiters) ctx.send(pool, { kind: 'resolved', addresses: msg.addresses });
        this.waiters.length = 0;
        this.observe(msg.addresses > 0, ctx);
        return;
      default:
        unexpected(msg);
    }
  }

  report(): unknown {
    return {
      unavailableFrom: this.unavailableFromUs === null ? null : usToSeconds(this.unavailableFromUs),
      availableAgainAt: this.availableAgainUs === null ? null : usToSeconds(this.availableAgainUs),
      availableAtEnd: this.available,
      flips: this.flips,
    };
  }

  private observe(available: boolean, ctx: ResolverCtx): void {
    if (available === this.available) return;
    this.available = available;
    this.flips++;
    if (!available && this.unavailableFromUs === null) this.unavailableFromUs = ctx.now;
    if (available && this.availableAgainUs === null) this.availableAgainUs = ctx.now;
    const note: DynamoAvailabilityMessage = { kind: 'dynamodb-availability', available, resolver: this.wiring.index };
    for (const to of this.wiring.subscribers) ctx.send(to, note);
  }
}
