/**
 * The worker's tree work for one tenant in a process of its own (as the worker runs it, at its
 * WORKER_NICE): a checkpoint, with the append before it, every second until SIGTERM; prints `ready` once
 * started, and at the end how many it signed, how many failed and its CPU seconds. Started by bench/tlog.ts.
 */
import { lowerCpuPriority } from '../apps/worker/src/cpu-priority';
import { CheckpointKeys, TransparencyLogService } from '../libs/audit-trail/src';
import { AppConfig } from '../libs/config/src';
import { PlainSql } from '../libs/database/src/plain-sql';
import { PrismaService } from '../libs/database/src/prisma.service';

async function main(): Promise<void> {
  const config = AppConfig.fromEnvironment();
  lowerCpuPriority(config.workerNice);
  const prisma = new PrismaService(config);
  const log = new TransparencyLogService(prisma, new CheckpointKeys(config), new PlainSql(config));
  const tenantId = process.argv[2];
  let running = true;
  let signed = 0;
  process.on('SIGTERM', () => (running = false));
  const start = process.cpuUsage();
  process.stdout.write('ready\n');
  let failed = 0;
  while (running) {
    // A failed checkpoint is logged and the next one goes on, as in the worker (CheckpointProcessor).
    try {
      if ((await log.issueCheckpoint(tenantId)).issued) signed++;
    } catch (error) {
      failed++;
      process.stderr.write(`tlog-appender: a checkpoint failed: ${(error as Error).message}\n`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const cpu = process.cpuUsage(start);
  process.stdout.write(`signed ${signed} failed ${failed} cpu ${((cpu.user + cpu.system) / 1e6).toFixed(1)}\n`);
  await prisma.$disconnect();
}

void main();
