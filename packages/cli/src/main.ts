// The `cascade` command. Exit codes: 0 success, 1 failed run, 2 bad usage or input, 130 interrupted.
import { CodecError } from '@cascade/runtime';
import { ConfigError, DEFAULT_SCENARIO, clipLine } from '@cascade/scenarios';
import { PLACEMENTS, type Placement } from '@cascade/kernel';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { benchCommand } from './commands/bench.js';
import { exploreCommand, replayCommand } from './commands/explore.js';
import { EXPORT_FORMATS, exportCommand } from './commands/export.js';
import { keysCommand } from './commands/keys.js';
import { mapCommand } from './commands/map.js';
import { reportCommand } from './commands/report.js';
import { resumeCommand } from './commands/resume.js';
import { runCommand } from './commands/run.js';
import { sweepCommand } from './commands/sweep.js';
import { tuneCommand } from './commands/tune.js';
import { workerCommand } from './commands/worker.js';
import { scenariosCommand, validateCommand } from './commands/scenarios.js';
import { EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_RUN_FAILED, UsageError, didYouMean, echo } from './errors.js';
import { checkScenarioFlags, collect, countList, intList, positiveInt, seedValue } from './parse.js';
import { progressIntervalSeconds } from './progress.js';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const abort = new AbortController();

function placement(text: string): Placement {
  if (!(PLACEMENTS as readonly string[]).includes(text)) throw new InvalidArgumentError(`expected one of ${PLACEMENTS.join(', ')}`);
  return text as Placement;
}

function scenarioOptions(cmd: Command): Command {
  return cmd
    .option('--scenario <name|file>', 'a built-in scenario (see `cascade scenarios`) or a YAML/JSON scenario file')
    .option('--seed <S>', 'random seed', seedValue)
    .option('--duration <D>', 'simulated duration: 500ms, 30s, 15m, 16h or seconds')
    .option('--set <key=value>', 'set a scenario key (dotted; repeatable; lists comma-separated; see `cascade keys`)', collect);
}

function output(cmd: Command): Command {
  return cmd
    .option('--json', 'print the machine-readable result on stdout (and no progress on stderr)')
    .option('--quiet', 'no progress (a bar on a TTY, else a line every CASCADE_PROGRESS_INTERVAL, default 10s), no human output');
}

