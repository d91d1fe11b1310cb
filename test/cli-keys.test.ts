// End-to-end: `cascade keys` lists every key the scenario's schema accepts, with its default,
// unit, allowed values and meaning, for every built-in scenario.
import { SCENARIOS, resolveConfig } from '@cascade/scenarios';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../packages/cli/bin/cascade.js', import.meta.url));

function cascade(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Dotted leaf keys of a resolved config: values that are not nested objects (lists and nulls are leaves). */
function leaves(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leaves(v, prefix === '' ? k : `${prefix}.${k}`, out);
  } else {
    out.set(prefix, value);
  }
  return out;
}

interface KeyEntry {
  key: string;
  default: unknown;
  unit: string | null;
  list: boolean;
  accepts: { type: string }[];
  allowed: string;
  description: string | null;
  requires: string[];
}

for (const [name, def] of SCENARIOS) {
  test(`cascade keys --json lists exactly the keys of the resolved ${name} config, with their defaults`, () => {
    const r = cascade('keys', '--scenario', name, '--json');
    assert.equal(r.code, 0, r.stderr);
    const listed = JSON.parse(r.stdout) as { scenario: string; keys: KeyEntry[] };
    assert.equal(listed.scenario, name);
    const config = leaves(resolveConfig(def, {}));
    // keys that need another setting (a timetable time needs operator.mode=timetable) take their default in it
    for (const [key, requires] of Object.entries(def.keyRequires ?? {})) {
      assert.equal(config.has(key), false, `${key} is absent without ${requires.join(' ')}`);
      config.set(key, leaves(resolveConfig(def, { sets: [...requires] })).get(key));
    }
    assert.deepEqual(listed.keys.map((k) => k.key).sort(), [...config.keys()].sort());
    for (const k of listed.keys) {
      assert.deepEqual(k.default, config.get(k.key), k.key);
      assert.deepEqual(k.requires, def.keyRequires?.[k.key] ?? [], k.key);
      assert.ok(k.allowed.length > 0, k.key);
      assert.ok(k.accepts.length > 0, k.key);
    }
  });
}

test('cascade keys --json gives durations the unit s and enums their values', () => {
  const r = cascade('keys', '--scenario', 'lease-storm', '--json');
  assert.equal(r.code, 0, r.stderr);
  const keys = new Map((JSON.parse(r.stdout).keys as KeyEntry[]).map((k) => [k.key, k]));
  assert.equal(keys.get('lease.attemptTimeout')?.unit, 's');
  assert.equal(keys.get('lease.attemptTimeout')?.default, 30);
  assert.equal(keys.get('fleet.droplets')?.unit, null);
  assert.deepEqual(keys.get('policy.queue')?.accepts, [{ type: 'enum', values: ['fifo', 'lifo', 'drop-expired'] }]);
  assert.equal(keys.get('operator.restartAt')?.list, true);
});

test('cascade keys prints one row per key: default, unit, allowed values and meaning', () => {
  const r = cascade('keys', '--scenario', 'lease-storm');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\nlease\.attemptTimeout +30 s +s +duration > 0 s +an attempt not done this long after it was sent times out/);
  assert.match(r.stdout, /\nfleet\.droplets +100,000 +whole number 1\.\.2,147,483,647 +droplets \(N\)/);
  assert.match(r.stdout, /\npolicy\.queue +fifo +fifo \| lifo \| drop-expired +/);
});

test('cascade keys spells a "none" time of the default scenario as never, the word --set takes', () => {
  const r = cascade('keys');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^us-east-1-2025-10-20: \d+ keys/);
  assert.match(r.stdout, /\noperator\.throttleAt +5 h 14 min +s +duration [^|\n]+\| never +.*\(with operator\.mode=timetable\)/);
});
