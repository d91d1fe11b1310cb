// The CLI's side of running beyond one machine: `--nats URL` turns a local pool into NATS jobs
// and a local partitioned run into partitions hosted by `cascade worker` processes. The NATS
// client is loaded only when a command uses it.
import { parseNatsUrl } from '@cascade/cluster/url';
import type { HostGroupFactory, RunManyFn } from '@cascade/runtime';
import { UsageError } from './errors.js';

/** Checks a --nats URL up front, so a typo is bad input (exit 2), not a failed run. */
export function checkNatsUrl(url: string): string {
  try {
    parseNatsUrl(url);
  } catch (error) {
    throw new UsageError(`--nats ${url}: ${(error as Error).message}`);
  }
  return url;
}

/** runMany's contract, over the NATS work queue. */
export function natsRunner(url: string): RunManyFn {
  checkNatsUrl(url);
  return async (specs, options) => {
    const { runManyOverNats } = await import('@cascade/cluster');
    return runManyOverNats(specs, { url, onResult: options.onResult, stopWhen: options.stopWhen, signal: options.signal });
  };
}

export function natsHostGroup(url: string, workers: number): HostGroupFactory {
  checkNatsUrl(url);
  return async (request) => {
    const { natsHosts } = await import('@cascade/cluster');
    return natsHosts({ url, workers })(request);
  };
}
