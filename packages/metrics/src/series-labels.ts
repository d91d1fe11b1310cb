// How a time series reads in the report: a title in words and the unit of its y axis (shares are
// plotted in percent). A series the table does not know gets its name in words and a plain count.

export interface SeriesLabel {
  readonly title: string;
  /** the y axis title: what one unit of the plotted value is */
  readonly unit: string;
  /** plotted value = recorded value × scale (1 or 100 for a share) */
  readonly scale: number;
  /** a count per interval: an interval without a value counted nothing (0), not a gap */
  readonly counter: boolean;
}

/** The series the built-in models write, by timeseries.csv column (without labels). */
export const SERIES_LABELS: Readonly<Record<string, SeriesLabel>> = {
  'dns.appliedGeneration': l('DNS plan generation applied to the regional endpoint', 'generation'),
  'dns.emptyEndpoints': l('DNS endpoints with an empty record', 'endpoints'),
  'dns.intendedGeneration': l('Newest DNS plan generation planned', 'generation'),
  'dns.plansStored': l('DNS plans in the plan store', 'plans'),
  'dns.regionalAddresses': l("Addresses in the regional endpoint's record", 'addresses'),
  'dwfm.busySeconds': l('DWFM busy time per interval, all hosts', 'seconds'),
  'dwfm.goodput': l('DWFM goodput: items done on time', 'items/s'),
  'dwfm.queue.max': l('Longest DWFM host queue', 'items'),
  'dwfm.queue.sum': l('Items waiting in all DWFM queues', 'items'),
  'dwfm.throughput': l('DWFM throughput: items done, late ones included', 'items/s'),
  'dwfm.wastedSeconds': l('DWFM time spent on late or cut work per interval', 'seconds'),
  'dynamodb.resolveFailureRate': l('Share of DynamoDB lookups that got no address', '% of lookups', 100),
  'dynamodb.resolveFailures': l('DynamoDB lookups that got no address', 'lookups/interval'),
  'launches.attempted': l('Launches attempted', 'launches/interval'),
  'launches.insufficientCapacity': l('Launches failed: insufficient capacity', 'launches/interval'),
  'launches.succeeded': l('Launches succeeded', 'launches/interval'),
  'launches.throttled': l('Launches throttled', 'launches/interval'),
  'leases.established': l('Leases established', 'leases/interval'),
  'leases.goodput': l('Lease renewals and establishes done on time', 'per interval'),
  'leases.timeouts': l('Lease attempts timed out', 'per interval'),
  'leases.valid': l('Droplets with a valid lease', 'droplets'),
  'network.backlog': l('Network state changes waiting', 'changes'),
  'network.changes': l('Network state changes handed over', 'changes/interval'),
  'network.delaySeconds': l('Network state propagation delay', 'seconds'),
  'network.heldResyncs': l('Droplet resyncs held until leases are healthy', 'droplets'),
  'nlb.capacityRemoved': l('NLB capacity out of service', '% of capacity', 100),
  'nlb.checkerLoad': l('NLB health-checker load (100% = saturated)', '% of capacity', 100),
  'nlb.failedOverAzs': l('AZs removed from DNS by NLB failover', 'AZs'),
  'nlb.flaps': l('NLB targets re-added after a removal', 'targets/interval'),
  'nlb.removals': l('NLB targets removed by failed health checks', 'targets/interval'),
  'nlb.unreadyTargets': l('New NLB targets without network state', 'targets'),
};

function l(title: string, unit: string, scale = 1): SeriesLabel {
  return { title, unit, scale, counter: /\/(interval|s)$|^per interval$|^seconds$/.test(unit) && !title.includes('delay') };
}

/** `establishLatency` -> `establish latency`: a key in words (a trailing unit `Us` dropped), never broken mid-word. */
export function words(key: string): string {
  return key
    .replace(/Us$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[._]+/g, ' ')
    .toLowerCase()
    .trim();
}

export function seriesLabel(base: string): SeriesLabel {
  const known = SERIES_LABELS[base];
  if (known !== undefined) return known;
  const title = words(base);
  return { title: title.charAt(0).toUpperCase() + title.slice(1), unit: base.endsWith('Seconds') ? 'seconds' : 'value', scale: 1, counter: false };
}
