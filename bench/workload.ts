/**
 * The benchmark's workload, run as its own process (`node --import tsx bench/workload.ts`) so its CPU
 * is never counted as the cockpit's:
 * - a Kubernetes wire-format server with 10,000 pods in 200 deployments, 200 pod updates per second;
 * - 50 health endpoints on one local HTTP server;
 * - a Prometheus stub answering /api/v1/query, /api/v1/query_range and /api/v1/alerts;
 * - an incident config naming all of it (50 services, 20 queries, refresh 5 s).
 *
 * Prints one JSON line `{"config": "...", ...}` on stdout when ready. Stops on SIGTERM or SIGINT,
 * or when its stdin closes (the benchmark died), and removes its temporary directory. A line `quiet`
 * on stdin stops the pod updates (a quiet cluster), `loud` starts them again.
 *
 * Environment: BENCH_DEPLOYMENTS, BENCH_PODS_PER_DEPLOYMENT, BENCH_UPDATES_PER_S, BENCH_SERVICES,
 * BENCH_QUERIES, BENCH_REFRESH_MS override the defaults above. BENCH_NAMESPACES=N spreads the
 * deployments over N namespaces (ns-000...) and the config watches every namespace
 * (`kubernetes.namespaces: all`, what -A does), with the API server's bookmarks every 10 s.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {stringify} from 'yaml';
import {startFakeKubeServer, type FakeKubeServer} from '../test/support/fake-kube-server.js';
import {startPrometheusStub} from './stub-prometheus.js';

function numberFromEnv(name: string, fallback: number): number {
	const value = Number(process.env[name]);
	return Number.isFinite(value) && value >= 0 ? value : fallback;
}

/**
 * Pod updates at `ratePerSecond`, shaped like a busy but mostly healthy namespace: 90% change what a
 * cockpit does not show (a status heartbeat, like kubelet's probe times), 9% flip readiness, 1% restart
 * a container (one restart in ten is an OOM kill). The fake server's own churn() restarts a container
 * on every other update, a storm that would measure timeline signals rather than rendering.
 * Ticks every 20 ms; cancelled through the signal.
 */
export function churnPods(kube: FakeKubeServer, ratePerSecond: number, signal: AbortSignal): void {
	const tickMs = 20;
	const pods = kube.list('pods').map(pod => ({name: pod.metadata.name as string, namespace: pod.metadata.namespace as string}));
	let owed = 0;
	let heartbeat = 0;
	let restarts = 0;
	const timer = setInterval(() => {
		owed += (ratePerSecond * tickMs) / 1000;
		for (; owed >= 1; owed--) {
			const {name, namespace} = pods[Math.floor(Math.random() * pods.length)]!;
			const roll = Math.random();
			kube.update(
				'pods',
				name,
				pod => {
				const status = pod.status.containerStatuses[0];
				if (roll < 0.9) {
					pod.status.conditions = [{type: 'Ready', status: status.ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: '2026-11-22T03:00:00Z', heartbeat: ++heartbeat}];
				} else if (roll < 0.99) {
					status.ready = !status.ready;
				} else {
					status.restartCount++;
					status.ready = true;
					status.lastState = {terminated: {reason: ++restarts % 10 === 0 ? 'OOMKilled' : 'Error', exitCode: 137, finishedAt: new Date().toISOString()}};
				}
				},
				namespace,
			);
		}
	}, tickMs);
	signal.addEventListener('abort', () => clearInterval(timer), {once: true});
}

export interface WorkloadOptions {
	deployments: number;
	podsPerDeployment: number;
	updatesPerSecond: number;
	services: number;
	queries: number;
	refreshMs: number;
	/** Namespaces the deployments are spread over, all watched (-A); 0: all in namespace `bench`. */
	namespaces: number;
}

export interface Workload {
	/** Path of the incident config the cockpit runs with (`--config`). */
	config: string;
	kubeconfig: string;
	namespace: string;
	prometheus: string;
	health: string;
	pods: number;
	deployments: number;
	options: WorkloadOptions;
	stop(): Promise<void>;
	/** Stops the pod updates (quiet) or starts them again. */
	quiet(quiet: boolean): void;
}

