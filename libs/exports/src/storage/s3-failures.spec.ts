import { NoSuchBucket, NoSuchKey, NotFound, S3ServiceException } from '@aws-sdk/client-s3';

import { isConnectionError } from '@app/common';

import { describeFailure } from '../runner/export-failures';
import { MAX_PARTS, MIN_PART_BYTES, partSizeFor, rangeHeader } from './s3-export-storage';
import { isMissingObject, objectStoreFailure } from './s3-failures';

const store = { endpoint: 'http://127.0.0.1:8080', bucket: 'exports', key: 't1/exp_1.csv' };

function answer(name: string, status: number, message = 'the store says no'): S3ServiceException {
  return new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message });
}

describe('objectStoreFailure', () => {
  it('should retry an unreachable store, naming the network fault and the endpoint', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8080'), { code: 'ECONNREFUSED' });
    const failure = objectStoreFailure(refused, 'storing', store);
    expect(failure.retryable).toBe(true);
    expect(failure.message).toBe('the object store is unreachable: ECONNREFUSED (storing t1/exp_1.csv in bucket exports at http://127.0.0.1:8080)');
    expect(failure.cause).toBe(refused);
    expect(isConnectionError(failure)).toBe(true); // the api answers 503 with Retry-After
    // "localhost" resolves to two addresses: Node reports both refusals in an AggregateError.
    const both = Object.assign(new AggregateError([refused, refused], ''), { code: 'ECONNREFUSED' });
    expect(objectStoreFailure(both, 'reading', store).retryable).toBe(true);
    const wrapped = new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:8080');
    expect(objectStoreFailure(wrapped, 'storing', store)).toMatchObject({
      retryable: true,
      message: expect.stringMatching(/^the object store is unreachable: ECONNREFUSED \(/),
    });
    expect(objectStoreFailure(Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 'reading', store).message).toContain(
      'unreachable: ETIMEDOUT (reading',
    );
  });

  it('should not retry a missing bucket or refused credentials, and say what to correct', () => {
    const bucket = objectStoreFailure(
      new NoSuchBucket({ message: 'The specified bucket does not exist.', $metadata: { httpStatusCode: 404 } }),
      'storing',
      store,
    );
    expect(bucket.retryable).toBe(false);
    expect(bucket.message).toBe(
      'the bucket does not exist (NoSuchBucket): create it, or correct S3_BUCKET (storing t1/exp_1.csv in bucket exports at http://127.0.0.1:8080)',
    );
    const signature = objectStoreFailure(answer('SignatureDoesNotMatch', 403), 'storing', store);
    expect(signature.retryable).toBe(false);
    expect(signature.message).toContain('the store refused the credentials (SignatureDoesNotMatch): check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY');
  });

  it("should retry the store's 5xx, 408 and 429, and not its other 4xx", () => {
    expect(objectStoreFailure(answer('ServiceUnavailable', 503), 'storing', store)).toMatchObject({
      retryable: true,
      message: 'the object store answered 503 ServiceUnavailable: the store says no (storing t1/exp_1.csv in bucket exports at http://127.0.0.1:8080)',
    });
    expect(objectStoreFailure(answer('SlowDown', 429), 'storing', store).retryable).toBe(true);
    expect(objectStoreFailure(answer('RequestTimeout', 408), 'storing', store).retryable).toBe(true);
    expect(objectStoreFailure(answer('EntityTooLarge', 400), 'storing', store).retryable).toBe(false);
  });

  it('should reach the job as a storage message, retried or not as classified', () => {
    const refused = objectStoreFailure(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }), 'storing', store);
    expect(describeFailure(refused)).toEqual({
      message: 'The export storage failed: the object store is unreachable: ECONNREFUSED (storing t1/exp_1.csv in bucket exports at http://127.0.0.1:8080).',
      retryable: true,
    });
    expect(describeFailure(objectStoreFailure(answer('SignatureDoesNotMatch', 403), 'storing', store)).retryable).toBe(false);
  });
});

describe('isMissingObject', () => {
  it("should take HeadObject's bare 404 and GetObject's NoSuchKey as a missing object, never a missing bucket", () => {
    expect(isMissingObject(new NotFound({ message: 'NotFound', $metadata: { httpStatusCode: 404 } }))).toBe(true);
    expect(isMissingObject(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } }))).toBe(true);
    expect(isMissingObject(new NoSuchBucket({ message: 'The specified bucket does not exist.', $metadata: { httpStatusCode: 404 } }))).toBe(false);
    expect(isMissingObject(answer('AccessDenied', 403))).toBe(false);
    expect(isMissingObject(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(false);
  });
});

describe('rangeHeader and partSizeFor', () => {
  it('should ask for an inclusive byte range', () => {
    expect(rangeHeader({ start: 0, end: 0 })).toBe('bytes=0-0');
    expect(rangeHeader({ start: 100, end: 1_048_575 })).toBe('bytes=100-1048575');
  });

  it("should upload in 5 MiB parts, larger only when a file would need more than Swift's 1,000 parts", () => {
    expect(partSizeFor(0)).toBe(MIN_PART_BYTES);
    expect(partSizeFor(1024 ** 3)).toBe(MIN_PART_BYTES); // 1 GiB: 205 parts
    const large = 20 * 1024 ** 3;
    expect(partSizeFor(large)).toBe(21 * 1024 * 1024);
    expect(Math.ceil(large / partSizeFor(large))).toBeLessThanOrEqual(MAX_PARTS);
    expect(Math.ceil((5000 * 1024 ** 2 + 1) / partSizeFor(5000 * 1024 ** 2 + 1))).toBeLessThanOrEqual(MAX_PARTS);
  });
});
