import { Inject, Injectable } from '@nestjs/common';
import { hostname } from 'node:os';
import { collectDefaultMetrics, Counter, CounterConfiguration, Gauge, GaugeConfiguration, Histogram, HistogramConfiguration, Registry } from 'prom-client';
import { APP_CONFIG, ServiceEnv } from '#libs/config';
import { SERVICE_NAME } from './service-name';

/**
 * The service's Prometheus registry: process metrics plus the HTTP latency histogram. Services add their own
 * families through counter()/gauge()/histogram(); docs/monitoring.md lists every family and its labels.
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  /** The histogram's label children, resolved once per method, status and route: prom-client's label hashing is skipped per request. */
  private readonly httpChildren = new Map<string, Histogram.Internal<'method' | 'route' | 'status_code'>>();

  constructor(@Inject(SERVICE_NAME) service: string, @Inject(APP_CONFIG) config: ServiceEnv) {
    // Like the logs' instance: replicas of one service in containers differ by host name, not by port.
    this.registry.setDefaultLabels({ service, instance: config.INSTANCE_ID ?? `${hostname()}:${config.PORT}` });
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by method, route pattern and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
  }

  /** The counter `name` of this registry, made on first use: several providers may count into one family. */
  counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
    return (this.registry.getSingleMetric(config.name) as Counter<L> | undefined) ?? new Counter({ ...config, registers: [this.registry] });
  }

  /** The gauge `name` of this registry, made on first use (a `collect` function samples it on each scrape). */
  gauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
    return (this.registry.getSingleMetric(config.name) as Gauge<L> | undefined) ?? new Gauge({ ...config, registers: [this.registry] });
  }

  /** The histogram `name` of this registry, made on first use. */
  histogram<L extends string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
    return (this.registry.getSingleMetric(config.name) as Histogram<L> | undefined) ?? new Histogram({ ...config, registers: [this.registry] });
  }

  /** Records one finished HTTP request; `route` must be the route pattern, never the raw URL. */
  observeHttp(method: string, route: string, statusCode: number, seconds: number): void {
    const name = `${method} ${statusCode} ${route}`;
    let child = this.httpChildren.get(name);
    if (!child) this.httpChildren.set(name, (child = this.httpDuration.labels(method, route, String(statusCode))));
    child.observe(seconds);
  }
}
