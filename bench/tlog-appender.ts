/**
 * The worker's tree work for one tenant in a process of its own (as the worker runs it): a checkpoint,
 * with the append before it, every second until SIGTERM; prints `ready` once started and how many it signed
 * at the end. Started by bench/tlog.ts.
 */
import { CheckpointKeys, TransparencyLogService } from '../libs/audit-trail/src';
import { AppConfig } from '../libs/config/src';
import { PrismaService } from '../libs/database/src/prisma.service';

async function main(): Promise<void> {
  const config = AppConfig.fromEnvironment();
  const prisma = new PrismaService(config);
  const log = new TransparencyLogService(prisma, new CheckpointKeys(config));
  const tenantId = process.argv[2];
  let running = true;
  let signed = 0;
  process.on('SIGTERM', () => (running = false));
  process.stdout.write('ready\n');
  while (running) {
    if ((await log.issueCheckpoint(tenantId)).issued) signed++;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  process.stdout.write(`signed ${signed}\n`);
  await prisma.$disconnect();
}

void main();
