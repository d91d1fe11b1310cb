// A real nats-server for the cluster tests: a generated config (token auth, JetStream) in a temp
// dir, on a free loopback port; and worker processes joined to it. Everything is stopped at the end.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('./fixtures/cluster-worker.mjs', import.meta.url));


export interface Nats {
  /** With the token: nats://TOKEN@127.0.0.1:PORT */
  readonly url: string;
  readonly bareUrl: string;
  readonly token: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForPort(port: number, deadlineMs: number): Promise<void> {
  while (Date.now() < deadlineMs) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = tcpConnect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nats-server did not listen on 127.0.0.1:${port}`);
}

function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export async function startNats(extraConfig = ''): Promise<Nats> {
  if (spawnSync('nats-server', ['--version']).status !== 0) {
    throw new Error('nats-server is not installed: apt-get install -y nats-server (.ci/run does this)');
  }
  const dir = mkdtempSync(join(tmpdir(), 'cascade-nats-'));
  const port = await freePort();
  const token = randomBytes(12).toString('hex');
  const config = join(dir, 'nats.conf');
  writeFileSync(
    config,
    [
      `listen: 127.0.0.1:${port}`,
      `jetstream { store_dir: "${join(dir, 'js')}", max_memory_store: 64MB, max_file_store: 256MB }`,
      `authorization { token: "${token}" }`,
      extraConfig,
    ].join('\n'),
  );
  const server = spawn('nats-server', ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  server.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  try {
    await waitForPort(port, Date.now() + 10_000);
  } catch (error) {
    server.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${log}`);
  }
  return {
    url: `nats://${token}@127.0.0.1:${port}`,
    bareUrl: `nats://127.0.0.1:${port}`,
    token,
    stop: async () => {
      server.kill('SIGTERM');
      if (!(await exited(server, 5_000))) server.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves once a line matching `pattern` has been printed. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** SIGTERM; resolves true if it exited within the time. */
  stop(timeoutMs?: number): Promise<boolean>;
}

export async function startWorker(url: string, threads = 1): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [WORKER, '--nats', url, '--threads', String(threads)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer): void => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  child.on('exit', () => {
    for (const l of listeners) l();
  });
  const worker: WorkerProcess = {
    child,
    pid: child.pid as number,
    output: () => out,
    waitFor: (pattern, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (pattern.test(out)) done(undefined);
          else if (child.exitCode !== null || child.signalCode !== null) done(new Error(`worker ${child.pid} exited before printing ${pattern}:\n${out}`));
        };
        const timer = setTimeout(() => done(new Error(`worker ${child.pid} did not print ${pattern} within ${timeoutMs} ms:\n${out}`)), timeoutMs);
        const done = (error: Error | undefined): void => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error === undefined) resolve();
          else reject(error);
        };
        listeners.add(check);
        check();
      }),
    stop: async (timeoutMs = 10_000) => {
      child.kill('SIGTERM');
      const ok = await exited(child, timeoutMs);
      if (!ok) child.kill('SIGKILL');
      return ok;
    },
  };
  await worker.waitFor(/^ready: /m);
  return worker;
}

export async function startWorkers(url: string, count: number, threads = 1): Promise<WorkerProcess[]> {
  return Promise.all(Array.from({ length: count }, () => startWorker(url, threads)));
}
