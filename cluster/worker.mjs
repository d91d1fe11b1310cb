#!/usr/bin/env node
// A cascade worker without the CLI: node cluster/worker.mjs --nats URL [--threads T]
// (the same as `cascade worker --nats URL [--threads T]`). SIGTERM or Ctrl-C stops it gracefully:
// its unfinished jobs go back to the queue at once.
import { runWorker } from '@cascade/cluster';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { nats: { type: 'string' }, threads: { type: 'string' } } });
const url = values.nats ?? process.env.CASCADE_NATS;
if (url === undefined) {
  process.stderr.write('usage: node cluster/worker.mjs --nats nats://TOKEN@host:4222 [--threads T]\n');
  process.exit(2);
}
const threads = values.threads === undefined ? availableParallelism() : Number(values.threads);
if (!Number.isInteger(threads) || threads < 1) {
  process.stderr.write(`--threads: expected a positive integer, got '${values.threads}'\n`);
  process.exit(2);
}
const controller = new AbortController();
process.on('SIGTERM', () => controller.abort());
process.on('SIGINT', () => controller.abort());
try {
  await runWorker({ url, threads, signal: controller.signal, log: (line) => process.stderr.write(`${line}\n`) });
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
