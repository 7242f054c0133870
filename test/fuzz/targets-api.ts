/**
 * Fuzz targets for API answers, sent by a loopback server to the cockpit's own clients: Prometheus
 * /api/v1/query, Alertmanager /api/v2/alerts, a service's health JSON, and a Kubernetes API server's
 * lists, watch streams and reads (through @kubernetes/client-node and the watch reader). A client
 * answers with data of the right shape or an Error that says what went wrong; never a crash of our
 * own (TypeError, RangeError), an uncaught exception or an unhandled rejection (the worker running
 * the cases dies of those, and the harness reports the case).
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo, Socket} from 'node:net';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {parseConfig} from '../../source/config/load.js';
import type {ServiceConfig} from '../../source/config/schema.js';
import type {Cluster, ClusterWatcher} from '../../source/ports/cluster.js';
import {fetchAlertmanagerAlerts} from '../../source/clients/alertmanager.js';
import {checkService} from '../../source/kinds/health/check.js';
import {PrometheusMetrics} from '../../source/clients/prometheus.js';
import {int, jsonText, mutateJson, pick, type Random} from './random.js';
import {FuzzFailure, isInternalError, type FuzzTarget, type Outcome} from './target.js';

interface Answer {
	status: number;
	contentType: string | undefined;
	body: string;
}

/** A loopback server that answers every request with what the current case says. */
class AnswerServer {
	private server: Server | undefined;
	private readonly sockets = new Set<Socket>();
	url = '';
	answer: (req: IncomingMessage) => Answer = () => ({status: 200, contentType: 'application/json', body: '{}'});

