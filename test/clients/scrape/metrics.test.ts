import {afterEach, describe, expect, it} from 'vitest';
import {ScrapeMetrics} from '../../../source/clients/scrape/metrics.js';
import {validateScrapeQuery} from '../../../source/clients/scrape/evaluate.js';
import {bucketQuantile} from '../../../source/clients/scrape/promql.js';
import {parseExposition} from '../../../source/clients/scrape/series.js';
import {closedPort, startServer, type LocalServer} from '../local-server.js';

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

	it('rejects bodies that are not the format instead of reading them as zero samples or zeros', () => {
		for (const body of ['null', 'null\n', '{"up": 1}', '[1, 2]', 'true', 'up', 'up 1 2 3', 'up{a="1"} one', 'up 1 1.5', 'up{a=1} 1', 'up{a="1",a="2"} 1', 'up{a="\\x"} 1']) {
			expect(() => parseExposition(body, 'api'), body).toThrow(/^api: not the Prometheus text format: line 1: /);
		}
		// What the format allows: comments, blank lines, escapes, NaN and infinities, timestamps, a trailing comma.
		expect(parseExposition('# HELP up it\n\nup{a="x\\"y\\\\z",} NaN\nup{a="w"} +Inf 1700000000000\n', 'api')).toEqual([
			{labels: {__name__: 'up', a: 'x"y\\z'}, value: Number.NaN},
			{labels: {__name__: 'up', a: 'w'}, value: Number.POSITIVE_INFINITY, timestampMs: 1_700_000_000_000},
		]);
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

describe('each target has a state of its own', () => {
	let servers: LocalServer[] = [];
	afterEach(async () => {
		await Promise.all(servers.map(s => s.close()));
		servers = [];
	});

	async function serve(handler: Parameters<typeof startServer>[0]): Promise<string> {
		const server = await startServer(handler);
		servers.push(server);
		return `${server.url}/metrics`;
	}

	const good = (_req: unknown, res: import('node:http').ServerResponse) => {
		res.setHeader('content-type', 'text/plain; version=0.0.4');
		res.end('up_total{kind="a"} 3\n');
	};

	/** Ways a target fails, each with what its state must say. */
	const modes: Array<[string, Parameters<typeof startServer>[0] | 'refused', RegExp]> = [
		['hangs', () => {}, /timeout after 300 ms/],
		['answers 502', (_req, res) => ((res.statusCode = 502), res.end('bad gateway')), /HTTP 502 Bad Gateway/],
		['answers 404', (_req, res) => ((res.statusCode = 404), res.end('not found')), /HTTP 404 Not Found/],
		['answers 401', (_req, res) => ((res.statusCode = 401), res.end()), /HTTP 401 Unauthorized/],
		['sends an HTML page', (_req, res) => (res.setHeader('content-type', 'text/html'), res.end('<html>login</html>')), /HTML page/],
		['sends HTML as text/plain', (_req, res) => res.end('<html><body>login</body></html>\n'), /not the Prometheus text format: line 1/],
		['sends null', (_req, res) => res.end('null'), /not the Prometheus text format: line 1: no value after "null"/],
		['sends a JSON object as JSON', (_req, res) => (res.setHeader('content-type', 'application/json'), res.end('{"up": 1}')), /got JSON/],
		['sends a JSON object as text', (_req, res) => res.end('{"up": 1}\n'), /not the Prometheus text format: line 1/],
		['sends a value that is not a number', (_req, res) => res.end('up_total true\n'), /"true" is not a sample value/],
		['sends a bad timestamp', (_req, res) => res.end('up_total 1 yesterday\n'), /not a timestamp/],
		['sends an unclosed label set', (_req, res) => res.end('up_total{kind="a" 1\n'), /unclosed label set/],
		['sends binary garbage', (_req, res) => res.end(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0x00])), /not the Prometheus text format/],
		['resets the connection', req => req.socket.destroy(), /connection reset|socket hang up/],
		['closes mid-body', (_req, res) => (res.writeHead(200, {'content-length': '1000'}), res.write('up_total 1\n'), setTimeout(() => res.socket?.destroy(), 20)), /closed mid-body/],
		['is not listening', 'refused', /connection refused/],
	];

	it.each(modes)('a target that %s is down and says why, while the other answers', async (_mode, handler, why) => {
		const goodUrl = await serve(good);
		const badUrl = handler === 'refused' ? `http://127.0.0.1:${await closedPort()}/metrics` : await serve(handler);
		const metrics = new ScrapeMetrics({
			targets: [
				{name: 'good', url: goodUrl},
				{name: 'bad', url: badUrl, timeoutMs: 300},
			],
		});
		await metrics.scrapeOnce(signal);
		const [goodState, badState] = metrics.targetStates();
		expect(goodState).toMatchObject({job: 'good', health: 'up'});
		expect(badState).toMatchObject({job: 'bad', health: 'down'});
		expect(badState!.error).toMatch(why);
		expect(badState!.downSince).toBeGreaterThan(0);
		// The queries still answer from the good target, and name the bad one as behind them.
		expect(await metrics.instant('sum(up_total)', signal)).toEqual([{labels: {}, value: 3}]);
		const [behind] = await metrics.targets(['sum(up_total)']);
		expect(behind!.map(t => [t.job, t.health])).toEqual([
			['good', 'up'],
			['bad', 'down'],
		]);
		// A query that only the good target's job answers is not the bad one's.
		const [goodOnly] = await metrics.targets(['up_total{job="good"}']);
		expect(goodOnly!.map(t => t.job)).toEqual(['good']);
		expect(metrics.targetErrors()).toEqual([expect.stringMatching(/^scrape of bad \(http:\/\/127\.0\.0\.1:\d+\/metrics\) failed: /)]);
	});
});

