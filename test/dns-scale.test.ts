// The DNS model at fleet sizes: per-endpoint state is typed arrays and plans are shared, so the
// timeline does not depend on the number of endpoints and memory grows by bytes per endpoint.
import { runSingle } from '@cascade/kernel';
import { dnsRaceScenario, resolveConfig } from '@cascade/scenarios';
import assert from 'node:assert/strict';
import { test } from 'node:test';

function run(endpoints: number) {
  const config = resolveConfig(dnsRaceScenario, { fleet: String(endpoints), sets: ['duration=1h'] });
  return runSingle(dnsRaceScenario.build(config));
}

test('20,000 endpoints replay the race on the same timeline as 300', () => {
  const small = run(300);
  const large = run(20_000);
  const dnsSmall = small.summary['dns'] as { emptyRecordAt: number | null; endpoints: number };
  const dnsLarge = large.summary['dns'] as { emptyRecordAt: number | null; endpoints: number; route53: { applied: number } };
  assert.equal(dnsLarge.endpoints, 20_001);
  assert.ok(dnsLarge.emptyRecordAt !== null);
  assert.equal(dnsLarge.emptyRecordAt, dnsSmall.emptyRecordAt);
  // Kernel events do not grow with the endpoint count: a step is one lock and one commit.
  assert.equal(large.events, small.events);
  // ... but every endpoint gets its own transaction in every pass.
  assert.ok(dnsLarge.route53.applied > 20_000 * 3 * 100, `applied ${dnsLarge.route53.applied}`);
});
