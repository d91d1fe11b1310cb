// The fleet's actor kinds: the assembly's links join them (the platform owns every latency).
export const FLEET_KINDS = {
  host: 'dwfm-host',
  shard: 'fleet-shard',
  launches: 'launch-workload',
  networkManager: 'network-manager',
  nlb: 'nlb',
} as const;
