// `us-east-1-2025-10-20`: the whole cascade of 19–20 October 2025 (INCIDENT.md) — the DNS race
// empties DynamoDB's regional record, leases lapse, DWFM collapses when DynamoDB returns, the
// operator throttles and restarts DWFM, Network Manager's backlog delays connectivity, NLB health
// checks flap and AZ failover removes capacity until the operator turns it off. t = 0 is 11:00 PM
// PDT; defaults are calibrated in packages/scenarios/CALIBRATION.md. Switches and policies make it a what-if.
import type { ScenarioDef } from './registry.js';
import { TIMETABLE_KEYS, US_EAST_1_OFFICIAL, US_EAST_1_OFFICIAL_PHASES } from './us-east-1-operator.js';
import { US_EAST_1 } from './us-east-1-constants.js';
import { usEast1Schema, type UsEast1Config } from './us-east-1-schema.js';
import { buildUsEast1 } from './us-east-1-wiring.js';

export { US_EAST_1, US_EAST_1_DROPLETS_PER_HOST, US_EAST_1_RATE_UNIT_DROPLETS } from './us-east-1-constants.js';
export { toUsEast1Params, type UsEast1Params } from './us-east-1-params.js';
export { timeToRecovery, type Phase } from './us-east-1-phases.js';
export { usEast1Schema, type UsEast1Config } from './us-east-1-schema.js';
export { buildUsEast1 } from './us-east-1-wiring.js';
export { US_EAST_1_OFFICIAL };

export const usEast1Scenario: ScenarioDef<UsEast1Config> = {
  name: US_EAST_1,
  description: 'the whole us-east-1 cascade of 19–20 October 2025 (DNS race -> DWFM collapse -> Network Manager backlog -> NLB flapping); switches and policies make it a what-if',
  schema: usEast1Schema,
  fleetKey: 'fleet.droplets',
  keyRequires: Object.fromEntries(TIMETABLE_KEYS.map((k) => [`operator.${k}`, ['operator.mode=timetable']])),
  official: US_EAST_1_OFFICIAL_PHASES,
  build: buildUsEast1,
  // Peaks of the whole 16 h on one thread (benchmarks/README.md, "Memory guard"): 248 MB at 5e4
  // droplets, 291 MB at 2e5, 567 MB at 1e6: about 230 MB of Node and kernel, 340 B per droplet.
  estimateMemoryBytes: (c) => 230e6 + c.fleet.droplets * 340,
  // A thread per 50,000 droplets, up to the cores. Each of the 57,600 one-second windows then has
  // enough work to pay for the exchange: on 2 cores (benchmarks/README.md, 2026-12-01) 2 threads ran
  // 50,000 droplets 0.94-1.10x as fast as 1 (about even), 100,000 1.34-1.45x and 200,000 1.80x.
  threadsFor: (c, cores) => Math.max(1, Math.min(cores, Math.floor(c.fleet.droplets / 50_000))),
};
