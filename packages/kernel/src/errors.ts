// Errors that end a run. Their message carries everything: they cross worker threads as text.
import { formatUs, type TimeUs } from './time.js';

export class SimulationError extends Error {
  override readonly name = 'SimulationError';

  constructor(
    readonly actorName: string,
    readonly messageKind: string,
    readonly timeUs: TimeUs,
    readonly causeMessage: string,
  ) {
    super(`actor '${actorName}' failed handling '${messageKind}' at t=${formatUs(timeUs)}: ${causeMessage}`);
  }
}

/** A model broke a kernel rule (e.g. a cross-group send below the lookahead). */
export class ModelError extends Error {
  override readonly name = 'ModelError';
}
