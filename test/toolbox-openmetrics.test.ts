// metrics.om against the real tools: promtool backfills a run, a real Prometheus serves the blocks,
// and PromQL answers match timeseries.csv; `cascade export` rebuilds the file; labels and epochs.
import { STATED_EPOCH, openMetricsText, parseTimeseriesCsv } from '@cascade/metrics';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../packages/cli/bin/cascade.js', import.meta.url));
const DASHBOARD = fileURLToPath(new URL('../docs/grafana/cascade-dashboard.json', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'cascade-om-'));
const run = join(scratch, 'run');

function cascade(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function promtoolBackfill(file: string, dataDir: string): void {
  const r = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', file, dataDir], { encoding: 'utf8' });
  assert.equal(r.status, 0, `promtool: ${r.stderr}${r.stdout}`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A real Prometheus on a free loopback port, serving the blocks in `dataDir`. */
async function startPrometheus(dataDir: string): Promise<{ base: string; child: ChildProcess }> {
  const port = await freePort();
  const config = join(scratch, 'prometheus.yml');
  writeFileSync(config, 'global:\n  scrape_interval: 1m\n');
  const child = spawn('prometheus', [
    `--config.file=${config}`, `--storage.tsdb.path=${dataDir}`, `--web.listen-address=127.0.0.1:${port}`,
    '--storage.tsdb.retention.time=100y',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const base = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 600; attempt++) {
    if (child.exitCode !== null) break;
    const ready = await fetch(`${base}/-/ready`).then((r) => r.ok, () => false);
    if (ready) return { base, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`prometheus did not become ready on ${base}: ${log.split('\n').slice(-5).join(' | ')}`);
}

interface Sample { metric: Record<string, string>; value: [number, string] }

async function query(base: string, promql: string, timeS: number): Promise<Sample[]> {
  const url = `${base}/api/v1/query?query=${encodeURIComponent(promql)}&time=${timeS}`;
  const body = (await (await fetch(url)).json()) as { status: string; data: { result: Sample[] }; error?: string };
  assert.equal(body.status, 'success', `${promql}: ${body.error ?? ''}`);
  return body.data.result;
}

let prometheus: { base: string; child: ChildProcess } | undefined;

before(() => {
  const r = cascade('run', '--fleet', '2000', '--no-report', '--out', run, '--quiet');
  assert.equal(r.code, 0, r.stderr);
});

after(() => {
  prometheus?.child.kill('SIGTERM');
  rmSync(scratch, { recursive: true, force: true });
});

test("a run's metrics.om backfills into a real Prometheus whose PromQL answers match timeseries.csv", async () => {
  const text = readFileSync(join(run, 'metrics.om'), 'utf8');
  assert.ok(text.endsWith('# EOF\n'));
  const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8'));
  const table = parseTimeseriesCsv(readFileSync(join(run, 'timeseries.csv'), 'utf8'));
  const column = (name: string) => table.columns[table.names.indexOf(name)] as (number | null)[];
  const queue = column('dwfm.queue.max').filter((v): v is number => v !== null);
  assert.ok(Math.max(...queue) > 0, 'the DWFM queue grew in this run');

  const data = join(scratch, 'tsdb');
  promtoolBackfill(join(run, 'metrics.om'), data);
  prometheus = await startPrometheus(data);

  const startS = Date.parse(summary.clock.start) / 1000;
  const lastS = table.timeS[table.timeS.length - 1] as number;
  const endS = startS + lastS;
  const range = `${lastS + 60}s`;

  const max = await query(prometheus.base, `max_over_time(cascade_dwfm_queue_length_max[${range}])`, endS);
  assert.equal(max.length, 1);
  assert.equal(Number(max[0]?.value[1]), Math.max(...queue));
  assert.deepEqual(max[0]?.metric, { scenario: summary.scenario, seed: String(summary.seed), run: summary.digest.slice(0, 12), subsystem: 'dwfm' });

  const count = await query(prometheus.base, `count_over_time(cascade_dwfm_queue_length_max[${range}])`, endS);
  assert.equal(Number(count[0]?.value[1]), queue.length, 'every sample interval made it into the blocks');

  const delays = column('network.delaySeconds').filter((v): v is number => v !== null);
  const delay = await query(prometheus.base, `max_over_time(cascade_network_delay_seconds[${range}])`, endS);
  assert.equal(Number(delay[0]?.value[1]), Math.max(...delays));

  // one sample at its own wall-clock time: the interval the valid leases bottomed out in
  const valid = column('leases.valid');
  const row = valid.indexOf(Math.min(...valid.filter((v): v is number => v !== null)));
  const at = await query(prometheus.base, 'cascade_leases_valid', startS + (table.timeS[row] as number));
  assert.equal(Number(at[0]?.value[1]), valid[row]);

  // every query of the Grafana dashboard in docs/ finds its series for this run
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
  const runs = await query(prometheus.base, `last_over_time(cascade_run_info[${range}])`, endS);
  assert.deepEqual(runs.map((s) => s.metric['run']), [summary.digest.slice(0, 12)], 'the run variable has this run');
  for (const panel of dashboard.panels) {
    for (const { expr } of panel.targets) {
      const found = await query(prometheus.base, `last_over_time(${expr.replaceAll('$run', summary.digest.slice(0, 12))}[${range}])`, endS);
      assert.equal(found.length, 1, `${panel.title}: ${expr}`);
    }
  }
});

test('cascade export rewrites metrics.om byte for byte from the run folder', () => {
  const original = readFileSync(join(run, 'metrics.om'), 'utf8');
  rmSync(join(run, 'metrics.om'));
  const r = cascade('export', run, '--format', 'openmetrics', '--json');
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  assert.equal(result.path, join(run, 'metrics.om'));
  assert.equal(readFileSync(join(run, 'metrics.om'), 'utf8'), original);
  assert.equal(result.samples, original.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length);
});

test('cascade export exits 2 with one line naming a bad format or a folder that is not a run folder', () => {
  const format = cascade('export', run, '--format', 'csv');
  assert.equal(format.code, 2);
  assert.equal(format.stderr.trim().split('\n').length, 1);
  assert.match(format.stderr, /--format.*'csv'.*openmetrics/);
  const missing = cascade('export', join(scratch, 'nowhere'));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nowhere: not a run folder/);
  const empty = join(scratch, 'empty');
  mkdirSync(empty);
  const notRun = cascade('export', empty);
  assert.equal(notRun.code, 2);
  assert.equal(notRun.stderr.trim().split('\n').length, 1);
  assert.match(notRun.stderr, /summary\.json: missing/);
});

test('series labels become OpenMetrics labels, units name their families, and a run without a clock starts at the stated epoch', () => {
  const summary = { scenario: 'lease-storm', seed: 7, digest: 'ab'.repeat(32), clock: { start: null } };
  const table = {
    timeS: [0, 30, 60],
    names: ['dwfm.queue.max{host=3}', 'dwfm.queue.max{host=4}', 'nlb.capacityRemoved{az=use1-az2}', 'custom.waitSeconds', 'custom.items.sum'],
    columns: [[1, 2, 3], [4, null, 6], [0.5, 0.25, 0], [1.5, 2.5, 3.5], [7, 8, 9]],
  };
  const text = openMetricsText(summary, table);
  const lines = text.trimEnd().split('\n');
  assert.equal(lines.at(-1), '# EOF');
  const epochS = Date.parse(STATED_EPOCH) / 1000;
  assert.ok(lines.includes(`cascade_dwfm_queue_length_max{scenario="lease-storm",seed="7",run="abababababab",subsystem="dwfm",host="3"} 2 ${epochS + 30}`));
  assert.ok(lines.includes(`cascade_dwfm_queue_length_max{scenario="lease-storm",seed="7",run="abababababab",subsystem="dwfm",host="4"} 6 ${epochS + 60}`));
  assert.equal(lines.filter((l) => l.startsWith('# TYPE cascade_dwfm_queue_length_max ')).length, 1, 'one family for both hosts');
  assert.ok(lines.includes('# UNIT cascade_nlb_capacity_removed_ratio ratio'));
  assert.ok(lines.some((l) => l.startsWith('cascade_nlb_capacity_removed_ratio{') && l.includes('az="use1-az2"')));
  assert.ok(lines.includes('# UNIT cascade_custom_wait_seconds seconds'));
  assert.ok(lines.includes('# TYPE cascade_custom_items_sum_value gauge'), 'a reserved suffix is not left at the end of a gauge');
  assert.ok(lines.some((l) => l.startsWith('cascade_run_info{') && l.includes('clock_source="stated-epoch"')));
  assert.equal(lines.filter((l) => !l.startsWith('#') && l.includes('host="4"')).length, 2, 'an empty cell is no sample');

  // and promtool accepts it as it is
  const file = join(scratch, 'labels.om');
  writeFileSync(file, text);
  promtoolBackfill(file, join(scratch, 'labels-tsdb'));
});
