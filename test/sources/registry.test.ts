import {createIncidentStore} from '../../source/store/store.js';
import {configSchema} from '../../source/config/schema.js';
import {afterEach, describe, expect, it} from 'vitest';
import type {Cluster, ClusterWatcher} from '../../source/ports/cluster.js';
import {PrometheusMetrics} from '../../source/clients/prometheus.js';
import {createMetricsBackend} from '../../source/clients/metrics-backend.js';
import {startSources} from '../../source/sources/registry.js';
import {ScrapeMetrics} from '../../source/clients/scrape/metrics.js';
import {startServer, type LocalServer} from '../clients/local-server.js';
import {waitFor} from '../support/wait.js';
import {makeConfig, makeContext} from './support.js';

let servers: LocalServer[] = [];
afterEach(async () => {
	await Promise.all(servers.map(s => s.close()));
	servers = [];
});

describe('createMetricsBackend', () => {
	it('prefers Prometheus, falls back to direct scrape, else null', () => {
		const services = [{name: 'app', scrape: 'http://127.0.0.1:1/metrics'}];
		expect(createMetricsBackend(makeConfig({prometheus: {url: 'http://127.0.0.1:9090'}, services}))).toBeInstanceOf(PrometheusMetrics);
		expect(createMetricsBackend(makeConfig({services}))).toBeInstanceOf(ScrapeMetrics);
		expect(createMetricsBackend(makeConfig({services: [{name: 'app', health: 'http://127.0.0.1:1/health'}]}))).toBeNull();
	});
});

describe('startSources', () => {
	it('starts health, direct-scrape metrics and the cluster watch, and stops them all', async () => {
		let counter = 0;
		const app = await startServer((req, res) => {
			if (req.url === '/metrics') {
				counter += 10;
				res.end(`reqs_total ${counter}\n`);
			} else res.end('ok');
		});
		servers.push(app);
		const ctx = makeContext(
			makeConfig({
				services: [{name: 'app', health: `${app.url}/health`, scrape: `${app.url}/metrics`}],
				queries: [{id: 'rps', promql: 'sum(rate(reqs_total[1m]))', unit: 'rps'}],
				refresh: {healthMs: 20, metricsMs: 20},
			}),
		);
		let watchSignal: AbortSignal | undefined;
		const cluster = {
			context: 'test',
			namespace: 'default',
			async watch(watcher: ClusterWatcher, signal: AbortSignal) {
				watchSignal = signal;
				watcher.reset([], []);
			},
		} as unknown as Cluster;
		const stop = startSources({...ctx, cluster, extraQueries: [{id: 'rps', promql: 'dup'}, {id: 'total', promql: 'reqs_total'}]});
		await waitFor(() => ctx.store.getState().health[0]?.ok, {message: 'health row'});
		await waitFor(() => (ctx.store.getState().metrics[0]?.series[0]?.value ?? 0) > 0, {message: 'a rate from direct scrape'});
		expect(ctx.store.getState().metrics.map(m => m.id)).toEqual(['rps', 'total']);
		await waitFor(() => ctx.store.getState().feeds.cluster?.status === 'ok', {message: 'cluster feed'});
		stop();
		expect(watchSignal?.aborted).toBe(true);
	});
});

describe('registry without a metrics backend', () => {
	it('lists the queries, each with the reason it has no value', () => {
		const store = createIncidentStore();
		const abort = new AbortController();
		const config = configSchema.parse({queries: [{id: 'error_ratio', promql: 'sum(rate(x[5m]))', unit: 'ratio'}]});
		const stop = startSources({config, store, append: async () => ({}) as never, signal: abort.signal, metrics: null, extraQueries: [{id: 'p95', promql: 'histogram_quantile(0.95, x)'}]});
		expect(store.getState().metrics.map(m => [m.id, m.error])).toEqual([
			['error_ratio', 'no metrics backend: set prometheus.url, or scrape: URLs on services'],
			['p95', 'no metrics backend: set prometheus.url, or scrape: URLs on services'],
		]);
		stop();
		abort.abort();
	});
});
