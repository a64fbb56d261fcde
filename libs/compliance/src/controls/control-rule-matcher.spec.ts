import { compileRule, matchControls } from './control-rule-matcher';

const rule = (id: string, controls: string[], match: { types?: string[]; source?: string | null; labels?: Record<string, string> }) =>
  compileRule({ id, controls, matchTypes: match.types ?? [], matchSource: match.source ?? null, matchLabels: match.labels ?? {} });

describe('control rule matching', () => {
  const rules = [
    rule('cr_auth', ['PCI:10.2.1.1', 'ISO27001:A.8.15'], { types: ['brute_force', 'credential_stuffing'] }),
    rule('cr_gw', ['ISO27001:A.8.16'], { source: 'Gateway', labels: { env: 'prod' } }),
    rule('cr_team', ['ISO27001:A.5.26'], { labels: { team: 'soc', env: 'prod' } }),
  ];

  it('should give the union of every matching rule with the given controls, sorted once each', () => {
    expect(
      matchControls(rules, { type: 'brute_force', source: 'vpn-GATEWAY-1', labels: { env: 'prod', team: 'soc' } }, ['PCI:10.2.1.1', 'PCI:12.10.1']),
    ).toEqual(['ISO27001:A.5.26', 'ISO27001:A.8.15', 'ISO27001:A.8.16', 'PCI:10.2.1.1', 'PCI:12.10.1']);
  });

  it('should need every condition of a rule: type, source substring (any case) and each label', () => {
    expect(matchControls(rules, { type: 'malware', source: 'gateway', labels: { env: 'staging' } })).toEqual([]);
    expect(matchControls(rules, { type: 'malware', source: 'proxy', labels: { env: 'prod' } })).toEqual([]);
    expect(matchControls(rules, { type: 'malware', source: 'gateway', labels: { env: 'prod', team: 'noc' } })).toEqual(['ISO27001:A.8.16']);
    expect(matchControls(rules, { type: 'credential_stuffing', source: 'x', labels: {} })).toEqual(['ISO27001:A.8.15', 'PCI:10.2.1.1']);
  });

  it('should compare label values exactly, never coercing', () => {
    const numeric = [rule('cr_n', ['PCI:1.2'], { labels: { tier: '1' } })];
    expect(matchControls(numeric, { type: 't', source: 's', labels: { tier: 1 } })).toEqual([]);
    expect(matchControls(numeric, { type: 't', source: 's', labels: { tier: '1' } })).toEqual(['PCI:1.2']);
  });
});
