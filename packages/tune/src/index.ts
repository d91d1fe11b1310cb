// @cascade/tune: `cascade sweep` (a grid of configurations × seeds on the pool, with means and 95%
// confidence intervals) and `cascade tune` (a seeded search for the configuration that minimises
// an objective), both resumable from a results log in their output folder.
export { describeBase, resolvePoint, type KeyValue, type ScenarioBase } from './base.js';
export { GRID_POINTS_MAX, expandGrid, parseAxes, type Axis, type GridPoint } from './grid.js';
export { closest, getPath, keyKind, scenarioKeyInfo, scenarioKeys, type KeyInfo, type KeyKind, type ValueSpec } from './keys.js';
export { CONTRACT_METRICS, parseConstraint, type Constraint, type Score } from './objective.js';
export { paretoFront } from './plots.js';
export { DEFAULT_MODEL_MODULE, InterruptedError, type RunProgress } from './runner.js';
export { OutputError, STAGING_PREFIX, writeFileAtomic, writeStaged } from './atomic-write.js';
export { RUN_LOG_FILE, RUN_LOG_SCHEMA, RunLog, type RunRecord } from './runlog.js';
export { latinHypercube, parseSpace, type Candidate, type Dimension } from './space.js';
export { sampleStats, tQuantile975, type SampleStats } from './stats.js';
export { KEY_METRICS } from './tables.js';
export { SWEEP_SEEDS_DEFAULT, formatStats, runSweep, sweepTable, type PointSummary, type SweepOptions, type SweepResult } from './sweep.js';
export { HALVING_ETA, TUNE_BUDGET_DEFAULT, TUNE_SEEDS_DEFAULT, halvingSchedule, runTune, type HalvingSchedule, type TuneBest, type TuneOptions, type TuneResult, type TunedConfig } from './tune.js';
export { MAP_GRID_POINTS, MAP_SCENARIOS, MAP_SEEDS_DEFAULT, gridValues, runMap, type MapBoundary, type MapOptions, type MapResult } from './map.js';
export { MAP_RESOLUTION_DEFAULT, MAP_Y_POINTS } from './map-axes.js';
export { wilson95, type MapCell } from './map-cells.js';
export { fifoTheory, type MapTheory } from './map-theory.js';
