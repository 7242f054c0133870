import {copyFile, mkdir, writeFile} from 'node:fs/promises';
import {createServer as createHttpsServer, type Server} from 'node:https';
import type {AddressInfo} from 'node:net';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {stringify} from 'yaml';
import {startFakeKubeServer, type FakeKubeServer} from '../support/fake-kube-server.js';
import {hasOpenssl, selfSignedCertificate} from '../support/tls.js';
import {requireAlertmanager, startAlertmanager, type RunningAlertmanager} from '../support/alertmanager.js';
import {waitFor} from '../support/wait.js';
import {cliTestTimeoutMs, closedPortUrl, runCli, sendJson, startServer, tempDir, type TestServer} from './run-cli.js';

/** Health endpoints: one healthy with a deep-health body, one failing with 503, one that never answers. */
let services: TestServer;
/** A tiny Prometheus: /api/v1/query answers from `promValues`, /api/v1/alerts with `promAlerts`. */
let prometheus: TestServer;
let promValues: Record<string, Array<{metric: Record<string, string>; value: number}>> = {};
let promAlerts: unknown[] = [];
/** A counter that grows by a known step on every scrape, and a gauge. */
let scrapes = 0;

const errorRatioQuery = 'sum by (service) (rate(http_requests_total{status=~"5.."}[5m])) / sum by (service) (rate(http_requests_total[5m]))';
const p95Query = 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))';

beforeAll(async () => {
	services = await startServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://x');
		// Never answers (also below, e.g. /hang/api/v1/query): status must still finish within --timeout.
		if (url.pathname.startsWith('/hang')) return;
		switch (url.pathname) {
			case '/healthy':
				sendJson(res, 200, {status: 'ok', checks: {postgres: {status: 'ok', latency_ms: 4}, redis: {status: 'ok', latency_ms: 1}}});
				return;
			case '/sick':
				sendJson(res, 503, {status: 'down', checks: {postgres: {status: 'down', latency_ms: 2500}, redis: {status: 'ok', latency_ms: 2}}});
				return;
			case '/metrics':
				scrapes += 1;
				res.writeHead(200, {'content-type': 'text/plain; version=0.0.4'});
				res.end(
					[
						'# HELP queue_depth Jobs waiting.',
						'# TYPE queue_depth gauge',
						'queue_depth{queue="emails"} 42',
						'queue_depth{queue="invoices"} 7',
						'# HELP jobs_total Jobs done.',
						'# TYPE jobs_total counter',
						`jobs_total ${scrapes * 1000}`,
						'',
					].join('\n'),
				);
				return;
			default:
				res.writeHead(404).end('not found');
		}
	});
	prometheus = await startServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://x');
		if (url.pathname === '/api/v1/query') {
			const query = url.searchParams.get('query') ?? '';
			const result = promValues[query];
			if (!result) {
				sendJson(res, 400, {status: 'error', errorType: 'bad_data', error: `unexpected query in test: ${query}`});
				return;
			}
			sendJson(res, 200, {status: 'success', data: {resultType: 'vector', result: result.map(r => ({metric: r.metric, value: [Date.now() / 1000, String(r.value)]}))}});
			return;
		}
		if (url.pathname === '/api/v1/alerts') {
			sendJson(res, 200, {status: 'success', data: {alerts: promAlerts}});
			return;
		}
		res.writeHead(404).end('not found');
	});
});

afterAll(async () => {
	await services?.close();
	await prometheus?.close();
});

let home: string;
let remove: () => Promise<void>;
beforeEach(async () => {
	({dir: home, remove} = await tempDir('status'));
	promValues = {};
	promAlerts = [];
});
afterEach(async () => {
	await remove();
});

async function writeConfig(config: unknown): Promise<string> {
	const file = path.join(home, 'incident.yaml');
	await writeFile(file, stringify(config));
	return file;
}

const queries = [
	{id: 'error_ratio', title: '5xx ratio', unit: 'ratio', warn: 0.01, critical: 0.05, promql: errorRatioQuery},
	{id: 'p95', title: 'p95 latency', unit: 'seconds', warn: 0.3, critical: 1, promql: p95Query},
];

const healthKeys = ['dependencies', 'latencyMs', 'name', 'ok', 'status'];
const metricKeys = ['id', 'level', 'series', 'title', 'unit'];

