import { describeFailure } from './export-failures';

describe('describeFailure', () => {
  it('should explain storage faults and not retry them', () => {
    const full = Object.assign(new Error('write failed'), { code: 'ENOSPC', path: '/var/exports/x.csv' });
    expect(describeFailure(full)).toEqual({ message: 'Could not write the export file: the disk is full (ENOSPC at /var/exports/x.csv).', retryable: false });
    expect(describeFailure(Object.assign(new Error('denied'), { code: 'EACCES' })).retryable).toBe(false);
  });

  it('should retry anything else, saying what happened', () => {
    expect(describeFailure(new Error('Chromium disconnected while printing'))).toEqual({
      message: 'The export failed: Chromium disconnected while printing',
      retryable: true,
    });
  });
});
