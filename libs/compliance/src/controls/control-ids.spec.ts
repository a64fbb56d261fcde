import { CONTROL_ID_MAX_LENGTH, isControlId, normaliseControls } from './control-ids';

describe('control ids', () => {
  it.each(['ISO27001:A.8.15', 'ISO27001:A.5.1', 'PCI:10', 'PCI:10.2.1.1', 'PCI:12.10.1'])('should accept %s', (id) => {
    expect(isControlId(id)).toBe(true);
  });

  it.each([
    'ISO27001:8.15',
    'iso27001:a.8.15',
    'ISO27001:A.8',
    'ISO27001:A.8.15.1',
    'PCI:',
    'PCI-10.2',
    'PCI:10.',
    'PCI:10.2.1.1.1.1',
    'SOC2:CC6.1',
    ' PCI:10',
    42,
  ])('should refuse %j', (id) => {
    expect(isControlId(id)).toBe(false);
  });

  it('should store controls once each in byte order', () => {
    expect(normaliseControls(['PCI:10.2.1', 'ISO27001:A.8.16', 'ISO27001:A.8.15', 'PCI:10.2.1'])).toEqual(['ISO27001:A.8.15', 'ISO27001:A.8.16', 'PCI:10.2.1']);
  });

  it('should match no id longer than CONTROL_ID_MAX_LENGTH, the length the OpenAPI document declares', () => {
    const longest = 'PCI:12.123.123.123.123';
    expect(isControlId(longest)).toBe(true);
    expect(longest.length).toBe(CONTROL_ID_MAX_LENGTH);
    expect(isControlId(`${longest}.1`)).toBe(false);
    expect(isControlId('ISO27001:A.12.123')).toBe(false);
  });
});
