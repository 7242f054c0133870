import {afterEach, describe, expect, it} from 'vitest';
import type {InstantSample, Metrics, RangeSeries} from '../../../source/ports/metrics.js';
import {HttpError} from '../../../source/clients/http.js';
import {crossingMessage, feedError, seriesRows, startMetricsSource, type QueryDef} from '../../../source/kinds/metrics/source.js';
import {PrometheusMetrics} from '../../../source/clients/prometheus.js';
import type {LocalServer} from '../../clients/local-server.js';
import {waitFor} from '../../support/wait.js';
import {startFakePrometheus, vector, type Reply} from '../../clients/fake-prometheus.js';
import {makeConfig, makeContext} from '../support.js';
import {metricsData} from '../../../source/kinds/metrics/data.js';

/** An in-memory Metrics: answers per promql, switchable during a test. */
function fakeMetrics() {
	const answers = new Map<string, InstantSample[] | Error>();
	const ranges = new Map<string, RangeSeries[]>();
	let instantCalls = 0;
	const metrics: Metrics = {
		async instant(promql) {
			instantCalls++;
			const answer = answers.get(promql);
			if (answer instanceof Error) throw answer;
			return answer ?? [];
		},
		async range(promql) {
			return ranges.get(promql) ?? [];
		},
	};
	return {metrics, answers, ranges, calls: () => instantCalls};
}

const ratio: QueryDef = {id: 'error_ratio', title: '5xx ratio', promql: 'ratio', unit: 'ratio', warn: 0.01, critical: 0.05};
const latency: QueryDef = {id: 'p95', title: 'p95', promql: 'p95', unit: 'seconds', warn: 0.5, critical: 1};

let stops: Array<() => void> = [];
let servers: LocalServer[] = [];
afterEach(async () => {
	for (const stop of stops) stop();
	stops = [];
	await Promise.all(servers.map(s => s.close()));
	servers = [];
});

/** The rows that have had an answer. */
function answered(ctx: ReturnType<typeof makeContext>) {
	return metricsData.of(ctx.store.getState()).filter(m => !m.loading);
}

function start(queries: QueryDef[], metrics: Metrics) {
	const ctx = makeContext(makeConfig({refresh: {metricsMs: 20}}));
	stops.push(startMetricsSource({...ctx, metrics, queries}));
	return ctx;
}

describe('seriesRows', () => {
	it('shortens labels, sorts by value and caps at 8 rows', () => {
		const samples = Array.from({length: 12}, (_, i) => ({labels: {job: 'api', route: `/r${i}`}, value: i / 100}));
		const rows = seriesRows(ratio, samples);
		expect(rows).toHaveLength(8);
		expect(rows[0]).toMatchObject({labels: 'route=/r11', value: 0.11, tone: 'crit'});
		expect(rows.map(r => r.value)).toEqual([0.11, 0.1, 0.09, 0.08, 0.07, 0.06, 0.05, 0.04]);
		expect(seriesRows(ratio, [{labels: {}, value: Number.NaN}])[0]).toMatchObject({labels: '', value: null, tone: 'muted'});
	});

	it('words threshold crossings', () => {
		expect(crossingMessage(ratio, 'crit', 0.0731)).toBe('5xx ratio above critical 5% (7.31%)');
		expect(crossingMessage(ratio, 'ok', 0.001)).toBe('5xx ratio back to normal (0.1%)');
		expect(crossingMessage(ratio, 'warn', 0.048, 'crit')).toBe('5xx ratio improving: under critical 5%, still past warning (4.8%)');
		expect(crossingMessage(ratio, 'warn', 0.02, 'ok')).toBe('5xx ratio above warning 1% (2%)');
		expect(crossingMessage({id: 'ready', promql: 'x', warn: 3, critical: 1, direction: 'below'}, 'warn', 2)).toBe('ready below warning 3 (2)');
	});
});

