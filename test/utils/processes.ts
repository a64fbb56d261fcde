import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { freePort } from '../../scripts/free-port';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');

/** Polls `url` until `ok` holds for its status, or fails after `timeoutMs` (or when `child` exits). */
export async function waitForStatus(url: string, ok: (status: number) => boolean, options: { child?: ChildProcess; timeoutMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  for (;;) {
    if (options.child && options.child.exitCode !== null) throw new Error(`${url}: its process exited with ${options.child.exitCode}`);
    const status = await fetch(url).then(
      (response) => response.status,
      () => 0,
    );
    if (ok(status)) return;
    if (Date.now() > deadline) throw new Error(`${url} still answers ${status}`);
    await new Promise((done) => setTimeout(done, 250));
  }
}

/** A real api or worker process (the TypeScript sources through scripts/ts-register.js) on a free port. */
export interface AppProcess {
  child: ChildProcess;
  pid: number;
  baseUrl: string;
  /** Whether the process is still the one started (it never exited). */
  alive(): boolean;
  stop(): Promise<void>;
}

/** `stdout: 'pipe'` keeps the process's log lines readable on `child.stdout`. */
export async function startApp(app: 'api' | 'worker', env: Record<string, string>, options: { stdout?: 'pipe' } = {}): Promise<AppProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', './scripts/ts-register.js', `apps/${app}/src/main.ts`], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), WORKER_PORT: String(port), LOG_LEVEL: 'fatal', ...env },
    stdio: ['ignore', options.stdout ?? 'ignore', 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const started: AppProcess = {
    child,
    pid: child.pid as number,
    baseUrl,
    alive: () => child.exitCode === null && child.signalCode === null,
    stop: async () => {
      if (!started.alive()) return;
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((done) => (timer = setTimeout(done, 10_000)))]);
      clearTimeout(timer);
      if (started.alive()) child.kill('SIGKILL');
    },
  };
  try {
    await waitForStatus(`${baseUrl}/health/live`, (status) => status === 200, { child });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return started;
}

/** A private redis-server on a free port, keeping nothing on disk (as a Redis without persistence). */
export interface PrivateRedis {
  url: string;
  start(): Promise<void>;
  /** SIGKILL: Redis is gone at once, with every key. */
  kill(): Promise<void>;
}

export async function privateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const redis: PrivateRedis = {
    url: `redis://127.0.0.1:${port}`,
    start: async () => {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpdir()], {
        stdio: 'ignore',
      });
      const deadline = Date.now() + 10_000;
      while (
        (await run('redis-cli', ['-p', String(port), 'ping']).then(
          ({ stdout }) => stdout.trim(),
          () => '',
        )) !== 'PONG'
      ) {
        if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not start`);
        await new Promise((done) => setTimeout(done, 100));
      }
    },
    kill: async () => {
      const running = child;
      child = null;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((done) => running.once('exit', done));
      running.kill('SIGKILL');
      await exited;
    },
  };
  await redis.start();
  return redis;
}

/**
 * A private PostgreSQL cluster (pg_createcluster, trust auth) on a free port, to be stopped and started
 * by a test; `drop` removes it with its data. The shared cluster is never touched.
 */
export interface PrivateCluster {
  url(database: string): string;
  stop(): Promise<void>;
  start(): Promise<void>;
  drop(): Promise<void>;
}

/** The newest PostgreSQL server version installed (pg_createcluster's first argument). */
async function serverVersion(): Promise<string> {
  const versions = (await readdir('/usr/lib/postgresql'))
    .filter((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`))
    .sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error('no PostgreSQL server binaries in /usr/lib/postgresql (scripts/bootstrap.sh installs them)');
  return versions[0];
}

