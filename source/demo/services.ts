import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {performance} from 'node:perf_hooks';
import {Counter, Histogram, Registry} from 'prom-client';
import {badImage, type Endpoint} from './cluster.js';

/**
 * The demo's HTTP services: one small server per deployment that serves traffic, on 127.0.0.1 and a
 * free port. Each answers /health, /health/deep and /metrics (prom-client, its own Registry), and
 * serves API routes whose outcome depends on the simulated cluster: a request goes to one ready pod
 * at random, and that pod's image decides the error probability and the latency. A traffic generator
 * sends real requests to them, so the cockpit measures everything by scraping, as it would in production.
 */

/** What the services need from the cluster: the Endpoints of a deployment. */
export interface ServiceCluster {
	endpoints(deployment: string): Endpoint[];
	desiredReplicas(deployment: string): number | undefined;
}

/** How a pod running an image answers: error probability and a log-normal latency. */
export interface Behaviour {
	errorRate: number;
	medianMs: number;
	/** Spread of the log-normal: p95 = median * e^(1.645 sigma). */
	sigma: number;
}

/** The bad build leaks memory: long GC pauses, failed requests (its own p95 about 2 s, 18% errors). */
const badBehaviour: Behaviour = {errorRate: 0.18, medianMs: 560, sigma: 0.8};
/** A healthy build: p95 about 110 ms, one error in a thousand. */
const goodBehaviour: Behaviour = {errorRate: 0.001, medianMs: 50, sigma: 0.48};

export function behaviourOf(image: string): Behaviour {
	return image === badImage ? badBehaviour : goodBehaviour;
}

/** Histogram buckets for p95 between 50 ms and 3 s. */
export const latencyBuckets = [0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5];

/** Longest simulated response, so that nothing hangs around for long. */
const maxLatencyMs = 5000;

export interface RouteSpec {
	method: 'GET' | 'POST';
	/** The `route` label: a template, not the concrete path. */
	route: string;
	/** Share of the service's traffic. */
	weight: number;
	/** A concrete path for the traffic generator. */
	path(random: () => number): string;
}

interface DependencyResult {
	status: 'healthy' | 'degraded' | 'unhealthy';
	latency_ms: number;
	message?: string;
}

interface ServiceSpec {
	name: string;
	deployment: string;
	/** Share of the demo's traffic. */
	weight: number;
	/** How many pods' worth of capacity the steady traffic needs: fewer ready pods than this means overload. */
	podsNeeded: number;
	routes: RouteSpec[];
	dependencies: string[];
}

const orderId = (random: () => number) => String(100_000 + Math.floor(random() * 900_000));

export const serviceSpecs: readonly ServiceSpec[] = [
	{
		name: 'checkout',
		deployment: 'checkout',
		weight: 0.55,
		podsNeeded: 1.3,
		routes: [
			{method: 'POST', route: '/api/checkout', weight: 0.6, path: () => '/api/checkout'},
			{method: 'GET', route: '/api/orders/:id', weight: 0.4, path: random => `/api/orders/${orderId(random)}`},
		],
		dependencies: ['postgres', 'redis', 'payments'],
	},
	{
		name: 'cart',
		deployment: 'cart',
		weight: 0.3,
		podsNeeded: 1,
		routes: [
			{method: 'GET', route: '/api/cart', weight: 0.7, path: () => '/api/cart'},
			{method: 'POST', route: '/api/cart/items', weight: 0.3, path: () => '/api/cart/items'},
		],
		dependencies: ['redis', 'postgres'],
	},
	{
		name: 'payments',
		deployment: 'payments',
		weight: 0.15,
		podsNeeded: 1.1,
		routes: [{method: 'POST', route: '/api/payments/authorize', weight: 1, path: () => '/api/payments/authorize'}],
		dependencies: ['postgres', 'card-gateway'],
	},
];

export interface DemoService {
	name: string;
	deployment: string;
	/** http://127.0.0.1:PORT */
	url: string;
	health: string;
	deepHealth: string;
	metrics: string;
	weight: number;
	routes: readonly RouteSpec[];
}

export interface DemoServices {
	services: DemoService[];
	get(name: string): DemoService;
	/** Requests being answered right now, by the image of the pod serving them (like connections to drain). */
	inFlightByImage(): Record<string, number>;
	stop(): Promise<void>;
}

