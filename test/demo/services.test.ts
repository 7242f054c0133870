import {afterEach, describe, expect, it} from 'vitest';
import type {Endpoint} from '../../source/demo/cluster.js';
import {latencyBuckets as buckets, startServices, startTraffic, type DemoServices, type ServiceCluster} from '../../source/demo/services.js';
import {waitFor} from '../support/wait.js';
import {parseExposition, requestTotals} from './exposition.js';

/** A cluster whose endpoints the test sets directly. */
function stubCluster(initial: Record<string, Endpoint[]>): ServiceCluster & {set(deployment: string, endpoints: Endpoint[]): void} {
	const endpoints = new Map(Object.entries(initial));
	return {
		endpoints: deployment => endpoints.get(deployment) ?? [],
		desiredReplicas: deployment => (endpoints.has(deployment) ? 4 : undefined),
		set(deployment, list) {
			endpoints.set(deployment, list);
		},
	};
}

const pods = (image: string, n: number): Endpoint[] => Array.from({length: n}, (_, i) => ({pod: `pod-${image}-${i}`, image}));

describe('demo services', () => {
	let running: DemoServices | undefined;
	afterEach(async () => {
		await running?.stop();
		running = undefined;
	});

	async function start(cluster: ServiceCluster) {
		running = await startServices({cluster});
		return running;
	}

	it('listen on loopback with free ports and answer /health from the ready pods', async () => {
		const cluster = stubCluster({checkout: pods('shop/checkout:1.7.4', 4), cart: pods('shop/cart:2.4.0', 3), payments: pods('shop/payments:3.2.1', 2)});
		const services = await start(cluster);
		expect(services.services.map(s => s.name)).toEqual(['checkout', 'cart', 'payments']);
		for (const s of services.services) expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(new Set(services.services.map(s => s.url)).size).toBe(3);

		const ok = await fetch(services.get('cart').health);
		expect(ok.status).toBe(200);
		expect(await ok.json()).toMatchObject({status: 'ok', ready_pods: 3});

		cluster.set('cart', []);
		const down = await fetch(services.get('cart').health);
		expect(down.status).toBe(503);
		expect(await down.json()).toMatchObject({status: 'unavailable', reason: 'no ready pods behind service cart'});
		expect(() => services.get('search')).toThrow(/no demo service named search \(known: checkout, cart, payments\)/);
	});

	it('answer /health/deep with per-dependency status and latency, degraded while bad pods serve', async () => {
		const cluster = stubCluster({checkout: pods('shop/checkout:1.8.0', 4), payments: pods('shop/payments:3.2.1', 2)});
		const services = await start(cluster);
		const bad = await fetch(services.get('checkout').deepHealth);
		expect(bad.status).toBe(200);
		const body = (await bad.json()) as {status: string; services: Record<string, {status: string; latency_ms: number}>};
		expect(body.status).toBe('degraded');
		expect(Object.keys(body.services)).toEqual(['postgres', 'redis', 'payments']);
		expect(body.services.postgres).toMatchObject({status: 'degraded'});
		expect(body.services.redis).toMatchObject({status: 'healthy'});
		expect(body.services.payments).toMatchObject({status: 'healthy'});
		for (const dep of Object.values(body.services)) expect(dep.latency_ms).toBeGreaterThanOrEqual(0);

		cluster.set('checkout', pods('shop/checkout:1.7.4', 4));
		const good = (await (await fetch(services.get('checkout').deepHealth)).json()) as {status: string};
		expect(good.status).toBe('healthy');

		// payments down: checkout's real call to payments /health fails.
		cluster.set('payments', []);
		const broken = await fetch(services.get('checkout').deepHealth);
		expect(broken.status).toBe(503);
		expect(await broken.json()).toMatchObject({status: 'unhealthy', services: {payments: {status: 'unhealthy', message: 'HTTP 503'}}});
	});

	it('count every answered API request in /metrics by status and route, with latency buckets', async () => {
		const cluster = stubCluster({cart: pods('shop/cart:2.4.0', 3), checkout: []});
		const services = await start(cluster);
		const cart = services.get('cart');
		const answers = await Promise.all([
			...Array.from({length: 12}, () => fetch(`${cart.url}/api/cart`)),
			...Array.from({length: 5}, () => fetch(`${cart.url}/api/cart/items`, {method: 'POST'})),
		]);
		for (const a of answers) await a.arrayBuffer();
		const checkout = await fetch(`${services.get('checkout').url}/api/orders/123456`);
		expect(checkout.status).toBe(503); // no ready pods
		expect((await fetch(`${cart.url}/nope`)).status).toBe(404);

		const response = await fetch(cart.metrics);
		expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
		const samples = parseExposition(await response.text());
		expect(requestTotals(samples).total).toBe(17);
		const routes = new Set(samples.filter(s => s.name === 'http_requests_total').map(s => s.labels.route));
		expect(routes).toEqual(new Set(['/api/cart', '/api/cart/items']));
		expect(samples.filter(s => s.name === 'http_requests_total').every(s => /^\d{3}$/.test(s.labels.status!))).toBe(true);
		const count = samples.filter(s => s.name === 'http_request_duration_seconds_count').reduce((n, s) => n + s.value, 0);
		expect(count).toBe(17);
		const les = samples.filter(s => s.name === 'http_request_duration_seconds_bucket' && s.labels.route === '/api/cart').map(s => s.labels.le);
		expect(les).toEqual([...buckets.map(String), '+Inf']);

		const checkoutSamples = parseExposition(await (await fetch(services.get('checkout').metrics)).text());
		expect(checkoutSamples.filter(s => s.name === 'http_requests_total' && s.value > 0)).toEqual([
			{name: 'http_requests_total', labels: {status: '503', route: '/api/orders/:id'}, value: 1},
		]);
		// Every route's series exist before the first request, so that rate() sees the first errors.
		expect(checkoutSamples.filter(s => s.name === 'http_requests_total' && s.labels.route === '/api/checkout' && s.value === 0).map(s => s.labels.status)).toEqual(['200', '500', '502', '503', '504']);
	});

	it('report requests in flight by the image of the pod serving them', async () => {
		const cluster = stubCluster({checkout: pods('shop/checkout:1.8.0', 1)});
		const services = await start(cluster);
		const request = fetch(`${services.get('checkout').url}/api/checkout`, {method: 'POST'});
		await waitFor(() => services.inFlightByImage()['shop/checkout:1.8.0'] === 1, {message: 'request in flight on the bad pod'});
		await (await request).arrayBuffer();
		expect(services.inFlightByImage()).toEqual({});
	});

	it('stop closes the servers even with requests in flight', async () => {
		const cluster = stubCluster({checkout: pods('shop/checkout:1.8.0', 2)});
		const services = await start(cluster);
		const url = services.get('checkout').url;
		const inFlight = fetch(`${url}/api/checkout`, {method: 'POST'}).then(
			() => 'answered',
			() => 'cut',
		);
		await waitFor(() => services.inFlightByImage()['shop/checkout:1.8.0'] === 1);
		await services.stop();
		expect(await inFlight).toBe('cut');
		await expect(fetch(`${url}/health`)).rejects.toThrow();
	});

	it('the traffic generator sends real requests split by service weight, until stopped', async () => {
		const cluster = stubCluster({checkout: pods('shop/checkout:1.7.4', 4), cart: pods('shop/cart:2.4.0', 3), payments: pods('shop/payments:3.2.1', 2)});
		const services = await start(cluster);
		const controller = new AbortController();
		const traffic = startTraffic({services: services.services, rps: 200, signal: controller.signal});
		await waitFor(() => traffic.stats().answered >= 150, {timeoutMs: 10_000, message: '150 answered requests'});
		controller.abort();
		const sentAtStop = traffic.stats().sent;
		// Requests cut by the stop drain from the servers; a generator still running would keep them busy.
		await waitFor(() => Object.keys(services.inFlightByImage()).length === 0, {message: 'servers drained after the traffic stopped'});
		expect(traffic.stats().sent).toBe(sentAtStop);

		const totals = await Promise.all(services.services.map(async s => requestTotals(parseExposition(await (await fetch(s.metrics)).text())).total));
		const [checkout, cart, payments] = totals as [number, number, number];
		expect(checkout + cart + payments).toBeGreaterThanOrEqual(150);
		// Weights 0.55 / 0.30 / 0.15.
		expect(checkout).toBeGreaterThan(cart);
		expect(cart).toBeGreaterThan(payments);
		expect(payments).toBeGreaterThan(0);
	});
});
