import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {Counter, Histogram, Registry} from 'prom-client';

/**
 * A small service exposing prom-client metrics with a known traffic mix it generates itself.
 * Every tick (50 ms by default) it records 50 requests:
 *   /checkout: 18 x 200 (0.08 s), 2 x 500 (0.7 s)
 *   /search:   27 x 200 (0.08 s), 3 x 200 (0.7 s)
 * So, whatever the window: error ratio = 2/50 = 0.04, and 45 of 50 requests take <= 0.1 s, 5 take 0.7 s,
 * which puts the p95 at 0.5 + 0.5 x (47.5 - 45) / 5 = 0.75 s with the buckets below.
 */
export const trafficMix = {
	errorRatio: 0.04,
	p95: 0.75,
	buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5],
};

export interface MetricsService {
	url: string;
	/** host:port, for a Prometheus scrape config. */
	hostPort: string;
	ticks(): number;
	close(): Promise<void>;
}

export async function startMetricsService(options: {tickMs?: number} = {}): Promise<MetricsService> {
	const registry = new Registry();
	const requests = new Counter({name: 'http_requests_total', help: 'Requests by status and route.', labelNames: ['status', 'route'], registers: [registry]});
	const duration = new Histogram({
		name: 'http_request_duration_seconds',
		help: 'Request duration.',
		labelNames: ['route'],
		buckets: trafficMix.buckets,
		registers: [registry],
	});
	let ticks = 0;
	const tick = () => {
		ticks++;
		const serve = (route: string, status: string, seconds: number, n: number) => {
			requests.inc({route, status}, n);
			for (let i = 0; i < n; i++) duration.observe({route}, seconds);
		};
		serve('/checkout', '200', 0.08, 18);
		serve('/checkout', '500', 0.7, 2);
		serve('/search', '200', 0.08, 27);
		serve('/search', '200', 0.7, 3);
	};
	tick();
	const timer = setInterval(tick, options.tickMs ?? 50);

	const server = http.createServer((req, res) => {
		if (req.url !== '/metrics') {
			res.statusCode = 404;
			res.end('not found');
			return;
		}
		registry.metrics().then(
			text => {
				res.setHeader('content-type', registry.contentType);
				res.end(text);
			},
			(error: Error) => {
				res.statusCode = 500;
				res.end(error.message);
			},
		);
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/metrics`,
		hostPort: `127.0.0.1:${port}`,
		ticks: () => ticks,
		close: () =>
			new Promise<void>(resolve => {
				clearInterval(timer);
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
