// Flag value parsers: each throws commander's InvalidArgumentError with what is allowed.
import { COUNT_HELP, parseCount } from '@cascade/scenarios';
import { InvalidArgumentError } from 'commander';

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
