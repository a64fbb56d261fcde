import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

import { freePort } from '../../scripts/free-port';

const run = promisify(execFile);
const SCRIPT = resolve(__dirname, '../../scripts/swift.sh');

export interface PrivateSwift {
  /** The S3 endpoint (the proxy), e.g. http://127.0.0.1:41234. */
  endpoint: string;
  /** The variables that point an api or worker at this store's bucket. */
  env: Record<string, string>;
  bucket: string;
  /** A client of the store as the tests check it, with the settings Swift needs. */
  client: S3Client;
  /** Stops every server (its objects stay on disk). */
  stop(): Promise<void>;
  /** Starts them again on the same endpoint, with the same objects. */
  start(): Promise<void>;
  /** Stops the servers and removes the directory. */
  remove(): Promise<void>;
}

/** A private single-node Swift with s3api (scripts/swift.sh) on a free port, with one bucket made. */
export async function privateSwift(bucket = 'alert-ledger-exports'): Promise<PrivateSwift> {
  const dir = await mkdtemp(join(tmpdir(), 'alert-ledger-swift-'));
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const start = async () => {
    await run(SCRIPT, ['start', dir, String(port)], { timeout: 120_000 });
  };
  const stop = async () => {
    await run(SCRIPT, ['stop', dir], { timeout: 60_000 });
  };
  const credentials = { accessKeyId: 'test:tester', secretAccessKey: 'testing' };
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  try {
    await start();
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    await stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    endpoint,
    bucket,
    client,
    env: {
      EXPORT_STORAGE: 's3',
      S3_ENDPOINT: endpoint,
      S3_BUCKET: bucket,
      S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
    },
    stop,
    start,
    remove: async () => {
      client.destroy();
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
