#!/usr/bin/env node
// Checks the calibration of us-east-1-2025-10-20: runs the default replay at each fleet size and
// prints every official time of the night beside the simulated one (and whether it lands within
// 15 minutes). Usage: node benchmarks/calibration.mjs [FLEET ...] [-- --set key=value ...]
//   node benchmarks/calibration.mjs 5e4 2e5
import { runSingle } from '@cascade/kernel';
import { US_EAST_1_OFFICIAL as O, resolveConfig, usEast1Scenario } from '@cascade/scenarios';

const dash = process.argv.indexOf('--');
const fleets = (dash === -1 ? process.argv.slice(2) : process.argv.slice(2, dash)).filter((a) => a !== '');
const sets = dash === -1 ? [] : process.argv.slice(dash + 1).filter((a) => a !== '--set');
const TOLERANCE_S = 900;

/** `2:25 AM` for seconds after 11:00 PM. */
function clock(t) {
  if (t === null || t === undefined) return 'never';
  const minutes = Math.round(t / 60) + 23 * 60;
  const h = Math.floor(minutes / 60) % 24;
  return `${((h + 11) % 12) + 1}:${String(minutes % 60).padStart(2, '0')} ${h >= 12 ? 'PM' : 'AM'}`;
}

let allLanded = true;
for (const fleet of fleets.length === 0 ? ['5e4'] : fleets) {
  const started = Date.now();
  const config = resolveConfig(usEast1Scenario, { fleet, sets });
  const out = runSingle(usEast1Scenario.build(config));
  const s = out.summary;
  const phase = (name) => s.phases.find((p) => p.name === name);
  const act = (name) => s.operator.actions.find((a) => a.action === name);
  const rows = [
    ['DNS record empty', O.dnsEmpty, s.dns.emptyRecordAt, 'faults.enactorStall (the race itself)'],
    ['DNS restored', O.dnsRestored, s.dns.restoredAt, act('repair-dns')?.trigger],
    ['throttles and DWFM restarts', O.operatorDwfm, act('restart-dwfm')?.at, act('restart-dwfm')?.trigger],
    ['leases back (99%)', O.leasesBack, s.leases.recoveredAt, 'operator.dwfmThrottleRate after the restarts'],
    ['NLB health checks failing', O.nlbFailing, phase('nlb')?.start, 'propagation delay > nlb.initialGrace once reconciliation starts'],
    ['network propagation impaired', O.networkImpaired, phase('network')?.start, 'delay > network.impairedDelay (reconcileRate vs rate)'],
    ['failover off', O.nlbFailoverOff, act('failover-off')?.at, act('failover-off')?.trigger],
    ['network normal', O.networkNormal, s.network.clearedAt, 'the backlog drains to network.normalDelay'],
    ['throttles relaxed', O.throttlesRelaxed, act('relax-throttles')?.at, act('relax-throttles')?.trigger],
    ['failover on, NLB stable', O.nlbStable, s.nlb.stableAt, act('failover-on')?.trigger],
  ];
  process.stdout.write(`\nus-east-1-2025-10-20, ${s.fleet.droplets.toLocaleString('en-US')} droplets, seed ${config.seed} (${((Date.now() - started) / 1000).toFixed(0)} s wall)\n`);
  process.stdout.write(`${'time'.padEnd(30)} ${'official'.padEnd(9)} ${'simulated'.padEnd(10)} ${'off by'.padEnd(8)} ok\n`);
  for (const [what, official, got] of rows) {
    const off = typeof got === 'number' ? got - official : null;
    const ok = off !== null && Math.abs(off) <= TOLERANCE_S;
    allLanded &&= ok;
    const offText = off === null ? '-' : `${off >= 0 ? '+' : '-'}${Math.round(Math.abs(off) / 60)} min`;
    process.stdout.write(`${what.padEnd(30)} ${clock(official).padEnd(9)} ${clock(got).padEnd(10)} ${offText.padEnd(8)} ${ok ? 'yes' : 'NO'}\n`);
  }
  process.stdout.write(`time to recovery ${s.timeToRecovery} s; digest ${out.digest.slice(0, 12)}\n`);
}
process.exit(allLanded ? 0 : 1);
