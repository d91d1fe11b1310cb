// The balanced placement of the us-east-1 scenario: a window lasts as long as its busiest partition,
// and shards that send renewals ahead do many ticks of work in the same window, so the fleet splits
// evenly and the DNS control plane joins the lighter side; without renewals sent ahead the weights
// are the totals, and the control plane takes the place of several hosts.
import { placeActors, type Model } from '@cascade/kernel';
import { resolveConfig, scenarioDef } from '@cascade/scenarios';
import assert from 'node:assert/strict';
import { test } from 'node:test';

function split(sets: string[]): { hosts: number[]; controlPlane: number } {
  const def = scenarioDef('us-east-1-2025-10-20');
  const model: Model = def.build(resolveConfig(def, { fleet: '50000', sets }));
  const owner = placeActors(model, 2, 'balanced');
  const hosts = [0, 0];
  let controlPlane = -1;
  for (let a = 0; a < model.actorCount; a++) {
    const kind = model.kinds[model.kindOf(a)];
    const p = owner[a] as number;
    if (kind === 'dwfm-host') hosts[p] = (hosts[p] as number) + 1;
    if (kind === 'route53') controlPlane = p;
  }
  return { hosts, controlPlane };
}

test('with renewals sent ahead, the fleet splits evenly and the control plane joins the side with fewer hosts', () => {
  const { hosts, controlPlane } = split([]);
  assert.equal((hosts[0] as number) + (hosts[1] as number), 15);
  assert.ok(Math.abs((hosts[0] as number) - (hosts[1] as number)) <= 1, `hosts per partition ${hosts.join(' / ')}`);
  assert.ok((hosts[controlPlane] as number) <= (hosts[1 - controlPlane] as number), `control plane with ${hosts[controlPlane]} of ${hosts.join(' / ')} hosts`);
});

test('with every renewal at its own tick, the control plane weighs several hosts', () => {
  const { hosts, controlPlane } = split(['lease.renewAhead=0']);
  assert.ok((hosts[1 - controlPlane] as number) - (hosts[controlPlane] as number) >= 3, `control plane with ${hosts[controlPlane]} of ${hosts.join(' / ')} hosts`);
});
