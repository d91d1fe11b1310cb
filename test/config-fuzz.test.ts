// Property tests: random and mutated scenario files and flags never produce a stack trace —
// every input is accepted or rejected with one line and exit 2.
import { ConfigError, SCENARIOS, resolveConfig, scenarioDef } from '@cascade/scenarios';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

const CLI = fileURLToPath(new URL('../packages/cli/bin/cascade.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'cascade-fuzz-'));

/** A default config of every scenario, as a scenario file would hold it. */
const defaults = [...SCENARIOS.keys()].map((name) => ({ name, config: resolveConfig(scenarioDef(name), {}) as Record<string, unknown> }));

function leafPaths(obj: unknown, prefix: string[] = []): string[][] {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
}

const junk = fc.oneof(
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.double(),
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.constantFrom('30s', '-5s', '1e6', '250k', 'fifo', 'lifo', 'atApply', '', 'NaN', 'Infinity'),
);

const mutation = fc.record({ scenario: fc.nat(defaults.length - 1), pick: fc.nat(), value: junk, extraKey: fc.option(fc.string({ minLength: 1, maxLength: 6 }), { nil: undefined }) });

function mutate(m: { scenario: number; pick: number; value: unknown; extraKey?: string }): { name: string; content: Record<string, unknown> } {
  const base = defaults[m.scenario] as { name: string; config: Record<string, unknown> };
  const content = structuredClone(base.config);
  const paths = leafPaths(content);
  const path = paths[m.pick % paths.length] as string[];
  let cur = content as Record<string, unknown>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
  cur[m.extraKey ?? (path[path.length - 1] as string)] = m.value;
  return { name: base.name, content };
}

test('mutated configs are either accepted or rejected with a ConfigError naming a key', () => {
  fc.assert(
    fc.property(mutation, (m) => {
      const { name, content } = mutate(m);
      try {
        resolveConfig(scenarioDef(name), { file: { path: 'fuzz.yaml', content } });
      } catch (error) {
        assert.ok(error instanceof ConfigError, `unexpected ${String(error)}`);
        assert.ok(!error.message.includes('\n'), 'one line');
        assert.match(error.message, /^fuzz\.yaml: /);
      }
    }),
    { numRuns: 2000 },
  );
});

test('random --set pairs are either accepted or rejected with a ConfigError', () => {
  const pair = fc.tuple(fc.nat(defaults.length - 1), fc.nat(), fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('1', '-1', '0', '1e9', '30s', 'true', 'a,b', '')));
  fc.assert(
    fc.property(pair, ([s, pick, value]) => {
      const base = defaults[s] as { name: string; config: Record<string, unknown> };
      const paths = leafPaths(base.config);
      const key = (paths[pick % paths.length] as string[]).join('.');
      try {
        resolveConfig(scenarioDef(base.name), { sets: [`${key}=${value}`] });
      } catch (error) {
        assert.ok(error instanceof ConfigError, `unexpected ${String(error)}`);
        assert.ok(!error.message.includes('\n'));
      }
    }),
    { numRuns: 2000 },
  );
});

test('the binary answers mutated scenario files and random flags with exit 0 or 2 and never a stack trace', () => {
  const cases = fc.sample(fc.tuple(mutation, fc.constantFrom('yaml', 'broken', 'flag')), { numRuns: 12, seed: 20251020 });
  cases.forEach(([m, form], i) => {
    const { name, content } = mutate(m);
    let args: string[];
    if (form === 'flag') {
      args = ['validate', '--set', `${String(m.extraKey ?? 'seed')}=${String(m.value)}`, join(scratch, `base-${i}.yaml`)];
      writeFileSync(join(scratch, `base-${i}.yaml`), stringify({ scenario: name }));
    } else {
      const text = stringify({ scenario: name, ...content });
      const file = join(scratch, `case-${i}.yaml`);
      writeFileSync(file, form === 'broken' ? text.slice(0, Math.max(1, (m.pick % text.length))) + ':\n  - [' : text);
      args = ['validate', file];
    }
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
    assert.ok(r.status === 0 || r.status === 2, `exit ${r.status} for ${args.join(' ')}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    if (r.status === 2) assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });
});
