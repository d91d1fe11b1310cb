// The results log of a sweep or search: one JSON line per finished run, appended as runs finish,
// so that rerunning the same command with the same --out continues where it stopped.
import { canonicalJson } from '@cascade/kernel';
import { ConfigError } from '@cascade/scenarios';
import { appendFileSync, existsSync, mkdirSync, readFileSync, truncateSync } from 'node:fs';
import { dirname } from 'node:path';
import { OutputError, writeFileAtomic } from './atomic-write.js';
import type { KeyValue } from './base.js';

export const RUN_LOG_SCHEMA = 'cascade.runlog/1';
export const RUN_LOG_FILE = 'runs.jsonl';

/** One finished run. */
export interface RunRecord {
  /** The varied keys (sweep) or searched keys (tune) and their values. */
  readonly vary: Record<string, KeyValue>;
  readonly seed: number;
  readonly digest: string;
  /** Every numeric field of the run's summary.json, dotted; null where null. */
  readonly metrics: Record<string, number | null>;
}

interface Header {
  readonly schema: string;
  readonly command: string;
  readonly plan: Record<string, unknown>;
}

/** The identity of a run inside a log: its point and its seed. */
export function runKey(vary: Record<string, KeyValue>, seed: number): string {
  return canonicalJson({ vary, seed });
}

export class RunLog {
  private readonly records = new Map<string, RunRecord>();

  private constructor(
    readonly path: string,
    /** Runs found in the file when it was opened. */
    readonly resumed: number,
    records: readonly RunRecord[],
  ) {
    for (const r of records) this.records.set(runKey(r.vary, r.seed), r);
  }

  /**
   * Opens the log at `path` for `command` with `plan`: creates it with a header line, or reads the
   * runs it holds when the header matches. A different command or plan is a ConfigError naming
   * the first differing field. A torn last line (an interrupted write) is cut off.
   */
  static open(path: string, command: string, plan: Record<string, unknown>): RunLog {
    const header: Header = { schema: RUN_LOG_SCHEMA, command, plan };
    if (!existsSync(path) || readFileSync(path, 'utf8').trim() === '') {
      mkdirSync(dirname(path), { recursive: true });
      writeFileAtomic(path, `${JSON.stringify(header)}\n`);
      return new RunLog(path, 0, []);
    }
    const text = readFileSync(path, 'utf8');
    const lines = text.split('\n');
    let stored: Header;
    try {
      stored = JSON.parse(lines[0] as string) as Header;
    } catch {
      throw new ConfigError(`${path}: line 1: not a results log header; use another --out folder`);
    }
    if (stored.schema !== RUN_LOG_SCHEMA) throw new ConfigError(`${path}: line 1: not a ${RUN_LOG_SCHEMA} results log; use another --out folder`);
    if (stored.command !== command) {
      throw new ConfigError(`${path} holds the runs of a '${stored.command}', not a '${command}'; use another --out folder`);
    }
    const differs = firstDifference(stored.plan, plan);
    if (differs !== undefined) {
      throw new ConfigError(`${path} holds runs of a different ${command}: ${differs}; rerun with the same flags to continue it, or use another --out folder`);
    }
    const records: RunRecord[] = [];
    let goodBytes = Buffer.byteLength(`${lines[0] as string}\n`);
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line.trim() === '') {
        if (i < lines.length - 1) goodBytes += Buffer.byteLength(`${line}\n`);
        continue;
      }
      let record: RunRecord;
      try {
        record = JSON.parse(line) as RunRecord;
      } catch {
        // Only the last line may be torn; anything else is a damaged file.
        if (i < lines.length - 1) throw new ConfigError(`${path}: line ${i + 1}: not valid JSON; the results log is damaged`);
        break;
      }
      if (i === lines.length - 1) break; // complete JSON but no newline: rewritten below anyway
      records.push(record);
      goodBytes += Buffer.byteLength(`${line}\n`);
    }
    if (goodBytes < Buffer.byteLength(text)) truncateSync(path, goodBytes);
    return new RunLog(path, records.length, records);
  }

  get size(): number {
    return this.records.size;
  }

  get(vary: Record<string, KeyValue>, seed: number): RunRecord | undefined {
    return this.records.get(runKey(vary, seed));
  }

  has(vary: Record<string, KeyValue>, seed: number): boolean {
    return this.records.has(runKey(vary, seed));
  }

  /** Records a finished run: in memory and, before returning, in the file. */
  append(record: RunRecord): void {
    const key = runKey(record.vary, record.seed);
    if (this.records.has(key)) throw new Error(`run ${key} finished twice`);
    try {
      appendFileSync(this.path, `${JSON.stringify(record)}\n`);
    } catch (error) {
      throw new OutputError(`cannot write ${this.path}: ${(error as Error).message}`);
    }
    this.records.set(key, record);
  }
}

/** Names the first top-level plan field whose value differs, with both values. */
function firstDifference(stored: Record<string, unknown>, given: Record<string, unknown>): string | undefined {
  const keys = [...new Set([...Object.keys(given), ...Object.keys(stored)])];
  for (const key of keys) {
    const a = canonicalJson(stored[key] ?? null);
    const b = canonicalJson(given[key] ?? null);
    if (a !== b) return `${key} was ${clip(a)}, now ${clip(b)}`;
  }
  return undefined;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
