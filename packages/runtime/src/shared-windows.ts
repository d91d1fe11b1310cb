// The window loop on shared memory, for partition hosts on worker threads of one process. Hosts
// run the loop themselves: each runs its window, leaves its outgoing batch for every other host in
// a mailbox (a SharedArrayBuffer per ordered pair of hosts), publishes the earliest time it still
// holds, and meets the others at a barrier (Atomics.wait/notify after a spin). After the
// barrier every host reads the same published times and so computes the same next window; nobody
// waits for the coordinator, which only watches (progress, interrupts, checkpoints, failures).
//
// Mailboxes and published times are double-buffered by window parity: a host writes the slots of
// window w + 1 while the others may still read those of window w, and it cannot reach window w + 2
// (the same slots again) before every host has passed the barrier of w + 1, that is, has read w.
// A batch too big for its mailbox goes over the pair's MessagePort instead; it is in the
// receiver's port queue as soon as postMessage returns, so after the barrier it is read without
// waiting (receiveMessageOnPort).
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

/** What a host needs to take part: built by the coordinator, shared with every worker. */
export interface SharedWindowsSetup {
  readonly control: SharedArrayBuffer;
  readonly partitions: number;
  /** Bytes of one mailbox slot. */
  readonly mailboxBytes: number;
  /** outboxes[j]: this host's mailbox to host j (null for itself). */
  readonly outboxes: readonly (SharedArrayBuffer | null)[];
  /** inboxes[j]: host j's mailbox to this host (null for itself). */
  readonly inboxes: readonly (SharedArrayBuffer | null)[];
  /** Ports for batches that do not fit a mailbox, to and from each other host. */
  readonly sendPorts: readonly (MessagePort | null)[];
  readonly receivePorts: readonly (MessagePort | null)[];
}

// Int32 words of the control block.
const COUNT = 0; // hosts arrived at the barrier
const GENERATION = 1; // barriers passed
const ABORT = 2; // set by the coordinator: stop at the next barrier
const BROKEN = 3; // set when a host failed or was lost: nobody waits any more
const FAILED = 4; // 1 + index of the first host that failed
const DECISION = 5; // [5 + parity]: the abort flag as the last host to arrive saw it
const HEADER_BYTES = 64;
// Float64 slots after the header: next[parity][host], then per host (events, nowUs), then the
// windows run and the current window's start.

/** Mailbox slot header: the byte length of the batch in it, 0 for none, ON_PORT for too big. */
const SLOT_HEADER = 8;
const ON_PORT = -1;
/**
 * Barrier polls before sleeping when hosts outnumber cores, adapted to how the last waits went: a
 * peer that arrives within the spin saves a sleep and a wake-up, but there spinning takes time
 * from the peer being waited for.
 */
const SPIN_MIN = 16;
const SPIN_MAX = 16_384;
/**
 * When every host has a core of its own, a host spins this long before it sleeps. Spinning then
 * costs no host any time, while a sleep costs a wake-up, and on a virtual machine whose idle core
 * the hypervisor takes back that is about a millisecond (measured: 1.1 ms at the 99th percentile of
 * the us-east-1 scenario's waits at 200,000 droplets, when the spin was 1 ms). Nearly every wait
 * there is shorter than this (the longest windows' imbalance, a few ms); a peer in a long garbage
 * collection is the one to sleep through, and it leaves a spinner its core for no more than this.
 */
const OWN_CORE_SPIN_MS = 20;
/** Polls between looks at the clock while spinning on a core of one's own. */
const CLOCK_EVERY = 256;
/** The longest sleep between looks at the broken flag, in ms. */
const WAIT_MS = 100;

export const DEFAULT_MAILBOX_BYTES = 1 << 20;

export function controlBytes(partitions: number): number {
  return HEADER_BYTES + 8 * (4 * partitions + 2);
}

export function mailboxBufferBytes(mailboxBytes: number): number {
  return 2 * (SLOT_HEADER + mailboxBytes);
}

/** A host's peer failed or was lost while this one waited at the barrier. */
export class PeerFailure extends Error {
  override readonly name = 'PeerFailure';
}

/** The coordinator's view of the control block: watch, interrupt, break. */
export class WindowsMonitor {
  private readonly words: Int32Array;
  private readonly slots: Float64Array;

  constructor(
    control: SharedArrayBuffer,
    private readonly partitions: number,
  ) {
    this.words = new Int32Array(control, 0, HEADER_BYTES / 4);
    this.slots = new Float64Array(control, HEADER_BYTES);
  }

