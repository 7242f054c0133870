import {afterEach, describe, expect, it} from 'vitest';
import type {Cluster, ClusterWatcher, DeploymentInfo, PodInfo} from '../../source/ports/cluster.js';
import {HttpError} from '../../source/clients/http.js';
import {collectStatus as collectAll, formatStatusTable, readsRange, sourceState, statusExitCode, type CollectStatusOptions, type StatusReport as AnyReport} from '../../source/kinds/status.js';
import type {HealthStatus} from '../../source/kinds/health/status.js';
import type {MetricsStatus} from '../../source/kinds/metrics/status.js';
import type {AlertsStatus} from '../../source/kinds/alerts/status.js';
import type {PodsStatus} from '../../source/kinds/pods/status.js';

/** The report with the fields of the kinds' status parts (each kind declares its own). */
type StatusReport = AnyReport & HealthStatus & MetricsStatus & AlertsStatus & PodsStatus;
const collectStatus = (options: CollectStatusOptions) => collectAll(options) as Promise<StatusReport>;
import {closedPort, startServer, type LocalServer} from '../clients/local-server.js';
import {startFakePrometheus, vector} from '../clients/fake-prometheus.js';
import {makeConfig} from './support.js';

let servers: LocalServer[] = [];
afterEach(async () => {
	await Promise.all(servers.map(s => s.close()));
	servers = [];
});

function pod(name: string, extra: Partial<PodInfo> = {}): PodInfo {
	return {name, namespace: 'prod', deployment: 'api', phase: 'Running', ready: 1, containers: 1, restarts: 0, createdAt: '2026-01-01T00:00:00Z', ...extra};
}

const deployment: DeploymentInfo = {
	name: 'api',
	namespace: 'prod',
	revision: 7,
	replicas: 3,
	readyReplicas: 2,
	updatedReplicas: 3,
	availableReplicas: 2,
	images: ['api:1.2'],
	generation: 7,
	observedGeneration: 7,
	rolloutComplete: false,
	createdAt: '2026-01-01T00:00:00Z',
};

function fakeCluster(behaviour: 'ok' | 'forbidden' | 'silent'): Cluster & {stopped: () => boolean} {
	let watchSignal: AbortSignal | undefined;
	return {
		context: 'prod-eu',
		namespace: 'prod',
		stopped: () => watchSignal?.aborted ?? false,
		async watch(watcher: ClusterWatcher, signal: AbortSignal) {
			watchSignal = signal;
			if (behaviour === 'ok') queueMicrotask(() => watcher.reset([pod('api-1'), pod('api-2', {ready: 0, waitingReason: 'CrashLoopBackOff', restarts: 5}), pod('job-1', {phase: 'Succeeded', ready: 0})], [deployment]));
			if (behaviour === 'forbidden') queueMicrotask(() => watcher.error(new Error('pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "prod"'), null));
		},
		history: async () => [],
		undo: async () => ({summary: '', before: '', after: ''}),
		scale: async () => ({summary: '', before: '', after: ''}),
		restart: async () => ({summary: '', before: '', after: ''}),
		events: async () => [],
		podNow: () => Promise.reject(new Error('status reads no pod')),
		followLog: () => Promise.reject(new Error('status follows no log')),
		podLog: async () => ({container: '', previous: false, lines: []}),
		autoscalerFor: async () => null,
	};
}

