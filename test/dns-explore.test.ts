// The DNS explorer's pieces: exploration configs, first violations, traces that replay exactly.
import { RACE_EVENTS_MAX, exploreBase, exploreConfig, exploreSeed, firstViolation, recordRace, replay, type DnsTrace } from '@cascade/scenarios';
import assert from 'node:assert/strict';
import { test } from 'node:test';

const base = exploreBase({ sets: ['duration=1h', 'dns.endpoints=100'] });

test('an exploration config has the 2025 switches, the given seed and no forced stall', () => {
  const config = exploreConfig(base, 42);
  assert.equal(config.seed, 42);
  assert.equal(config.faults.enactorStall, null);
  assert.deepEqual(config.dns.safety, { versionCheck: 'once', cleanupSparesActive: false, rejectEmpty: false });
  assert.ok(config.dns.enactor.stallProbability > 0, 'delays are randomised');
  assert.throws(() => exploreConfig(base, -1), /whole number/);
});

test('firstViolation picks the earliest violation of the requested invariants', () => {
  const summary = {
    dns: {
      violations: [
        { invariant: 'applied-generation-monotonic', at: 10, detail: 'a' },
        { invariant: 'regional-endpoint-never-empty', at: 20, detail: 'b' },
      ],
    },
  };
  assert.equal(firstViolation(summary)?.at, 10);
  assert.equal(firstViolation(summary, ['regional-endpoint-never-empty'])?.detail, 'b');
  assert.equal(firstViolation({ dns: { violations: [] } }), null);
});

function findTrace(): DnsTrace {
  for (let seed = 1; seed <= 50; seed++) {
    const result = exploreSeed(base, seed);
    if (result.trace !== null) return result.trace;
  }
  throw new Error('no violation in 50 seeds');
}

test('a found violation replays at the same simulated time, also after a JSON round trip', () => {
  const trace = JSON.parse(JSON.stringify(findTrace())) as DnsTrace;
  const result = replay(trace);
  assert.equal(result.ok, true);
  assert.deepEqual(result.actual, trace.violation);
});

test('a replay that misses the recorded violation says so', () => {
  const trace = findTrace();
  const moved: DnsTrace = { ...trace, violation: { ...trace.violation, at: trace.violation.at + 1 } };
  assert.equal(replay(moved).ok, false);
});

test('with every safety switch on, exploration finds no violation', () => {
  const safe = exploreBase({ sets: ['duration=1h', 'dns.endpoints=100', 'dns.safety.versionCheck=atApply', 'dns.safety.cleanupSparesActive=true', 'dns.safety.rejectEmpty=true'] });
  for (let seed = 1; seed <= 20; seed++) assert.equal(exploreSeed(safe, seed).violation, null, `seed ${seed}`);
});

test('recording the race leaves the run as it was: same digest, events bounded, up to just after the violation', () => {
  const trace = findTrace();
  const plain = exploreSeed(base, trace.config.seed);
  const { race, digest } = recordRace(trace.config, trace.violation);
  assert.equal(digest, plain.digest);
  assert.ok(race.events.length > 0 && race.events.length <= RACE_EVENTS_MAX);
  assert.ok(race.events.every((e) => e.t >= race.fromS && e.t <= race.toS));
  const lanes = new Set(race.events.map((e) => e.lane));
  assert.ok([...lanes].some((l) => l.startsWith('dns-enactor-')) && lanes.has('dns-plan-store'), [...lanes].join(', '));
  assert.ok(race.events.some((e) => e.kind === 'write' && e.t2 !== undefined && e.t2 >= e.t));
  assert.deepEqual(recordRace(trace.config, trace.violation).race, race, 'the record is deterministic');
});