  /** Hosts stop at the next barrier. */
  requestAbort(): void {
    Atomics.store(this.words, ABORT, 1);
  }

  /** Releases every host waiting at the barrier: they fail with a PeerFailure. */
  breakBarrier(): void {
    Atomics.store(this.words, BROKEN, 1);
    Atomics.notify(this.words, GENERATION);
  }

  /** Index of the first host that failed, or undefined. */
  failedHost(): number | undefined {
    const f = Atomics.load(this.words, FAILED);
    return f === 0 ? undefined : f - 1;
  }

  progress(): { events: number; nowUs: number; windows: number; windowStartUs: number } {
    let events = 0;
    let nowUs = Infinity;
    const stats = 2 * this.partitions;
    for (let i = 0; i < this.partitions; i++) {
      events += this.slots[stats + 2 * i] as number;
      nowUs = Math.min(nowUs, this.slots[stats + 2 * i + 1] as number);
    }
    const at = 4 * this.partitions;
    return { events, nowUs, windows: this.slots[at] as number, windowStartUs: this.slots[at + 1] as number };
  }
}

/** One host's side: the barrier, its mailboxes, and the published times. */
export class SharedWindows {
  readonly partitions: number;
  private readonly words: Int32Array;
  private readonly slots: Float64Array;
  private readonly outSlots: (Int32Array | null)[];
  private readonly outBytes: (Uint8Array | null)[];
  private readonly inSlots: (Int32Array | null)[];
  private readonly inBytes: (Uint8Array | null)[];
  private readonly slotStride: number;
  /** Every host has a core of its own: spin by the clock, not by the adapted count. */
  private readonly ownCore: boolean;
  private spin = 1_024;

  constructor(
    private readonly setup: SharedWindowsSetup,
    private readonly index: number,
  ) {
    this.partitions = setup.partitions;
    this.ownCore = setup.partitions <= availableParallelism();
    this.words = new Int32Array(setup.control, 0, HEADER_BYTES / 4);
    this.slots = new Float64Array(setup.control, HEADER_BYTES);
    this.slotStride = SLOT_HEADER + setup.mailboxBytes;
    this.outSlots = setup.outboxes.map((b) => (b === null ? null : new Int32Array(b)));
    this.outBytes = setup.outboxes.map((b) => (b === null ? null : new Uint8Array(b)));
    this.inSlots = setup.inboxes.map((b) => (b === null ? null : new Int32Array(b)));
    this.inBytes = setup.inboxes.map((b) => (b === null ? null : new Uint8Array(b)));
  }

  abortRequested(): boolean {
    return Atomics.load(this.words, ABORT) !== 0;
  }

  publishStats(events: number, nowUs: number): void {
    const stats = 2 * this.partitions;
    this.slots[stats + 2 * this.index] = events;
    this.slots[stats + 2 * this.index + 1] = nowUs;
  }

  /** Every host knows the same windows; the last to leave the barrier writes them for everyone. */
  publishWindow(windows: number, windowStartUs: number): void {
    const at = 4 * this.partitions;
    this.slots[at] = windows;
    this.slots[at + 1] = windowStartUs;
  }

  /** Leaves `bytes` (or nothing, when null) for host `to` in the slot of this parity. */
  post(to: number, parity: number, bytes: Uint8Array | null): void {
    const words = this.outSlots[to] as Int32Array;
    const at = (parity * this.slotStride) / 4;
    if (bytes === null) {
      words[at] = 0;
    } else if (bytes.byteLength <= this.setup.mailboxBytes) {
      (this.outBytes[to] as Uint8Array).set(bytes, parity * this.slotStride + SLOT_HEADER);
      words[at] = bytes.byteLength;
    } else {
      (this.setup.sendPorts[to] as MessagePort).postMessage(bytes, [bytes.buffer as ArrayBuffer]);
      words[at] = ON_PORT;
    }
  }

  /** The batch host `from` left for this host in the slot of this parity, or null. */
  take(from: number, parity: number): Uint8Array | null {
    const at = parity * this.slotStride;
    const length = (this.inSlots[from] as Int32Array)[at / 4] as number;
    if (length === 0) return null;
    if (length === ON_PORT) {
      const received = receiveMessageOnPort(this.setup.receivePorts[from] as MessagePort);
      if (received === undefined) throw new Error(`batch from partition ${from} missing from its port`);
      return received.message as Uint8Array;
    }
    return (this.inBytes[from] as Uint8Array).slice(at + SLOT_HEADER, at + SLOT_HEADER + length);
  }

