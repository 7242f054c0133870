import {afterEach, describe, expect, it} from 'vitest';
import {bucketQuantile, parseExposition, ScrapeMetrics, validateScrapeQuery} from '../../source/sources/scrape.js';
import {startServer, type LocalServer} from '../clients/local-server.js';

const target = {name: 'api', url: 'http://127.0.0.1:9100/metrics'};
const signal = new AbortController().signal;

/** A ScrapeMetrics fed by hand: `at(seconds, text)` ingests one scrape taken at that time. */
function fixture() {
	let nowMs = 0;
	const metrics = new ScrapeMetrics({targets: [target], now: () => nowMs});
	return {
		metrics,
		at(seconds: number, text: string) {
			nowMs = seconds * 1000;
			metrics.ingest(target, text, nowMs);
		},
		setNow(seconds: number) {
			nowMs = seconds * 1000;
		},
	};
}

async function value(metrics: ScrapeMetrics, promql: string, atSec: number): Promise<number | undefined> {
	const samples = await metrics.instant(promql, signal, atSec);
	expect(samples.length).toBeLessThanOrEqual(1);
	return samples[0]?.value;
}

describe('parseExposition', () => {
	it('keeps labels of histogram buckets, sums and counts', () => {
		const samples = parseExposition(
			[
				'# HELP h_seconds latency',
				'# TYPE h_seconds histogram',
				'h_seconds_bucket{le="0.1",route="/a"} 1',
				'h_seconds_bucket{le="+Inf",route="/a"} 3',
				'h_seconds_sum{route="/a"} 0.7',
				'h_seconds_count{route="/a"} 3',
				'h_seconds_bucket{le="0.1",route="/b"} 2',
				'h_seconds_bucket{le="+Inf",route="/b"} 2',
				'up 1',
			].join('\n'),
		);
		expect(samples).toContainEqual({labels: {__name__: 'h_seconds_bucket', le: '0.1', route: '/b'}, value: 2});
		expect(samples).toContainEqual({labels: {__name__: 'h_seconds_sum', route: '/a'}, value: 0.7});
		expect(samples).toContainEqual({labels: {__name__: 'h_seconds_bucket', le: '+Inf', route: '/a'}, value: 3});
		expect(samples).toContainEqual({labels: {__name__: 'up'}, value: 1});
		expect(samples).toHaveLength(7);
	});

	it('rejects an HTML page', () => {
		expect(() => parseExposition('<html><body>login</body></html>\n', 'api')).toThrow(/api: not the Prometheus text format/);
	});
});

