// The platform owns the links: a send takes its delay from the link the assembly declared between
// the two actors' kinds, and the lookahead is derived from the links that join placement groups.
import { ModelAssembly, runSingle, type Actor, type Context, type Message } from '@cascade/kernel';
import assert from 'node:assert/strict';
import { test } from 'node:test';

interface Ping extends Message {
  readonly kind: 'ping';
}

/** Sends one ping to `to` at t = 0 (after `holdUs`), and records when pings arrive. */
class Pinger implements Actor<Ping> {
  readonly arrivedUs: number[] = [];

  constructor(
    private readonly to: number | null,
    private readonly holdUs = 0,
  ) {}

  init(ctx: Context<Ping>): void {
    if (this.to === null) return;
    if (this.holdUs > 0) ctx.sendAfter(this.holdUs, this.to, { kind: 'ping' });
    else ctx.send(this.to, { kind: 'ping' });
  }

  receive(msg: Ping, ctx: Context<Ping>): void {
    this.arrivedUs.push(ctx.now);
  }

  report(): number[] {
    return this.arrivedUs;
  }
}

function twoKinds(latencyUs: number | null, holdUs = 0): { arrivedUs: unknown; lookaheadUs: number } {
  const assembly = new ModelAssembly({ scenario: 'links', seed: 1, endUs: 10_000_000, sampleIntervalUs: 1_000_000 });
  const groups = assembly.newGroups(2);
  const b = assembly.addActors(1, { kind: 'client', name: () => 'client', group: () => groups, create: () => new Pinger(1, holdUs) });
  assembly.addActors(1, { kind: 'server', name: () => 'server', group: () => groups + 1, create: () => new Pinger(null) });
  if (latencyUs !== null) assembly.link('client', 'server', latencyUs);
  assembly.summarize((input) => ({ arrivedUs: input.reports[b.first + 1] }));
  const model = assembly.build();
  return { arrivedUs: runSingle(model).summary['arrivedUs'], lookaheadUs: model.lookaheadUs };
}

test('a send arrives after the latency of the link between the kinds, plus the sender\'s own hold', () => {
  assert.deepEqual(twoKinds(250_000), { arrivedUs: [250_000], lookaheadUs: 250_000 });
  assert.deepEqual(twoKinds(250_000, 1_000).arrivedUs, [251_000]);
});

test('a send between kinds with no declared link is a model error naming both kinds', () => {
  assert.throws(() => twoKinds(null), /no link between kinds 'client' and 'server'/);
});

test('a zero-latency link across placement groups fails at the send, below the lookahead', () => {
  assert.throws(() => twoKinds(0), /another placement group/);
});

test('one link declared twice with two latencies is refused', () => {
  const assembly = new ModelAssembly({ scenario: 'links', seed: 1, endUs: 1_000, sampleIntervalUs: 1_000 });
  assembly.link('a', 'b', 5);
  assert.throws(() => assembly.link('b', 'a', 6), /declared twice/);
});
