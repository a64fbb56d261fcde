import { Random } from './random';

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export const STATUSES = ['open', 'acknowledged', 'escalated', 'resolved', 'dismissed'] as const;
export const ALERTABLE_TYPES = ['event', 'manual', 'system', 'scheduled', 'external'] as const;

/** One row of the alerts table, in column order of ALERT_COLUMNS. */
export interface SeedAlert {
  id: string;
  tenant_id: string;
  type: string;
  source: string;
  title: string;
  message: string;
  severity: (typeof SEVERITIES)[number];
  status: (typeof STATUSES)[number];
  assignee: string | null;
  alertable_type: (typeof ALERTABLE_TYPES)[number];
  alertable_id: string;
  alert_rule_id: string;
  alert_rule_name: string;
  system_key: string;
  alertname: string;
  fingerprint: string;
  stream_id: string | null;
  site_id: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  receiver: string | null;
  follow_up_status: 'not_followed_up' | 'followed_up';
  follow_up_notes: string | null;
  starts_at: Date;
  ends_at: Date | null;
  created_at: Date;
  updated_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  escalated_at: Date | null;
  escalated_by: string | null;
  resolved_at: Date | null;
  resolved_by: string | null;
  dismissed_at: Date | null;
  dismissed_by: string | null;
  version: number;
}

export const ALERT_COLUMNS: (keyof SeedAlert)[] = [
  'id',
  'tenant_id',
  'type',
  'source',
  'title',
  'message',
  'severity',
  'status',
  'assignee',
  'alertable_type',
  'alertable_id',
  'alert_rule_id',
  'alert_rule_name',
  'system_key',
  'alertname',
  'fingerprint',
  'stream_id',
  'site_id',
  'labels',
  'annotations',
  'receiver',
  'follow_up_status',
  'follow_up_notes',
  'starts_at',
  'ends_at',
  'created_at',
  'updated_at',
  'acknowledged_at',
  'acknowledged_by',
  'escalated_at',
  'escalated_by',
  'resolved_at',
  'resolved_by',
  'dismissed_at',
  'dismissed_by',
  'version',
];

interface Rule {
  id: string;
  name: string;
  type: string;
  alertname: string;
  source: string[];
  title: string;
  message: string;
  alertable: (typeof ALERTABLE_TYPES)[number];
}

const RULES: Rule[] = [
  {
    id: 'rule-bf-01',
    name: 'Brute force detection',
    type: 'brute_force',
    alertname: 'BruteForceLogin',
    source: ['anomaly_detector', 'auth-gateway'],
    title: 'Brute force detection on {host}',
    message: 'User {user} had {n} failed logins in 5 minutes from {ip}',
    alertable: 'event',
  },
  {
    id: 'rule-ids-02',
    name: 'IDS signature match',
    type: 'intrusion',
    alertname: 'IdsSignatureMatch',
    source: ['ids-suricata', 'ids-snort'],
    title: 'Intrusion signature {sig} matched',
    message: 'Traffic from {ip} to {host} matched signature {sig}',
    alertable: 'event',
  },
  {
    id: 'rule-mal-03',
    name: 'Malware quarantined',
    type: 'malware',
    alertname: 'MalwareDetected',
    source: ['edr-crowdstrike', 'edr-defender'],
    title: 'Malware quarantined on {host}',
    message: 'File with hash {hash} was quarantined for user {user}',
    alertable: 'external',
  },
  {
    id: 'rule-exf-04',
    name: 'Unusual data egress',
    type: 'data_exfiltration',
    alertname: 'DataEgressAnomaly',
    source: ['dlp-gateway', 'anomaly_detector'],
    title: 'Unusual data egress from {host}',
    message: '{n} MB left {host} towards {ip} outside business hours',
    alertable: 'event',
  },
  {
    id: 'rule-cfg-05',
    name: 'Privileged configuration change',
    type: 'config_change',
    alertname: 'PrivilegedConfigChange',
    source: ['siem', 'cloudtrail'],
    title: 'Privileged change by {user}',
    message: '{user} changed the firewall policy on {host}',
    alertable: 'system',
  },
  {
    id: 'rule-av-06',
    name: 'Service unavailable',
    type: 'availability',
    alertname: 'InstanceDown',
    source: ['prometheus', 'Equipment-01', 'Equipment-07'],
    title: '{host} is down',
    message: 'Target {host} has not answered scrapes for {n} minutes',
    alertable: 'system',
  },
  {
    id: 'rule-perf-07',
    name: 'Latency above SLO',
    type: 'performance',
    alertname: 'HighLatency',
    source: ['prometheus', 'Sensor-05'],
    title: 'p99 latency above SLO on {host}',
    message: 'p99 latency {n} ms exceeded the 500 ms objective',
    alertable: 'scheduled',
  },
  {
    id: 'rule-pol-08',
    name: 'Policy violation',
    type: 'policy_violation',
    alertname: 'PolicyViolation',
    source: ['casb', 'siem'],
    title: 'Policy violation by {user}',
    message: '{user} uploaded a file classified confidential to an unsanctioned app',
    alertable: 'manual',
  },
  {
    id: 'rule-fr-09',
    name: 'Deteksi Wajah Tidak Dikenal',
    type: 'anomaly',
    alertname: 'UnknownFace',
    source: ['lenz-analytics'],
    title: 'Unknown face at {site}',
    message: 'Wajah tidak terdaftar terdeteksi di {site}',
    alertable: 'event',
  },
  {
    id: 'rule-mtr-10',
    name: 'Motor Overload',
    type: 'anomaly',
    alertname: 'MotorOverload',
    source: ['Equipment-01', 'Equipment-02'],
    title: 'Motor Overload',
    message: 'Motor current exceeded 80% threshold (모터 과부하)',
    alertable: 'system',
  },
];

