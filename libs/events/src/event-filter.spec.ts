import { alertChangedEvents } from './event-data';
import { matchesFilter } from './event-filter';

describe('event filters', () => {
  const alert = { severity: 'high', source: 'ids-suricata', controls: ['PCI:10.2.1.1'] };

  it('should pass an event that meets every condition given', () => {
    expect(matchesFilter({}, alert)).toBe(true);
    expect(matchesFilter({ severity: ['high', 'critical'], source: ['ids-suricata'], control: ['ISO27001:A.8.15', 'PCI:10.2.1.1'] }, alert)).toBe(true);
    expect(matchesFilter({ severity: ['critical'] }, alert)).toBe(false);
    expect(matchesFilter({ source: ['edr'] }, alert)).toBe(false);
    expect(matchesFilter({ control: ['ISO27001:A.8.15'] }, alert)).toBe(false);
  });

  it('should leave out the events of suppressed alerts unless the filter asks for them', () => {
    const suppressed = { ...alert, suppressed: true };
    const shown = { ...alert, suppressed: false };
    expect([matchesFilter({}, suppressed), matchesFilter({}, shown)]).toEqual([false, true]);
    expect([matchesFilter({ suppressed: 'false' }, suppressed), matchesFilter({ suppressed: 'false' }, shown)]).toEqual([false, true]);
    expect([matchesFilter({ suppressed: 'true' }, suppressed), matchesFilter({ suppressed: 'true' }, shown)]).toEqual([true, false]);
    expect([matchesFilter({ suppressed: 'any' }, suppressed), matchesFilter({ suppressed: 'any' }, shown)]).toEqual([true, true]);
    // Events without the field (threat cases, exports) pass whatever it says.
    expect(matchesFilter({ suppressed: 'true' }, { id: 'tc_1', controls: [] })).toBe(true);
  });

  it('should apply a condition only to events carrying its field', () => {
    expect(matchesFilter({ severity: ['critical'] }, { id: 'exp_1', status: 'completed' })).toBe(true);
    expect(matchesFilter({ control: ['PCI:10.2.1.1'] }, { id: 'tc_1', controls: [] })).toBe(false);
  });

  it('should tell a status change (and an escalation) from an update', () => {
    const fields = {
      id: 'alr_1',
      tenantId: 'tnt_1',
      status: 'escalated',
      severity: 'high',
      type: 't',
      source: 's',
      title: 'x',
      controls: [],
      version: 2,
      updatedAt: new Date(0),
    };
    expect(alertChangedEvents(fields, 'open').map((event) => event.type)).toEqual(['alert.status_changed', 'alert.escalated']);
    expect(alertChangedEvents(fields, 'escalated').map((event) => event.type)).toEqual(['alert.updated']);
  });
});
