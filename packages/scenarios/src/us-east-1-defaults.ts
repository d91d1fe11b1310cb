// Calibration defaults of `us-east-1-2025-10-20` for the sections it shares with dns-race (one
// resolver per AZ, their latency, no random stalls): filled in before the schema applies its own.
import { withTimetableDefaults } from './us-east-1-operator.js';

/** Defaults of the shared `dns` section that differ here: one resolver per AZ, and their latency. */
export function withUsEast1Defaults(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const out = { ...(raw as Record<string, unknown>) };
  const dns = isRecord(out['dns']) ? { ...out['dns'] } : out['dns'] === undefined ? {} : null;
  if (dns === null) return raw;
  const resolvers = isRecord(dns['resolvers']) ? { ...dns['resolvers'] } : dns['resolvers'] === undefined ? {} : null;
  if (resolvers === null) return raw;
  const fleet = isRecord(out['fleet']) ? out['fleet'] : {};
  resolvers['count'] ??= typeof fleet['azs'] === 'number' ? fleet['azs'] : 3;
  // the resolver <-> Route53 link bounds the lookahead: see CALIBRATION.md
  resolvers['latency'] ??= 1;
  dns['resolvers'] = resolvers;
  // The night's race is the forced stall (faults.enactorStall); random stalls are the explorer's
  // business, and after the repair AWS had the automation off, so none here by default.
  const enactor = isRecord(dns['enactor']) ? { ...dns['enactor'] } : dns['enactor'] === undefined ? {} : null;
  if (enactor === null) return raw;
  enactor['stallProbability'] ??= 0;
  dns['enactor'] = enactor;
  out['dns'] = dns;
  if (isRecord(out['operator'])) out['operator'] = withTimetableDefaults(out['operator']);
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
