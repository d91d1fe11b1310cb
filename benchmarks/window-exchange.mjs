#!/usr/bin/env node
// The cost of one window exchange between local hosts: PHOLD with two LPs and a 1 ms lookahead
// does almost no work per window, so the wall time per window is the exchange (mailboxes,
// barrier, batch coding). Two durations, so start-up cancels out: (wall2 - wall1) / (windows2 - windows1).
//   node benchmarks/window-exchange.mjs [--threads 2] [--repeat 3]
import { simulate } from '@cascade/runtime';
import { pholdScenario, resolveConfig } from '@cascade/scenarios';

const args = process.argv.slice(2);
let threads = 2;
let repeat = 3;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--threads') threads = Number(args[++i]);
  else if (args[i] === '--repeat') repeat = Number(args[++i]);
  else {
    process.stderr.write(`unknown argument ${args[i]}\nusage: node benchmarks/window-exchange.mjs [--threads T] [--repeat K]\n`);
    process.exit(2);
  }
}
const modelModule = import.meta.resolve('@cascade/scenarios');
const run = async (duration) => {
  const config = resolveConfig(pholdScenario, { sets: ['phold.lps=2', 'phold.lookahead=1ms', 'phold.mean=1ms', `duration=${duration}`] });
  const r = await simulate({ modelModule, scenario: 'phold', config, threads });
  return { wall: r.wallSeconds, windows: r.windows };
};
for (let k = 0; k < repeat; k++) {
  const short = await run(20);
  const long = await run(200);
  const us = ((long.wall - short.wall) / (long.windows - short.windows)) * 1e6;
  console.log(`threads ${threads}: ${long.windows - short.windows} more windows in ${(long.wall - short.wall).toFixed(2)} s: ${us.toFixed(1)} µs per window`);
}