  publishNext(parity: number, nextUs: number): void {
    this.slots[parity * this.partitions + this.index] = nextUs;
  }

  /** The earliest time any host published for this parity: the next window's start. */
  globalNext(parity: number): number {
    let min = Infinity;
    const base = parity * this.partitions;
    for (let i = 0; i < this.partitions; i++) min = Math.min(min, this.slots[base + i] as number);
    return min;
  }

  /**
   * Waits until every host has arrived; returns the abort decision every host sees the same way.
   * Throws a PeerFailure when the barrier was broken.
   */
  arrive(parity: number): boolean {
    const words = this.words;
    const generation = Atomics.load(words, GENERATION);
    if (Atomics.add(words, COUNT, 1) === this.partitions - 1) {
      Atomics.store(words, COUNT, 0);
      Atomics.store(words, DECISION + parity, Atomics.load(words, ABORT));
      Atomics.add(words, GENERATION, 1);
      Atomics.notify(words, GENERATION);
    } else if (this.ownCore) {
      let spins = 0;
      let until = 0;
      while (Atomics.load(words, GENERATION) === generation) {
        if (Atomics.load(words, BROKEN) !== 0) throw this.peerFailure();
        if (++spins % CLOCK_EVERY !== 0) continue;
        const now = performance.now();
        if (until === 0) until = now + OWN_CORE_SPIN_MS;
        else if (now > until) Atomics.wait(words, GENERATION, generation, WAIT_MS);
      }
    } else {
      let spins = 0;
      while (Atomics.load(words, GENERATION) === generation) {
        if (Atomics.load(words, BROKEN) !== 0) throw this.peerFailure();
        if (++spins > this.spin) Atomics.wait(words, GENERATION, generation, WAIT_MS);
      }
      this.spin = spins > this.spin ? Math.max(SPIN_MIN, this.spin >> 1) : Math.min(SPIN_MAX, this.spin << 1);
    }
    if (Atomics.load(words, BROKEN) !== 0) throw this.peerFailure();
    return Atomics.load(words, DECISION + parity) !== 0;
  }

  /** This host failed: record it (first one wins) and release everyone waiting. */
  fail(): void {
    Atomics.compareExchange(this.words, FAILED, 0, this.index + 1);
    Atomics.store(this.words, BROKEN, 1);
    Atomics.notify(this.words, GENERATION);
  }

  private peerFailure(): PeerFailure {
    const failed = Atomics.load(this.words, FAILED);
    return new PeerFailure(failed === 0 ? 'the run was stopped' : `partition ${failed - 1} failed`);
  }
}

/** Builds the shared blocks and ports for `partitions` hosts; setups[i] goes to host i. */
export function createSharedWindows(
  partitions: number,
  mailboxBytes: number,
  channel: () => { port1: MessagePort; port2: MessagePort },
): { control: SharedArrayBuffer; setups: SharedWindowsSetup[]; ports: MessagePort[] } {
  const control = new SharedArrayBuffer(controlBytes(partitions));
  const boxes: (SharedArrayBuffer | null)[][] = [];
  const send: (MessagePort | null)[][] = [];
  const receive: (MessagePort | null)[][] = [];
  const ports: MessagePort[] = [];
  for (let i = 0; i < partitions; i++) {
    boxes.push([]);
    send.push([]);
    receive.push(new Array<MessagePort | null>(partitions).fill(null));
  }
  for (let i = 0; i < partitions; i++) {
    for (let j = 0; j < partitions; j++) {
      if (i === j) {
        (boxes[i] as (SharedArrayBuffer | null)[]).push(null);
        (send[i] as (MessagePort | null)[]).push(null);
        continue;
      }
      (boxes[i] as (SharedArrayBuffer | null)[]).push(new SharedArrayBuffer(mailboxBufferBytes(mailboxBytes)));
      const { port1, port2 } = channel();
      (send[i] as (MessagePort | null)[]).push(port1);
      (receive[j] as (MessagePort | null)[])[i] = port2;
      ports.push(port1, port2);
    }
  }
  const setups = Array.from({ length: partitions }, (_, i) => ({
    control,
    partitions,
    mailboxBytes,
    outboxes: boxes[i] as (SharedArrayBuffer | null)[],
    inboxes: boxes.map((row) => row[i] as SharedArrayBuffer | null),
    sendPorts: send[i] as (MessagePort | null)[],
    receivePorts: receive[i] as (MessagePort | null)[],
  }));
  return { control, setups, ports };
}