describe('feedError', () => {
	it('says once what kept every query from an answer, and what it means when that is known', () => {
		const refused = new HttpError('refused', 'connection refused (127.0.0.1:9090)', 'http://127.0.0.1:9090');
		expect(feedError([refused, refused, refused])).toBe('unreachable: connection refused (127.0.0.1:9090)');
		const denied = new HttpError('http', 'Prometheus at http://p/ answered HTTP 403 Forbidden: check bearerTokenFile', 'http://p/', 403);
		expect(feedError([denied])).toBe('unauthorized: Prometheus at http://p/ answered HTTP 403 Forbidden: check bearerTokenFile');
		expect(feedError([new Error('a'), new Error('b'), new Error('c')])).toBe('all 3 queries failed: a (and 2 other errors)');
	});
});

describe('startMetricsSource', () => {
	it('fills history from a range query, then appends instant values', async () => {
		const fake = fakeMetrics();
		fake.ranges.set('ratio', [{labels: {}, points: [[1, 0.001], [2, 0.002], [3, Number.NaN], [4, 0.003]]}]);
		fake.answers.set('ratio', [{labels: {}, value: 0.004}]);
		const ctx = start([ratio], fake.metrics);
		const row = await waitFor(() => answered(ctx)[0], {message: 'first metrics row'});
		expect(row).toMatchObject({id: 'error_ratio', title: '5xx ratio', unit: 'ratio', warn: 0.01, critical: 0.05, tone: 'ok'});
		// Range history (NaN dropped) then the instant value(s) polled so far.
		expect(row.series[0]!.history.slice(0, 4)).toEqual([0.001, 0.002, 0.003, 0.004]);
		fake.answers.set('ratio', [{labels: {}, value: 0.005}]);
		await waitFor(() => metricsData.of(ctx.store.getState())[0]!.series[0]!.value === 0.005, {message: 'second value'});
		const history = metricsData.of(ctx.store.getState())[0]!.series[0]!.history;
		expect(history.slice(0, 4)).toEqual([0.001, 0.002, 0.003, 0.004]);
		expect(history.at(-1)).toBe(0.005);
		expect(history.length).toBeLessThanOrEqual(120);
	});

	it('one row per series with the worst tone; a failing query keeps its last series with an error', async () => {
		const fake = fakeMetrics();
		fake.answers.set('ratio', [
			{labels: {route: '/a', job: 'api'}, value: 0.002},
			{labels: {route: '/b', job: 'api'}, value: 0.2},
		]);
		fake.answers.set('p95', [{labels: {}, value: 0.3}]);
		const ctx = start([ratio, latency], fake.metrics);
		await waitFor(() => answered(ctx).length === 2, {message: 'rows'});
		const [r, l] = metricsData.of(ctx.store.getState());
		expect(r!.series.map(s => [s.labels, s.tone])).toEqual([
			['route=/b', 'crit'],
			['route=/a', 'ok'],
		]);
		expect(r!.tone).toBe('crit');
		expect(l!.tone).toBe('ok');
		fake.answers.set('p95', new Error("direct scrape mode does not support 'topk'; configure prometheus.url"));
		const p95 = await waitFor(() => (metricsData.of(ctx.store.getState())[1]?.error ? metricsData.of(ctx.store.getState())[1] : null), {message: 'row error'});
		expect(p95.error).toBe("direct scrape mode does not support 'topk'; configure prometheus.url");
		expect(p95.series[0]!.value).toBe(0.3);
		expect(metricsData.of(ctx.store.getState())[0]!.error).toBeUndefined();
		expect(ctx.store.getState().feeds.metrics?.status).toBe('ok');
	});

	it('writes one threshold signal per tone change, not per poll', async () => {
		const fake = fakeMetrics();
		fake.answers.set('ratio', [{labels: {}, value: 0.001}]);
		const ctx = start([ratio], fake.metrics);
		await waitFor(() => answered(ctx)[0], {message: 'row'});
		expect(ctx.signals()).toEqual([]);
		fake.answers.set('ratio', [{labels: {}, value: 0.07}]);
		await waitFor(() => ctx.signals().length === 1, {message: 'crit signal'});
		const calls = fake.calls();
		await waitFor(() => fake.calls() >= calls + 3, {message: 'more polls'});
		expect(ctx.signals()).toEqual([{kind: 'threshold.crossed', level: 'crit', message: '5xx ratio above critical 5% (7%)', subject: 'error_ratio', value: 0.07}]);
		fake.answers.set('ratio', [{labels: {}, value: 0.02}]);
		await waitFor(() => ctx.signals().length === 2, {message: 'warn signal'});
		fake.answers.set('ratio', [{labels: {}, value: 0.002}]);
		await waitFor(() => ctx.signals().length === 3, {message: 'ok signal'});
		expect(ctx.signals().map(s => s.level)).toEqual(['crit', 'warn', 'ok']);
	});

	it('does not repeat a threshold crossing still being written when the source is restarted', async () => {
		const fake = fakeMetrics();
		fake.answers.set('ratio', [{labels: {}, value: 0.07}]);
		const ctx = makeContext(makeConfig({refresh: {metricsMs: 20}}));
		// A journal slow to fsync: an event lands in the timeline only when the test lets it.
		let release: Array<() => void> = [];
		const slowAppend = (async (type, data) => {
			await new Promise<void>(resolve => release.push(resolve));
			return ctx.append(type, data);
		}) as typeof ctx.append;
		const first = startMetricsSource({...ctx, append: slowAppend, metrics: fake.metrics, queries: [ratio]});
		await waitFor(() => release.length === 1, {message: 'the crossing asked for'});
		first();
		const second = startMetricsSource({...ctx, append: slowAppend, metrics: fake.metrics, queries: [ratio]});
		try {
			const calls = fake.calls();
			await waitFor(() => fake.calls() >= calls + 2, {message: 'the restarted source polled'});
			for (const write of release.splice(0)) write();
			await waitFor(() => ctx.signals().length > 0, {message: 'written'});
			expect(ctx.signals()).toHaveLength(1);
			expect(release).toEqual([]);
		} finally {
			second();
			for (const write of release) write();
			release = [];
		}
	});

	it('keeps the last good rows over HTTP and marks the feed with each failure', async () => {
		let mode: 'ok' | Reply = 'ok';
		const server = await startFakePrometheus(() => (mode === 'ok' ? {body: vector([{value: '0.002'}])} : mode));
		servers.push(server);
		const ctx = makeContext(makeConfig({refresh: {metricsMs: 20}}));
		stops.push(startMetricsSource({...ctx, metrics: new PrometheusMetrics({url: server.url, timeoutMs: 200}), queries: [ratio]}));
		await waitFor(() => ctx.store.getState().feeds.metrics?.status === 'ok', {message: 'first good poll'});
		const failures: Array<[Reply, RegExp]> = [
			[{status: 503, body: 'upstream down'}, /answered HTTP 503 Service Unavailable: upstream down/],
			[{status: 401, body: ''}, /^unauthorized: Prometheus at .* answered HTTP 401 Unauthorized: check bearerTokenFile/],
			[{contentType: 'text/html', body: '<html>proxy login</html>'}, /text\/html body instead of JSON/],
			['hang', /^unreachable: timeout after 200 ms/],
		];
		for (const [reply, expected] of failures) {
			mode = reply;
			const feed = await waitFor(() => {
				const f = ctx.store.getState().feeds.metrics;
				return f?.status === 'error' && expected.test(f.error ?? '') ? f : null;
			}, {message: `feed error matching ${expected}`});
			expect(feed.lastOkAt).toBeGreaterThan(0);
			// The last good value stays, with the error, and is not graded as if it were now's.
			const row = metricsData.of(ctx.store.getState())[0]!;
			expect(row.series[0]!.value).toBe(0.002);
			expect(row).toMatchObject({error: feed.error!.replace(/^(unreachable|unauthorized): /, ''), tone: 'muted'});
			expect(row.lastOkAt).toBe(feed.lastOkAt);
			mode = 'ok';
			await waitFor(() => ctx.store.getState().feeds.metrics?.status === 'ok', {message: 'recovery', timeoutMs: 10_000});
		}
	});
});
