// Bad input: what was wrong and where. The CLI prints the message as one line and exits 2.
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