describe('collectStatus', () => {
	it('collects health, metrics, alerts and cluster into the documented JSON shape', async () => {
		const health = await startServer((_req, res) => {
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({status: 'ok', services: {db: {status: 'ok', latency_ms: 3}}}));
		});
		const prom = await startFakePrometheus((path, params) => {
			if (path === '/api/v1/alerts') return {body: {status: 'success', data: {alerts: [{labels: {alertname: 'HighErrorRate', severity: 'critical'}, annotations: {}, state: 'firing'}]}}};
			if (params.get('query') === 'ratio') return {body: vector([{metric: {route: '/a'}, value: '0.002'}, {metric: {route: '/b'}, value: '0.09'}])};
			return {status: 400, body: {status: 'error', errorType: 'bad_data', error: 'unknown function'}};
		});
		servers.push(health, prom);
		const config = makeConfig({
			prometheus: {url: prom.url},
			services: [{name: 'api', health: `${health.url}/health`}],
			queries: [
				{id: 'error_ratio', title: '5xx ratio', promql: 'ratio', unit: 'ratio', warn: 0.01, critical: 0.05},
				{id: 'broken', promql: 'nope()'},
			],
		});
		const cluster = fakeCluster('ok');
		const report = await collectStatus({config, cluster, timeoutMs: 3000});
		expect(cluster.stopped()).toBe(true);
		expect(report.health).toEqual([{name: 'api', ok: true, status: 200, latencyMs: expect.any(Number), level: 'ok', dependencies: [{name: 'db', status: 'ok', ok: true, latencyMs: 3}]}]);
		expect(report.metrics[0]).toEqual({
			id: 'error_ratio',
			title: '5xx ratio',
			unit: 'ratio',
			warn: 0.01,
			critical: 0.05,
			level: 'crit',
			series: [
				{labels: {route: '/b'}, value: 0.09},
				{labels: {route: '/a'}, value: 0.002},
			],
		});
		expect(report.metrics[1]).toMatchObject({id: 'broken', level: 'unknown', series: []});
		expect(report.alerts).toEqual([{name: 'HighErrorRate', state: 'firing', labels: {alertname: 'HighErrorRate', severity: 'critical'}}]);
		expect(report.deployments).toEqual([{name: 'api', namespace: 'prod', revision: 7, replicas: 3, ready: 2}]);
		expect(report.pods).toEqual([{name: 'api-2', namespace: 'prod', deployment: 'api', phase: 'Running', ready: '0/1', restarts: 5, reason: 'CrashLoopBackOff'}]);
		expect(report.errors).toEqual([{source: 'metrics:broken', message: 'Prometheus rejected the query: bad_data: unknown function (nope())'}]);
		expect(statusExitCode(report)).toBe(1);
		expect(JSON.parse(JSON.stringify(report))).toEqual(report);

		const text = formatStatusTable(report);
		expect(text).toContain('HEALTH');
		expect(text).toMatch(/^ {2}OK +api +200 /m);
		expect(text).toMatch(/^ {2}CRIT +5xx ratio +route=\/b +9% +warn 1%, crit 5%$/m);
		expect(text).toMatch(/^ {2}firing +HighErrorRate +severity=critical$/m);
		expect(text).toMatch(/^ {2}NAMESPACE +NAME +REVISION +READY$/m);
		expect(text).toMatch(/^ {2}prod +api +7 +2\/3$/m);
		expect(text).toMatch(/^ {2}prod +api-2 +api +Running +0\/1 +5 +CrashLoopBackOff$/m);
		expect(text).toContain('ERRORS');
		expect(text).not.toMatch(/\u001B\[/);
	});

	it('returns within the bounded wait and lists what failed', async () => {
		const hang = await startServer(() => {});
		servers.push(hang);
		const port = await closedPort();
		const config = makeConfig({
			prometheus: {url: `http://127.0.0.1:${port}`},
			services: [{name: 'api', health: hang.url, timeoutMs: 10_000}],
			queries: [{id: 'q', promql: 'up'}],
		});
		const report = await collectStatus({config, cluster: fakeCluster('silent'), timeoutMs: 300});
		expect(report.health[0]).toMatchObject({name: 'api', ok: false, status: null, level: 'crit'});
		expect(report.errors.map(e => e.source).sort()).toEqual(['kubernetes', 'metrics:q', 'prometheus']);
		expect(report.errors.find(e => e.source === 'metrics:q')?.message).toBe(`connection refused (127.0.0.1:${port})`);
		expect(report.errors.find(e => e.source === 'kubernetes')?.message).toBe('no answer from the cluster (context prod-eu, namespace prod) in time');
		expect(statusExitCode(report)).toBe(1);
	});

	it('reports a forbidden cluster watch as a source it could not read', async () => {
		const report = await collectStatus({config: makeConfig({}), cluster: fakeCluster('forbidden'), timeoutMs: 2000});
		const forbidden = 'pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "prod"';
		expect(report.errors).toEqual([{source: 'kubernetes', message: forbidden}]);
		expect(report.sources).toEqual([{source: 'kubernetes', state: 'unauthorized', error: forbidden}]);
		expect(statusExitCode(report)).toBe(3);
	});

	it('scrapes twice in direct mode so rates have data', async () => {
		let total = 0;
		let errors = 0;
		const app = await startServer((_req, res) => {
			total += 100;
			errors += 10;
			res.end(`req_total{code="200"} ${total - errors}\nreq_total{code="500"} ${errors}\n`);
		});
		servers.push(app);
		const config = makeConfig({
			services: [{name: 'app', scrape: `${app.url}/metrics`}],
			queries: [{id: 'err', promql: 'sum(rate(req_total{code=~"5.."}[5m])) / sum(rate(req_total[5m]))', unit: 'ratio', warn: 0.05, critical: 0.2}],
		});
		const report = await collectStatus({config, timeoutMs: 3000, scrapeIntervalMs: 50});
		expect(report.errors).toEqual([]);
		expect(report.metrics[0]!.series).toHaveLength(1);
		expect(report.metrics[0]!.series[0]!.value).toBeCloseTo(0.1, 10);
		expect(report.metrics[0]!.level).toBe('warn');
		expect(statusExitCode(report)).toBe(0);
	});
});