export interface ServicesOptions {
	cluster: ServiceCluster;
	/** Stops the servers (same as calling stop()). */
	signal?: AbortSignal;
	/** Randomness of the outcomes; Math.random by default. */
	random?: () => number;
}

/** A standard normal sample (Box-Muller). */
function gaussian(random: () => number): number {
	const u = Math.max(random(), Number.EPSILON);
	return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {'content-type': 'application/json', 'content-length': Buffer.byteLength(text)});
	res.end(text);
}

function routeMatcher(route: string): RegExp {
	return new RegExp(`^${route.replace(/:[a-z]+/g, '[^/]+')}$`);
}

/** Starts one server per service, on free loopback ports. Resolves once all listen. */
export async function startServices(options: ServicesOptions): Promise<DemoServices> {
	const {cluster} = options;
	const random = options.random ?? Math.random;
	const pending = new Set<NodeJS.Timeout>();
	const inFlight = new Map<string, number>();
	const servers: http.Server[] = [];
	const byName = new Map<string, DemoService>();
	let stopping: Promise<void> | undefined;

	const track = (image: string, delta: number) => inFlight.set(image, (inFlight.get(image) ?? 0) + delta);

	/** The state of one dependency as the service's deep health check sees it. */
	async function checkDependency(service: ServiceSpec, name: string, signal: AbortSignal): Promise<DependencyResult> {
		const jitter = (base: number, spread: number) => Math.round(base + random() * spread);
		if (name === 'postgres') {
			// Pods of the bad build hold on to connections until they are killed: the pool runs short for everyone.
			const endpoints = cluster.endpoints(service.deployment);
			const badShare = service.name === 'checkout' && endpoints.length > 0 ? endpoints.filter(e => e.image === badImage).length / endpoints.length : 0;
			const latency = jitter(3 + badShare * 110, 4 + badShare * 40);
			return latency > 50
				? {status: 'degraded', latency_ms: latency, message: `connection pool near its limit (${Math.round(80 + badShare * 18)}/100 in use)`}
				: {status: 'healthy', latency_ms: latency};
		}
		if (name === 'redis') return {status: 'healthy', latency_ms: jitter(1, 2)};
		if (name === 'card-gateway') return {status: 'healthy', latency_ms: jitter(85, 60)};
		// Another demo service: ask it for real.
		const peer = byName.get(name);
		if (!peer) return {status: 'unhealthy', latency_ms: 0, message: `unknown dependency ${name}`};
		const started = performance.now();
		try {
			const response = await fetch(peer.health, {signal: AbortSignal.any([signal, AbortSignal.timeout(1000)])});
			await response.arrayBuffer();
			const latency = Math.round(performance.now() - started);
			return response.ok ? {status: 'healthy', latency_ms: latency} : {status: 'unhealthy', latency_ms: latency, message: `HTTP ${response.status}`};
		} catch (error) {
			return {status: 'unhealthy', latency_ms: Math.round(performance.now() - started), message: error instanceof Error ? error.message : String(error)};
		}
	}

	function createServer(spec: ServiceSpec): http.Server {
		const registry = new Registry();
		const requests = new Counter({
			name: 'http_requests_total',
			help: 'HTTP requests answered, by status code and route.',
			labelNames: ['status', 'route'] as const,
			registers: [registry],
		});
		const duration = new Histogram({
			name: 'http_request_duration_seconds',
			help: 'Time to answer an HTTP request, by route.',
			labelNames: ['route'] as const,
			buckets: latencyBuckets,
			registers: [registry],
		});
		const routes = spec.routes.map(r => ({...r, pattern: routeMatcher(r.route)}));
		// Series exist from the first scrape, as in well-behaved services: rate() then sees the first errors too.
		for (const {route} of spec.routes) {
			for (const status of ['200', '500', '502', '503', '504']) requests.inc({status, route}, 0);
			duration.zero({route});
		}

		function serveApi(route: string, res: http.ServerResponse): void {
			const started = performance.now();
			const endpoints = cluster.endpoints(spec.deployment);
			let status = 200;
			let delayMs: number;
			let image = 'none';
			if (endpoints.length === 0) {
				// No ready pod behind the Service: the ingress answers at once.
				status = 503;
				delayMs = 1 + random() * 3;
			} else {
				const target = endpoints[Math.floor(random() * endpoints.length)]!;
				image = target.image;
				const behaviour = behaviourOf(target.image);
				// Fewer ready pods than the traffic needs: queueing makes everything slower, then requests are shed.
				const load = spec.podsNeeded / endpoints.length;
				const slowdown = load < 0.7 ? 1 : 1 + (load - 0.7) * 4;
				delayMs = Math.min(maxLatencyMs, behaviour.medianMs * Math.exp(behaviour.sigma * gaussian(random)) * slowdown);
				if (random() < behaviour.errorRate) {
					const kind = random();
					status = kind < 0.6 ? 500 : kind < 0.85 ? 502 : 504;
					if (status === 504) delayMs = 2500 + random() * 500;
				} else if (load > 1 && random() < Math.min(0.5, (load - 1) * 0.5)) {
					status = 503;
				}
			}
			track(image, 1);
			let done = false;
			const finish = () => {
				if (done) return;
				done = true;
				pending.delete(timer);
				track(image, -1);
			};
			const timer = setTimeout(() => {
				finish();
				sendJson(res, status, status < 400 ? {ok: true} : {error: status === 503 ? 'service unavailable' : 'internal error'});
				requests.inc({status: String(status), route});
				duration.observe({route}, (performance.now() - started) / 1000);
			}, delayMs);
			pending.add(timer);
			// The client went away before the answer: nothing to count.
			res.on('close', () => {
				if (done) return;
				clearTimeout(timer);
				finish();
			});
		}

		async function serveDeepHealth(res: http.ServerResponse): Promise<void> {
			const controller = new AbortController();
			res.on('close', () => controller.abort());
			const endpoints = cluster.endpoints(spec.deployment);
			const results = await Promise.all(spec.dependencies.map(async name => [name, await checkDependency(spec, name, controller.signal)] as const));
			const services = Object.fromEntries(results);
			const statuses = results.map(([, r]) => r.status);
			const status = endpoints.length === 0 || statuses.includes('unhealthy') ? 'unhealthy' : statuses.includes('degraded') ? 'degraded' : 'healthy';
			if (res.destroyed) return;
			sendJson(res, status === 'unhealthy' ? 503 : 200, {
				status,
				service: spec.name,
				pods: {ready: endpoints.length, desired: cluster.desiredReplicas(spec.deployment) ?? 0},
				services,
			});
		}

		return http.createServer((req, res) => {
			req.resume();
			const path = (req.url ?? '/').split('?')[0]!;
			if (req.method === 'GET' && path === '/health') {
				const ready = cluster.endpoints(spec.deployment).length;
				if (ready > 0) sendJson(res, 200, {status: 'ok', service: spec.name, ready_pods: ready});
				else sendJson(res, 503, {status: 'unavailable', service: spec.name, reason: `no ready pods behind service ${spec.name}`});
				return;
			}
			if (req.method === 'GET' && path === '/health/deep') {
				// Not awaited: the request is answered by serveDeepHealth, or by the catch when it fails.
				void serveDeepHealth(res).catch((error: unknown) => {
					if (!res.headersSent) sendJson(res, 500, {status: 'unhealthy', error: error instanceof Error ? error.message : String(error)});
				});
				return;
			}
			if (req.method === 'GET' && path === '/metrics') {
				registry.metrics().then(
					text => {
						res.writeHead(200, {'content-type': registry.contentType});
						res.end(text);
					},
					(error: unknown) => sendJson(res, 500, {error: error instanceof Error ? error.message : String(error)}),
				);
				return;
			}
			const route = routes.find(r => r.method === req.method && r.pattern.test(path));
			if (route) {
				serveApi(route.route, res);
				return;
			}
			sendJson(res, 404, {error: `no route ${req.method} ${path} on ${spec.name}`});
		});
	}

	async function stop(): Promise<void> {
		stopping ??= (async () => {
			for (const timer of pending) clearTimeout(timer);
			pending.clear();
			await Promise.all(
				servers.map(
					server =>
						new Promise<void>(resolve => {
							server.close(() => resolve());
							server.closeAllConnections();
						}),
				),
			);
		})();
		return stopping;
	}

	try {
		await Promise.all(
			serviceSpecs.map(
				spec =>
					new Promise<void>((resolve, reject) => {
						const server = createServer(spec);
						servers.push(server);
						server.once('error', reject);
						server.listen(0, '127.0.0.1', () => {
							server.off('error', reject);
							const {port} = server.address() as AddressInfo;
							const url = `http://127.0.0.1:${port}`;
							byName.set(spec.name, {
								name: spec.name,
								deployment: spec.deployment,
								url,
								health: `${url}/health`,
								deepHealth: `${url}/health/deep`,
								metrics: `${url}/metrics`,
								weight: spec.weight,
								routes: spec.routes,
							});
							resolve();
						});
					}),
			),
		);
	} catch (error) {
		await stop();
		throw new Error(`demo services could not listen on 127.0.0.1: ${error instanceof Error ? error.message : String(error)}`);
	}

	if (options.signal) {
		if (options.signal.aborted) await stop();
		// Aborted with the demo: see demo/index.ts onAbort.
		else options.signal.addEventListener('abort', () => void stop(), {once: true});
	}

	return {
		services: serviceSpecs.map(s => byName.get(s.name)!),
		get(name) {
			const service = byName.get(name);
			if (!service) throw new Error(`no demo service named ${name} (known: ${[...byName.keys()].join(', ')})`);
			return service;
		},
		inFlightByImage() {
			return Object.fromEntries([...inFlight].filter(([, n]) => n > 0));
		},
		stop,
	};
}

