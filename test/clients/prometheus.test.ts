import {mkdtemp, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {parseSampleValue, PrometheusMetrics} from '../../source/clients/prometheus.js';
import {closedPort, type LocalServer} from './local-server.js';
import {matrix, startFakePrometheus, vector, type Reply} from './fake-prometheus.js';

let server: LocalServer | undefined;
afterEach(async () => {
	await server?.close();
	server = undefined;
});

const signal = new AbortController().signal;

async function prom(reply: Reply | ((path: string, params: URLSearchParams) => Reply), options: Record<string, unknown> = {}) {
	server = await startFakePrometheus(typeof reply === 'function' ? reply : () => reply);
	return new PrometheusMetrics({url: server.url, timeoutMs: 2000, ...options});
}

async function errorOf(promise: Promise<unknown>): Promise<string> {
	return promise.then(
		() => 'no error',
		(e: Error) => e.message,
	);
}

describe('PrometheusMetrics', () => {
	it('parses vectors, including NaN and infinities', async () => {
		let seen: URLSearchParams | undefined;
		const metrics = await prom((path, params) => {
			seen = params;
			return path === '/api/v1/query'
				? {body: vector([{metric: {route: '/a'}, value: '0.5'}, {metric: {route: '/b'}, value: 'NaN'}, {metric: {route: '/c'}, value: '+Inf'}, {value: '-Inf'}])}
				: {status: 404, body: 'not found'};
		});
		const samples = await metrics.instant('sum by (route) (x)', signal, 1700000123);
		expect(seen?.get('query')).toBe('sum by (route) (x)');
		expect(seen?.get('time')).toBe('1700000123');
		expect(samples[0]).toEqual({labels: {route: '/a'}, value: 0.5});
		expect(samples[1]!.value).toBeNaN();
		expect(samples[2]!.value).toBe(Number.POSITIVE_INFINITY);
		expect(samples[3]).toEqual({labels: {}, value: Number.NEGATIVE_INFINITY});
	});

	it('parses scalars and takes the last point of an instant matrix', async () => {
		const scalar = await prom({body: {status: 'success', data: {resultType: 'scalar', result: [1, '42']}}});
		expect(await scalar.instant('42', signal)).toEqual([{labels: {}, value: 42}]);
		await server?.close();
		const m = await prom({body: matrix([{metric: {a: '1'}, values: [[1, '1'], [2, '3']]}])});
		expect(await m.instant('x[1m]', signal)).toEqual([{labels: {a: '1'}, value: 3}]);
	});

	it('runs range queries with start, end and step', async () => {
		let seen: URLSearchParams | undefined;
		const metrics = await prom((path, params) => {
			seen = params;
			return {body: matrix([{metric: {job: 'api'}, values: [[100, '1'], [115, '2']]}])};
		});
		expect(await metrics.range('up', 100, 130, 15, signal)).toEqual([{labels: {job: 'api'}, points: [[100, 1], [115, 2]]}]);
		expect([seen?.get('start'), seen?.get('end'), seen?.get('step')]).toEqual(['100', '130', '15']);
	});

	it('keeps a path prefix in the configured URL', async () => {
		let path = '';
		server = await startFakePrometheus(p => {
			path = p;
			return {body: vector([])};
		});
		await new PrometheusMetrics({url: `${server.url}/prom/`}).instant('up', signal);
		expect(path).toBe('/prom/api/v1/query');
	});

	it('sends a bearer token from a file, or basic auth with a password file', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'prom-auth-'));
		await writeFile(join(dir, 'token'), 's3cret\n');
		await writeFile(join(dir, 'password'), 'pw\n');
		let auth = '';
		server = await startFakePrometheus((_p, _q, req) => {
			auth = req.headers.authorization ?? '';
			return {body: vector([])};
		});
		await new PrometheusMetrics({url: server.url, bearerTokenFile: join(dir, 'token')}).instant('up', signal);
		expect(auth).toBe('Bearer s3cret');
		await new PrometheusMetrics({url: server.url, username: 'ops', passwordFile: join(dir, 'password')}).instant('up', signal);
		expect(auth).toBe(`Basic ${Buffer.from('ops:pw').toString('base64')}`);
		expect(await errorOf(new PrometheusMetrics({url: server.url, bearerTokenFile: join(dir, 'missing')}).instant('up', signal))).toBe(`cannot read bearerTokenFile ${join(dir, 'missing')}: ENOENT`);
	});

	it('says what to check on 401 and 403', async () => {
		for (const [status, text] of [
			[401, 'HTTP 401 Unauthorized'],
			[403, 'HTTP 403 Forbidden'],
		] as const) {
			const metrics = await prom({status, body: 'denied'});
			expect(await errorOf(metrics.instant('up', signal))).toBe(`Prometheus at ${server!.url}/api/v1/query answered ${text}: check bearerTokenFile or username/password in the config`);
			await server!.close();
			server = undefined;
		}
	});

	it('shows Prometheus own error text for a rejected query', async () => {
		const metrics = await prom({status: 400, body: {status: 'error', errorType: 'bad_data', error: '1:5: parse error: unexpected end of input'}});
		expect(await errorOf(metrics.instant('sum(', signal))).toBe('Prometheus rejected the query: bad_data: 1:5: parse error: unexpected end of input (sum()');
	});

	it('reports 5xx answers with their body', async () => {
		const plain = await prom({status: 503, body: 'upstream connect error'});
		expect(await errorOf(plain.instant('up', signal))).toBe(`Prometheus at ${server!.url}/api/v1/query answered HTTP 503 Service Unavailable: upstream connect error`);
		await server!.close();
		const json = await prom({status: 503, body: {status: 'error', errorType: 'unavailable', error: 'TSDB not ready'}});
		expect(await errorOf(json.instant('up', signal))).toBe('Prometheus failed (HTTP 503 Service Unavailable): unavailable: TSDB not ready (up)');
	});

	it('reports HTML or garbage instead of JSON', async () => {
		const html = await prom({contentType: 'text/html; charset=utf-8', body: '<!doctype html><html><title>Grafana</title></html>'});
		expect(await errorOf(html.instant('up', signal))).toBe(
			`Prometheus at ${server!.url}/api/v1/query returned a text/html body instead of JSON: "<!doctype html><html><title>Grafana</title></html>"; is the URL right?`,
		);
		await server!.close();
		const garbage = await prom({contentType: 'application/json', body: '{"status": "succ'});
		expect(await errorOf(garbage.instant('up', signal))).toMatch(/returned a application\/json body instead of JSON: "\{"status": "succ"/);
		await server!.close();
		const wrongShape = await prom({body: {hello: 'world'}});
		expect(await errorOf(wrongShape.instant('up', signal))).toMatch(/unexpected answer \(no data\); is the URL right\?/);
	});

	it('times out on a Prometheus that never answers, and reports refused connections', async () => {
		const metrics = await prom('hang', {timeoutMs: 100});
		expect(await errorOf(metrics.instant('up', signal))).toMatch(/^timeout after 100 ms \(http:\/\/127\.0\.0\.1:\d+\/api\/v1\/query\?query=up\)$/);
		const port = await closedPort();
		expect(await errorOf(new PrometheusMetrics({url: `http://127.0.0.1:${port}`}).instant('up', signal))).toBe(`connection refused (127.0.0.1:${port})`);
	});

	it('lists alerts from /api/v1/alerts', async () => {
		const metrics = await prom(path =>
			path === '/api/v1/alerts'
				? {
						body: {
							status: 'success',
							data: {alerts: [{labels: {alertname: 'HighErrorRate', severity: 'critical'}, annotations: {summary: '5xx above 5%'}, state: 'firing', activeAt: '2026-01-01T00:00:00Z', value: '0.07'}]},
						},
					}
				: {status: 404, body: ''},
		);
		expect(await metrics.alerts(signal)).toEqual([
			{name: 'HighErrorRate', state: 'firing', labels: {alertname: 'HighErrorRate', severity: 'critical'}, activeAt: '2026-01-01T00:00:00Z', summary: '5xx above 5%'},
		]);
	});
});

