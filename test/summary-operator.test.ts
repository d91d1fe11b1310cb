// Every summary says who acted on the run (CONTRACT additions of 2026-11-30): the scenarios with
// a timetable list its actions, a scenario without an operator has none.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../packages/cli/bin/cascade.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'cascade-operator-'));

function summary(name: string, ...args: string[]) {
  const out = join(scratch, name);
  const r = spawnSync(process.execPath, [CLI, 'run', '--no-report', '--quiet', '--out', out, ...args], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
}

test('lease-storm lists the restarts of operator.restartAt as timetable actions', () => {
  const s = summary('storm', '--scenario', 'lease-storm', '--fleet', '2000', '--duration', '2h', '--set', 'operator.restartAt=5000,4500');
  assert.deepEqual(s.operator, {
    mode: 'timetable',
    actions: [
      { action: 'restart-dwfm', at: 4500, trigger: 'timetable: operator.restartAt' },
      { action: 'restart-dwfm', at: 5000, trigger: 'timetable: operator.restartAt' },
    ],
  });
});

test('dns-race lists its timetable repair, and phold has nobody acting', () => {
  const dns = summary('dns', '--scenario', 'dns-race', '--duration', '4h');
  assert.deepEqual(dns.operator.actions.map((a: { action: string; at: number }) => [a.action, a.at]), [['repair-dns', 12300]]);
  const phold = summary('phold', '--scenario', 'phold', '--fleet', '500', '--duration', '5');
  assert.deepEqual(phold.operator, { mode: 'timetable', actions: [] });
});
