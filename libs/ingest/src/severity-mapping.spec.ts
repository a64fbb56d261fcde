import { mapSeverity } from './severity-mapping';

describe('mapSeverity', () => {
  it.each([
    ['critical', 'critical'],
    ['CRITICAL', 'critical'],
    ['page', 'critical'],
    ['error', 'high'],
    ['warning', 'medium'],
    ['minor', 'low'],
    ['info', 'info'],
    [' Warning ', 'medium'],
    ['bogus', 'medium'],
    [undefined, 'medium'],
  ])('should map %j to %s', (label, severity) => {
    expect(mapSeverity(label)).toBe(severity);
  });
});
