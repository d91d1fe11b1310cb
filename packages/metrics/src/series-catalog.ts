// What each time series means outside cascade: its Prometheus metric name, unit and help text, and
// the labels a series name carries (`dwfm.queue.max{host=3}`: AZ, DWFM host, ...).

export interface SeriesMeaning {
  /** OpenMetrics family name; ends in `_<unit>` when there is a unit */
  readonly metric: string;
  /** OpenMetrics unit (`seconds`, `ratio`), or null */
  readonly unit: string | null;
  readonly help: string;
}

/** The series the built-in models write, by timeseries.csv column (without labels). */
const KNOWN: Record<string, SeriesMeaning> = {
  'dns.appliedGeneration': g('cascade_dns_applied_generation', 'Generation of the DNS plan applied to the regional endpoint (highest in the interval)'),
  'dns.emptyEndpoints': g('cascade_dns_empty_endpoints', 'DNS endpoints whose record is empty (most in the interval)'),
  'dns.intendedGeneration': g('cascade_dns_intended_generation', 'Newest DNS plan generation the Planner produced (highest in the interval)'),
  'dns.plansStored': g('cascade_dns_plans_stored', 'DNS plans held in the plan store (most in the interval)'),
  'dns.regionalAddresses': g('cascade_dns_regional_addresses', "Addresses in the regional endpoint's record (fewest in the interval)"),
  'dwfm.goodput': g('cascade_dwfm_goodput', 'DWFM items completed by their deadline per second in the interval, all hosts'),
  'dwfm.busySeconds': g('cascade_dwfm_busy_seconds', 'DWFM busy time in the interval, all hosts', 'seconds'),
  'dwfm.queue.max': g('cascade_dwfm_queue_length_max', 'Longest DWFM host queue: items waiting, timed-out copies included (at the interval start)'),
  'dwfm.queue.sum': g('cascade_dwfm_queued_items', 'Items waiting in all DWFM host queues, timed-out copies included (at the interval start)'),
  'dwfm.throughput': g('cascade_dwfm_throughput', 'DWFM items completed per second in the interval (late ones included), all hosts'),
  'dwfm.wastedSeconds': g('cascade_dwfm_wasted_seconds', 'DWFM busy time in the interval spent on work finished after its deadline or cut by a restart', 'seconds'),
  'dynamodb.resolveFailureRate': g('cascade_dynamodb_resolve_failure_ratio', 'Share of DynamoDB endpoint lookups in the interval that got no address', 'ratio'),
  'dynamodb.resolveFailures': g('cascade_dynamodb_resolve_failures', 'DynamoDB endpoint lookups in the interval that got no address'),
  'launches.attempted': g('cascade_launches_attempted', 'Instance launches attempted in the interval'),
  'launches.insufficientCapacity': g('cascade_launches_insufficient_capacity', 'Launches in the interval that failed for insufficient capacity'),
  'launches.succeeded': g('cascade_launches_succeeded', 'Launches in the interval that got a droplet with a valid lease'),
  'launches.throttled': g('cascade_launches_throttled', 'Launches in the interval that were throttled'),
  'leases.established': g('cascade_leases_established', 'Leases established in the interval'),
  'leases.goodput': g('cascade_leases_goodput', 'Lease renewals and establishes that completed on time in the interval'),
  'leases.timeouts': g('cascade_leases_timeouts', 'Lease attempts that timed out in the interval'),
  'leases.valid': g('cascade_leases_valid', 'Droplets holding a valid lease'),
  'network.backlog': g('cascade_network_backlog', 'Network state changes waiting for the Network Manager'),
  'network.changes': g('cascade_network_changes', 'Network state changes handed to the Network Manager in the interval'),
  'network.heldResyncs': g('cascade_network_held_resyncs', "Droplet resyncs held until their AZ's leases are healthy, then fed to the Network Manager"),
  'network.delaySeconds': g('cascade_network_delay_seconds', 'Network state propagation delay (longest in the interval)', 'seconds'),
  'nlb.capacityRemoved': g('cascade_nlb_capacity_removed_ratio', 'Share of NLB capacity out of service: failed-over AZs and removed targets (most in the interval)', 'ratio'),
  'nlb.checkerLoad': g('cascade_nlb_checker_load', 'NLB health-checker utilisation, 1 = saturated (highest in the interval)'),
  'nlb.failedOverAzs': g('cascade_nlb_failed_over_azs', 'AZs removed from DNS by NLB failover (most in the interval)'),
  'nlb.flaps': g('cascade_nlb_flaps', 'NLB targets re-added after a removal in the interval'),
  'nlb.removals': g('cascade_nlb_removals', 'NLB targets removed by failed health checks in the interval'),
  'nlb.unreadyTargets': g('cascade_nlb_unready_targets', 'New NLB targets still without network state (most in the interval)'),
};

function g(metric: string, help: string, unit: string | null = null): SeriesMeaning {
  return { metric, unit, help };
}

/** Suffixes OpenMetrics keeps for counters, histograms, summaries and info metrics. */
const RESERVED_SUFFIXES = ['_total', '_created', '_count', '_sum', '_bucket', '_gcount', '_gsum', '_info'];

/** A series column name split into its base name and its labels (`name{az=use1-az1,host=3}`). */
export interface SeriesName {
  readonly base: string;
  readonly labels: readonly [string, string][];
}

const LABEL_KEY = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function parseSeriesName(column: string): SeriesName {
  const match = /^([^{}]+)\{([^{}]*)\}$/.exec(column);
  if (match === null) return { base: column, labels: [] };
  const labels: [string, string][] = [];
  for (const pair of (match[2] as string).split(',')) {
    const eq = pair.indexOf('=');
    const key = eq > 0 ? pair.slice(0, eq).trim() : '';
    if (!LABEL_KEY.test(key)) return { base: column, labels: [] };
    labels.push([key, pair.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1')]);
  }
  return { base: match[1] as string, labels };
}

/** The subsystem of a series: its name up to the first dot (`dwfm.queue.max` -> `dwfm`). */
export function seriesSubsystem(base: string): string {
  const dot = base.indexOf('.');
  return dot > 0 ? base.slice(0, dot) : 'other';
}

/** How a series reads in Prometheus; a series the catalog does not know gets a derived name. */
export function seriesMeaning(base: string): SeriesMeaning {
  const known = KNOWN[base];
  if (known !== undefined) return known;
  let metric = `cascade_${base.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().replace(/[^a-z0-9_]+/g, '_')}`.replace(/_+$/, '');
  if (RESERVED_SUFFIXES.some((s) => metric.endsWith(s))) metric += '_value';
  return { metric, unit: metric.endsWith('_seconds') ? 'seconds' : null, help: `cascade series ${base}` };
}