describe('direct scrape PromQL against hand-computed values', () => {
	it('rate and increase extrapolate like Prometheus', async () => {
		const f = fixture();
		f.at(0, 'other 1');
		f.at(10, 'other 1\nc_total 5');
		f.at(20, 'other 1\nc_total 15');
		f.at(30, 'other 1\nc_total 20');
		f.at(40, 'other 1\nc_total 40');
		// Range [15 s, 45 s] holds (20,15) (30,20) (40,40): delta 25 over 20 s sampled, 5 s to each edge
		// (< 1.1 x 10 s average, so extrapolated): 25 x 30/20 = 37.5 over 30 s = 1.25/s.
		expect(await value(f.metrics, 'increase(c_total[30s])', 45)).toBeCloseTo(37.5, 10);
		expect(await value(f.metrics, 'rate(c_total[30s])', 45)).toBeCloseTo(1.25, 10);
		// irate: last two samples, (40 - 20) / 10 s.
		expect(await value(f.metrics, 'irate(c_total[30s])', 45)).toBeCloseTo(2, 10);
	});

	it('handles a counter reset', async () => {
		const f = fixture();
		f.at(0, 'other 1');
		f.at(10, 'c_total 5');
		f.at(20, 'c_total 15');
		f.at(30, 'c_total 3');
		f.at(40, 'c_total 13');
		// [15, 45]: 15 -> 3 (reset, add 15) -> 13: raw increase 13 - 15 + 15 = 13; x 30/20 = 19.5; / 30 = 0.65.
		expect(await value(f.metrics, 'rate(c_total[30s])', 45)).toBeCloseTo(0.65, 10);
		// irate: 13 - 3 over 10 s (no reset in the last pair).
		expect(await value(f.metrics, 'irate(c_total[30s])', 45)).toBeCloseTo(1, 10);
		// A reset in the last pair: the new value is the increase, 2 over 10 s.
		f.at(50, 'c_total 2');
		expect(await value(f.metrics, 'irate(c_total[30s])', 50)).toBeCloseTo(0.2, 10);
	});

	it('does not extrapolate a new counter below zero', async () => {
		const f = fixture();
		f.at(0, 'other 1');
		f.at(100, 'other 1');
		f.at(130, 'other 1\nc_total 2');
		f.at(140, 'other 1\nc_total 12');
		// [80, 140]: (130,2) (140,12): delta 10, zero point 10 x 2/10 = 2 s before the first sample (< 50 s to the
		// range start): interval 10 + 2 + 0 = 12 -> increase 12, rate 12/60 = 0.2.
		expect(await value(f.metrics, 'rate(c_total[1m])', 140)).toBeCloseTo(0.2, 10);
	});

	it('computes an error ratio over labelled counters with regex matchers', async () => {
		const f = fixture();
		const scrape = (t: number, ok: number, err: number, notFound: number) =>
			f.at(t, [`http_requests_total{status="200",route="/a"} ${ok}`, `http_requests_total{status="503",route="/a"} ${err}`, `http_requests_total{status="404",route="/a"} ${notFound}`].join('\n'));
		scrape(0, 0, 0, 0);
		scrape(10, 90, 5, 5);
		scrape(20, 180, 10, 10);
		scrape(30, 270, 15, 15);
		// Every series grows linearly over the full range [0, 30] with no extrapolation: 5xx 15 of 300 requests.
		const ratio = 'sum(rate(http_requests_total{status=~"5.."}[30s])) / sum(rate(http_requests_total[30s]))';
		expect(await value(f.metrics, ratio, 30)).toBeCloseTo(0.05, 10);
		expect(await value(f.metrics, 'sum(rate(http_requests_total{status!~"2.."}[30s]))', 30)).toBeCloseTo(1, 10);
		expect(await value(f.metrics, 'sum(rate(http_requests_total{status!="200"}[30s])) * 60', 30)).toBeCloseTo(60, 10);
		expect(await value(f.metrics, '100 * (1 - sum(rate(http_requests_total{status="200"}[30s])) / sum(rate(http_requests_total[30s])))', 30)).toBeCloseTo(10, 10);
		const byStatus = await f.metrics.instant('sum by (status) (rate(http_requests_total[30s]))', signal, 30);
		expect(byStatus.map(s => `${s.labels.status}=${s.value}`).sort()).toEqual(['200=9', '404=0.5', '503=0.5']);
		const without = await f.metrics.instant('sum without (status, instance) (rate(http_requests_total[30s]))', signal, 30);
		expect(without).toEqual([{labels: {route: '/a', job: 'api'}, value: 10}]);
		const perStatus = await f.metrics.instant('rate(http_requests_total{status="503"}[30s]) / rate(http_requests_total{status="503"}[30s])', signal, 30);
		expect(perStatus).toEqual([{labels: {status: '503', route: '/a', job: 'api', instance: '127.0.0.1:9100'}, value: 1}]);
		const onRoute = await f.metrics.instant('sum by (route) (rate(http_requests_total{status="503"}[30s])) / on (route) sum by (route) (rate(http_requests_total[30s]))', signal, 30);
		expect(onRoute).toEqual([{labels: {route: '/a'}, value: 0.05}]);
	});

	it('computes histogram_quantile over summed bucket rates', async () => {
		const f = fixture();
		// Two routes; per 10 s route /a adds cumulative counts 1,4,7,9,10 per bucket and /b 0,0,0,0,0 then the same.
		const bounds = ['0.1', '0.25', '0.5', '1', '+Inf'];
		const perStep = [1, 4, 7, 9, 10];
		const scrape = (t: number, n: number) =>
			f.at(
				t,
				bounds.flatMap((le, i) => [`d_seconds_bucket{route="/a",le="${le}"} ${perStep[i]! * n}`, `d_seconds_bucket{route="/b",le="${le}"} ${perStep[i]! * n * 3}`]).join('\n'),
			);
		for (let i = 0; i <= 3; i++) scrape(i * 10, i);
		// Summed rates per second over [0, 30]: le 0.1: 4*0.1=0.4 ... +Inf: 4; ranks for 4 obs.
		// q=0.5: rank 2 -> bucket (0.25, 0.5] holds 2.8-1.6=1.2 of which 2-1.6=0.4 below rank: 0.25 + 0.25 x 0.4/1.2.
		const q = (p: number) => `histogram_quantile(${p}, sum by (le) (rate(d_seconds_bucket[30s])))`;
		expect(await value(f.metrics, q(0.5), 30)).toBeCloseTo(0.25 + 0.25 * (0.4 / 1.2), 10);
		// q=0.75: rank 3 -> (0.5, 1] holds 3.6-2.8=0.8; 3-2.8=0.2 in: 0.5 + 0.5 x 0.25 = 0.625.
		expect(await value(f.metrics, q(0.75), 30)).toBeCloseTo(0.625, 10);
		// q=0.95: rank 3.8 falls in the +Inf bucket: the answer is the highest finite bound.
		expect(await value(f.metrics, q(0.95), 30)).toBe(1);
		const perRoute = await f.metrics.instant('histogram_quantile(0.75, sum(rate(d_seconds_bucket[30s])) by (le, route))', signal, 30);
		expect(perRoute.map(s => s.labels.route).sort()).toEqual(['/a', '/b']);
		for (const s of perRoute) expect(s.value).toBeCloseTo(0.625, 10);
	});

	it('bucketQuantile follows Prometheus on edge cases', () => {
		expect(bucketQuantile(0.5, [{upper: 1, count: 1}])).toBeNaN();
		expect(bucketQuantile(0.5, [{upper: 1, count: 0}, {upper: Number.POSITIVE_INFINITY, count: 0}])).toBeNaN();
		expect(bucketQuantile(0.5, [{upper: 1, count: 2}, {upper: 2, count: 4}])).toBeNaN();
		expect(bucketQuantile(1.5, [{upper: 1, count: 1}, {upper: Number.POSITIVE_INFINITY, count: 1}])).toBe(Number.POSITIVE_INFINITY);
		expect(bucketQuantile(0.5, [{upper: 1, count: 4}, {upper: Number.POSITIVE_INFINITY, count: 4}])).toBe(0.5);
	});

	it('selects gauges with =, !=, =~ and !~, and aggregates them', async () => {
		const f = fixture();
		f.at(10, ['queue_depth{queue="a",zone="x"} 3', 'queue_depth{queue="b",zone="x"} 5', 'queue_depth{queue="c",zone="y"} 11'].join('\n'));
		expect((await f.metrics.instant('queue_depth{queue="a"}', signal, 10)).map(s => s.value)).toEqual([3]);
		expect((await f.metrics.instant('queue_depth{queue!="a"}', signal, 10)).map(s => s.value).sort()).toEqual([11, 5]);
		expect((await f.metrics.instant('queue_depth{queue=~"a|b"}', signal, 10)).map(s => s.value).sort()).toEqual([3, 5]);
		expect((await f.metrics.instant('queue_depth{queue!~"a|b"}', signal, 10)).map(s => s.value)).toEqual([11]);
		expect(await value(f.metrics, 'max(queue_depth)', 10)).toBe(11);
		expect(await value(f.metrics, 'min(queue_depth)', 10)).toBe(3);
		expect(await value(f.metrics, 'avg(queue_depth)', 10)).toBeCloseTo(19 / 3, 10);
		expect(await value(f.metrics, 'count(queue_depth)', 10)).toBe(3);
		expect(await value(f.metrics, '-sum(queue_depth) + 2 * 3', 10)).toBe(-13);
		// Label matchers anchor the regex.
		expect(await f.metrics.instant('queue_depth{queue=~"a.*x"}', signal, 10)).toEqual([]);
	});

	it('drops a series that vanished from its target (staleness)', async () => {
		const f = fixture();
		f.at(10, 'g{k="1"} 1\ng{k="2"} 2');
		f.at(20, 'g{k="1"} 1');
		expect((await f.metrics.instant('g', signal, 20)).map(s => s.labels.k)).toEqual(['1']);
		expect((await f.metrics.instant('g', signal, 15)).map(s => s.labels.k).sort()).toEqual(['1', '2']);
	});

	it('answers range queries from the history the window holds, and keeps the window bounded', async () => {
		let nowMs = 0;
		const metrics = new ScrapeMetrics({targets: [target], now: () => nowMs, windowMs: 60_000});
		for (let t = 0; t <= 200; t += 10) {
			nowMs = t * 1000;
			metrics.ingest(target, `c_total ${t * 2}`, nowMs);
		}
		const series = await metrics.range('rate(c_total[30s])', 0, 200, 10, signal);
		expect(series).toHaveLength(1);
		const points = series[0]!.points;
		// The window keeps 60 s: samples from 140 s on; rate needs two, so the first point is at 150 s.
		expect(points[0]![0]).toBe(150);
		expect(points.at(-1)).toEqual([200, 2]);
		for (const [, v] of points) expect(v).toBeCloseTo(2, 10);
	});

	it('rejects unsupported PromQL by name, and bad PromQL with its position', async () => {
		const f = fixture();
		f.at(10, 'g 1');
		const message = (construct: string) => `direct scrape mode does not support ${construct}; configure prometheus.url`;
		await expect(f.metrics.instant('topk(3, g)', signal)).rejects.toThrow(message("'topk'"));
		await expect(f.metrics.instant('label_replace(g, "a", "b", "c", "d")', signal)).rejects.toThrow(message("'label_replace'"));
		await expect(f.metrics.instant('rate(g[5m] offset 1m)', signal)).rejects.toThrow(message("'offset'"));
		await expect(f.metrics.instant('g > 1', signal)).rejects.toThrow(message("the '>' operator"));
		await expect(f.metrics.instant('g and g', signal)).rejects.toThrow(message("the 'and' operator"));
		await expect(f.metrics.instant('max_over_time(g[5m:1m])', signal)).rejects.toThrow(message("'max_over_time'"));
		await expect(f.metrics.instant('g[5m]', signal)).rejects.toThrow(/does not support a bare range selector/);
		await expect(f.metrics.instant('sum(rate(g[5m])', signal)).rejects.toThrow(/cannot parse PromQL at character/);
		expect(() => validateScrapeQuery('quantile(0.9, g)')).toThrow(message("'quantile'"));
		expect(() => validateScrapeQuery('histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m])))')).not.toThrow();
	});
});