/** The keys the report promises (it may add optional ones such as level, detail, warn, critical). */
function expectReportShape(report: Record<string, unknown>) {
	// `scrape` is there in direct scrape mode only.
	expect(Object.keys(report).filter(key => key !== 'scrape').sort()).toEqual(['alerts', 'deployments', 'errors', 'health', 'metrics', 'pods', 'sources']);
	for (const key of Object.keys(report)) if (key !== 'scrape') expect(Array.isArray(report[key]), `${key} is an array`).toBe(true);
	for (const source of report.sources as Array<Record<string, unknown>>) {
		expect(['ok', 'unreachable', 'unauthorized', 'error']).toContain(source.state);
		expect(source.state === 'ok').toBe(source.error === undefined);
	}
	for (const h of report.health as Array<Record<string, unknown>>) {
		expect(Object.keys(h)).toEqual(expect.arrayContaining(healthKeys));
		expect(typeof h.name).toBe('string');
		expect(typeof h.ok).toBe('boolean');
		expect(h.status === null || typeof h.status === 'number').toBe(true);
		expect(h.latencyMs === null || typeof h.latencyMs === 'number').toBe(true);
		expect(Array.isArray(h.dependencies)).toBe(true);
	}
	for (const m of report.metrics as Array<Record<string, unknown>>) {
		expect(Object.keys(m)).toEqual(expect.arrayContaining(metricKeys));
		for (const s of m.series as Array<Record<string, unknown>>) expect(Object.keys(s).sort()).toEqual(['labels', 'value']);
		expect(['ok', 'warn', 'crit', 'unknown']).toContain(m.level);
	}
}

interface Report {
	health: Array<{name: string; ok: boolean; status: number | null; latencyMs: number | null; level: string; detail?: string; dependencies: Array<{name: string; status: string; ok: boolean; latencyMs: number | null}>}>;
	metrics: Array<{id: string; title: string; unit: string; level: string; series: Array<{labels: Record<string, string>; value: number | null}>; error?: string}>;
	alerts: Array<{name: string; state: string; labels: Record<string, string>}>;
	deployments: unknown[];
	pods: unknown[];
	errors: Array<{source: string; message: string}>;
}