export function program(exit: (code: number) => void): Command {
  const root = new Command('cascade')
    .description('Deterministic discrete-event simulator of the October 2025 us-east-1 outage')
    .version(VERSION, '--version', 'print the version')
    .showHelpAfterError(false)
    .showSuggestionAfterError(false)
    .exitOverride();
  // Usage errors are printed by handle(), as one line with a suggestion; help goes out whole.
  root.configureOutput({ outputError: () => undefined });
  root.hook('preAction', (_root, action) => checkScenarioFlags(action.opts(), action.name() === 'validate' ? (action.args[0] as string) : DEFAULT_SCENARIO));

  output(
    scenarioOptions(root.command('run').description('run a scenario and write a run folder with summary.json and report.html')),
  )
    .option('--fleet <N>', 'number of droplets (1e6, 250k, 1M); for phold, the LP count')
    .option('--threads <T>', "worker threads (default: the machine's cores, or fewer where the scenario measured faster on fewer)", positiveInt('a thread count'))
    .addOption(new Option('--placement <policy>', 'how partitions are placed on threads').argParser(placement).default('balanced'))
    .option('--out <dir>', 'run folder (default runs/<scenario>-<seed>-<timestamp>)')
    .option('--no-report', 'skip report.html and plots')
    .option('--trace <file>', 'also write the run as Trace Event JSON (Perfetto, chrome://tracing) to this file')
    .option('--checkpoint-every <D>', 'write checkpoint.msgpack in the run folder every D of simulated time')
    .option('--force', 'run even if the estimated memory exceeds the limit, and into an output folder holding other files')
    .option('--no-compare', "do not run the scenario's replay to compare a what-if with")
    .option('--nats <url>', 'host the partitions on `cascade worker` processes of a NATS cluster (with --workers)')
    .option('--workers <N>', 'worker processes to place the partitions on (with --nats)', positiveInt('a worker count', 4096))
    .action(async (flags: Parameters<typeof runCommand>[0]) => exit(await runCommand(flags, abort.signal)));

  output(root.command('resume').description('continue a run from the checkpoint in its run folder').argument('<dir>', 'a run folder with checkpoint.msgpack'))
    .option('--threads <T>', "worker threads (default: the machine's cores, or fewer where the scenario measured faster on fewer)", positiveInt('a thread count'))
    .addOption(new Option('--placement <policy>', 'how partitions are placed on threads').argParser(placement).default('balanced'))
    .option('--out <dir>', 'run folder for the finished run (default: the same folder)')
    .option('--no-report', 'skip report.html and plots')
    .option('--checkpoint-every <D>', 'keep writing checkpoints every D of simulated time')
    .action(async (dir: string, flags: Parameters<typeof resumeCommand>[1]) => exit(await resumeCommand(dir, flags, abort.signal)));

  output(scenarioOptions(root.command('bench').description('run at several fleet sizes and thread counts; table + bench.json')))
    .option('--fleet <N,N,...>', 'fleet sizes', countList)
    .option('--threads <T,T,...>', 'thread counts', intList('a thread count'))
    .option('--repeat <K>', 'repetitions of each configuration, run in rounds (every configuration once per round)', positiveInt('a repeat count', 100))
    .option('--out <dir>', 'folder for bench.json')
    .option('--force', 'past the memory guard, and into an output folder holding other files')
    .action(async (flags: Parameters<typeof benchCommand>[0]) => exit(await benchCommand(flags)));

  output(scenarioOptions(root.command('sweep').description('a grid of runs on the pool: sweep.csv, sweep.json, means with 95% CIs, plots')))
    .option('--fleet <N>', 'number of droplets (1e6, 250k, 1M); for phold, the LP count')
    .option('--vary <key=v1,v2,...>', 'a key and its values (repeatable; the grid is every combination)', collect)
    .option('--seeds <K>', 'seeds per grid point: --seed, --seed+1, ... (default 3, from seed 1)', positiveInt('a seed count', 10_000))
    .option('--metric <name>', 'a summary.json metric to summarise and plot (repeatable; default: the key metrics)', collect)
    .option('--threads <T>', 'worker threads, one run each (default: the machine cores)', positiveInt('a thread count'))
    .option('--out <dir>', 'output folder; rerun with the same one to continue (default runs/sweep-<scenario>-<timestamp>)')
    .option('--force', 'past the memory guard, and into an output folder holding other files')
    .option('--nats <url>', 'run on the workers of a NATS cluster (nats://TOKEN@host:4222) instead of this machine')
    .action(async (flags: Parameters<typeof sweepCommand>[0]) => exit(await sweepCommand(flags, abort.signal)));

  output(scenarioOptions(root.command('tune').description('search for the configuration that minimises an objective: best config, 95% CI, Pareto plot')))
    .option('--fleet <N>', 'number of droplets (1e6, 250k, 1M); for phold, the LP count')
    .option('--objective <metric>', 'the summary.json metric to minimise, e.g. leases.recoveredAt (null ranks worst)')
    .option('--constraint <METRIC<=X>', 'a bound on the mean of a metric, <= or >= (repeatable)', collect)
    .option('--space <key=lo..hi>', 'a key to search: lo..hi (durations allowed) or choices a,b,c (repeatable)', collect)
    .option('--budget <N>', 'runs in all (default 30)', positiveInt('a run budget', 1_000_000))
    .option('--seeds <K>', 'seeds the best configurations are run on: 1..K (default 3)', positiveInt('a seed count', 1_000))
    .option('--pareto <metric>', "the Pareto plot's second metric (default: the first constraint's, else leases.wastedWorkFraction)")
    .option('--threads <T>', 'worker threads, one run each (default: the machine cores)', positiveInt('a thread count'))
    .option('--out <dir>', 'output folder; rerun with the same one to continue (default runs/tune-<scenario>-<timestamp>)')
    .option('--force', 'past the memory guard, and into an output folder holding other files')
    .option('--nats <url>', 'run on the workers of a NATS cluster (nats://TOKEN@host:4222) instead of this machine')
    .action(async (flags: Parameters<typeof tuneCommand>[0]) => exit(await tuneCommand(flags, abort.signal)));

  output(scenarioOptions(root.command('map').description('a phase diagram: collapse probability per cell, the recovered/collapsed boundary along x by bisection')))
    .option('--fleet <N>', 'number of droplets (1e6, 250k, 1M)')
    .option('--x <KEY=LO..HI>', 'the key along which the boundary is searched, e.g. fleet.droplets=1000..50000')
    .option('--y <KEY=LO..HI|KEY=a,b,c>', 'a second key: 5 rows evenly over LO..HI, or the values listed')
    .option('--resolution <R>', "the boundary's precision along x: x's units, or a percentage such as 0.5% (default 1%)")
    .option('--seeds <K>', 'seeds per cell: --seed, --seed+1, ... (default 3, from seed 1)', positiveInt('a seed count', 10_000))
    .option('--threads <T>', 'worker threads, one run each (default: the machine cores)', positiveInt('a thread count'))
    .option('--out <dir>', 'output folder; rerun with the same one to run only the missing cells (default runs/map-<scenario>-<timestamp>)')
    .option('--nats <url>', 'run on the workers of a NATS cluster (nats://TOKEN@host:4222) instead of this machine')
    .action(async (flags: Parameters<typeof mapCommand>[0]) => exit(await mapCommand(flags, abort.signal)));

  output(root.command('explore').description('run many dns-race seeds with random delays; stop at the first invariant violation, write a trace'))
    .option('--scenario <name>', 'the scenario to explore (dns-race)', 'dns-race')
    .option('--seeds <K>', 'seeds to try', positiveInt('a seed count', 10_000_000))
    .option('--first-seed <S>', 'the first seed (default 1)', seedValue)
    .option('--invariant <name>', 'only stop at this invariant (repeatable; default: any)', collect)
    .option('--set <key=value>', 'set a scenario key (repeatable)', collect)
    .option('--threads <T>', 'worker threads (default: the machine cores)', positiveInt('a thread count'))
    .option('--out <dir>', 'folder for the trace')
    .option('--force', 'past the memory guard, and into an output folder holding other files')
    .option('--nats <url>', 'run on the workers of a NATS cluster (nats://TOKEN@host:4222) instead of this machine')
    .action(async (flags: Parameters<typeof exploreCommand>[0]) => exit(await exploreCommand(flags, abort.signal)));

  output(root.command('replay').description('re-run a trace; it must hit the same violation at the same time').argument('<trace>', 'a trace file written by explore'))
    .option('--report', 'also draw the race as a swimlane chart (report.html and plots/race.svg)')
    .option('--out <dir>', "folder for the report (default: the trace's folder)")
    .action(async (file: string, flags: Parameters<typeof replayCommand>[1]) => exit(await replayCommand(file, flags)));

  root
    .command('worker')
    .description('join a NATS cluster: run jobs and host partitions until stopped (Ctrl-C)')
    .requiredOption('--nats <url>', 'the cluster: nats://TOKEN@host:4222 (or the token in CASCADE_NATS_TOKEN)')
    .option('--threads <T>', 'runs at once (default: the machine cores)', positiveInt('a thread count'))
    .option('--quiet', 'no log lines')
    .action(async (flags: Parameters<typeof workerCommand>[0]) => exit(await workerCommand(flags, abort.signal)));

  output(root.command('report').description('rebuild report.html and plots from a run folder').argument('<dir>', 'a run folder'))
    .action(async (dir: string, flags: Parameters<typeof reportCommand>[1]) => exit(await reportCommand(dir, flags)));

  output(root.command('export').description("rewrite a run folder's data for another tool: metrics.om (OpenMetrics)").argument('<dir>', 'a run folder'))
    .addOption(new Option('--format <format>', 'the format to write').choices(EXPORT_FORMATS).default('openmetrics'))
    .action((dir: string, flags: Parameters<typeof exportCommand>[1]) => exit(exportCommand(dir, flags)));

  root
    .command('scenarios')
    .description('list the built-in scenarios')
    .option('--json', 'print the machine-readable result on stdout')
    .action((flags: Parameters<typeof scenariosCommand>[0]) => exit(scenariosCommand(flags)));

  root
    .command('keys')
    .description('list every key --set can change: default, unit, allowed values, meaning')
    .option('--scenario <name>', 'a built-in scenario (default: the us-east-1 replay)')
    .option('--json', 'print the machine-readable result on stdout')
    .action((flags: Parameters<typeof keysCommand>[0]) => exit(keysCommand(flags)));

  root
    .command('validate')
    .description('check a scenario file')
    .argument('<file>', 'YAML or JSON scenario file')
    .option('--set <key=value>', 'set a scenario key (repeatable)', collect)
    .option('--json', 'print the machine-readable result on stdout')
    .action((file: string, flags: Parameters<typeof validateCommand>[1]) => exit(validateCommand(file, flags)));

  return root;
}