const HOSTS = ['web-01', 'web-02', 'db-primary', 'db-replica', 'vpn-gw', 'mail-01', 'k8s-node-3', 'pos-terminal-12', 'hr-laptop-44', 'fileserver'];
const USERS = ['alice', 'bob', 'chen.wei', 'dewi.s', 'kim.minjun', 'svc-backup', 'admin', 'eve'];
const ANALYSTS = ['analyst-001', 'analyst-002', 'analyst-003', 'soc-lead', 'oncall-sre'];
const SIGNATURES = ['ET SCAN Nmap', 'ET EXPLOIT Log4j', 'GPL SQL injection', 'ET POLICY TOR exit'];
const SITES = ['site-jakarta', 'site-seoul', 'site-shanghai', 'site-berlin'];
const RECEIVERS = ['severity-critical-receiver', 'soc-pager', 'default-receiver', null];
const ENVIRONMENTS = ['prod', 'staging'];
const REGIONS = ['ap-southeast-1', 'ap-northeast-2', 'eu-central-1'];

const SEVERITY_WEIGHTS = [
  ['info', 35],
  ['low', 30],
  ['medium', 20],
  ['high', 10],
  ['critical', 5],
] as const;
const STATUS_WEIGHTS = [
  ['open', 25],
  ['acknowledged', 20],
  ['escalated', 8],
  ['resolved', 37],
  ['dismissed', 10],
] as const;

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? key);
}

function encodeTime(time: number): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = alphabet[time % 32] + out;
    time = Math.floor(time / 32);
  }
  return out;
}

export interface SeedTenant {
  id: string;
  name: string;
  slug: string;
}

/** Seeded tenants' ids are made at this fixed time, so a seed run on any day finds the same tenants. */
const TENANT_EPOCH = Date.UTC(2025, 0, 1);

/** Tenants of a seed: always the same ids and slugs. */
export function seedTenants(count: number): SeedTenant[] {
  return Array.from({ length: count }, (_, i) => {
    const random = new Random(1_000 + i);
    const n = String(i + 1).padStart(2, '0');
    return { id: `tnt_${encodeTime(TENANT_EPOCH + i)}${random.base32(16)}`, name: `Demo Tenant ${n}`, slug: `demo-tenant-${n}` };
  });
}

/**
 * The `index`-th alert of a seed: deterministic for (seed, index, tenants, epoch), spread over the year
 * before `epoch`, severities skewed toward low, and every lifecycle timestamp consistent with its status
 * and at or before `epoch` (nothing is resolved in the future).
 */