describe('incident-tui status (Prometheus mode)', {timeout: cliTestTimeoutMs}, () => {
	it('exits 0 with the documented JSON when nothing is critical', async () => {
		promValues[errorRatioQuery] = [{metric: {service: 'checkout'}, value: 0.002}];
		promValues[p95Query] = [{metric: {}, value: 0.12}];
		const config = await writeConfig({prometheus: {url: prometheus.url}, services: [{name: 'api', health: `${services.url}/healthy`}], queries});
		const result = await runCli(['status', '--json', '--config', config], {home});
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		const report = JSON.parse(result.stdout) as Report;
		expectReportShape(report as unknown as Record<string, unknown>);
		expect(report.health).toHaveLength(1);
		expect(report.health[0]).toMatchObject({name: 'api', ok: true, status: 200, level: 'ok'});
		expect(report.health[0]!.latencyMs).toBeGreaterThanOrEqual(0);
		expect(report.health[0]!.dependencies).toEqual([
			{name: 'postgres', status: 'ok', ok: true, latencyMs: 4},
			{name: 'redis', status: 'ok', ok: true, latencyMs: 1},
		]);
		expect(report.metrics).toEqual([
			expect.objectContaining({id: 'error_ratio', title: '5xx ratio', unit: 'ratio', level: 'ok', series: [{labels: {service: 'checkout'}, value: 0.002}]}),
			expect.objectContaining({id: 'p95', title: 'p95 latency', unit: 'seconds', level: 'ok', series: [{labels: {}, value: 0.12}]}),
		]);
		expect(report.alerts).toEqual([]);
		expect(report.deployments).toEqual([]);
		expect(report.pods).toEqual([]);
		expect(report.errors).toEqual([]);
		// No cluster was wanted (no kubernetes key, no kubeconfig in HOME): nothing was asked of one.
	});

	it('exits 1 when something is critical, and the table says the same as the JSON', async () => {
		promValues[errorRatioQuery] = [
			{metric: {service: 'checkout'}, value: 0.12},
			{metric: {service: 'cart'}, value: 0.001},
		];
		promValues[p95Query] = [{metric: {}, value: 0.45}];
		promAlerts = [
			{labels: {alertname: 'CheckoutHighErrorRate', severity: 'critical', service: 'checkout'}, annotations: {summary: 'checkout 5xx above 5%'}, state: 'firing', activeAt: '2026-11-22T03:00:00Z', value: '0.12'},
		];
		const config = await writeConfig({
			prometheus: {url: prometheus.url},
			services: [
				{name: 'api', health: `${services.url}/healthy`},
				{name: 'payments', health: `${services.url}/sick`},
			],
			queries,
		});
		const [json, table] = await Promise.all([runCli(['status', '--json', '--config', config], {home}), runCli(['status', '--config', config], {home})]);
		expect(json.code).toBe(1);
		expect(table.code).toBe(1);
		const report = JSON.parse(json.stdout) as Report;
		expectReportShape(report as unknown as Record<string, unknown>);

		const payments = report.health.find(h => h.name === 'payments');
		expect(payments).toMatchObject({ok: false, status: 503, level: 'crit'});
		expect(payments!.dependencies).toEqual([
			{name: 'postgres', status: 'down', ok: false, latencyMs: 2500},
			{name: 'redis', status: 'ok', ok: true, latencyMs: 2},
		]);
		const ratio = report.metrics.find(m => m.id === 'error_ratio');
		expect(ratio).toMatchObject({level: 'crit'});
		// Worst series first.
		expect(ratio!.series).toEqual([
			{labels: {service: 'checkout'}, value: 0.12},
			{labels: {service: 'cart'}, value: 0.001},
		]);
		expect(report.metrics.find(m => m.id === 'p95')).toMatchObject({level: 'warn', series: [{labels: {}, value: 0.45}]});
		expect(report.alerts).toEqual([{name: 'CheckoutHighErrorRate', state: 'firing', labels: {alertname: 'CheckoutHighErrorRate', severity: 'critical', service: 'checkout'}}]);
		expect(report.errors).toEqual([]);

		// The plain table: every fact of the JSON, one line each.
		const lines = table.stdout.split('\n');
		const line = (pattern: RegExp) => lines.find(l => pattern.test(l));
		expect(line(/^HEALTH$/)).toBeDefined();
		expect(line(/^\s+OK\s+api\s+200\b/)).toBeDefined();
		expect(line(/^\s+CRIT\s+payments\s+503\b/)).toBeDefined();
		expect(line(/^\s+!\s+postgres\s+down\b/)).toBeDefined();
		expect(line(/^\s+redis\s+ok\b/)).toBeDefined();
		expect(line(/^\s+CRIT\s+5xx ratio\s+service=checkout\s+12(\.0)?\s?%/)).toBeDefined();
		expect(line(/^\s+service=cart\s+0\.1\s?%/)).toBeDefined();
		expect(line(/^\s+WARN\s+p95 latency\s+450\s?ms/)).toBeDefined();
		expect(line(/^\s+firing\s+CheckoutHighErrorRate\s+.*severity=critical/)).toBeDefined();
		expect(table.stdout).not.toContain('ERRORS');
	});

	it('lists an unreachable endpoint under errors / as not ok, and returns within --timeout when one hangs', async () => {
		const nowhere = await closedPortUrl();
		const config = await writeConfig({
			prometheus: {url: `${services.url}/not-prometheus`},
			services: [
				{name: 'gone', health: `${nowhere}/health`},
				// Its own timeout is a minute: only the status deadline can end the wait.
				{name: 'stuck', health: `${services.url}/hang`, timeoutMs: 60_000},
			],
			queries: [queries[0]],
		});
		const json = await runCli(['status', '--json', '--timeout', '1500', '--config', config], {home, timeoutMs: 30_000});
		expect(json.timedOut).toBe(false);
		expect(json.code).toBe(1);
		const report = JSON.parse(json.stdout) as Report;
		expectReportShape(report as unknown as Record<string, unknown>);
		const gone = report.health.find(h => h.name === 'gone');
		expect(gone).toMatchObject({ok: false, status: null, level: 'crit'});
		expect(gone!.detail).toContain(nowhere.replace('http://', ''));
		expect(report.health.find(h => h.name === 'stuck')).toMatchObject({ok: false, status: null});
		// Not a Prometheus there: every path under it answers 404.
		expect(report.metrics[0]).toMatchObject({id: 'error_ratio', level: 'unknown', series: []});
		expect(report.errors.map(e => e.source)).toEqual(expect.arrayContaining(['metrics:error_ratio']));
	});

	it('a --timeout that is not a positive number of milliseconds is a usage error', async () => {
		const result = await runCli(['status', '--timeout', '5s'], {home});
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/--timeout/);
		expect(result.stdout).toBe('');
	});

	it('a Prometheus that never answers ends up under errors, within --timeout', async () => {
		const config = await writeConfig({prometheus: {url: `${services.url}/hang`, timeoutMs: 60_000}, queries: [queries[0]]});
		const table = await runCli(['status', '--timeout', '1500', '--config', config], {home, timeoutMs: 30_000});
		expect(table.timedOut).toBe(false);
		expect(table.stdout).toMatch(/^ERRORS$/m);
		expect(table.stdout).toMatch(/^\s+metrics:error_ratio\s+\S/m);
		expect(table.stdout).toMatch(/^\s+\?\s+5xx ratio\s+error\b/m);
	});
});