	async start(): Promise<void> {
		const server = createServer((req: IncomingMessage, res: ServerResponse) => {
			const {status, contentType, body} = this.answer(req);
			res.writeHead(status, contentType ? {'content-type': contentType} : {});
			res.end(body);
		});
		server.on('connection', socket => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
		this.server = server;
		this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	}

	async stop(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>(resolve => (this.server ? this.server.close(() => resolve()) : resolve()));
	}
}

const statuses = [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 400, 401, 404, 410, 422, 500, 502, 503];
const contentTypes = ['application/json', 'application/json', 'application/json', 'text/html', 'text/plain', undefined];

/** A body for `base` (a well-formed answer): mostly mutated JSON, sometimes something hostile. */
function body(random: Random, base: unknown): string {
	switch (int(random, 12)) {
		case 0:
			return `${'['.repeat(1 + int(random, 200_000))}`;
		case 1:
			return pick(random, ['', 'null', '<html><body><h1>502 Bad Gateway</h1></body></html>', 'OK', '\u0000\u001b]52;c;aGk=\u0007']);
		case 2:
			return JSON.stringify(Array.isArray(base) ? Array.from({length: 20_000}, (_, i) => (base as unknown[])[i % Math.max(base.length, 1)]) : base).repeat(1 + int(random, 3));
		default:
			return jsonText(random() < 0.6 ? mutateJson(base, random) : base, random);
	}
}

/** Answers every JSON client gets first: empty, null, HTML from a proxy, deep nesting, 9 MB. */
const hostileAnswers: Answer[] = [
	{status: 200, contentType: 'application/json', body: 'null'},
	{status: 200, contentType: 'application/json', body: ''},
	{status: 502, contentType: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>'},
	{status: 200, contentType: 'application/json', body: '['.repeat(200_000)},
	{status: 200, contentType: 'application/json', body: `[${'"x",'.repeat(2_000_000)}"x"]`},
	{status: 200, contentType: 'text/plain', body: '\u001b]52;c;aGk=\u0007\u001b[2J'},
];

function answerFor(random: Random, base: unknown): Answer {
	return {status: pick(random, statuses), contentType: pick(random, contentTypes), body: body(random, base)};
}

function refusedWith(error: unknown, what: string): Outcome {
	if (!(error instanceof Error) || isInternalError(error)) throw new FuzzFailure(`${what} crashed instead of saying what is wrong: ${(error as Error)?.stack ?? String(error)}`);
	return 'refused';
}

const stringRecord = (value: unknown) => !!value && typeof value === 'object' && Object.values(value).every(v => typeof v === 'string');

const prometheusBases = [
	{status: 'success', data: {resultType: 'vector', result: [{metric: {__name__: 'up', job: 'api', instance: 'a:9090'}, value: [1700000000.123, '1']}, {metric: {job: 'db'}, value: [1700000000.123, 'NaN']}]}},
	{status: 'success', data: {resultType: 'scalar', result: [1700000000, '0.05']}},
	{status: 'success', data: {resultType: 'matrix', result: [{metric: {job: 'api'}, values: [[1700000000, '1'], [1700000015, '+Inf']]}]}},
	{status: 'success', data: {resultType: 'string', result: [1700000000, 'x']}},
	{status: 'error', errorType: 'bad_data', error: 'parse error at char 5: unexpected identifier'},
];

export function prometheusAnswers(): FuzzTarget<Answer> {
	const server = new AnswerServer();
	let current: Answer = {status: 200, contentType: undefined, body: ''};
	let metrics: PrometheusMetrics;
	return {
		name: 'Prometheus /api/v1/query answers',
		corpus: hostileAnswers,
		async setup() {
			await server.start();
			server.answer = () => current;
			metrics = new PrometheusMetrics({url: server.url, timeoutMs: 10_000});
		},
		teardown: () => server.stop(),
		generate: random => answerFor(random, pick(random, prometheusBases)),
		describe: answer => `HTTP ${answer.status} ${answer.contentType ?? '(no content type)'}: ${answer.body.slice(0, 300)}`,
		async run(answer) {
			current = answer;
			try {
				const samples = await metrics.instant('sum(rate(http_requests_total[1m]))', AbortSignal.timeout(15_000));
				for (const sample of samples) {
					if (typeof sample.value !== 'number' || !stringRecord(sample.labels)) throw new FuzzFailure(`a sample of the wrong shape: ${JSON.stringify(sample).slice(0, 200)}`);
				}
				return 'accepted';
			} catch (error) {
				if (error instanceof FuzzFailure) throw error;
				return refusedWith(error, 'the Prometheus client');
			}
		},
	};
}

const alertBase = [
	{
		labels: {alertname: 'HighErrorRate', severity: 'critical', namespace: 'shop', deployment: 'checkout'},
		annotations: {summary: '5xx above 5%', description: 'x'},
		startsAt: '2026-11-22T03:04:05.678Z',
		endsAt: '2026-11-22T04:04:05.678Z',
		status: {state: 'active', silencedBy: [], inhibitedBy: []},
		fingerprint: 'abc',
		receivers: [{name: 'null'}],
	},
	{labels: {alertname: 'ServiceDown'}, annotations: {}, startsAt: '2026-11-22T03:04:05Z', status: {state: 'suppressed', silencedBy: ['s1']}},
];

export function alertmanagerAnswers(): FuzzTarget<Answer> {
	const server = new AnswerServer();
	let current: Answer = {status: 200, contentType: undefined, body: ''};
	return {
		name: 'Alertmanager /api/v2/alerts answers',
		corpus: hostileAnswers,
		async setup() {
			await server.start();
			server.answer = () => current;
		},
		teardown: () => server.stop(),
		generate: random => answerFor(random, alertBase),
		describe: answer => `HTTP ${answer.status} ${answer.contentType ?? '(no content type)'}: ${answer.body.slice(0, 300)}`,
		async run(answer) {
			current = answer;
			try {
				const alerts = await fetchAlertmanagerAlerts({url: server.url, timeoutMs: 10_000}, AbortSignal.timeout(15_000));
				for (const alert of alerts) {
					if (typeof alert.name !== 'string' || typeof alert.state !== 'string' || !stringRecord(alert.labels)) throw new FuzzFailure(`an alert of the wrong shape: ${JSON.stringify(alert).slice(0, 200)}`);
				}
				return 'accepted';
			} catch (error) {
				if (error instanceof FuzzFailure) throw error;
				return refusedWith(error, 'the Alertmanager client');
			}
		},
	};
}

const healthBases: unknown[] = [
	{status: 'UP', components: {db: {status: 'UP', details: {latency_ms: 3}}, redis: {status: 'DOWN'}}},
	{status: 'ok', checks: [{name: 'postgres', status: 'ok', latencyMs: 4}, {name: 'payments', status: 'degraded', duration: '00:00:00.0100000'}]},
	{status: 'Healthy', entries: {db: {status: 'Healthy', duration: '00:00:00.01'}}},
	[{name: 'a', status: 'pass'}],
	{db: 'ok', cache: true},
];

export function healthAnswers(): FuzzTarget<Answer> {
	const server = new AnswerServer();
	let current: Answer = {status: 200, contentType: undefined, body: ''};
	let service: ServiceConfig;
	return {
		name: 'health JSON answers',
		corpus: hostileAnswers,
		async setup() {
			await server.start();
			server.answer = () => current;
			service = parseConfig(`services:\n  - {name: api, health: "${server.url}/health", timeoutMs: 10000}\n`, 'fuzz.yaml').services[0]!;
		},
		teardown: () => server.stop(),
		generate: random => answerFor(random, pick(random, healthBases)),
		describe: answer => `HTTP ${answer.status} ${answer.contentType ?? '(no content type)'}: ${answer.body.slice(0, 300)}`,
		async run(answer) {
			current = answer;
			let row: Awaited<ReturnType<typeof checkService>>;
			try {
				row = await checkService(service, AbortSignal.timeout(15_000));
			} catch (error) {
				throw new FuzzFailure(`checkService threw (it never should: a failure is a row): ${(error as Error)?.stack ?? String(error)}`);
			}
			if (!['ok', 'warn', 'crit', 'muted'].includes(row.tone) || !Array.isArray(row.dependencies)) throw new FuzzFailure(`a row of the wrong shape: ${JSON.stringify(row).slice(0, 300)}`);
			for (const dependency of row.dependencies) {
				if (typeof dependency.name !== 'string' || typeof dependency.status !== 'string') throw new FuzzFailure(`a dependency of the wrong shape: ${JSON.stringify(dependency).slice(0, 200)}`);
			}
			return row.ok ? 'accepted' : 'refused';
		},
	};
}

// ---- Kubernetes ----------------------------------------------------------------------------------

const meta = (name: string, extra: Record<string, unknown> = {}) => ({name, namespace: 'fuzz', uid: `uid-${name}`, resourceVersion: '100', creationTimestamp: '2026-11-22T03:00:00Z', ...extra});

const pod = {
	metadata: meta('checkout-6d5dbb8967-r7j9w', {labels: {app: 'checkout', 'pod-template-hash': '6d5dbb8967'}, ownerReferences: [{kind: 'ReplicaSet', name: 'checkout-6d5dbb8967', uid: 'uid-rs', controller: true}]}),
	spec: {nodeName: 'pool-a-1', containers: [{name: 'app', image: 'shop/checkout:1.8.0'}]},
	status: {
		phase: 'Running',
		startTime: '2026-11-22T03:00:00Z',
		conditions: [{type: 'Ready', status: 'True'}],
		containerStatuses: [{name: 'app', ready: true, restartCount: 2, image: 'shop/checkout:1.8.0', state: {running: {startedAt: '2026-11-22T03:00:00Z'}}, lastState: {terminated: {reason: 'OOMKilled', exitCode: 137, finishedAt: '2026-11-22T02:59:00Z'}}}],
	},
};
const deployment = {
	metadata: meta('checkout', {generation: 4, annotations: {'deployment.kubernetes.io/revision': '3'}}),
	spec: {replicas: 3, selector: {matchLabels: {app: 'checkout'}}, template: {metadata: {labels: {app: 'checkout'}}, spec: {containers: [{name: 'app', image: 'shop/checkout:1.8.0'}]}}},
	status: {observedGeneration: 4, replicas: 3, updatedReplicas: 3, readyReplicas: 2, availableReplicas: 2, conditions: [{type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable'}]},
};
const replicaSet = {
	metadata: meta('checkout-6d5dbb8967', {annotations: {'deployment.kubernetes.io/revision': '3'}, labels: {app: 'checkout'}, ownerReferences: [{kind: 'Deployment', name: 'checkout', uid: 'uid-checkout', controller: true}]}),
	spec: {replicas: 3, selector: {matchLabels: {app: 'checkout'}}, template: deployment.spec.template},
	status: {replicas: 3},
};
const event = {metadata: meta('checkout.1'), involvedObject: {kind: 'Pod', name: 'checkout-6d5dbb8967-r7j9w'}, reason: 'BackOff', message: 'Back-off restarting failed container', type: 'Warning', count: 5, lastTimestamp: '2026-11-22T03:04:00Z'};
const list = (kind: string, apiVersion: string, items: unknown[]) => ({kind, apiVersion, metadata: {resourceVersion: '100'}, items});

interface KubeCase {
	pods: Answer;
	deployments: Answer;
	replicasets: Answer;
	watch: Answer;
	events: Answer;
	pod: Answer;
	deployment: Answer;
}

function watchLines(random: Random): string {
	const events = Array.from({length: 1 + int(random, 5)}, () => {
		const type = pick(random, ['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR', 'WHATEVER']);
		const object = type === 'ERROR' ? {kind: 'Status', code: pick(random, [410, 500]), reason: 'Expired', message: 'too old resource version'} : pick(random, [pod, deployment]);
		return {type, object: random() < 0.7 ? mutateJson(object, random) : object};
	});
	return events.map(e => jsonText(e, random)).join('\n') + (random() < 0.8 ? '\n' : '');
}

function kubeAnswer(random: Random, base: unknown): Answer {
	// Mostly 200 with JSON: the client then reads it; a status of its own sometimes.
	const status = random() < 0.8 ? 200 : pick(random, [403, 404, 410, 500, 503]);
	const statusBody = {kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'pods is forbidden: User "x" cannot list resource "pods"', reason: 'Forbidden', code: status};
	return {status, contentType: pick(random, ['application/json', 'application/json', 'text/html', undefined]), body: body(random, status === 200 ? base : statusBody)};
}

const ok = (value: unknown): Answer => ({status: 200, contentType: 'application/json', body: typeof value === 'string' ? value : JSON.stringify(value)});
const fine: KubeCase = {
	pods: ok(list('PodList', 'v1', [pod])),
	deployments: ok(list('DeploymentList', 'apps/v1', [deployment])),
	replicasets: ok(list('ReplicaSetList', 'apps/v1', [replicaSet])),
	watch: ok(''),
	events: ok(list('EventList', 'v1', [event])),
	pod: ok(pod),
	deployment: ok(deployment),
};

/** Answers found to break the client, kept as regressions. */
const kubeCorpus: KubeCase[] = [
	fine,
	// A watch event whose creationTimestamp is a number.
	{...fine, watch: ok(`${JSON.stringify({type: 'MODIFIED', object: {...pod, metadata: {...pod.metadata, creationTimestamp: 5}}})}\n`)},
	{...fine, events: ok('null')},
	{...fine, events: ok({kind: 'EventList', items: {}})},
	{...fine, events: ok(list('EventList', 'v1', [{...event, message: 5}]))},
	{...fine, pod: ok('null')},
];

export function kubernetesAnswers(): FuzzTarget<KubeCase> {
	const server = new AnswerServer();
	let current: KubeCase | undefined;
	let cluster: Cluster;
	let dir = '';
	return {
		name: 'Kubernetes lists, watches and reads',
		corpus: kubeCorpus,
		async setup() {
			await server.start();
			server.answer = req => {
				const url = new URL(req.url ?? '/', server.url);
				const c = current!;
				if (url.searchParams.get('watch') === 'true') return c.watch;
				if (url.pathname.endsWith('/pods')) return c.pods;
				if (url.pathname.endsWith('/deployments')) return c.deployments;
				if (url.pathname.endsWith('/replicasets')) return c.replicasets;
				if (url.pathname.endsWith('/events')) return c.events;
				if (url.pathname.includes('/pods/')) return c.pod;
				if (url.pathname.includes('/deployments/')) return c.deployment;
				return {status: 404, contentType: 'application/json', body: '{"kind":"Status","code":404}'};
			};
			dir = mkdtempSync(path.join(tmpdir(), 'incident-tui-fuzz-kube-'));
			const kubeconfig = path.join(dir, 'kubeconfig');
			writeFileSync(
				kubeconfig,
				['apiVersion: v1', 'kind: Config', 'current-context: fuzz', 'clusters:', `  - name: fuzz`, `    cluster: {server: "${server.url}", insecure-skip-tls-verify: true}`, 'users:', '  - name: fuzz', '    user: {token: fuzz-token}', 'contexts:', '  - name: fuzz', '    context: {cluster: fuzz, user: fuzz, namespace: fuzz}', ''].join('\n'),
			);
			const {createKubeCluster} = await import('../../source/clients/kube-cluster.js');
			cluster = await createKubeCluster({kubeconfig, readonly: true, fieldManager: 'incident-tui/fuzz', backoff: {initialMs: 5, maxMs: 20}, watchReadMs: 0});
		},
		async teardown() {
			await server.stop();
			rmSync(dir, {recursive: true, force: true});
		},
		generate(random) {
			return {
				pods: kubeAnswer(random, list('PodList', 'v1', [pod])),
				deployments: kubeAnswer(random, list('DeploymentList', 'apps/v1', [deployment])),
				replicasets: kubeAnswer(random, list('ReplicaSetList', 'apps/v1', [replicaSet])),
				watch: {status: 200, contentType: 'application/json', body: watchLines(random)},
				events: kubeAnswer(random, list('EventList', 'v1', [event])),
				pod: kubeAnswer(random, pod),
				deployment: kubeAnswer(random, deployment),
			};
		},
		describe: c => Object.entries(c).map(([what, a]) => `${what}: HTTP ${a.status} ${a.body.slice(0, 120)}`).join('\n'),
		async run(c) {
			current = c;
			const controller = new AbortController();
			let outcome: Outcome = 'accepted';
			let crash: FuzzFailure | undefined;
			const seen = new Promise<void>(resolve => {
				const watcher: ClusterWatcher = {
					reset(pods, deployments) {
						if (!Array.isArray(pods) || !Array.isArray(deployments) || pods.some(p => typeof p.name !== 'string')) crash = new FuzzFailure(`reset with rows of the wrong shape: ${JSON.stringify(pods).slice(0, 200)}`);
						resolve();
					},
					change() {},
					error(error) {
						if (isInternalError(error)) crash = new FuzzFailure(`the watch reported a crash of its own: ${error.stack ?? error.message}`);
						outcome = 'refused';
						resolve();
					},
				};
				cluster.watch(watcher, controller.signal).then(resolve, (error: unknown) => {
					outcome = refusedWith(error, 'the watch');
					resolve();
				});
			});
			// The watch keeps going (and retrying) until stopped: look at what its first answer came to.
			await Promise.race([seen, new Promise(resolve => setTimeout(resolve, 2000))]);
			await new Promise(resolve => setTimeout(resolve, 5));
			controller.abort();
			if (crash) throw crash;
			const reads: Array<[string, () => Promise<unknown>]> = [
				['events', () => cluster.events('Pod', 'checkout-6d5dbb8967-r7j9w', AbortSignal.timeout(15_000))],
				['podNow', () => cluster.podNow('checkout-6d5dbb8967-r7j9w', AbortSignal.timeout(15_000))],
				['history', () => cluster.history('checkout', AbortSignal.timeout(15_000))],
			];
			for (const [what, read] of reads) {
				try {
					await read();
				} catch (error) {
					outcome = refusedWith(error, `cluster.${what}`);
				}
			}
			return outcome;
		},
	};
}
