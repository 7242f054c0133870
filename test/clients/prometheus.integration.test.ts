/**
 * Against a REAL Prometheus (Debian's package): a prom-client service with a known traffic mix,
 * scraped every second by a Prometheus this test starts on a free loopback port.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startMetricsSource, type QueryDef} from '../../source/kinds/metrics/source.js';
import {PrometheusMetrics, parseSampleValue} from '../../source/clients/prometheus.js';
import {ScrapeMetrics} from '../../source/clients/scrape/metrics.js';
import {buildMetricRows, metricsSummary} from '../../source/kinds/metrics/rows.js';
import {startMetricsService, trafficMix, type MetricsService} from '../support/metrics-service.js';
import {findPrometheus, installHint, startPrometheus, type RunningPrometheus} from '../support/prometheus.js';
import {waitFor} from '../support/wait.js';
import {makeConfig, makeContext} from '../kinds/support.js';
import {metricsData} from '../../source/kinds/metrics/data.js';

const binary = findPrometheus();
const inCi = process.env.CI === 'true';

if (!binary) {
	if (inCi) {
		describe('Prometheus integration', () => {
			it('needs the prometheus binary under CI', () => {
				throw new Error(`prometheus binary not found on PATH or at /usr/bin/prometheus; CI must install it: ${installHint}`);
			});
		});
	} else {
		console.warn(
			`\n*** SKIPPING Prometheus integration tests: no prometheus binary on PATH or at /usr/bin/prometheus.\n*** Install it to run them: ${installHint}\n`,
		);
	}
}

const errorRatio = 'sum(rate(http_requests_total{status=~"5.."}[1m])) / sum(rate(http_requests_total[1m]))';
const p95 = 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[1m])))';

/** What Prometheus's own HTTP API says, read without our client. */
async function promOwn(url: string, promql: string, timeSec: number): Promise<number[]> {
	const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({query: promql, time: String(timeSec)})}`);
	const json = (await res.json()) as {status: string; data: {resultType: string; result: Array<{value: [number, string]}>}};
	expect(json.status).toBe('success');
	return json.data.result.map(r => parseSampleValue(r.value[1]));
}

describe.skipIf(!binary)('Prometheus integration (real server)', () => {
	let service: MetricsService;
	let prometheus: RunningPrometheus;
	let metrics: PrometheusMetrics;
	const controller = new AbortController();

	beforeAll(async () => {
		service = await startMetricsService();
		prometheus = await startPrometheus(binary!, [service.hostPort]);
		metrics = new PrometheusMetrics({url: prometheus.url, timeoutMs: 5000});
		// The first target scrape comes after service discovery (~5.5 s in 2.42); wait for a rate, never sleep.
		await waitFor(
			async () => {
				// Data two seconds ago, so the tests' evaluation time (one second ago) surely has some.
				const at = Math.floor(Date.now() / 1000) - 2;
				const ratio = await metrics.instant(errorRatio, controller.signal, at).catch(() => []);
				const quantile = await metrics.instant(p95, controller.signal, at).catch(() => []);
				return ratio.length > 0 && quantile.length > 0 && Number.isFinite(quantile[0]!.value);
			},
			{timeoutMs: 40_000, intervalMs: 250, message: 'Prometheus to answer rate() over the service'},
		).catch(error => {
			throw new Error(`${(error as Error).message}\nprometheus output:\n${prometheus?.output()}`);
		});
	});

	afterAll(async () => {
		controller.abort();
		await prometheus?.close();
		await service?.close();
	});

	it('returns the same error ratio and p95 as Prometheus itself at the same evaluation time', async () => {
		const at = Math.floor(Date.now() / 1000) - 1;
		for (const promql of [errorRatio, p95]) {
			const ours = await metrics.instant(promql, controller.signal, at);
			const theirs = await promOwn(prometheus.url, promql, at);
			expect(ours.map(s => s.value)).toEqual(theirs);
			expect(ours).toHaveLength(1);
		}
		const [ratio] = await metrics.instant(errorRatio, controller.signal, at);
		const [quantile] = await metrics.instant(p95, controller.signal, at);
		expect(ratio!.value).toBeCloseTo(trafficMix.errorRatio, 6);
		expect(quantile!.value).toBeCloseTo(trafficMix.p95, 6);
	});

	it('range queries match Prometheus too', async () => {
		const end = Math.floor(Date.now() / 1000) - 1;
		const series = await metrics.range(errorRatio, end - 5, end, 1, controller.signal);
		const res = await fetch(`${prometheus.url}/api/v1/query_range?${new URLSearchParams({query: errorRatio, start: String(end - 5), end: String(end), step: '1'})}`);
		const json = (await res.json()) as {data: {result: Array<{values: Array<[number, string]>}>}};
		expect(series).toHaveLength(1);
		expect(series[0]!.points).toEqual(json.data.result[0]!.values.map(([t, v]) => [t, parseSampleValue(v)]));
	});

	it('puts those values into the store with the right tones', async () => {
		const ctx = makeContext(makeConfig({refresh: {metricsMs: 500}}));
		const queries: QueryDef[] = [
			{id: 'error_ratio', title: '5xx ratio', promql: errorRatio, unit: 'ratio', warn: 0.02, critical: 0.08},
			{id: 'p95', title: 'p95 latency', promql: p95, unit: 'seconds', warn: 0.3, critical: 0.6},
		];
		const stop = startMetricsSource({...ctx, signal: controller.signal, metrics, queries});
		try {
			const rows = await waitFor(() => (metricsData.of(ctx.store.getState()).filter(m => !m.loading).length === 2 ? metricsData.of(ctx.store.getState()) : null), {timeoutMs: 10_000, message: 'metric rows'});
			expect(rows[0]!.series[0]!.value).toBeCloseTo(trafficMix.errorRatio, 6);
			expect(rows[0]!.tone).toBe('warn');
			expect(rows[1]!.series[0]!.value).toBeCloseTo(trafficMix.p95, 6);
			expect(rows[1]!.tone).toBe('crit');
			await waitFor(() => (metricsData.of(ctx.store.getState())[0]?.series[0]?.history.length ?? 0) >= 2, {timeoutMs: 10_000, message: 'sparkline history'});
			await waitFor(() => ctx.signals().length === 2, {message: 'threshold signals'});
			expect(ctx.signals().map(s => `${s.subject} ${s.level}`).sort()).toEqual(['error_ratio warn', 'p95 crit']);
		} finally {
			stop();
		}
	});

	it('direct scrape mode agrees with Prometheus on the same service', async () => {
		const scrape = new ScrapeMetrics({targets: [{name: 'app', url: service.url}]});
		await scrape.scrapeOnce(controller.signal);
		const ticks = service.ticks();
		await waitFor(() => service.ticks() >= ticks + 5, {message: 'more traffic'});
		await scrape.scrapeOnce(controller.signal);
		const [ratio] = await scrape.instant(errorRatio, controller.signal);
		const [quantile] = await scrape.instant(p95, controller.signal);
		const at = Math.floor(Date.now() / 1000) - 1;
		const [promRatio] = await promOwn(prometheus.url, errorRatio, at);
		const [promP95] = await promOwn(prometheus.url, p95, at);
		expect(ratio!.value).toBeCloseTo(promRatio!, 6);
		expect(quantile!.value).toBeCloseTo(promP95!, 6);
	});
});

describe.skipIf(!binary)('Prometheus integration: a scrape target that dies (real server)', () => {
	let service: MetricsService;
	let prometheus: RunningPrometheus;
	let metrics: PrometheusMetrics;
	const controller = new AbortController();

	beforeAll(async () => {
		service = await startMetricsService();
		prometheus = await startPrometheus(binary!, [service.hostPort]);
		metrics = new PrometheusMetrics({url: prometheus.url, timeoutMs: 5000});
		await waitFor(async () => (await metrics.instant(errorRatio, controller.signal).catch(() => [])).length > 0, {
			timeoutMs: 40_000,
			intervalMs: 250,
			message: 'Prometheus to answer rate() over the service',
		}).catch(error => {
			throw new Error(`${(error as Error).message}\nprometheus output:\n${prometheus?.output()}`);
		});
	});

	afterAll(async () => {
		controller.abort();
		await prometheus?.close();
		await service?.close();
	});

	it('says on the query’s row and in the pane’s title that its target is down, since when and why', async () => {
		const ctx = makeContext(makeConfig({refresh: {metricsMs: 250}}));
		const queries: QueryDef[] = [
			{id: 'error_ratio', title: '5xx ratio', promql: errorRatio, unit: 'ratio', warn: 0.02, critical: 0.08},
			{id: 'unrelated', title: 'Prometheus itself', promql: 'sum(prometheus_build_info)'},
		];
		const stop = startMetricsSource({...ctx, signal: controller.signal, metrics, queries});
		try {
			const up = await waitFor(() => metricsData.of(ctx.store.getState())[0]?.targets, {timeoutMs: 10_000, message: 'the targets behind the error ratio'});
			expect(up).toEqual({up: 1, problems: []});
			const stoppedAt = Date.now();
			await service.close();
			// Prometheus scrapes every second: within a few, `up` is 0 and the row says so.
			const row = await waitFor(() => {
				const r = metricsData.of(ctx.store.getState())[0];
				return r?.targets?.problems[0]?.health === 'down' ? r : null;
			}, {timeoutMs: 15_000, message: 'the error ratio’s target down'});
			const target = row.targets!.problems[0]!;
			expect(target).toMatchObject({job: 'app', instance: service.hostPort, health: 'down'});
			expect(target.error).toMatch(/connection refused/);
			// Since its first failed scrape: after the service stopped, within Prometheus's scrape interval and ours.
			expect(target.downSince).toBeGreaterThanOrEqual(stoppedAt - 1000);
			expect(target.downSince).toBeLessThanOrEqual(Date.now());
			expect(target.lastOkAt).toBeLessThan(target.downSince!);
			// Prometheus's own series are not the dead target's.
			expect(metricsData.of(ctx.store.getState())[1]?.targets?.problems ?? []).toEqual([]);
			const since = new Date(target.downSince!).toISOString().slice(11, 19);
			const cells = buildMetricRows(metricsData.of(ctx.store.getState())).find(r => r.key === 'm:error_ratio')!.cells;
			expect(cells.at(-1)!.text).toMatch(new RegExp(`^✗ target app ${service.hostPort.replace(/\./g, '\\.')} down since ${since} · `));
			const {summary, problem} = metricsSummary(metricsData.of(ctx.store.getState()));
			expect(summary).toEqual({text: '2 queries · 1 target down', tone: 'crit'});
			expect(problem!.text).toMatch(new RegExp(`^app ${service.hostPort.replace(/\./g, '\\.')} down since ${since}: Get .*connection refused`));
		} finally {
			stop();
		}
	});
});
