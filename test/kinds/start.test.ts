import {createIncidentStore} from '../../source/store/store.js';
import {configSchema} from '../../source/config/schema.js';
import {afterEach, describe, expect, it} from 'vitest';
import type {Cluster, ClusterWatcher} from '../../source/ports/cluster.js';
import {PrometheusMetrics} from '../../source/clients/prometheus.js';
import {createMetricsBackend} from '../../source/clients/metrics-backend.js';
import {startKinds} from '../../source/kinds/start.js';
import type {Runbook} from '../../source/runbook/model.js';
import type {QueryDef} from '../../source/kinds/metrics/source.js';
import {ScrapeMetrics} from '../../source/clients/scrape/metrics.js';
import {startServer, type LocalServer} from '../clients/local-server.js';
import {waitFor} from '../support/wait.js';
import {makeConfig, makeContext} from './support.js';
import {healthData} from '../../source/kinds/health/data.js';
import {metricsData} from '../../source/kinds/metrics/data.js';

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

/** An active runbook that only brings `queries` (the Metrics kind polls them after the config's). */
function withQueries(queries: QueryDef[]): {runbook: Runbook; variables: Record<string, string>} {
	const runbook: Runbook = {id: 'q', title: 'Queries', source: 'builtin:q', format: 'yaml', alerts: [], variables: [], queries: queries.map(q => ({...q, title: q.title ?? q.id})), sections: [], steps: [], escalation: []};
	return {runbook, variables: {}};
}

describe('startKinds', () => {
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
		const stop = startKinds({...ctx, cluster, metrics: createMetricsBackend(ctx.config), runbook: withQueries([{id: 'rps', promql: 'dup'}, {id: 'total', promql: 'reqs_total'}])});
		await waitFor(() => healthData.of(ctx.store.getState())[0]?.ok, {message: 'health row'});
		await waitFor(() => (metricsData.of(ctx.store.getState())[0]?.series[0]?.value ?? 0) > 0, {message: 'a rate from direct scrape'});
		expect(metricsData.of(ctx.store.getState()).map(m => m.id)).toEqual(['rps', 'total']);
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
		const stop = startKinds({config, store, append: async () => ({}) as never, signal: abort.signal, now: Date.now, metrics: null, cluster: null, runbook: withQueries([{id: 'p95', promql: 'histogram_quantile(0.95, x)'}])});
		expect(metricsData.of(store.getState()).map(m => [m.id, m.error])).toEqual([
			['error_ratio', 'no metrics backend: set prometheus.url, or scrape: URLs on services'],
			['p95', 'no metrics backend: set prometheus.url, or scrape: URLs on services'],
		]);
		stop();
		abort.abort();
	});
});
