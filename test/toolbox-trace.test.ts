// `cascade run --trace FILE`: the Trace Event JSON checked against the format (ph, ts, pid, tid on
// every event; B/E pairs nest per thread; numeric counters), its content and its size bound.
import { TRACE_EVENTS_MAX, TRACE_INSTANTS_MAX, parseTimeseriesCsv, traceOf, type TraceEvent } from '@cascade/metrics';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../packages/cli/bin/cascade.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'cascade-trace-'));
const SIZE_MAX_BYTES = 50 * 2 ** 20;

after(() => rmSync(scratch, { recursive: true, force: true }));

function cascade(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Checks the Trace Event format's rules; returns the events. */
function checkFormat(events: readonly Record<string, unknown>[]): void {
  const open = new Map<string, string[]>();
  const lastTs = new Map<string, number>();
  for (const [i, e] of events.entries()) {
    const where = `event ${i} ${JSON.stringify(e).slice(0, 120)}`;
    assert.equal(typeof e['ph'], 'string', where);
    assert.ok(typeof e['ts'] === 'number' && Number.isFinite(e['ts']) && (e['ts'] as number) >= 0, where);
    assert.ok(Number.isInteger(e['pid']) && Number.isInteger(e['tid']), where);
    assert.equal(typeof e['name'], 'string', where);
    const thread = `${e['pid']}/${e['tid']}`;
    switch (e['ph']) {
      case 'M':
        assert.ok(['process_name', 'process_sort_index', 'thread_name', 'thread_sort_index'].includes(e['name'] as string), where);
        break;
      case 'B':
      case 'E': {
        assert.ok((e['ts'] as number) >= (lastTs.get(thread) ?? 0), `${where}: slices of a thread in time order`);
        lastTs.set(thread, e['ts'] as number);
        const stack = open.get(thread) ?? open.set(thread, []).get(thread) as string[];
        if (e['ph'] === 'B') stack.push(e['name'] as string);
        else assert.equal(stack.pop(), e['name'], `${where}: E closes the innermost open B`);
        break;
      }
      case 'i':
        assert.ok(['t', 'p', 'g'].includes(e['s'] as string), where);
        break;
      case 'C': {
        const args = e['args'] as Record<string, unknown>;
        assert.ok(Object.keys(args).length > 0, where);
        for (const v of Object.values(args)) assert.ok(typeof v === 'number' && Number.isFinite(v), `${where}: counters are numeric`);
        break;
      }
      default:
        assert.fail(`${where}: unexpected phase`);
    }
  }
  for (const [thread, stack] of open) assert.deepEqual(stack, [], `thread ${thread}: every B has its E`);
}

test('cascade run --trace writes Trace Event JSON: well formed, within its bound, telling the run', (t) => {
  const run = join(scratch, 'run');
  const file = join(scratch, 'run.trace.json');
  const r = cascade('run', '--fleet', '2000', '--no-report', '--out', run, '--trace', file);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /trace: +.*run\.trace\.json \([\d,]+ events/);

  const size = statSync(file).size;
  const started = performance.now();
  const trace = JSON.parse(readFileSync(file, 'utf8')) as { traceEvents: Record<string, unknown>[]; displayTimeUnit: string; otherData: Record<string, unknown> };
  t.diagnostic(`trace: ${size} bytes, ${trace.traceEvents.length} events, parsed in ${(performance.now() - started).toFixed(0)} ms`);
  assert.ok(size <= SIZE_MAX_BYTES, `${size} bytes`);
  assert.ok(trace.traceEvents.length <= TRACE_EVENTS_MAX);
  assert.equal(trace.displayTimeUnit, 'ms');
  checkFormat(trace.traceEvents);

  const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8'));
  const table = parseTimeseriesCsv(readFileSync(join(run, 'timeseries.csv'), 'utf8'));
  const events = trace.traceEvents;
  const processNames = events.filter((e) => e['name'] === 'process_name').map((e) => (e['args'] as { name: string }).name);
  for (const name of ['DNS (Planner, Enactors, Route53)', 'Droplet leases', 'DWFM hosts', 'Network Manager', 'NLB']) assert.ok(processNames.includes(name), name);

  // counters carry the time series point for point
  for (const series of ['dwfm.queue.max', 'dwfm.queue.sum', 'leases.valid', 'network.backlog', 'nlb.capacityRemoved']) {
    const column = table.columns[table.names.indexOf(series)] as (number | null)[];
    const expected = column.flatMap((v, row) => (v === null ? [] : [[Math.round((table.timeS[row] as number) * 1e6), v]]));
    const got = events.filter((e) => e['ph'] === 'C' && e['name'] === series).map((e) => [e['ts'], (e['args'] as { value: number }).value]);
    assert.deepEqual(got, expected, series);
  }
  // phases as slices, at their times
  for (const phase of summary.phases as { name: string; start: number; end: number | null }[]) {
    const begin = events.find((e) => e['ph'] === 'B' && e['name'] === phase.name && e['cat'] === 'phase');
    assert.equal(begin?.['ts'], Math.round(phase.start * 1e6), phase.name);
  }
  assert.ok(summary.phases.length > 0);
  // DNS invariant violations as instants
  const violations = events.filter((e) => e['ph'] === 'i' && e['cat'] === 'invariant');
  assert.equal(violations.length, Math.min(summary.dns.violations.length, TRACE_INSTANTS_MAX));
  assert.ok(violations.length > 0, 'the 2025 replay violates the DNS invariants');
  // the reactive operator's actions as instants, at their times
  const actions = events.filter((e) => e['ph'] === 'i' && e['cat'] === 'operator').map((e) => [e['name'], e['ts']]);
  const expected = (summary.operator.actions as { action: string; at: number }[]).map((a) => [a.action, Math.round(a.at * 1e6)]);
  assert.ok(expected.length > 0);
  assert.deepEqual(actions, expected);
});

test('operator actions in the summary become instants; without them there is no operator track', () => {
  const table = { timeS: [0, 60], names: ['dwfm.queue.max'], columns: [[0, 5]] };
  const base = { scenario: 'us-east-1-2025-10-20', seed: 1, digest: 'd', clock: { start: null }, phases: [{ name: 'dwfm', start: 10, end: null }] };
  const actions = [
    { action: 'repair-dns', at: 9000, trigger: 'dns.emptyEndpoints > 0 for 5m' },
    { action: 'throttle-dwfm', at: 12000, trigger: 'leases.valid < 90%' },
  ];
  const withOperator = traceOf({ ...base, operator: { mode: 'reactive', actions } }, table).traceEvents;
  checkFormat(withOperator as unknown as Record<string, unknown>[]);
  const instants = withOperator.filter((e): e is Extract<TraceEvent, { ph: 'i' }> => e.ph === 'i' && e.cat === 'operator');
  assert.deepEqual(instants.map((e) => [e.name, e.ts, e.args['trigger']]), [
    ['repair-dns', 9_000_000_000, 'dns.emptyEndpoints > 0 for 5m'],
    ['throttle-dwfm', 12_000_000_000, 'leases.valid < 90%'],
  ]);
  assert.ok(withOperator.some((e) => e.ph === 'M' && e.args['name'] === 'operator (reactive)'));
  // a phase that never ended closes at the end of the run
  const end = withOperator.find((e) => e.ph === 'E' && e.name === 'dwfm');
  assert.equal(end?.ts, 120_000_000);

  const without = traceOf(base, table).traceEvents;
  assert.ok(!without.some((e) => (e.ph === 'i' && e.cat === 'operator') || (e.ph === 'M' && String(e.args['name']).startsWith('operator'))));
});

test("a run with more points than the bound allows keeps each series' peaks and stays within TRACE_EVENTS_MAX", () => {
  const rows = 20_000;
  const names = Array.from({ length: 40 }, (_, i) => `dwfm.s${String(i).padStart(2, '0')}`);
  const timeS = Array.from({ length: rows }, (_, r) => r * 10);
  const columns = names.map((_, i) => timeS.map((_, r) => (r === 7_777 + i ? 1e6 + i : r % 97)));
  const trace = traceOf({ scenario: 'lease-storm', seed: 1, digest: 'd', clock: { start: null }, phases: [] }, { timeS, names, columns });
  assert.ok(trace.traceEvents.length <= TRACE_EVENTS_MAX, String(trace.traceEvents.length));
  assert.ok(names.length * rows > TRACE_EVENTS_MAX, 'the input is over the bound');
  for (const [i, name] of names.entries()) {
    const values = trace.traceEvents.filter((e) => e.ph === 'C' && e.name === name).map((e) => (e as Extract<TraceEvent, { ph: 'C' }>).args.value);
    assert.equal(Math.max(...values), 1e6 + i, `${name}: its peak survives`);
  }
  assert.match(String(trace.otherData['bound']), /40 of 40 series reduced/);
});

test('--trace into a folder that does not exist exits 2 before running, naming the flag and the path', () => {
  const r = cascade('run', '--fleet', '2000', '--no-report', '--out', join(scratch, 'never'), '--trace', join(scratch, 'missing', 'x.json'));
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /--trace .*missing.*x\.json: no such folder/);
});
