// The outcome of a run, assembled from partition results in any order: merged metrics, the
// model's summary, and the digest — sha256 over the event fingerprint, the event count and the
// canonical JSON of the model summary, so it is equal iff the runs are equal.
import { createHash } from 'node:crypto';
import { EventDigest } from './digest.js';
import { mergeMetrics, type MergedMetrics } from './metrics.js';
import type { Model } from './model.js';
import type { PartitionResult } from './partition.js';

export interface RunOutcome {
  readonly events: number;
  readonly digest: string;
  /** The model's part of the summary. */
  readonly summary: Record<string, unknown>;
  readonly metrics: MergedMetrics;
}

/** Merges partition results; `endUs` is where the run stopped (the model's end unless interrupted). */
export function assembleOutcome(model: Model, parts: readonly PartitionResult[], endUs = model.endUs): RunOutcome {
  const fingerprint = new EventDigest();
  let events = 0;
  const reports = new Array<unknown>(model.actorCount);
  for (const part of parts) {
    fingerprint.merge(part.digestLanes);
    events += part.events;
    for (const [id, report] of part.reports) reports[id] = report;
  }
  const metrics = mergeMetrics(parts.map((p) => p.metrics));
  const summary = model.summarize({ reports, metrics, endUs });
  const digest = createHash('sha256')
    .update(model.scenario)
    .update('\n')
    .update(fingerprint.hex())
    .update('\n')
    .update(String(events))
    .update('\n')
    .update(canonicalJson(summary))
    .digest('hex');
  return { events, digest, summary, metrics };
}

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}
