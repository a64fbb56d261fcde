import { ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scripts/free-port';

export interface TestAlertmanager {
  url: string;
  /** POST /api/v2/alerts: Alertmanager's own API, as Prometheus sends alerts to it. */
  post(alerts: object[]): Promise<void>;
  /** Its /metrics, one sample's value (0 when absent). */
  metric(sample: string): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Debian's prometheus-alertmanager (ALERTMANAGER_BIN, default on PATH) as a plain process: its own
 * configuration and storage in a temporary directory, the web API on a free port, clustering off.
 */
export async function startAlertmanager(config: string): Promise<TestAlertmanager> {
  const dir = await mkdtemp(join(tmpdir(), 'alert-ledger-am-'));
  await writeFile(join(dir, 'alertmanager.yml'), config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    process.env.ALERTMANAGER_BIN ?? 'prometheus-alertmanager',
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`Alertmanager did not start: ${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    async post(alerts) {
      const response = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
      if (!response.ok) throw new Error(`Alertmanager refused the alerts: ${response.status} ${await response.text()}`);
    },
    async metric(sample) {
      return sumOfSamples(await (await fetch(`${url}/metrics`)).text(), sample);
    },
    stop,
  };
}

/** The sum of the samples of a Prometheus text exposition whose line starts with `sample` (a name, or a name and labels). */
export function sumOfSamples(text: string, sample: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(sample))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

/** Polls `probe` until it answers true (every 100 ms, up to `timeoutMs`). */
export async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
