// The stated bound of every growable buffer of the fleet model: a scenario that needs more fails
// with an error naming the buffer and what to change, instead of growing until memory runs out.

/** Entries of one buffer (a host's queue, a shard's lease history, an NLB's pending targets): 2^27, 1 GiB of Float64. */
export const BUFFER_ENTRIES_MAX = 2 ** 27;

/** The next capacity of a buffer full at `capacity`, or an error naming the buffer and the keys to change. */
export function grownCapacity(capacity: number, buffer: string, advice: string): number {
  const next = Math.min(capacity * 2, BUFFER_ENTRIES_MAX);
  if (next <= capacity) throw new Error(`${buffer} holds ${capacity} entries, its bound (BUFFER_ENTRIES_MAX): ${advice}`);
  return next;
}

/** What to change when a DWFM host's queue hits its bound. */
export const HOST_QUEUE_ADVICE = 'spread the droplets over more DWFM hosts (fleet.dwfmHosts / fleet.dwfmHostsPerAz), cap the queue (policy.throttle.queueCap) or shorten the run (duration)';