describe('large scrape bodies', () => {
	/** A body of `n` series of one counter, each line ~40 bytes. */
	function body(n: number, value = 1): string {
		const lines = ['# HELP big_total many series', '# TYPE big_total counter'];
		for (let i = 0; i < n; i++) lines.push(`big_total{id="${i}",shard="s${i % 16}"} ${value}`);
		return `${lines.join('\n')}\n`;
	}

	it('keeps at most the series limit, and says how many it dropped', async () => {
		const text = body(50_000);
		const metrics = new ScrapeMetrics({targets: [{name: 'big', url: 'http://big.test/metrics'}], fetchText: async () => text});
		await metrics.scrapeOnce(signal);
		expect(metrics.seriesCount).toBe(20_000);
		expect(metrics.targetStates()[0]).toMatchObject({health: 'up', warning: 'dropped 30000 series (limit 20000)'});
		// The next scrape updates the series it keeps, and drops the same others again (no growth).
		await metrics.scrapeOnce(signal);
		expect(metrics.seriesCount).toBe(20_000);
		expect(metrics.targetStates()[0]!.warning).toBe('dropped 30000 series (limit 20000)');
		expect(await metrics.instant('count(big_total)', signal)).toEqual([{labels: {}, value: 20_000}]);
		// The Metrics pane names the target and what it left out.
		const [targets] = await metrics.targets(['sum(big_total)']);
		expect(targets).toEqual([expect.objectContaining({job: 'big', health: 'up', warning: 'dropped 30000 series (limit 20000)'})]);
	});

	it('lets the event loop run while it reads a large body (keys and the screen are not frozen)', async () => {
		const text = body(100_000);
		// A deadline no loaded machine reaches: this is about turns of the loop, not speed.
		const metrics = new ScrapeMetrics({targets: [{name: 'big', url: 'http://big.test/metrics', timeoutMs: 120_000}], fetchText: async () => text, maxSeries: 250_000});
		let turns = 0;
		let reading = true;
		const count = () => {
			if (!reading) return;
			turns++;
			setImmediate(count);
		};
		setImmediate(count);
		await metrics.scrapeOnce(signal);
		reading = false;
		expect(metrics.seriesCount).toBe(100_000);
		// Read in slices of a few ms: the loop ran many times in between, not once at the end.
		expect(turns).toBeGreaterThan(10);
	});

	it('honours the scrape deadline while reading: a body that takes too long fails the target, and changes nothing', async () => {
		let big = false;
		const metrics = new ScrapeMetrics({
			targets: [{name: 'big', url: 'http://big.test/metrics', timeoutMs: 1}],
			fetchText: async () => (big ? body(300_000, 2) : body(10)),
			maxSeries: 400_000,
		});
		await metrics.scrapeOnce(signal);
		expect(metrics.seriesCount).toBe(10);
		big = true;
		await expect(metrics.scrapeOnce(signal)).rejects.toThrow(/took longer than its 1 ms deadline: \d+ lines of its \d+ KiB body read/);
		expect(metrics.targetStates()[0]).toMatchObject({health: 'down', error: expect.stringMatching(/deadline/)});
		// Nothing of the cut scrape reached the window.
		expect(metrics.seriesCount).toBe(10);
	});
});

describe('a scrape cut short by the scrapes stopping', () => {
	it('is no failure of the target: its state is unchanged, and queries wait for the next round', async () => {
		let release: (() => void) | undefined;
		let n = 0;
		const metrics = new ScrapeMetrics({
			targets: [{name: 'app', url: 'http://app.test/metrics'}],
			fetchText: (_target, s) =>
				new Promise((resolve, reject) => {
					n++;
					if (n > 1) return resolve(`hits_total ${n}\n`);
					release = () => resolve('hits_total 1\n');
					s.addEventListener('abort', () => reject(new Error('request cancelled (http://app.test/metrics)')), {once: true});
				}),
		});
		const first = new AbortController();
		const cut = metrics.scrapeOnce(first.signal);
		// A query made now waits for an answer; it does not fail with the cut.
		const query = metrics.instant('hits_total', signal);
		first.abort(new Error('scrape poller stopped'));
		await expect(cut).rejects.toThrow('scrape poller stopped');
		expect(metrics.targetStates()).toEqual([{job: 'app', instance: 'app.test', health: 'unknown', error: 'not scraped yet'}]);
		// `status`, whose deadline stopped it, hears the target did not answer in time.
		expect(metrics.targetErrors()).toEqual(['scrape of app (http://app.test/metrics) failed: cut short before its scrape finished (request cancelled (http://app.test/metrics))']);
		release?.();
		await metrics.scrapeOnce(signal);
		expect((await query).map(s => s.value)).toEqual([2]);
		expect(metrics.targetStates()[0]!.health).toBe('up');
		expect(metrics.targetErrors()).toEqual([]);
	});
});

describe('a deadline that passes while a large body is read', () => {
	it('stops the reading at once, and the target says its scrape was cut short', async () => {
		const lines = Array.from({length: 200_000}, (_, i) => `big_total{id="${i}"} 1`).join('\n');
		const metrics = new ScrapeMetrics({targets: [{name: 'big', url: 'http://big.test/metrics', timeoutMs: 120_000}], fetchText: async () => lines, maxSeries: 300_000});
		const deadline = new AbortController();
		setImmediate(() => deadline.abort(new Error('status deadline passed')));
		await expect(metrics.scrapeOnce(deadline.signal)).rejects.toThrow('status deadline passed');
		expect(metrics.seriesCount).toBe(0);
		expect(metrics.targetErrors()).toEqual(['scrape of big (http://big.test/metrics) failed: cut short before its scrape finished (status deadline passed)']);
	});
});
