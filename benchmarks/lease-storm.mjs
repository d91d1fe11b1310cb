#!/usr/bin/env node
// lease-storm on one thread (runSingle): wall time, events, events/s and peak RSS for one fleet
// size. The figure to watch while optimising the fleet's hot path; `cascade bench` measures threads.
//   node benchmarks/lease-storm.mjs [--fleet 1e5] [--set key=value ...] [--cpu-prof]
import { runSingle } from '@cascade/kernel';
import { leaseStormScenario, resolveConfig } from '@cascade/scenarios';

const args = process.argv.slice(2);
let fleet = '1e5';
const sets = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--fleet') fleet = args[++i];
  else if (args[i] === '--set') sets.push(args[++i]);
  else {
    process.stderr.write(`unknown argument ${args[i]}\nusage: node benchmarks/lease-storm.mjs [--fleet N] [--set key=value ...]\n`);
    process.exit(2);
  }
}
const config = resolveConfig(leaseStormScenario, { fleet, sets });
let peakRss = process.memoryUsage().rss;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const model = leaseStormScenario.build(config);
const out = runSingle(model, { sliceEvents: 2_000_000, onProgress: () => { peakRss = Math.max(peakRss, process.memoryUsage().rss); } });
const wallSeconds = (performance.now() - t0) / 1000;
const cpuSeconds = process.cpuUsage(cpu0).user / 1e6;
peakRss = Math.max(peakRss, process.memoryUsage().rss);
const leases = out.summary.leases;
const row = {
  fleet: config.fleet.droplets,
  wallSeconds: Number(wallSeconds.toFixed(2)),
  cpuSeconds: Number(cpuSeconds.toFixed(2)),
  events: out.events,
  eventsPerSecond: Math.round(out.events / wallSeconds),
  peakRssBytes: peakRss,
  rssBytesPerDroplet: Math.round(peakRss / config.fleet.droplets),
  collapsed: leases.collapsed,
  recoveredAt: leases.recoveredAt,
  digest: out.digest.slice(0, 16),
};
console.table([row]);
