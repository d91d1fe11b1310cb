// npm test's runner: the test files that check how fast cascade reacts (a signal, a lost worker
// or host) run on their own, after the rest, which run as many at a time as there are cores (none
// of them times anything, so sharing the cores cannot fail them). On a 2-core machine, one file
// at a time, the tests took 14.7 min; this way 8.9 min for the shared part and 1.6 min alone.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const ALONE = new Set(['interrupt.test.ts', 'cluster-jobs.test.ts', 'cluster-hosts.test.ts']);
const files = readdirSync('test').filter((f) => f.endsWith('.test.ts')).sort();
const missing = [...ALONE].filter((f) => !files.includes(f));
if (missing.length > 0) {
  console.error(`scripts/test.mjs: ${missing.join(', ')} not found in test/ (update ALONE)`);
  process.exit(2);
}
const run = (concurrency, names) =>
  spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...names.map((f) => `test/${f}`)], { stdio: 'inherit' });

const shared = run(availableParallelism(), files.filter((f) => !ALONE.has(f)));
const alone = run(1, files.filter((f) => ALONE.has(f)));
for (const r of [shared, alone]) if (r.signal !== null) process.kill(process.pid, r.signal);
process.exit(shared.status !== 0 || alone.status !== 0 ? 1 : 0);
