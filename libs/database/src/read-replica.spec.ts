import { MetricsService } from '@app/common';
import { AppConfig } from '@app/config';

import { caughtUpAt, lsnValue, ReadReplica } from './read-replica';

describe('lsnValue', () => {
  it('should order WAL positions as PostgreSQL does, across the high word', () => {
    expect(lsnValue('0/3000000')).toBe(0x3000000n);
    expect(lsnValue('16/B374D848')).toBe((0x16n << 32n) + 0xb374d848n);
    expect(lsnValue('1/0') > lsnValue('0/FFFFFFFF')).toBe(true);
  });
});

describe('caughtUpAt', () => {
  const samples = [
    { at: 1_000, lsn: 100n },
    { at: 2_000, lsn: 100n },
    { at: 3_000, lsn: 250n },
    { at: 4_000, lsn: 400n },
  ];

  it('should answer the newest moment the primary stood at or before the replayed position', () => {
    expect(caughtUpAt(samples, 400n)).toBe(4_000);
    expect(caughtUpAt(samples, 500n)).toBe(4_000);
    expect(caughtUpAt(samples, 399n)).toBe(3_000);
    // An idle primary: the replica has everything, so the newest sample of that position counts.
    expect(caughtUpAt(samples, 100n)).toBe(2_000);
  });

  it('should answer null when the replica is behind every sample kept', () => {
    expect(caughtUpAt(samples, 99n)).toBeNull();
    expect(caughtUpAt([], 1n)).toBeNull();
  });
});

describe('ReadReplica.failed', () => {
  const replica = new ReadReplica(AppConfig.fromEnvironment({ ...process.env, DATABASE_READ_URL: '' }), new MetricsService());

  it('should tell a pool without a free connection, a lost server and a failed statement apart', () => {
    expect(replica.failed(new Error('timeout exceeded when trying to connect'))).toBe('busy');
    expect(replica.failed(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5433'), { code: 'ECONNREFUSED' }))).toBe('down');
    expect(replica.failed(Object.assign(new Error('canceling statement due to conflict with recovery'), { code: '40001' }))).toBe('error');
    expect(replica.failed(Object.assign(new Error('relation "alert_hourly_counts" does not exist'), { code: '42P01' }))).toBe('error');
  });
});
