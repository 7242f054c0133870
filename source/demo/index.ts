import {configSchema, type Config} from '../config/schema.js';
import {SimulatedCluster, demoContext, demoNamespace} from './cluster.js';
import type {DemoServices, TrafficStats} from './services.js';
import {serveDemoApi, type DemoApiServer} from './kube-api.js';
import {serveDemoAlertmanager, type DemoAlertmanager} from './alertmanager.js';
import type {DemoResume} from './resume.js';

/**
 * The built-in demo incident (`incident-tui demo`, `npm start`): a simulated cluster in which checkout's
 * revision 3 (shop/checkout:1.8.0) is failing, three HTTP services on loopback whose /metrics the cockpit
 * scrapes for real, and a traffic generator. Rolling checkout back (`u`) brings the 5xx ratio under 1%.
 */

export interface DemoEnvironment {
	/** A complete config (defaults applied): services with health and scrape URLs, queries, kube context, runbook. */
	config: Config;
	cluster: SimulatedCluster;
	/** Values for the runbook's {{variables}}. */
	runbookVariables: Record<string, string>;
	/** The running services (URLs, in-flight requests), for tests and diagnostics. */
	services: DemoServices;
	/** The cluster served over the Kubernetes API (its URL and token), which the runbook's kubectl uses. */
	api: DemoApiServer;
	/** Requests sent by the traffic generator so far. */
	traffic(): TrafficStats;
	/** Stops traffic, servers and the simulation. Idempotent. */
	stop(): Promise<void>;
}

export interface DemoOptions {
	signal: AbortSignal;
	/** Time multiplier of the simulated cluster (rollouts, OOM kills). Default 1. */
	speed?: number;
	/** Requests per second the traffic generator sends across all services. Default 16. */
	trafficRps?: number;
	/** A demo incident being resumed: its scenario goes on where its journal left it (resume.ts). */
	resume?: DemoResume;
}

export const demoQueries = {
	errorRatio: 'sum(rate(http_requests_total{status=~"5.."}[1m])) / sum(rate(http_requests_total[1m]))',
	latencyP95: 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[1m])))',
	requestRate: 'sum(rate(http_requests_total[1m]))',
} as const;

export async function startDemo(options: DemoOptions): Promise<DemoEnvironment> {
	if (options.signal.aborted) throw new Error('demo not started: its signal was already aborted');
	const controller = new AbortController();
	const cluster = new SimulatedCluster({
		signal: controller.signal,
		...(options.speed ? {speed: options.speed} : {}),
		...(options.resume ? {startedAt: options.resume.openedAt, changes: options.resume.changes} : {}),
	});
	// prom-client is loaded here rather than at import time, so that importing the demo costs nothing.
	const {startServices, startTraffic} = await import('./services.js');
	let services: DemoServices;
	let api: DemoApiServer;
	let alertmanager: DemoAlertmanager;
	try {
		services = await startServices({cluster, signal: controller.signal});
		// The cluster over the Kubernetes API too, so the runbook's kubectl steps act on it (kube-api.ts).
		api = await serveDemoApi(cluster, {signal: controller.signal});
		// Its alerts over Alertmanager's API, where the Alerts pane reads and silences them (alertmanager.ts).
		alertmanager = await serveDemoAlertmanager(cluster, controller.signal);
	} catch (error) {
		controller.abort();
		throw error;
	}
	const traffic = startTraffic({services: services.services, rps: options.trafficRps ?? 16, signal: controller.signal});

	let stopping: Promise<void> | undefined;
	const stop = () => {
		stopping ??= (async () => {
			options.signal.removeEventListener('abort', onAbort);
			traffic.stop();
			cluster.stop();
			controller.abort();
			await Promise.all([services.stop(), api.close(), alertmanager.close()]);
		})();
		return stopping;
	};
	// Aborted, the demo's servers close with the process that aborts it: a server that fails to close has no one left to tell.
	const onAbort = () => void stop();
	options.signal.addEventListener('abort', onAbort, {once: true});
	// Aborted while the servers were starting: stop right away.
	if (options.signal.aborted) void stop(); // as onAbort

	const config = configSchema.parse({
		title: 'Checkout 5xx after deploy of 1.8.0',
		severity: 'SEV2',
		kubernetes: {context: demoContext, namespace: demoNamespace, production: false},
		services: services.services.map(s => ({
			name: s.name,
			// checkout's deep health lists its dependencies (postgres, redis, payments) as sub-rows.
			health: s.name === 'checkout' ? s.deepHealth : s.health,
			deployment: s.deployment,
			scrape: s.metrics,
			timeoutMs: 2000,
			warnMs: 300,
			criticalMs: 1000,
		})),
		queries: [
			{id: 'error_ratio', title: '5xx ratio', promql: demoQueries.errorRatio, unit: 'ratio', warn: 0.01, critical: 0.05},
			{id: 'latency_p95', title: 'p95 latency', promql: demoQueries.latencyP95, unit: 'seconds', warn: 0.3, critical: 1},
			{id: 'request_rate', title: 'Request rate', promql: demoQueries.requestRate, unit: 'rps'},
		],
		alertmanager: {url: alertmanager.url, timeoutMs: 2000},
		runbook: 'bad-deploy',
		refresh: {healthMs: 3000, metricsMs: 2000, alertsMs: 15_000},
		recovery: {watchSeconds: 90},
	});

	return {
		config,
		cluster,
		runbookVariables: {namespace: demoNamespace, deployment: 'checkout'},
		services,
		api,
		traffic: () => traffic.stats(),
		stop,
	};
}
