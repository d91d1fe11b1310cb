#!/usr/bin/env node
// The README's table of what-ifs: each fix or policy alone against the default replay of
// us-east-1-2025-10-20, with its effect on the whole outage (time to recovery) and on each phase's
// end. Usage: node benchmarks/what-ifs.mjs [FLEET]   (default 5e4, the default scenario's size)
import { runSingle } from '@cascade/kernel';
import { resolveConfig, usEast1Scenario } from '@cascade/scenarios';

const fleet = process.argv[2] ?? '5e4';
const WHAT_IFS = [
  ['dns.safety.versionCheck=atApply'],
  ['policy.queue=drop-expired'],
  ['policy.queue=lifo'],
  ['policy.throttle.queueCap=100'],
  ['policy.backoff.kind=full-jitter', 'policy.backoff.base=10s', 'policy.backoff.cap=10m'],
  ['nlb.velocityControl=0.001'],
  ['operator.dnsRepair.delay=1h'],
  ['operator.enabled=false'],
];

const run = (sets) => runSingle(usEast1Scenario.build(resolveConfig(usEast1Scenario, { fleet, sets }))).summary;
function hm(s) {
  if (s === null) return 'not recovered';
  const minutes = Math.round(s / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
const delta = (a, b) => (a === null || b === null ? '–' : Math.abs(a - b) < 30 ? '0' : `${a < b ? '−' : '+'}${hm(Math.abs(a - b))}`);
const end = (s, name) => s.phases.find((p) => p.name === name)?.end ?? null;
const phaseCell = (s, replay, name) => {
  const p = s.phases.find((x) => x.name === name);
  if (p === undefined) return 'none';
  return p.end === null ? 'never ends' : delta(end(s, name), end(replay, name));
};

const replay = run([]);
const lines = [
  '| what-if (`--set`) | time to recovery | change | DWFM ends | network ends | NLB ends | operator restarted DWFM |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  `| replay (defaults) | ${hm(replay.timeToRecovery)} | – | – | – | – | yes |`,
];
for (const sets of WHAT_IFS) {
  const s = run(sets);
  const restarted = s.operator.actions.some((a) => a.action === 'restart-dwfm') ? 'yes' : 'no';
  lines.push(
    `| \`${sets.join(' ')}\` | ${hm(s.timeToRecovery)} | ${delta(s.timeToRecovery, replay.timeToRecovery)} | ${phaseCell(s, replay, 'dwfm')} | ${phaseCell(s, replay, 'network')} | ${phaseCell(s, replay, 'nlb')} | ${restarted} |`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