describe('incident-tui status (direct scrape mode)', {timeout: cliTestTimeoutMs}, () => {
	it('scrapes /metrics itself when no Prometheus is configured', async () => {
		const config = await writeConfig({
			services: [{name: 'worker', scrape: `${services.url}/metrics`}],
			queries: [
				{id: 'backlog', title: 'Queue backlog', unit: 'count', warn: 20, critical: 100, promql: 'sum by (queue) (queue_depth)'},
				{id: 'jobs', title: 'Jobs done', unit: 'count', promql: 'jobs_total'},
			],
		});
		const before = scrapes;
		const result = await runCli(['status', '--json', '--config', config], {home});
		expect(result.code).toBe(0);
		const report = JSON.parse(result.stdout) as Report;
		expectReportShape(report as unknown as Record<string, unknown>);
		// No query reads a range: one scrape is enough, and the report says so.
		expect(scrapes - before).toBe(1);
		expect((report as unknown as {scrape: unknown}).scrape).toEqual({scrapes: 1, intervalMs: 10_000, windows: 'none', note: 'one scrape: no query reads a rate'});
		expect(report.metrics[0]).toMatchObject({
			id: 'backlog',
			level: 'warn',
			series: [
				{labels: {queue: 'emails'}, value: 42},
				{labels: {queue: 'invoices'}, value: 7},
			],
		});
		const jobs = report.metrics[1]!;
		expect(jobs.series).toHaveLength(1);
		expect(jobs.series[0]!.labels).toMatchObject({job: 'worker', instance: services.url.replace('http://', '')});
		expect(jobs.series[0]!.value! % 1000).toBe(0);
		expect(report.errors).toEqual([]);
	});

	it('a scrape target that is down is reported under errors', async () => {
		const nowhere = await closedPortUrl();
		const config = await writeConfig({
			services: [{name: 'worker', scrape: `${nowhere}/metrics`}],
			queries: [{id: 'backlog', title: 'Queue backlog', promql: 'sum(queue_depth)'}],
		});
		const result = await runCli(['status', '--json', '--config', config], {home});
		const report = JSON.parse(result.stdout) as Report & {sources: Array<{source: string; state: string; error?: string}>};
		expect(report.errors.some(e => e.source === 'scrape' && e.message.includes(nowhere.replace('http://', '')))).toBe(true);
		expect(report.metrics[0]).toMatchObject({id: 'backlog', series: []});
		expect(report.sources).toEqual([{source: 'scrape:worker', state: 'unreachable', error: expect.stringContaining(nowhere.replace('http://', ''))}]);
		expect(result.code).toBe(3);
	});
});