async function main(): Promise<void> {
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    abort.abort();
    if (interrupts > 1) process.exit(EXIT_INTERRUPTED);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let code = 0;
  const root = program((c) => (code = c));
  try {
    progressIntervalSeconds();
    await root.parseAsync(process.argv);
  } catch (error) {
    code = handle(error, root);
  }
  // Leave no worker threads or timers behind.
  process.exit(code);
}

function handle(error: unknown, root: Command): number {
  if (abort.signal.aborted) {
    process.stderr.write(`cascade: interrupted\n`);
    return EXIT_INTERRUPTED;
  }
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) return 0; // --help, --version
    // 'commander.help' here is `cascade` without a command: commander has printed the help on stderr
    if (error.code !== 'commander.help') process.stderr.write(`cascade: ${clipLine(usageMessage(error, root))}\n`);
    return EXIT_BAD_INPUT;
  }
  if (error instanceof ConfigError || error instanceof UsageError || error instanceof CodecError) {
    process.stderr.write(`cascade: ${clipLine(error.message)}\n`);
    return EXIT_BAD_INPUT;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`cascade: run failed: ${clipLine(message)}\n`);
  return EXIT_RUN_FAILED;
}

/** Commander's message as one line, with "did you mean" for an unknown command or flag. */
function usageMessage(error: CommanderError, root: Command): string {
  const line = (error.message.split('\n')[0] as string).replace(/^error: /, '');
  const quoted = /'([^']*)'/.exec(line)?.[1] ?? '';
  if (error.code === 'commander.unknownCommand') {
    const names = root.commands.map((c) => c.name());
    return `unknown command '${echo(quoted)}'${didYouMean(quoted, names, `; commands: ${names.join(', ')}`)}`;
  }
  if (error.code === 'commander.unknownOption') {
    // the command whose flags were being read: the first argument naming one, else cascade itself
    const name = process.argv.slice(2).find((arg) => root.commands.some((c) => c.name() === arg));
    const cmd = root.commands.find((c) => c.name() === name) ?? root;
    const flag = quoted.split('=')[0] as string;
    const flags = [...cmd.options.map((o) => o.long ?? ''), '--help'].filter((f) => f !== '');
    const where = cmd === root ? 'cascade' : `cascade ${cmd.name()}`;
    return `unknown option '${echo(flag)}' for ${where}${didYouMean(flag, flags, `; see '${where} --help'`)}`;
  }
  return line;
}

await main();