export interface TrafficStats {
	sent: number;
	answered: number;
	/** Requests that got no HTTP answer (connection refused or reset). */
	failed: number;
	/** Requests not sent because too many were in flight. */
	skipped: number;
}

export interface Traffic {
	stats(): TrafficStats;
	stop(): void;
}

export interface TrafficOptions {
	services: readonly DemoService[];
	/** Requests per second across all services. */
	rps: number;
	signal: AbortSignal;
	/** Cap on concurrent requests; beyond it, requests are skipped. Default 128. */
	maxInFlight?: number;
	random?: () => number;
}

function pickWeighted<T extends {weight: number}>(items: readonly T[], random: () => number): T {
	const total = items.reduce((sum, item) => sum + item.weight, 0);
	let r = random() * total;
	for (const item of items) {
		r -= item.weight;
		if (r < 0) return item;
	}
	return items.at(-1)!;
}

/** Sends real HTTP requests to the services at a steady rate, split by each service's weight. */
export function startTraffic(options: TrafficOptions): Traffic {
	const random = options.random ?? Math.random;
	const maxInFlight = options.maxInFlight ?? 128;
	const agent = new http.Agent({keepAlive: true, maxSockets: maxInFlight});
	const open = new Set<http.ClientRequest>();
	const stats: TrafficStats = {sent: 0, answered: 0, failed: 0, skipped: 0};
	const tickMs = 50;
	let inFlight = 0;
	let budget = 0;
	let last = performance.now();

	function send(): void {
		const service = pickWeighted(options.services, random);
		const route = pickWeighted(service.routes, random);
		inFlight++;
		stats.sent++;
		const request = http.request(`${service.url}${route.path(random)}`, {method: route.method, agent}, response => {
			response.resume();
			response.on('end', () => {
				inFlight--;
				stats.answered++;
			});
			response.on('error', () => {
				inFlight--;
				stats.failed++;
			});
		});
		request.on('error', () => {
			inFlight--;
			stats.failed++;
		});
		open.add(request);
		request.on('close', () => open.delete(request));
		request.end();
	}

	const interval = setInterval(() => {
		const now = performance.now();
		// Catch up after a stalled event loop, but never with a burst bigger than half a second of traffic.
		budget = Math.min(budget + ((now - last) / 1000) * options.rps, Math.max(1, options.rps / 2));
		last = now;
		while (budget >= 1) {
			budget--;
			if (inFlight >= maxInFlight) stats.skipped++;
			else send();
		}
	}, tickMs);

	let stopped = false;
	const stop = () => {
		if (stopped) return;
		stopped = true;
		clearInterval(interval);
		for (const request of open) request.destroy();
		open.clear();
		agent.destroy();
	};
	if (options.signal.aborted) stop();
	else options.signal.addEventListener('abort', stop, {once: true});
	return {stats: () => ({...stats}), stop};
}
