/**
 * A stand-in for a Prometheus server: /api/v1/query answers a one-series vector, /api/v1/query_range
 * a matrix, /api/v1/alerts an empty list, in the shape of the real HTTP API. Values drift slowly with
 * time and are plausible for the kind of query (a ratio in percent, a latency in seconds, a request
 * rate, a restart count), so the cockpit formats and colours them as it would in production.
 * Loopback only, port 0.
 */
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';

/** A smooth value in [low, high] for `promql` at `timeSec`; the same query and time give the same value. */
export function plausibleValue(promql: string, timeSec: number): number {
	let seed = 0;
	for (let i = 0; i < promql.length; i++) seed = (seed * 31 + promql.charCodeAt(i)) >>> 0;
	const wave = (Math.sin(timeSec / 90 + (seed % 628) / 100) + 1) / 2;
	const [low, high] = promql.includes('histogram_quantile')
		? [0.08, 0.6]
		: promql.startsWith('100 *')
			? [0.1, 2.5]
			: promql.includes('increase(')
				? [0, 3]
				: [80, 400];
	const value = low + (high - low) * wave;
	return promql.includes('increase(') ? Math.round(value) : Number(value.toFixed(4));
}

function labelsFor(promql: string): Record<string, string> {
	const service = /service="([^"]+)"/.exec(promql)?.[1];
	return service ? {service} : {};
}

async function readParams(req: IncomingMessage, url: URL): Promise<URLSearchParams> {
	if (req.method !== 'POST') return url.searchParams;
	let body = '';
	for await (const chunk of req) body += chunk;
	return new URLSearchParams(body);
}

function send(res: ServerResponse, code: number, body: unknown): void {
	res.writeHead(code, {'content-type': 'application/json'});
	res.end(JSON.stringify(body));
}

export async function startPrometheusStub(): Promise<{url: string; requests: () => number; stop: () => Promise<void>}> {
	let requests = 0;
	const server = createServer(async (req, res) => {
		requests++;
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const params = await readParams(req, url);
		const query = params.get('query') ?? '';
		const now = Date.now() / 1000;
		switch (url.pathname) {
			case '/api/v1/query': {
				if (!query) return send(res, 400, {status: 'error', errorType: 'bad_data', error: 'parse error: no query'});
				const time = Number(params.get('time') ?? now);
				return send(res, 200, {status: 'success', data: {resultType: 'vector', result: [{metric: labelsFor(query), value: [time, String(plausibleValue(query, time))]}]}});
			}
			case '/api/v1/query_range': {
				const start = Number(params.get('start'));
				const end = Number(params.get('end'));
				const step = Number(params.get('step'));
				if (!query || !(step > 0) || !(end >= start)) return send(res, 400, {status: 'error', errorType: 'bad_data', error: 'bad range'});
				if ((end - start) / step > 11_000) return send(res, 400, {status: 'error', errorType: 'bad_data', error: 'exceeded maximum resolution of 11,000 points per timeseries'});
				const values: Array<[number, string]> = [];
				for (let t = start; t <= end; t += step) values.push([t, String(plausibleValue(query, t))]);
				return send(res, 200, {status: 'success', data: {resultType: 'matrix', result: [{metric: labelsFor(query), values}]}});
			}
			case '/api/v1/alerts':
				return send(res, 200, {status: 'success', data: {alerts: []}});
			case '/-/ready':
				res.writeHead(200).end('Prometheus Server is Ready.\n');
				return;
			default:
				res.writeHead(404, {'content-type': 'text/plain'}).end('404 page not found\n');
		}
	});
	// Idle connections are kept as Prometheus keeps them (its Go server's idle timeout is its read
	// timeout, 5 minutes by default), not for Node's default 5 s, which a 5 s refresh just misses.
	server.keepAliveTimeout = 5 * 60 * 1000;
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		requests: () => requests,
		stop: () =>
			new Promise<void>(resolve => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