describe('ScrapeMetrics over HTTP', () => {
	let server: LocalServer | undefined;
	afterEach(async () => {
		await server?.close();
		server = undefined;
	});

	it('scrapes a /metrics endpoint and adds job and instance labels', async () => {
		let count = 0;
		server = await startServer((_req, res) => {
			count += 10;
			res.setHeader('content-type', 'text/plain; version=0.0.4');
			res.end(`# TYPE hits_total counter\nhits_total{path="/x"} ${count}\n`);
		});
		const metrics = new ScrapeMetrics({targets: [{name: 'web', url: `${server.url}/metrics`}]});
		await metrics.scrapeOnce(signal);
		const samples = await metrics.instant('hits_total', signal);
		expect(samples).toEqual([{labels: {__name__: 'hits_total', path: '/x', job: 'web', instance: `127.0.0.1:${server.port}`}, value: 10}]);
	});

	it('waits for the first scrape, then reports a failing target as the query error', async () => {
		server = await startServer((_req, res) => {
			res.statusCode = 503;
			res.end('overloaded');
		});
		const metrics = new ScrapeMetrics({targets: [{name: 'web', url: `${server.url}/metrics`}]});
		const stop = metrics.start(new AbortController().signal);
		try {
			await expect(metrics.instant('hits_total', signal)).rejects.toThrow(/scrape of web .* failed: HTTP 503 Service Unavailable/);
		} finally {
			stop();
		}
	});

	it('rejects an HTML page instead of metrics', async () => {
		server = await startServer((_req, res) => {
			res.setHeader('content-type', 'text/html');
			res.end('<html>login</html>');
		});
		const metrics = new ScrapeMetrics({targets: [{name: 'web', url: `${server.url}/metrics`}]});
		await expect(metrics.scrapeOnce(signal)).rejects.toThrow(/HTML page/);
	});
});
