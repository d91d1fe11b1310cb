// `cascade scenarios` (the built-ins) and `cascade validate FILE`.
import { DEFAULT_SCENARIO, SCENARIOS } from '@cascade/scenarios';
import { resolveScenario } from '../scenario-input.js';
import { formatTable } from '../table.js';

export function scenariosCommand(flags: { json?: boolean }): number {
  const list = [...SCENARIOS.values()].map((d) => ({
    name: d.name,
    description: d.description,
    default: d.name === DEFAULT_SCENARIO,
  }));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ scenarios: list }, null, 2)}\n`);
    return 0;
  }
  const rows = list.map((s) => [s.default ? `${s.name} (default)` : s.name, s.description]);
  process.stdout.write(`${formatTable(['scenario', 'description'], rows)}\n`);
  return 0;
}

export function validateCommand(file: string, flags: { set?: string[]; json?: boolean }): number {
  const resolved = resolveScenario({ scenario: file, set: flags.set });
  if (flags.json) process.stdout.write(`${JSON.stringify({ valid: true, scenario: resolved.def.name, config: resolved.config }, null, 2)}\n`);
  else process.stdout.write(`${file}: valid ${resolved.def.name} scenario\n`);
  return 0;
}
