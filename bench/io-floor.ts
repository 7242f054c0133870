/**
 * The I/O floor: a process that does only the I/O the bench's workload asks of any client, and
 * nothing else. `npm run bench` runs it after the cockpit, against the same workload, and reports
 * its CPU as `io_floor_cpu_pct`, so the cockpit's idle CPU can be read against what its data alone
 * costs on the same machine in the same run.
 *
 * What it does, with the cockpit's own I/O code (so the floor is that of this code's I/O layer):
 * - watches pods, deployments and ReplicaSets in the namespace with `openWatch`, read in the same
 *   250 ms batches, and parses every event (a client must parse an event to know what changed);
 * - every refresh, GETs every service's health URL on a new connection (`httpGet`, as the Health
 *   source does) and parses its body;
 * - every refresh, runs every query and asks for the firing alerts on the Prometheus API (`httpGet`
 *   with kept connections, as the metrics and alerts sources do), and parses the answers.
 * It keeps no rows, draws nothing and writes no timeline. It prints `ready` once all three run and,
 * when its standard input ends, a JSON line counting what it received (so the bench can tell a
 * floor that did its work from one that failed to connect), then exits.
 *
 * Usage: node io-floor.mjs CONFIG (the incident config bench/workload.ts wrote).
 */
import {readFileSync} from 'node:fs';
import type {RequestOptions} from 'node:https';
import {KubeConfig} from '@kubernetes/client-node';
import {parse} from 'yaml';
import {httpGet} from '../source/clients/http.js';
import {BatchClock, openWatch} from '../source/clients/watch-stream.js';
import {startPoller} from '../source/clients/poller.js';

interface WorkloadConfig {
	prometheus: {url: string};
	kubernetes: {kubeconfig: string; context: string; namespace: string; namespaces?: 'all'};
	services: Array<{health: string; timeoutMs: number}>;
	queries: Array<{promql: string}>;
	refresh: {healthMs: number; metricsMs: number};
}

const config = parse(readFileSync(process.argv[2] ?? '', 'utf8')) as WorkloadConfig;
const kc = new KubeConfig();
kc.loadFromFile(config.kubernetes.kubeconfig);
kc.setCurrentContext(config.kubernetes.context);
const server = kc.getCurrentCluster()?.server ?? '';
const namespace = config.kubernetes.namespace;

async function kubeOptions(): Promise<RequestOptions> {
	const options: RequestOptions = {};
	await kc.applyToHTTPSOptions(options);
	return options;
}

/** The list's resourceVersion, to watch from (the list itself is read once and dropped). */
async function listVersion(path: string): Promise<string> {
	const options = await kubeOptions();
	const response = await httpGet(`${server}${path}?limit=1`, {timeoutMs: 30_000, headers: options.headers as Record<string, string>});
	return (JSON.parse(response.body) as {metadata: {resourceVersion: string}}).metadata.resourceVersion;
}

/** What arrived, for the summary: a floor that received nothing measured nothing. */
const received = {watchEvents: 0, healthAnswers: 0, prometheusAnswers: 0, failures: 0};

/** The three watches read on one clock, as a cluster client's do. */
const batches = new BatchClock(250);

async function watch(path: string): Promise<void> {
	for (;;) {
		const version = await listVersion(path);
		const url = new URL(`${server}${path}`);
		url.searchParams.set('watch', 'true');
		url.searchParams.set('resourceVersion', version);
		url.searchParams.set('timeoutSeconds', '3600');
		const options = await kubeOptions();
		await new Promise<void>(resolve => {
			openWatch(
				url,
				options,
				{
					event: () => void received.watchEvents++,
					done: error => {
						if (error) received.failures++;
						resolve();
					},
				},
				{batches},
			);
		});
	}
}

/** Runs `requests` every `intervalMs` on the cockpit's own refresh loop (clients/poller.ts), counting failures. */
function every(name: string, intervalMs: number, requests: () => Array<Promise<unknown>>): void {
	startPoller({
		name,
		intervalMs,
		signal: new AbortController().signal,
		run: async () => {
			const results = await Promise.allSettled(requests());
			received.failures += results.filter(r => r.status === 'rejected').length;
		},
	});
}

function parsed(body: string): void {
	try {
		JSON.parse(body);
	} catch {
		// A health body need not be JSON.
	}
}

// Every namespace (-A): the cockpit's cluster-scoped watches.
const scope = config.kubernetes.namespaces === 'all' ? '' : `/namespaces/${namespace}`;
for (const resource of [`/api/v1${scope}/pods`, `/apis/apps/v1${scope}/deployments`, `/apis/apps/v1${scope}/replicasets`]) {
	void watch(resource);
}
every('health', config.refresh.healthMs, () =>
	config.services.map(s =>
		httpGet(s.health, {timeoutMs: s.timeoutMs}).then(r => {
			received.healthAnswers++;
			parsed(r.body);
		}),
	),
);
const prometheus = (path: string) =>
	httpGet(`${config.prometheus.url}${path}`, {timeoutMs: 10_000, keepAlive: true}).then(r => {
		received.prometheusAnswers++;
		parsed(r.body);
	});
every('metrics', config.refresh.metricsMs, () => [...config.queries.map(q => prometheus(`/api/v1/query?query=${encodeURIComponent(q.promql)}`)), prometheus('/api/v1/alerts')]);
process.stdout.write('ready\n');
process.stdin.on('end', () => {
	process.stdout.write(`${JSON.stringify(received)}\n`);
	process.exit(0);
});
process.stdin.resume();