describe('incident-tui status (flags and Kubernetes)', {timeout: cliTestTimeoutMs}, () => {
	let kube: FakeKubeServer | undefined;
	afterEach(async () => {
		await kube?.close();
		kube = undefined;
	});

	it('--prometheus overrides the config', async () => {
		promValues[errorRatioQuery] = [{metric: {service: 'checkout'}, value: 0.2}];
		const config = await writeConfig({prometheus: {url: 'http://127.0.0.1:9/never-used'}, queries: [queries[0]]});
		const result = await runCli(['status', '--json', '--prometheus', prometheus.url, '--config', config], {home});
		expect(result.code).toBe(1);
		const report = JSON.parse(result.stdout) as Report;
		expect(report.metrics[0]).toMatchObject({id: 'error_ratio', level: 'crit', series: [{labels: {service: 'checkout'}, value: 0.2}]});
		expect(report.errors).toEqual([]);
	});

	it('reports deployments and unhealthy pods from the cluster of the config, and exits 1 when a deployment has no ready replica', async () => {
		kube = await startFakeKubeServer({namespace: 'shop'});
		kube.addDeployment({name: 'api', images: ['shop/api:1.0.0', 'shop/api:1.1.0'], replicas: 2});
		kube.addDeployment({name: 'worker', images: ['shop/worker:2.0.0'], replicas: 1});
		kube.update('deployments', 'worker', d => {
			d.status.readyReplicas = 0;
			d.status.availableReplicas = 0;
		});
		const workerPod = kube.list('pods').find(p => p.metadata.name.startsWith('worker'))!.metadata.name as string;
		kube.update('pods', workerPod, p => {
			p.status.containerStatuses[0] = {...p.status.containerStatuses[0], ready: false, restartCount: 4, state: {waiting: {reason: 'CrashLoopBackOff'}}, lastState: {terminated: {reason: 'OOMKilled', exitCode: 137}}};
		});
		const config = await writeConfig({kubernetes: {kubeconfig: kube.kubeconfigPath, namespace: 'shop'}});
		const [json, table] = await Promise.all([runCli(['status', '--json', '--config', config], {home}), runCli(['status', '--config', config], {home})]);
		expect(json.stderr).toBe('');
		expect(json.code).toBe(1);
		const report = JSON.parse(json.stdout) as Report & {
			deployments: Array<{name: string; namespace: string; revision: number; replicas: number; ready: number}>;
			pods: Array<{name: string; namespace: string; deployment: string | null; phase: string; ready: string; restarts: number; reason: string | null}>;
		};
		expectReportShape(report as unknown as Record<string, unknown>);
		expect(report.deployments).toEqual([
			{name: 'api', namespace: 'shop', revision: 2, replicas: 2, ready: 2},
			{name: 'worker', namespace: 'shop', revision: 1, replicas: 1, ready: 0},
		]);
		expect(report.pods).toEqual([{name: workerPod, namespace: 'shop', deployment: 'worker', phase: 'Running', ready: '0/1', restarts: 4, reason: 'CrashLoopBackOff'}]);
		expect(report.errors).toEqual([]);
		// Read-only: status never sends a mutating request.
		expect(kube.requests.every(r => r.method === 'GET')).toBe(true);

		expect(table.code).toBe(1);
		expect(table.stdout).toMatch(/^\s+shop\s+worker\s+1\s+0\/1$/m);
		expect(table.stdout).toMatch(/^\s+shop\s+api\s+2\s+2\/2$/m);
		expect(table.stdout).toMatch(new RegExp(`^\\s+shop\\s+${workerPod}\\s+worker\\s+Running\\s+0/1\\s+4\\s+CrashLoopBackOff$`, 'm'));
	});

	it('$KUBECONFIG alone is enough to include the cluster; a healthy one exits 0', async () => {
		kube = await startFakeKubeServer({namespace: 'default'});
		kube.addDeployment({name: 'web', images: ['shop/web:1.0.0'], replicas: 3});
		const result = await runCli(['status', '--json'], {home, env: {KUBECONFIG: kube.kubeconfigPath}});
		expect(result.code).toBe(0);
		const report = JSON.parse(result.stdout) as Report;
		expect(report.deployments).toEqual([{name: 'web', namespace: 'default', revision: 1, replicas: 3, ready: 3}]);
		expect(report.pods).toEqual([]);
	});

	it('-A (--all-namespaces) reads deployments of every namespace with cluster-scoped lists; kubernetes.namespaces reads the ones listed', async () => {
		kube = await startFakeKubeServer({namespace: 'default'});
		kube.addDeployment({name: 'web', images: ['shop/web:1.0.0'], replicas: 1, namespace: 'team-a'});
		kube.addDeployment({name: 'cart', images: ['shop/cart:1.0.0'], replicas: 1, namespace: 'team-b'});
		kube.addDeployment({name: 'ledger', images: ['shop/ledger:1.0.0'], replicas: 1, namespace: 'team-c'});
		const all = await runCli(['status', '--json', '-A'], {home, env: {KUBECONFIG: kube.kubeconfigPath}});
		expect(all.code).toBe(0);
		// Each deployment says its namespace, in the table too (kubectl -A's order: namespace, then name).
		expect((JSON.parse(all.stdout) as {deployments: Array<{name: string; namespace: string}>}).deployments.map(d => `${d.namespace}/${d.name}`)).toEqual(['team-a/web', 'team-b/cart', 'team-c/ledger']);
		const allTable = await runCli(['status', '-A'], {home, env: {KUBECONFIG: kube.kubeconfigPath}});
		expect(allTable.stdout).toMatch(/^\s+NAMESPACE\s+NAME\s+REVISION\s+READY$/m);
		expect(allTable.stdout).toMatch(/^\s+team-b\s+cart\s+1\s+1\/1$/m);
		expect(kube.requests.some(r => r.path === '/apis/apps/v1/deployments')).toBe(true);
		const config = await writeConfig({kubernetes: {kubeconfig: kube.kubeconfigPath, namespaces: ['team-a', 'team-c']}});
		const listed = await runCli(['status', '--json', '--config', config], {home});
		expect(listed.code).toBe(0);
		expect((JSON.parse(listed.stdout) as {deployments: Array<{name: string}>}).deployments.map(d => d.name).sort()).toEqual(['ledger', 'web']);
	});

	it('kubernetes.contexts: [a, b] reads every context listed, with one client each', async () => {
		kube = await startFakeKubeServer({namespace: 'shop'});
		const second = await startFakeKubeServer({namespace: 'shop'});
		try {
			kube.addDeployment({name: 'web', images: ['shop/web:1.0.0'], replicas: 1});
			second.addDeployment({name: 'cart', images: ['shop/cart:1.0.0'], replicas: 1});
			const kubeconfig = path.join(home, 'two-contexts');
			const contextLines = (name: string, url: string) => [`- name: ${name}`, '  cluster:', `    server: ${url}`, '    insecure-skip-tls-verify: true'];
			await writeFile(
				kubeconfig,
				[
					'apiVersion: v1',
					'kind: Config',
					'clusters:',
					...contextLines('prod-eu', kube.url),
					...contextLines('prod-us', second.url),
					'users:',
					'- name: viewer',
					'  user:',
					'    token: fake-token',
					'contexts:',
					...['prod-eu', 'prod-us'].flatMap(name => [`- name: ${name}`, '  context:', `    cluster: ${name}`, '    user: viewer', '    namespace: shop']),
					'current-context: prod-eu',
					'',
				].join('\n'),
			);
			const config = await writeConfig({kubernetes: {kubeconfig, contexts: ['prod-eu', {name: 'prod-us', production: true}]}});
			const result = await runCli(['status', '--json', '--config', config], {home});
			expect(result.code).toBe(0);
			// Two contexts: each deployment says its context too, in the JSON and the table.
			expect((JSON.parse(result.stdout) as {deployments: Array<{name: string; namespace: string; context?: string}>}).deployments.map(d => `${d.context}/${d.namespace}/${d.name}`)).toEqual(['prod-eu/shop/web', 'prod-us/shop/cart']);
			const table = await runCli(['status', '--config', config], {home});
			expect(table.stdout).toMatch(/^\s+CONTEXT\s+NAMESPACE\s+NAME\s+REVISION\s+READY$/m);
			expect(table.stdout).toMatch(/^\s+prod-us\s+shop\s+cart\s+1\s+1\/1$/m);
		} finally {
			await second.close();
		}
	});

	it('~/.kube/config (of $HOME) is used when nothing else names a cluster', async () => {
		kube = await startFakeKubeServer({namespace: 'default'});
		kube.addDeployment({name: 'web', images: ['shop/web:1.0.0'], replicas: 1});
		await mkdir(path.join(home, '.kube'));
		await copyFile(kube.kubeconfigPath, path.join(home, '.kube', 'config'));
		const result = await runCli(['status', '--json'], {home});
		expect(result.code).toBe(0);
		expect((JSON.parse(result.stdout) as Report).deployments).toEqual([{name: 'web', namespace: 'default', revision: 1, replicas: 1, ready: 1}]);
		expect(kube.requests.length).toBeGreaterThan(0);
	});

	it('a cluster that was asked for but cannot be reached is listed under errors, not only on stderr', async () => {
		const result = await runCli(['status', '--json', '--context', 'prod-eu'], {home});
		expect(result.timedOut).toBe(false);
		expect(result.code).toBe(3);
		const report = JSON.parse(result.stdout) as Report;
		expect(report.errors).toEqual([expect.objectContaining({source: 'kubernetes', message: expect.stringMatching(/kubeconfig/)})]);
	});
});


