/**
 * The webhooks bench's receiver, a process of its own: it stands for the systems webhooks go to, which run
 * elsewhere, so it runs at the worker's CPU priority and does not take the api's share of the bench's cores.
 * It answers 204 to every request and reports the count and the first and last arrival on request (IPC).
 */
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';

import { lowerCpuPriority } from '../apps/worker/src/cpu-priority';

export interface ReceiverReport {
  count: number;
  first: number | null;
  last: number | null;
}

lowerCpuPriority(Number(process.env.WORKER_NICE ?? 10));
let report: ReceiverReport = { count: 0, first: null, last: null };
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const at = Date.now();
    report = { count: report.count + 1, first: report.first ?? at, last: at };
    res.writeHead(204).end();
  });
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on('message', (message: 'reset' | 'report' | 'stop') => {
  if (message === 'reset') report = { count: 0, first: null, last: null };
  if (message === 'report') process.send?.(report);
  if (message === 'stop') server.close(() => process.exit(0));
});
