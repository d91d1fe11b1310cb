// The golden cases: each built-in scenario at a small size, by (scenario, --fleet, --set, seed).
// Their digests live in digests.json; `node test/golden/update.mjs` rewrites it after a
// deliberate change of model behaviour (say which and why in the commit).
export const GOLDEN_CASES = [
  { name: 'phold-small', scenario: 'phold', fleet: '2000', sets: ['duration=20'] },
  { name: 'dns-race-replay', scenario: 'dns-race', sets: [] },
  { name: 'dns-race-cas', scenario: 'dns-race', sets: ['dns.safety.versionCheck=atApply'] },
  { name: 'lease-storm-fifo', scenario: 'lease-storm', fleet: '20000', sets: ['fleet.dwfmHosts=2', 'duration=2h'] },
  { name: 'lease-storm-jitter-drop', scenario: 'lease-storm', fleet: '20000', sets: ['fleet.dwfmHosts=2', 'duration=2h', 'policy.backoff.kind=full-jitter', 'policy.queue=drop-expired'] },
  { name: 'us-east-1-reactive', scenario: 'us-east-1-2025-10-20', fleet: '3000', sets: ['duration=8h'] },
  { name: 'us-east-1-each-tick', scenario: 'us-east-1-2025-10-20', fleet: '3000', sets: ['duration=8h', 'lease.renewAhead=0'] },
  { name: 'us-east-1-retries-each-tick', scenario: 'us-east-1-2025-10-20', fleet: '3000', sets: ['duration=8h', 'lease.retryAhead=1'] },
  { name: 'us-east-1-timetable', scenario: 'us-east-1-2025-10-20', fleet: '3000', sets: ['duration=8h', 'operator.mode=timetable'] },
];
