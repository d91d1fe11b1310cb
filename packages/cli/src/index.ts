// @cascade/cli: the `cascade` command's building blocks (the binary is main.js).
export { benchTable, type BenchRun } from './commands/bench.js';
export { describe } from './commands/run.js';
export { machineInfo, type MachineInfo } from './machine.js';