interface Sources {
	sources: Array<{source: string; state: string; error?: string}>;
	scrape?: {scrapes: number; intervalMs: number; coveredMs?: number; windows: string; note: string};
}

describe('incident-tui status: what could not be read is not healthy', {timeout: cliTestTimeoutMs}, () => {
	let https: Server | undefined;
	afterEach(async () => {
		await new Promise<void>(resolve => (https ? https.close(() => resolve()) : resolve()));
		https = undefined;
	});

	it('exits 3 when a configured Alertmanager is down, and says which source and why', async () => {
		const nowhere = await closedPortUrl();
		const config = await writeConfig({alertmanager: {url: nowhere}, services: [{name: 'api', health: `${services.url}/healthy`}]});
		const [json, table] = await Promise.all([runCli(['status', '--json', '--config', config], {home}), runCli(['status', '--config', config], {home})]);
		expect(json.code).toBe(3);
		const report = JSON.parse(json.stdout) as Report & Sources;
		expect(report.health[0]).toMatchObject({name: 'api', ok: true, level: 'ok'});
		expect(report.sources).toEqual([{source: 'alertmanager', state: 'unreachable', error: expect.stringContaining(`connection refused (${nowhere.replace('http://', '')})`)}]);
		// "No alerts" is not claimed from an Alertmanager that did not answer.
		expect(table.code).toBe(3);
		expect(table.stdout).toMatch(/^SOURCES$/m);
		expect(table.stdout).toMatch(/^\s+UNREACHABLE\s+alertmanager\s+connection refused/m);
		expect(table.stdout).toMatch(/^ALERTS$\n\s+\(unknown: alertmanager could not be read\)$/m);
	});

	it('exits 3 when Prometheus answers 401, with the source unauthorized', async () => {
		const locked = await startServer((_req, res) => sendJson(res, 401, {status: 'error', error: 'unauthorized'}));
		try {
			const config = await writeConfig({prometheus: {url: locked.url}, queries: [queries[0]]});
			const result = await runCli(['status', '--json', '--config', config], {home});
			expect(result.code).toBe(3);
			const report = JSON.parse(result.stdout) as Report & Sources;
			expect(report.sources).toEqual([{source: 'prometheus', state: 'unauthorized', error: expect.stringMatching(/401/)}]);
			expect(report.metrics[0]).toMatchObject({id: 'error_ratio', level: 'unknown', error: expect.stringMatching(/401/)});
		} finally {
			await locked.close();
		}
	});

	it.skipIf(!hasOpenssl)('exits 3 when Prometheus’s certificate is not trusted, and 0 once its CA is configured', async () => {
		const {key, cert, certPath} = selfSignedCertificate(home);
		https = createHttpsServer({key, cert}, (req, res) => {
			const url = new URL(req.url ?? '/', 'https://x');
			if (url.pathname === '/api/v1/alerts') return sendJson(res, 200, {status: 'success', data: {alerts: []}});
			sendJson(res, 200, {status: 'success', data: {resultType: 'vector', result: [{metric: {}, value: [Date.now() / 1000, '0.002']}]}});
		});
		await new Promise<void>(resolve => https!.listen(0, '127.0.0.1', resolve));
		const url = `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
		const untrusted = await runCli(['status', '--json', '--config', await writeConfig({prometheus: {url}, queries: [queries[0]]})], {home});
		expect(untrusted.code).toBe(3);
		const report = JSON.parse(untrusted.stdout) as Report & Sources;
		expect(report.sources).toEqual([{source: 'prometheus', state: 'error', error: expect.stringMatching(/TLS error/)}]);
		const trusted = await runCli(['status', '--json', '--config', await writeConfig({prometheus: {url, ca: certPath}, queries: [queries[0]]})], {home});
		expect(JSON.parse(trusted.stdout)).toMatchObject({sources: [{source: 'prometheus', state: 'ok'}]});
		expect(trusted.code).toBe(0);
	});

	it('exits 3 when the kubeconfig cannot be read', async () => {
		const kubeconfig = path.join(home, 'kubeconfig');
		await writeFile(kubeconfig, 'this: [is not a kubeconfig');
		const config = await writeConfig({kubernetes: {kubeconfig}, services: [{name: 'api', health: `${services.url}/healthy`}]});
		const result = await runCli(['status', '--json', '--config', config], {home});
		expect(result.code).toBe(3);
		const report = JSON.parse(result.stdout) as Report & Sources;
		expect(report.sources).toEqual([{source: 'kubernetes', state: 'error', error: expect.stringContaining(kubeconfig)}]);
	});

	it('exits 1, not 3, when something is critical as well', async () => {
		const nowhere = await closedPortUrl();
		const config = await writeConfig({alertmanager: {url: nowhere}, services: [{name: 'payments', health: `${services.url}/sick`}]});
		const result = await runCli(['status', '--json', '--config', config], {home});
		expect(result.code).toBe(1);
		expect((JSON.parse(result.stdout) as Sources).sources).toEqual([expect.objectContaining({source: 'alertmanager', state: 'unreachable'})]);
	});

	it('with no config at all, exits 2 and says how to give one', async () => {
		const result = await runCli(['status', '--json'], {home});
		expect(result.code).toBe(2);
		expect(result.stdout).toBe('');
		expect(result.stderr).toMatch(/^incident-tui: status: nothing to check/);
		expect(result.stderr).toContain('--config');
		expect(result.stderr).toContain('incident.yaml');
		const empty = await runCli(['status', '--config', await writeConfig({title: 'nothing here'})], {home});
		expect(empty.code).toBe(2);
		expect(empty.stderr).toMatch(/nothing to check: .*incident\.yaml configures no services/);
	});
});

/** A service whose counters grow with the clock: 10 requests a second, 1 of them a 500, whatever the gap between scrapes. */
async function steadyService() {
	const started = Date.now();
	const scrapedAt: number[] = [];
	const server = await startServer((_req, res) => {
		scrapedAt.push(Date.now());
		const seconds = (Date.now() - started) / 1000;
		res.writeHead(200, {'content-type': 'text/plain; version=0.0.4'});
		res.end(['# TYPE req_total counter', `req_total{code="200"} ${seconds * 9}`, `req_total{code="500"} ${seconds * 1}`, '# TYPE queue_depth gauge', 'queue_depth 42', ''].join('\n'));
	});
	return {server, scrapedAt};
}

const ratioQuery = {id: 'err', title: 'Error ratio', unit: 'ratio', warn: 0.2, critical: 0.5, promql: 'sum(rate(req_total{code=~"5.."}[5m])) / sum(rate(req_total[5m]))'};
const depthQuery = {id: 'depth', title: 'Queue depth', unit: 'count', promql: 'sum(queue_depth)'};

describe('incident-tui status (direct scrape mode): two scrapes an interval apart', {timeout: cliTestTimeoutMs}, () => {
	it('by default scrapes twice 10 s apart, and says the rates are over those 10 s', async () => {
		const {server, scrapedAt} = await steadyService();
		try {
			const config = await writeConfig({services: [{name: 'app', scrape: `${server.url}/metrics`}], queries: [ratioQuery]});
			const result = await runCli(['status', '--json', '--config', config], {home});
			expect(result.code).toBe(0);
			expect(scrapedAt).toHaveLength(2);
			expect(scrapedAt[1]! - scrapedAt[0]!).toBeGreaterThanOrEqual(10_000);
			const report = JSON.parse(result.stdout) as Report & Sources;
			expect(report.scrape).toMatchObject({scrapes: 2, intervalMs: 10_000, windows: 'measured'});
			expect(report.scrape!.coveredMs).toBeGreaterThanOrEqual(10_000);
			expect(report.scrape!.note).toMatch(/^rates are over the \d+(\.\d)? s between two scrapes, not the queries' ranges$/);
			expect(report.metrics[0]!.series[0]!.value).toBeCloseTo(0.1, 6);
			expect(report.sources).toEqual([{source: 'scrape:app', state: 'ok'}]);
		} finally {
			await server.close();
		}
	});

	it('--scrape-interval sets the gap; 0 takes one scrape and reports the rates as unknown', async () => {
		const {server, scrapedAt} = await steadyService();
		try {
			const config = await writeConfig({services: [{name: 'app', scrape: `${server.url}/metrics`}], queries: [ratioQuery, depthQuery]});
			const two = await runCli(['status', '--json', '--scrape-interval', '2s', '--config', config], {home});
			expect(two.code).toBe(0);
			expect(scrapedAt).toHaveLength(2);
			expect(scrapedAt[1]! - scrapedAt[0]!).toBeGreaterThanOrEqual(2000);
			expect(scrapedAt[1]! - scrapedAt[0]!).toBeLessThan(10_000);
			expect((JSON.parse(two.stdout) as Sources).scrape).toMatchObject({scrapes: 2, intervalMs: 2000, windows: 'measured'});

			const [one, table] = await Promise.all([
				runCli(['status', '--json', '--scrape-interval', '0', '--config', config], {home}),
				runCli(['status', '--scrape-interval', '0', '--config', config], {home}),
			]);
			expect(scrapedAt).toHaveLength(4);
			const report = JSON.parse(one.stdout) as Report & Sources & {metrics: Array<{window?: string}>};
			expect(report.scrape).toMatchObject({scrapes: 1, intervalMs: 0, windows: 'unknown'});
			expect(report.metrics[0]).toMatchObject({id: 'err', level: 'unknown', series: [], window: 'unknown'});
			expect(report.metrics[1]).toMatchObject({id: 'depth', series: [{labels: {}, value: 42}]});
			expect(report.metrics[1]).not.toHaveProperty('window');
			// A rate that was not measured is not a healthy one.
			expect(one.code).toBe(3);
			expect(table.code).toBe(3);
			expect(table.stdout).toMatch(/^\s+\(direct scrape: one scrape; rates are unknown.*\)$/m);
			expect(table.stdout).toMatch(/^\s+\?\s+Error ratio\s+unknown\b/m);

			const bad = await runCli(['status', '--scrape-interval', 'soon', '--config', config], {home});
			expect(bad.code).toBe(2);
			expect(bad.stderr).toMatch(/--scrape-interval/);
		} finally {
			await server.close();
		}
	});
});

const alertmanagerBinary = requireAlertmanager('incident-tui status with a real Alertmanager');

describe.skipIf(!alertmanagerBinary)('incident-tui status with a real Alertmanager', {timeout: cliTestTimeoutMs}, () => {
	let am: RunningAlertmanager;
	beforeAll(async () => {
		am = await startAlertmanager(alertmanagerBinary!);
	});
	afterAll(async () => {
		await am?.close();
	});

	it('a critical alert silenced in Alertmanager is not firing, though Prometheus still says so', async () => {
		const labels = {alertname: 'CheckoutDown', severity: 'critical', service: 'checkout'};
		promAlerts = [{labels, annotations: {summary: 'checkout is down'}, state: 'firing', activeAt: '2026-11-22T03:00:00Z', value: '1'}];
		await am.postAlerts([{labels, annotations: {summary: 'checkout is down'}}]);
		const silence = await am.silence([{name: 'alertname', value: 'CheckoutDown'}], {comment: 'known, being fixed'});
		await waitFor(async () => {
			const alerts = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as Array<{status: {state: string}}>;
			return alerts[0]?.status.state === 'suppressed';
		}, {timeoutMs: 15_000, message: 'Alertmanager did not suppress the alert'});
		const config = await writeConfig({prometheus: {url: prometheus.url}, alertmanager: {url: am.url}});
		const result = await runCli(['status', '--json', '--config', config], {home});
		const report = JSON.parse(result.stdout) as Report;
		expect(report.alerts).toEqual([expect.objectContaining({name: 'CheckoutDown', state: 'suppressed', silencedBy: [silence]})]);
		// The silences Alertmanager holds: which, what they match, until when, by whom and why.
		const silences = (report as unknown as {silences: Array<Record<string, unknown>>}).silences;
		expect(silences).toEqual([expect.objectContaining({id: silence, state: 'active', createdBy: 'test', comment: 'known, being fixed', matchers: [{name: 'alertname', value: 'CheckoutDown', isRegex: false, isEqual: true}]})]);
		expect(result.code).toBe(0);
		const table = await runCli(['status', '--config', config], {home});
		expect(table.stdout).toMatch(new RegExp(`^SILENCES$\\n\\s+active\\s+${silence}\\s+alertname="CheckoutDown"\\s+until `, 'm'));
		await am.expireSilence(silence);
	});
});