export function generateAlert(seed: number, index: number, tenants: readonly SeedTenant[], epoch: number): SeedAlert {
  const random = new Random(seed * 1_000_003 + index);
  const tenant = tenants[index % tenants.length];
  const rule = random.pick(RULES);
  const host = random.pick(HOSTS);
  const user = random.pick(USERS);
  const ip = `10.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(1, 254)}`;
  const site = random.pick(SITES);
  const values = { host, user, ip, site, n: String(random.int(3, 900)), sig: random.pick(SIGNATURES), hash: random.hex(12) };
  const severity = random.weighted(SEVERITY_WEIGHTS);
  const status = random.weighted(STATUS_WEIGHTS);
  const createdAt = new Date(epoch - Math.floor(random.next() * 365 * DAY));
  const startsAt = new Date(createdAt.getTime() - random.int(0, 5) * MINUTE);
  const source = random.pick(rule.source);
  const analyst = random.pick(ANALYSTS);
  // A lifecycle step comes 1 to maxMinutes after the one before, but never after the epoch (the seed's
  // "now"): an alert created minutes before it cannot have been resolved days later.
  const stamp = (after: Date, maxMinutes: number): Date =>
    new Date(Math.min(after.getTime() + random.int(1, maxMinutes) * MINUTE, Math.max(epoch, after.getTime())));

  const acknowledgedAt = status === 'open' || (status === 'dismissed' && random.chance(0.5)) ? null : stamp(createdAt, 240);
  const escalatedAt = status === 'escalated' || (status === 'resolved' && random.chance(0.15)) ? stamp(acknowledgedAt ?? createdAt, 120) : null;
  const resolvedAt = status === 'resolved' ? stamp(escalatedAt ?? acknowledgedAt ?? createdAt, 2_880) : null;
  const dismissedAt = status === 'dismissed' ? stamp(acknowledgedAt ?? createdAt, 600) : null;
  const lastChange = resolvedAt ?? dismissedAt ?? escalatedAt ?? acknowledgedAt ?? createdAt;
  const followedUp = status === 'resolved' && random.chance(0.6);
  const systemKey = `SYS-${host.toUpperCase()}`;
  const alertableId = rule.alertable === 'event' ? `event_${site}_${Math.floor(createdAt.getTime() / 1000)}` : `${rule.alertable}-${random.hex(8)}`;

  return {
    id: `alr_${encodeTime(createdAt.getTime())}${random.base32(16)}`,
    tenant_id: tenant.id,
    type: rule.type,
    source,
    title: fill(rule.title, values),
    message: fill(rule.message, values),
    severity,
    status,
    assignee: status === 'open' && random.chance(0.7) ? null : analyst,
    alertable_type: rule.alertable,
    alertable_id: alertableId,
    alert_rule_id: rule.id,
    alert_rule_name: rule.name,
    system_key: systemKey,
    alertname: rule.alertname,
    fingerprint: random.hex(16),
    stream_id: rule.alertable === 'event' ? `stream-${site}-${random.int(1, 8)}` : null,
    site_id: rule.alertable === 'event' ? site : null,
    labels: {
      alertname: rule.alertname,
      severity,
      instance: host,
      job: source,
      env: random.pick(ENVIRONMENTS),
      region: random.pick(REGIONS),
      system_key: systemKey,
    },
    annotations: { summary: fill(rule.title, values), runbook: `https://runbooks.example.com/${rule.alertname}` },
    receiver: random.pick(RECEIVERS),
    follow_up_status: followedUp ? 'followed_up' : 'not_followed_up',
    follow_up_notes: followedUp ? `Checked by ${analyst}; no further action.` : null,
    starts_at: startsAt,
    ends_at: resolvedAt,
    created_at: createdAt,
    updated_at: lastChange,
    acknowledged_at: acknowledgedAt,
    acknowledged_by: acknowledgedAt ? analyst : null,
    escalated_at: escalatedAt,
    escalated_by: escalatedAt ? random.pick(ANALYSTS) : null,
    resolved_at: resolvedAt,
    resolved_by: resolvedAt ? analyst : null,
    dismissed_at: dismissedAt,
    dismissed_by: dismissedAt ? analyst : null,
    version: 1 + [acknowledgedAt, escalatedAt, resolvedAt, dismissedAt].filter(Boolean).length,
  };
}

function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** One line of PostgreSQL's COPY text format. */
export function toCopyLine(alert: SeedAlert): string {
  return `${ALERT_COLUMNS.map((column) => copyField(alert[column])).join('\t')}\n`;
}
