/**
 * What the screen says about each source: loading before the first answer (never "none configured"
 * or an error), ok, stale with the age of the last good data and why, unreachable, unauthorized;
 * and the header's one-line summary of every configured source.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {startHealthSource} from '../../source/kinds/health/source.js';
import {startMetricsSource} from '../../source/kinds/metrics/source.js';
import {PrometheusMetrics} from '../../source/clients/prometheus.js';
import {createIncidentStore} from '../../source/store/store.js';
import {startServer, type LocalServer} from '../clients/local-server.js';
import {renderCockpit} from '../support/render-cockpit.js';
import {waitFor} from '../support/wait.js';
import {makeConfig, makeContext} from '../kinds/support.js';
import {alertsData} from '../../source/kinds/alerts/data.js';
import {healthData} from '../../source/kinds/health/data.js';
import {metricsData} from '../../source/kinds/metrics/data.js';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
	for (const fn of cleanups.splice(0).reverse()) await fn();
});

function header(frame: string): string {
	return frame.split('\n')[0] ?? '';
}

function paneBody(frame: string, title: string): string[] {
	const lines = frame.split('\n');
	const start = lines.findIndex(line => line.includes(title));
	const end = lines.findIndex((line, i) => i > start && /^ \d [A-Z]/.test(line));
	return lines.slice(start + 1, end < 0 ? undefined : end);
}

describe('Health while its first checks are under way', () => {
	it('says loading, never "no health checks configured", until the first answer; then shows the rows', async () => {
		let release: (() => void) | undefined;
		const server: LocalServer = await startServer((_req, res) => {
			release = () => res.end('ok');
		});
		cleanups.push(() => server.close());
		const ctx = makeContext(makeConfig({services: [{name: 'checkout', health: server.url, timeoutMs: 20_000}], refresh: {healthMs: 60_000}}));
		cleanups.push(startHealthSource(ctx));
		const ui = await renderCockpit({store: ctx.store, width: 100, height: 30});
		cleanups.push(() => ui.unmount());
		await waitFor(() => release, {message: 'the health request reached the server'});
		const body = paneBody(ui.frame(), '1 Health').join('\n');
		expect(body).not.toContain('no health checks configured');
		expect(body).toMatch(/loading/);
		expect(header(ui.frame())).toContain('health: loading');
		release!();
		await ui.waitForFrame(f => paneBody(f, '1 Health').some(line => line.includes('checkout') && line.includes('200')), 'the checkout row');
		expect(header(ui.frame())).not.toContain('health: loading');
	});

	it('says "no health checks configured" only when none is', async () => {
		const ui = await renderCockpit({width: 100, height: 30});
		cleanups.push(() => ui.unmount());
		expect(paneBody(ui.frame(), '1 Health').join('\n')).toContain('no health checks configured');
	});
});

describe('Health when a service stops answering', () => {
	it('keeps its dependency rows, marked stale with their age, and says how long since its last answer', async () => {
		const now = Date.now();
		const store = createIncidentStore();
		store.getState().dataReceived(healthData, [
			{
				name: 'checkout',
				url: 'http://127.0.0.1:8080/health',
				ok: false,
				tone: 'crit',
				detail: 'connection refused (127.0.0.1:8080)',
				checkedAt: now,
				lastAnswerAt: now - 45_000,
				dependencies: [
					{name: 'postgres', status: 'ok', ok: true, latencyMs: 4, tone: 'muted', stale: true, checkedAt: now - 45_000},
					{name: 'payments', status: 'ok', ok: true, latencyMs: 800, tone: 'muted', detail: 'slow: 800 ms', stale: true, checkedAt: now - 45_000},
				],
			},
		]);
		const ui = await renderCockpit({store, width: 100, height: 30});
		cleanups.push(() => ui.unmount());
		const body = paneBody(ui.frame(), '1 Health');
		expect(body.find(line => line.includes('checkout'))).toMatch(/checkout\s+---\s+stale 4[5-9]s\s+connection refused \(127\.0\.0\.1:8080\)/);
		expect(body.find(line => line.includes('└ postgres'))).toMatch(/└ postgres\s+stale 4[5-9]s\s+was ok, 4 ms/);
		expect(body.find(line => line.includes('└ payments'))).toMatch(/└ payments\s+stale 4[5-9]s\s+was ok, 800 ms/);
	});

	it('shows a slow dependency as slow', async () => {
		const store = createIncidentStore();
		store.getState().dataReceived(healthData, [
			{
				name: 'checkout',
				url: 'http://127.0.0.1:8080/health',
				ok: true,
				status: 200,
				latencyMs: 20,
				tone: 'warn',
				detail: 'payments slow: 800 ms',
				checkedAt: Date.now(),
				dependencies: [{name: 'payments', status: 'ok', ok: true, latencyMs: 800, tone: 'warn', detail: 'slow: 800 ms'}],
			},
		]);
		const ui = await renderCockpit({store, width: 100, height: 30, color: false});
		cleanups.push(() => ui.unmount());
		expect(paneBody(ui.frame(), '1 Health').find(line => line.includes('└ payments'))).toMatch(/800 ms\s+.*ok, slow: 800 ms/);
	});
});

describe('the header summary of the sources', () => {
	it('names each source that is not ok with its state and age, and counts the ok ones', async () => {
		const now = Date.now();
		const store = createIncidentStore();
		store.getState().dataReceived(healthData, [], now);
		store.getState().dataReceived(metricsData, [], now - 65_000);
		store.getState().feedFailed('metrics', 'Prometheus at http://prom:9090/api/v1/query: connection refused (prom:9090)', now - 5000, 'unreachable');
		store.getState().feedFailed('alerts', 'Alertmanager at http://am:9093/api/v2/alerts answered HTTP 401 Unauthorized', now - 45_000, 'unauthorized');
		store.getState().feedLoading('cluster');
		const ui = await renderCockpit({store, width: 160, height: 30});
		cleanups.push(() => ui.unmount());
		const line = header(ui.frame());
		expect(line).toMatch(/metrics: stale 1m0[5-9]s \(unreachable\)/);
		expect(line).toMatch(/alerts: unauthorized 4[5-9]s/);
		expect(line).toContain('cluster: loading');
		expect(line).toContain('1 ok');
		// The summary comes before the title, so a narrow terminal cuts the title, not the summary.
		expect(line.indexOf('alerts:')).toBeLessThan(line.indexOf('Untitled incident'));
	});

	it('takes the kind of failure from the metrics source, and says it once', async () => {
		const store = createIncidentStore();
		const ctx = {...makeContext(makeConfig({prometheus: {url: 'http://127.0.0.1:1'}, queries: [{id: 'up', promql: 'up'}], refresh: {metricsMs: 60_000}})), store};
		const stop = startMetricsSource({...ctx, metrics: new PrometheusMetrics({url: 'http://127.0.0.1:1', timeoutMs: 1000}), queries: [{id: 'up', promql: 'up'}]});
		cleanups.push(stop);
		await waitFor(() => store.getState().feeds.metrics?.status === 'error', {message: 'metrics failed'});
		expect(store.getState().feeds.metrics?.failure).toBe('unreachable');
		const ui = await renderCockpit({store, width: 120, height: 30});
		cleanups.push(() => ui.unmount());
		expect(header(ui.frame())).toMatch(/metrics: unreachable \d+s/);
		expect(ui.frame()).toMatch(/✗ unreachable \d+s · connection refused \(127\.0\.0\.1:1\)/);
	});

	it('says all sources are ok in a few characters when they are', async () => {
		const store = createIncidentStore();
		store.getState().dataReceived(healthData, []);
		store.getState().dataReceived(alertsData, []);
		const ui = await renderCockpit({store, width: 100, height: 30});
		cleanups.push(() => ui.unmount());
		expect(header(ui.frame())).toContain('2 sources ok');
	});

	it('says nothing of sources when none is configured', async () => {
		const ui = await renderCockpit({width: 100, height: 30});
		cleanups.push(() => ui.unmount());
		expect(header(ui.frame())).not.toMatch(/sources? ok|loading/);
	});
});
