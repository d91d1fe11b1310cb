// Flag value parsers: each throws commander's InvalidArgumentError with what is allowed; and the
// check of --scenario and --set keys that every scenario command runs first.
import { COUNT_HELP, SCENARIOS, parseCount } from '@cascade/scenarios';
import { keyKind, scenarioKeys } from '@cascade/tune';
import { InvalidArgumentError } from 'commander';
import { existsSync } from 'node:fs';
import { UsageError, didYouMean, echo } from './errors.js';
import { readScenarioFile } from './scenario-input.js';

export function positiveInt(what: string, max = 1024) {
  return (text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`expected ${what}: a whole number from 1 to ${max}`);
    return n;
  };
}

export function seedValue(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a seed: a whole number >= 0');
  return n;
}

export function intList(what: string, max = 1024) {
  const one = positiveInt(what, max);
  return (text: string): number[] => text.split(',').map((part) => one(part.trim()));
}

export function countList(text: string): string[] {
  return text.split(',').map((part) => {
    const n = parseCount(part);
    if (n === undefined || n < 1) throw new InvalidArgumentError(`'${part}' is not ${COUNT_HELP}`);
    return part.trim();
  });
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * Checks --scenario and the keys of --set against the scenario before anything runs, so a typo
 * gets a "did you mean"; values are checked later by the scenario's schema. `fallback` is the
 * scenario when --scenario is absent (the default one, or validate's file).
 */
export function checkScenarioFlags(flags: { scenario?: string; set?: string[] }, fallback: string): void {
  const given = flags.scenario ?? fallback;
  let def = SCENARIOS.get(given);
  if (def === undefined && existsSync(given)) def = SCENARIOS.get(readScenarioFile(given).name);
  if (def === undefined) {
    // a missing file, or a file naming no built-in scenario, is reported where it is read
    if (flags.scenario === undefined || /\.(ya?ml|json)$/i.test(given) || given.includes('/') || existsSync(given)) return;
    const names = [...SCENARIOS.keys()];
    throw new UsageError(`--scenario ${echo(given)}: unknown scenario${didYouMean(given, names, '')}; built-in: ${names.join(', ')}, or a YAML/JSON file`);
  }
  for (const pair of flags.set ?? []) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq).trim();
    if (eq <= 0 || keyKind(def, key) !== undefined) continue;
    const hint = didYouMean(key, scenarioKeys(def), `; see 'cascade keys --scenario ${def.name}'`);
    throw new UsageError(`--set ${echo(pair)}: unknown key for scenario '${def.name}'${hint}`);
  }
}
