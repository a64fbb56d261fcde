import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, CounterConfiguration, Gauge, GaugeConfiguration, Histogram, HistogramConfiguration, Registry } from 'prom-client';

/** Every application metric's name starts so (Prometheus' naming conventions: one prefix per application). */
const METRIC_PREFIX = 'alert_ledger_';

/**
 * Default metrics promtool refuses: gauges named `_total` (`promtool check metrics`: non-counter metrics
 * should not have "_total" suffix). Each is the sum of the series of its twin without `_total`, which
 * stays (`nodejs_active_handles{type}`), so nothing is lost.
 */
const REFUSED_DEFAULT_METRICS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

type Config<T> = Omit<T, 'registers' | 'name'> & { name: string };

/**
 * Prometheus metrics of one process, in a registry of its own (no global state between app instances).
 * A domain adds its metrics through `counter`, `histogram` and `gauge`, usually in a small class of its
 * own beside the code that moves them (ExportMetrics, AuditChainMetrics): names start `alert_ledger_`,
 * counters end `_total`, durations are `_seconds` histograms.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly durations = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    for (const name of REFUSED_DEFAULT_METRICS) this.registry.removeSingleMetric(name);
  }

  counter<L extends string = string>(config: Config<CounterConfiguration<L>>): Counter<L> {
    if (!config.name.endsWith('_total')) throw new Error(`counter ${config.name}: a counter's name ends _total`);
    return this.existing(config.name) ?? new Counter({ ...config, name: this.named(config.name), registers: [this.registry] });
  }

  histogram<L extends string = string>(config: Config<HistogramConfiguration<L>>): Histogram<L> {
    if (config.name.endsWith('_total')) throw new Error(`histogram ${config.name}: only counters end _total`);
    return this.existing(config.name) ?? new Histogram({ ...config, name: this.named(config.name), registers: [this.registry] });
  }

  /** A gauge; with `collect`, its value is read at each scrape (queue sizes). */
  gauge<L extends string = string>(config: Config<GaugeConfiguration<L>>): Gauge<L> {
    if (config.name.endsWith('_total')) throw new Error(`gauge ${config.name}: only counters end _total`);
    return this.existing(config.name) ?? new Gauge({ ...config, name: this.named(config.name), registers: [this.registry] });
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.durations.observe(labels, seconds);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** A metric already registered under this name (two modules of one process asking for the same one share it). */
  private existing<M>(name: string): M | undefined {
    return this.registry.getSingleMetric(name) as M | undefined;
  }

  private named(name: string): string {
    if (!name.startsWith(METRIC_PREFIX)) throw new Error(`metric ${name}: application metrics are named ${METRIC_PREFIX}…`);
    return name;
  }
}