describe('sourceState and readsRange', () => {
	it('tells unauthorized from unreachable from anything else', () => {
		expect(sourceState(new HttpError('http', 'Prometheus at http://p/api/v1/alerts answered 401 Unauthorized', 'http://p', 401))).toBe('unauthorized');
		expect(sourceState(new HttpError('refused', 'connection refused (127.0.0.1:9)', 'http://127.0.0.1:9'))).toBe('unreachable');
		expect(sourceState(new HttpError('timeout', 'timeout after 5000 ms (http://p)', 'http://p'))).toBe('unreachable');
		expect(sourceState(new HttpError('tls', 'TLS error for p: self-signed certificate', 'https://p'))).toBe('error');
		expect(sourceState(new Error('pods is forbidden: User "bob" cannot list resource "pods"'))).toBe('unauthorized');
		expect(sourceState(new Error('scrape of app (http://127.0.0.1:9/metrics) failed: connection refused (127.0.0.1:9)'))).toBe('unreachable');
		expect(sourceState(new Error('cannot read kubeconfig /x: no such file'))).toBe('error');
	});

	it('finds the range a rate reads, and none in an instant query', () => {
		expect(readsRange('sum(rate(http_requests_total{status=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))')).toBe(true);
		expect(readsRange('max_over_time(up[10m:1m])')).toBe(true);
		expect(readsRange('sum by (queue) (queue_depth{q="[5m]"})')).toBe(false);
		expect(readsRange('up')).toBe(false);
	});
});

describe('statusExitCode', () => {
	const empty: StatusReport = {health: [], metrics: [], alerts: [], deployments: [], pods: [], errors: [], sources: []};
	it('is 3 when something configured could not be read and nothing is critical', () => {
		const down = {...empty, sources: [{source: 'alertmanager', state: 'unreachable' as const, error: 'connection refused (127.0.0.1:9093)'}]};
		expect(statusExitCode(down)).toBe(3);
		expect(statusExitCode({...down, health: [{name: 'a', ok: false, status: 503, latencyMs: 3, level: 'crit', dependencies: []}]})).toBe(1);
		expect(statusExitCode({...empty, sources: [{source: 'prometheus', state: 'ok'}]})).toBe(0);
		expect(statusExitCode({...empty, metrics: [{id: 'a', title: 'a', unit: '', level: 'unknown', series: [], error: 'bad_data'}]})).toBe(3);
		expect(statusExitCode({...empty, metrics: [{id: 'a', title: 'a', unit: '', level: 'unknown', series: [], window: 'unknown'}]})).toBe(3);
		// An answer with no series (no 5xx at all) is an answer.
		expect(statusExitCode({...empty, metrics: [{id: 'a', title: 'a', unit: '', level: 'unknown', series: []}]})).toBe(0);
	});

	it('is 0 when nothing is critical and 1 when something is', () => {
		expect(statusExitCode(empty)).toBe(0);
		expect(statusExitCode({...empty, metrics: [{id: 'a', title: 'a', unit: '', level: 'warn', series: []}]})).toBe(0);
		expect(statusExitCode({...empty, alerts: [{name: 'x', state: 'firing', labels: {severity: 'warning'}}]})).toBe(0);
		expect(statusExitCode({...empty, alerts: [{name: 'x', state: 'firing', labels: {severity: 'critical'}}]})).toBe(1);
		expect(statusExitCode({...empty, deployments: [{name: 'api', revision: 1, replicas: 2, ready: 0}]})).toBe(1);
		expect(statusExitCode({...empty, health: [{name: 'a', ok: false, status: 503, latencyMs: 3, level: 'crit', dependencies: []}]})).toBe(1);
	});
});