/** The health server: `/svc-NN/health` answers 200 with a small deep-health body; anything else 404. */
async function startHealthServer(services: number): Promise<{url: string; server: Server}> {
	const server = createServer((req: IncomingMessage, res: ServerResponse) => {
		const match = /^\/svc-(\d+)\/health$/.exec(req.url ?? '');
		if (!match || Number(match[1]) >= services) {
			res.writeHead(404, {'content-type': 'text/plain'}).end('not found\n');
			return;
		}
		res.writeHead(200, {'content-type': 'application/json'});
		res.end(JSON.stringify({status: 'ok', checks: {db: {status: 'ok', latency_ms: 2}, cache: {status: 'ok', latency_ms: 1}}}));
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server};
}

const queryTemplates = [
	{title: '5xx ratio', unit: 'percent', warn: 1, critical: 5, promql: (s: string) => `100 * sum(rate(http_requests_total{service="${s}",code=~"5.."}[5m])) / sum(rate(http_requests_total{service="${s}"}[5m]))`},
	{title: 'p95 latency', unit: 's', warn: 0.5, critical: 1, promql: (s: string) => `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="${s}"}[5m])))`},
	{title: 'requests', unit: 'reqps', promql: (s: string) => `sum(rate(http_requests_total{service="${s}"}[5m]))`},
	{title: 'restarts 15m', unit: '', warn: 1, critical: 5, promql: (s: string) => `sum(increase(kube_pod_container_status_restarts_total{namespace="bench",pod=~"${s}-.*"}[15m]))`},
];

export async function startWorkload(options: WorkloadOptions): Promise<Workload> {
	const dir = mkdtempSync(path.join(tmpdir(), 'incident-tui-bench-'));
	const namespace = 'bench';
	const spread = options.namespaces > 0;
	const kube = await startFakeKubeServer({namespace, context: 'bench', historySize: 5000, ...(spread ? {bookmarkEveryMs: 10_000} : {})});
	kube.seed({deployments: options.deployments, podsPerDeployment: options.podsPerDeployment, ...(spread ? {namespaces: options.namespaces} : {})});
	let churn = new AbortController();
	if (options.updatesPerSecond > 0) churnPods(kube, options.updatesPerSecond, churn.signal);
	const quiet = (stopUpdates: boolean) => {
		churn.abort();
		churn = new AbortController();
		if (!stopUpdates && options.updatesPerSecond > 0) churnPods(kube, options.updatesPerSecond, churn.signal);
	};
	const health = await startHealthServer(options.services);
	const prometheus = await startPrometheusStub();

	const services = Array.from({length: options.services}, (_, i) => {
		const id = String(i).padStart(2, '0');
		return {name: `svc-${id}`, health: `${health.url}/svc-${id}/health`, deployment: `d-${String(i).padStart(options.deployments > 1000 ? 4 : 3, '0')}`, timeoutMs: 2000};
	});
	const queries = Array.from({length: options.queries}, (_, i) => {
		const template = queryTemplates[i % queryTemplates.length]!;
		const service = services[Math.floor(i / queryTemplates.length) % Math.max(1, services.length)]?.name ?? 'svc-00';
		const query: Record<string, unknown> = {id: `q${String(i).padStart(2, '0')}`, title: `${service} ${template.title}`, promql: template.promql(service), unit: template.unit};
		if (template.warn !== undefined) query.warn = template.warn;
		if (template.critical !== undefined) query.critical = template.critical;
		return query;
	});
	const config = path.join(dir, 'incident.yaml');
	writeFileSync(
		config,
		stringify({
			title: `Benchmark: ${Math.round((options.deployments * options.podsPerDeployment) / 1000)}k pods`,
			severity: 'SEV3',
			prometheus: {url: prometheus.url},
			kubernetes: {kubeconfig: kube.kubeconfigPath, context: 'bench', namespace, ...(spread ? {namespaces: 'all'} : {})},
			services,
			queries,
			refresh: {healthMs: options.refreshMs, metricsMs: options.refreshMs, podsMs: options.refreshMs},
			stateDir: path.join(dir, 'state'),
		}),
	);

	let stopped = false;
	return {
		config,
		kubeconfig: kube.kubeconfigPath,
		namespace,
		prometheus: prometheus.url,
		health: health.url,
		pods: options.deployments * options.podsPerDeployment,
		deployments: options.deployments,
		options,
		quiet,
		async stop() {
			if (stopped) return;
			stopped = true;
			churn.abort();
			health.server.closeAllConnections();
			await Promise.all([kube.close(), prometheus.stop(), new Promise(resolve => health.server.close(resolve))]);
			rmSync(dir, {recursive: true, force: true});
		},
	};
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.dirname, 'workload.ts')) {
	const workload = await startWorkload({
		deployments: numberFromEnv('BENCH_DEPLOYMENTS', 200),
		podsPerDeployment: numberFromEnv('BENCH_PODS_PER_DEPLOYMENT', 50),
		updatesPerSecond: numberFromEnv('BENCH_UPDATES_PER_S', 200),
		services: numberFromEnv('BENCH_SERVICES', 50),
		queries: numberFromEnv('BENCH_QUERIES', 20),
		refreshMs: numberFromEnv('BENCH_REFRESH_MS', 5000),
		namespaces: numberFromEnv('BENCH_NAMESPACES', 0),
	});
	const {stop, quiet, ...described} = workload;
	process.stdout.write(`${JSON.stringify(described)}\n`);
	const shutdown = () => {
		void stop().finally(() => process.exit(0));
	};
	process.once('SIGTERM', shutdown);
	process.once('SIGINT', shutdown);
	process.stdin.on('end', shutdown);
	process.stdin.on('close', shutdown);
	process.stdin.setEncoding('utf8');
	process.stdin.on('data', (text: string) => {
		for (const line of text.split('\n')) {
			if (line === 'quiet') quiet(true);
			else if (line === 'loud') quiet(false);
		}
	});
}