describe('parseSampleValue', () => {
	it('reads Prometheus value strings', () => {
		expect(parseSampleValue('1e3')).toBe(1000);
		expect(parseSampleValue('+Inf')).toBe(Number.POSITIVE_INFINITY);
		expect(parseSampleValue('-Inf')).toBe(Number.NEGATIVE_INFINITY);
		expect(parseSampleValue('NaN')).toBeNaN();
	});
});

describe('PrometheusMetrics.targets', () => {
	it('finds the jobs behind each query, their targets from up, and says so when a job has none or the targets API is closed', async () => {
		const asked: string[] = [];
		const metrics = await prom((path, params) => {
			const query = params.get('query') ?? '';
			asked.push(path === '/api/v1/query' ? query : path);
			if (path === '/api/v1/targets') return {status: 403, body: 'forbidden'};
			if (query.startsWith('count by (job) (last_over_time(http_requests_total')) return {body: vector([{metric: {job: 'api'}, value: '3'}, {metric: {job: 'gone'}, value: '1'}])};
			if (query.startsWith('count by (job) (last_over_time(queue_depth')) return {body: vector([{metric: {job: 'worker'}, value: '1'}])};
			if (query.startsWith('up{job=~')) {
				return {body: vector([{metric: {job: 'api', instance: '10.0.0.1:8080'}, value: '1'}, {metric: {job: 'api', instance: '10.0.0.2:8080'}, value: '0'}, {metric: {job: 'worker', instance: '10.0.0.3:9000'}, value: '1'}])};
			}
			if (query === 'up{job="api",instance="10.0.0.2:8080"}[1h]') return {body: matrix([{metric: {job: 'api'}, values: [[1000, '1'], [1015, '1'], [1030, '0'], [1045, '0']]}])};
			return {status: 400, body: {status: 'error', errorType: 'bad_data', error: `unexpected ${query}`}};
		});
		const [errors, queue, literal] = await metrics.targets(['sum(rate(http_requests_total{status=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))', 'max(queue_depth)', 'vector(1)'], signal);
		expect(errors).toEqual([
			{job: 'gone', instance: '', health: 'unknown', error: 'no scrape target in Prometheus any more (its series stopped)'},
			{job: 'api', instance: '10.0.0.1:8080', health: 'up'},
			// Down since its first scrape at 0 after the last at 1; the targets API refused to say why.
			{job: 'api', instance: '10.0.0.2:8080', health: 'down', downSince: 1_030_000, lastOkAt: 1_015_000},
		]);
		expect(queue).toEqual([{job: 'worker', instance: '10.0.0.3:9000', health: 'up'}]);
		expect(literal).toEqual([]);
		// The jobs of a selector are read once a minute, the since-when once an outage.
		const before = asked.length;
		await metrics.targets(['sum(rate(http_requests_total{status=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))'], signal);
		expect(asked.slice(before)).toEqual(['up{job=~"api|gone"}', '/api/v1/targets']);
	});
});
