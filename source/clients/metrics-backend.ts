/**
 * The Metrics port's backend for a config: a Prometheus server, or direct scrape of the services'
 * `/metrics` when there is none.
 */
import type {Config} from '../config/schema.js';
import type {Metrics} from '../ports/metrics.js';
import {PrometheusMetrics} from './prometheus.js';
import {ScrapeMetrics, scrapeTargets} from './scrape/metrics.js';

/** A metrics backend that needs its own loop (direct scrape mode). */
export interface StartableMetrics extends Metrics {
	start(signal: AbortSignal): () => void;
}

export function isStartable(metrics: Metrics): metrics is StartableMetrics {
	return typeof (metrics as Partial<StartableMetrics>).start === 'function';
}

/** Prometheus when `prometheus.url` is set, else direct scrape over services with `scrape:` URLs, else null. */
export function createMetricsBackend(config: Config): Metrics | null {
	if (config.prometheus) return new PrometheusMetrics(config.prometheus);
	const targets = scrapeTargets(config.services);
	if (targets.length > 0) return new ScrapeMetrics({targets, intervalMs: config.refresh.metricsMs});
	return null;
}
