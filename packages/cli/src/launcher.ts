// `npx cascade` runs the CLI under npm and a shell, which do not pass SIGINT on and, on SIGTERM,
// exit and leave the run orphaned. Started by npm, the CLI watches its parent: when the launcher
// goes, the run is interrupted as if signalled (exit 130 within a second), never left running.
const LAUNCHER_POLL_MS = 100;

/** npm commands that start the CLI through a shell of their own. */
const NPM_LAUNCHERS = new Set(['exec', 'run-script']);

export function watchLauncher(): void {
  if (!NPM_LAUNCHERS.has(process.env['npm_command'] ?? '')) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    process.kill(process.pid, 'SIGTERM');
  }, LAUNCHER_POLL_MS);
  timer.unref();
}
