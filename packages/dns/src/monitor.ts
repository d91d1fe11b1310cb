// Invariant monitors: they run inside every run, record violations with the simulated time and
// never stop the run. Route53 feeds them, since it sees intended and applied state together.
import { usToSeconds } from '@cascade/kernel';

export const INVARIANTS = [
  'regional-endpoint-never-empty',
  'active-plan-never-deleted',
  'applied-generation-monotonic',
  'applied-matches-intended',
] as const;
export type Invariant = (typeof INVARIANTS)[number];

export interface Violation {
  readonly invariant: Invariant;
  /** Seconds of simulated time. */
  readonly at: number;
  readonly detail: string;
}

/**
 * Violations kept in full per invariant; past this only the counts grow (a stale pass can break
 * thousands). Per invariant, so routine ones never crowd out a rare one.
 */
export const MAX_VIOLATIONS_KEPT = 25;

export class InvariantMonitor {
  readonly violations: Violation[] = [];
  readonly counts: Record<Invariant, number> = {
    'regional-endpoint-never-empty': 0,
    'active-plan-never-deleted': 0,
    'applied-generation-monotonic': 0,
    'applied-matches-intended': 0,
  };

  violated(invariant: Invariant, atUs: number, detail: string): void {
    this.counts[invariant]++;
    if (this.counts[invariant] <= MAX_VIOLATIONS_KEPT) this.violations.push({ invariant, at: usToSeconds(atUs), detail });
  }
}

/**
 * The "applied matches intended within a bound" monitor for one record: the record must hold a
 * generation at least as new as every plan created more than `maxLagUs` ago. It keeps the plans
 * newer than the applied one in a queue and names the deadline the oldest of them sets.
 */
export class LagMonitor {
  private readonly generations: number[] = [];
  private readonly createdAtUs: number[] = [];
  private head = 0;
  private scheduledFor = -1;
  /** True between a violation and the record catching up, so an episode is reported once. */
  private inViolation = false;

  constructor(private readonly maxLagUs: number) {}

  planned(generation: number, createdAtUs: number): void {
    this.generations.push(generation);
    this.createdAtUs.push(createdAtUs);
  }

  /** The next check to schedule, {generation, atUs}, or null when none is needed or it is already scheduled. */
  nextCheck(appliedGeneration: number): { generation: number; atUs: number } | null {
    while (this.head < this.generations.length && (this.generations[this.head] as number) <= appliedGeneration) this.head++;
    if (this.head > 1024 && this.head * 2 > this.generations.length) {
      this.generations.splice(0, this.head);
      this.createdAtUs.splice(0, this.head);
      this.head = 0;
    }
    if (this.head === this.generations.length) {
      this.inViolation = false;
      return null;
    }
    const generation = this.generations[this.head] as number;
    if (generation === this.scheduledFor) return null;
    this.scheduledFor = generation;
    return { generation, atUs: (this.createdAtUs[this.head] as number) + this.maxLagUs };
  }

  /** At a check's deadline: true iff this starts a violation episode. */
  check(generation: number, appliedGeneration: number): boolean {
    if (appliedGeneration >= generation || this.inViolation) return false;
    this.inViolation = true;
    return true;
  }
}
