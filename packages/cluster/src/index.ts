// @cascade/cluster: running cascade beyond one machine over NATS. Jobs (sweeps, exploration,
// tuning) go through a JetStream work queue to `cascade worker` processes; one partitioned run can
// place its partitions on workers and exchange its window batches over NATS subjects.
export { parseNatsUrl, type NatsOptions, type ParsedNatsUrl } from './nats-url.js';
export { natsHosts, type NatsHostsOptions } from './hosts.js';
export { runManyOverNats, type RunManyOverNatsOptions } from './jobs.js';
export { runWorker, type RunWorkerOptions } from './worker.js';
