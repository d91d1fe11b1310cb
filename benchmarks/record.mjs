#!/usr/bin/env node
// Runs `cascade bench` with the given arguments and appends its figures, with the machine's
// description, the date and the commit, to benchmarks/results.jsonl. Usage:
//   node benchmarks/record.mjs NAME -- --scenario phold --threads 1,2 --repeat 3
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const [name, dashes, ...args] = process.argv.slice(2);
if (name === undefined || dashes !== '--') {
  process.stderr.write('usage: node benchmarks/record.mjs NAME -- <cascade bench arguments>\n');
  process.exit(2);
}
const out = mkdtempSync(join(tmpdir(), 'cascade-record-'));
const cli = join(here, '..', 'packages', 'cli', 'bin', 'cascade.js');
const run = spawnSync(process.execPath, [cli, 'bench', ...args, '--out', out], { stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);
const bench = JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8'));
rmSync(out, { recursive: true, force: true });
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here }).toString().trim();
const record = { name, date: new Date().toISOString(), commit, args, machine: bench.machine, runs: bench.runs };
appendFileSync(join(here, 'results.jsonl'), `${JSON.stringify(record)}\n`);
process.stdout.write(`recorded in benchmarks/results.jsonl as '${name}'\n`);