/** A private cluster's handle; `make` fills its data directory (initdb through pg_createcluster, or a base backup). */
async function createCluster(
  role: string,
  createOptions: string[],
  make?: (dir: string) => Promise<void>,
): Promise<PrivateCluster & { port: number; name: string; version: string }> {
  const version = await serverVersion();
  const port = await freePort();
  const name = `alert_ledger_${role}_${process.pid}_${port}`;
  const dir = join(tmpdir(), name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await run('chown', ['postgres:postgres', dir]);
  await run('pg_createcluster', [version, name, '--port', String(port), '-d', dir, '--start-conf=manual', ...createOptions]);
  const ctl = (action: string, ...options: string[]) => run('pg_ctlcluster', [version, name, action, ...options]);
  try {
    if (make) await make(dir);
    await ctl('start');
  } catch (error) {
    await run('pg_dropcluster', ['--stop', version, name]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    name,
    version,
    url: (database) => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    stop: async () => {
      await ctl('stop', '-m', 'fast');
    },
    start: async () => {
      await ctl('start');
    },
    drop: async () => {
      await run('pg_dropcluster', ['--stop', version, name]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function privateCluster(): Promise<PrivateCluster> {
  return createCluster('faults', ['--', '--auth=trust']);
}

/**
 * A private primary and its streaming replica (pg_basebackup with a replication slot, hot standby with
 * feedback), as ../shared/design/INFRA.md found to work: both trust local connections. `drop` removes the
 * replica, its slot on the primary and then the primary.
 */
export interface PrivateReplicaPair {
  primary: PrivateCluster;
  replica: PrivateCluster;
  /** Waits until the primary streams to the replica. */
  streaming(): Promise<void>;
  drop(): Promise<void>;
}

export async function privateReplicaPair(): Promise<PrivateReplicaPair> {
  // initdb's stock pg_hba.conf, with --auth=trust, lets local connections replicate.
  const primary = await createCluster('primary', ['--', '--auth=trust']);
  const slot = `replica_${process.pid}_${primary.port}`;
  let replica: (PrivateCluster & { name: string }) | null = null;
  const pair: PrivateReplicaPair = {
    primary,
    get replica() {
      return replica as PrivateCluster;
    },
    streaming: async () => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const { stdout } = await run('psql', [primary.url('postgres'), '-Atc', "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"]);
        if (stdout.trim() === '1') return;
        if (Date.now() > deadline) throw new Error('the replica does not stream');
        await new Promise((done) => setTimeout(done, 200));
      }
    },
    drop: async () => {
      await replica?.drop();
      await run('psql', [
        primary.url('postgres'),
        '-c',
        `SELECT pg_drop_replication_slot('${slot}') FROM pg_replication_slots WHERE slot_name = '${slot}'`,
      ]).catch(() => undefined);
      await primary.drop();
    },
  };
  try {
    replica = await createCluster('replica', ['-o', 'hot_standby=on', '-o', 'hot_standby_feedback=on', '--', '--auth=trust'], async (dir) => {
      await rm(dir, { recursive: true, force: true });
      await run('runuser', [
        '-u',
        'postgres',
        '--',
        'pg_basebackup',
        '-h',
        '127.0.0.1',
        '-p',
        String(primary.port),
        '-U',
        'postgres',
        '-D',
        dir,
        '-R',
        '-X',
        'stream',
        '-C',
        '-S',
        slot,
        '--checkpoint=fast',
      ]);
    });
    await pair.streaming();
  } catch (error) {
    await pair.drop();
    throw error;
  }
  return pair;
}

/** Whether a process runs (a zombie, dead but not yet reaped, does not). */
export async function isRunning(pid: number): Promise<boolean> {
  const fields = await statFields(pid);
  return fields.length > 0 && fields[0] !== 'Z';
}

async function statFields(pid: number): Promise<string[]> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat ? stat.slice(stat.lastIndexOf(')') + 2).split(' ') : [];
}

/** Every running process in the process groups of `pids` (Chromium's zygotes, renderers and GPU process share the browser's). */
export async function processGroupsOf(pids: number[]): Promise<number[]> {
  const groups = new Set((await Promise.all(pids.map(statFields))).map((fields) => fields[2]).filter(Boolean));
  const all = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  const members: number[] = [];
  for (const pid of all) {
    const fields = await statFields(pid);
    if (groups.has(fields[2]) && fields[0] !== 'Z') members.push(pid);
  }
  return members;
}

/** Running processes whose command line contains `text`. */
export async function processesWith(text: string): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  const found: number[] = [];
  for (const pid of pids) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(text) && (await isRunning(pid))) found.push(pid);
  }
  return found;
}

/** Every running descendant of `pid` (a worker's Chromium, which puppeteer starts in a process group of its own, and the browser's children). */
export async function descendantsOf(pid: number): Promise<number[]> {
  const all = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  const parents = new Map<number, number>();
  for (const candidate of all) {
    const fields = await statFields(candidate);
    if (fields.length > 0 && fields[0] !== 'Z') parents.set(candidate, Number(fields[1]));
  }
  const found: number[] = [];
  const frontier = [pid];
  while (frontier.length > 0) {
    const parent = frontier.pop() as number;
    for (const [child, of] of parents) {
      if (of === parent) {
        found.push(child);
        frontier.push(child);
      }
    }
  }
  return found;
}
