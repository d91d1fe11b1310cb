// `cascade worker --nats URL`: join a NATS cluster, run jobs and host partitions until stopped.
import { defaultThreads } from '@cascade/runtime';
import { checkNatsUrl } from '../cluster.js';

export async function workerCommand(flags: { nats: string; threads?: number; quiet?: boolean }, signal: AbortSignal): Promise<number> {
  checkNatsUrl(flags.nats);
  const { runWorker } = await import('@cascade/cluster');
  await runWorker({
    url: flags.nats,
    threads: flags.threads ?? defaultThreads(),
    signal,
    log: flags.quiet ? undefined : (line) => process.stderr.write(`${line}\n`),
  });
  return 0;
}
