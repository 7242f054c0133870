/**
 * `incident-tui check [--config FILE]`: every error of the config in one run (file:line:column),
 * then each configured endpoint tried once and what was found, against a REAL Prometheus and a REAL
 * Alertmanager (Debian's packages, test/support), the fake kube API server, and loopback HTTP(S)
 * health endpoints. Exit codes as `status`: 0 all answered, 3 something could not be read, 2 a
 * configuration error.
 */
import {mkdir, mkdtemp, writeFile} from 'node:fs/promises';
import {createServer as createHttpsServer, type Server} from 'node:https';
import type {AddressInfo} from 'node:net';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {stringify} from 'yaml';
import {alertmanagerTestUser, requireAlertmanager, startAlertmanager, type RunningAlertmanager} from '../support/alertmanager.js';
import {startFakeKubeServer, type FakeKubeServer} from '../support/fake-kube-server.js';
import {findPrometheus, installHint, startPrometheus, type RunningPrometheus} from '../support/prometheus.js';
import {hasOpenssl, selfSignedCertificate} from '../support/tls.js';
import {runPrinted} from '../support/printed-commands.js';
import {cliTestTimeoutMs, closedPortUrl, repoRoot, runCli, sendJson, startServer, tempDir, type TestServer} from './run-cli.js';

const alertmanagerBinary = requireAlertmanager('incident-tui check against a real Alertmanager');
const prometheusBinary = findPrometheus();
if (!prometheusBinary) {
	if (process.env.CI === 'true') {
		describe('incident-tui check against a real Prometheus', () => {
			it('needs the prometheus binary under CI', () => {
				throw new Error(`prometheus binary not found; CI must install it: ${installHint}`);
			});
		});
	} else console.warn(`\n*** SKIPPING incident-tui check against a real Prometheus: no prometheus binary.\n*** ${installHint}\n`);
}

let home: string;
let remove: () => Promise<void>;
beforeEach(async () => {
	({dir: home, remove} = await tempDir('check'));
});
afterEach(async () => remove());

async function writeConfig(text: string): Promise<string> {
	const file = path.join(home, 'incident.yaml');
	await writeFile(file, text);
	return file;
}

/** The ENDPOINTS rows of the report: `STATE endpoint` first, the rest of the line after. */
function rows(stdout: string): Array<{state: string; endpoint: string; line: string}> {
	const part = stdout.slice(stdout.indexOf('ENDPOINTS\n') + 'ENDPOINTS\n'.length);
	return part
		.split('\n')
		.filter(line => /^ {2}[A-Z]/.test(line))
		.map(line => {
			const [state, endpoint] = line.trim().split(/\s+/);
			return {state: state!, endpoint: endpoint!, line};
		});
}

describe('incident-tui check: the config', () => {
	let health: TestServer;
	beforeAll(async () => {
		health = await startServer((_req, res) => sendJson(res, 200, {status: 'ok'}));
	});
	afterAll(async () => health?.close());

	it(
		'reports every error of the config in one run at file:line:column, still tries the endpoints configured right, and exits 2',
		async () => {
			await writeConfig(
				[
					'services:',
					`  - {name: api, health: ${health.url}/health}`,
					'  - {name: api, health: not-a-url}',
					'prometheus: {url: http://127.0.0.1:9090, ca: ./missing-ca.pem}',
					'kubernetes: {namespace: shop, contxt: prod}',
					'queries:',
					"  - {id: errors, promql: 'sum(rate(x[5m])'}",
					'refresh: {healthMs: fast}',
					'',
				].join('\n'),
			);
			const result = await runCli(['check', '--config', 'incident.yaml'], {home});
			expect(result.stderr).toBe('');
			expect(result.code).toBe(2);
			const errors = result.stdout.split('\n').filter(line => line.includes(': error: '));
			expect(errors).toEqual([
				"incident.yaml:3:12: error: services[1].name: duplicate service name 'api'",
				'incident.yaml:3:25: error: services[1].health: Invalid url',
				`incident.yaml:4:46: error: prometheus.ca: cannot read ${path.join(home, 'missing-ca.pem')}: no such file or directory`,
				"incident.yaml:5:31: error: kubernetes: unknown key 'contxt'",
				expect.stringMatching(/^incident\.yaml:7:16: error: queries\[0\]\.promql: query 'errors': PromQL syntax error/),
				expect.stringMatching(/^incident\.yaml:8:21: error: refresh\.healthMs: Expected number, received string/),
			]);
			expect(result.stdout).toContain('CONFIG incident.yaml: 6 errors; the endpoints configured without errors are tried below');
			// The first service is configured right: it was tried; the second has no valid URL to try. The
			// kubernetes section keeps its valid namespace, and no kubeconfig is there to reach a cluster with.
			const found = rows(result.stdout);
			expect(found.map(r => `${r.state} ${r.endpoint}`)).toEqual(['OK health:api', expect.stringMatching(/^(UNREACHABLE|TLS|ERROR) prometheus$/), 'ERROR kubernetes']);
			expect(found[2]!.line).toMatch(/no kubeconfig found: set kubernetes\.kubeconfig in the config, set \$KUBECONFIG, or create ~\/\.kube\/config$/);
		},
		cliTestTimeoutMs,
	);

	it(
		'a config with no errors and endpoints that all answer: exit 0',
		async () => {
			await writeConfig(stringify({services: [{name: 'api', health: `${health.url}/health`}]}));
			const result = await runCli(['check'], {home});
			expect(result.stderr).toBe('');
			expect(result.code).toBe(0);
			expect(result.stdout).toContain('CONFIG incident.yaml: no errors');
			expect(rows(result.stdout)).toEqual([{state: 'OK', endpoint: 'health:api', line: expect.stringMatching(/answered HTTP 200 OK in \d+ ms; plain HTTP, no TLS$/)}]);
		},
		cliTestTimeoutMs,
	);

	it(
		'runbook lint given the config says it is one, checks it, and the check command it prints runs where printed',
		async () => {
			await writeConfig(stringify({services: [{name: 'api', health: `${health.url}/health`}], kubernetes: {namespace: 'shop', contxt: 'prod'}}));
			const bin = path.join(repoRoot, 'bin', 'incident-tui.js');
			const env = {PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_STATE_HOME: path.join(home, '.state'), NO_COLOR: '1'};
			const lint = await runPrinted(`node ${bin} runbook lint incident.yaml`, {cwd: home, env});
			expect(lint.code).toBe(1);
			expect(lint.stdout).not.toMatch(/unknown keys? 'services'/);
			expect(lint.stdout).toContain("incident.yaml:6:3: error: kubernetes: unknown key 'contxt'");
			const printed = /to try its endpoints too: (.*)$/m.exec(lint.stdout);
			expect(printed?.[1]).toBe(`node ${bin} check --config incident.yaml`);
			const check = await runPrinted(printed![1]!, {cwd: home, env});
			expect(check.stderr).toBe('');
			expect(check.stdout).toContain("incident.yaml:6:3: error: kubernetes: unknown key 'contxt'");
			expect(rows(check.stdout)[0]).toMatchObject({state: 'OK', endpoint: 'health:api'});
			expect(check.code).toBe(2);
		},
		cliTestTimeoutMs,
	);

	it(
		'no config file: says where it looked and how to give one, exit 2',
		async () => {
			const result = await runCli(['check'], {home});
			expect(result.code).toBe(2);
			expect(result.stderr).toMatch(/check: no config file was found \(\.\/incident\.yaml, then .*\); give one with .*check --config FILE/);
		},
		cliTestTimeoutMs,
	);

	it(
		'a config that is not YAML: every syntax error, exit 2',
		async () => {
			await writeConfig('services: [unclosed\nprometheus: {url: "x\n');
			const result = await runCli(['check'], {home});
			expect(result.code).toBe(2);
			const errors = result.stdout.split('\n').filter(line => line.includes(': error: '));
			expect(errors.length).toBeGreaterThan(1);
			for (const line of errors) expect(line).toMatch(/^incident\.yaml:\d+:\d+: error: /);
		},
		cliTestTimeoutMs,
	);
});

describe.skipIf(!prometheusBinary || !alertmanagerBinary)('incident-tui check: endpoints', () => {
	let prometheus: RunningPrometheus;
	let alertmanager: RunningAlertmanager;
	let kube: FakeKubeServer;
	let health: TestServer;
	beforeAll(async () => {
		[prometheus, alertmanager, kube, health] = await Promise.all([
			startPrometheus(prometheusBinary!, []),
			startAlertmanager(alertmanagerBinary!, {basicAuth: alertmanagerTestUser}),
			startFakeKubeServer({namespace: 'shop'}),
			startServer((req, res) => {
				if (req.url === '/sick') sendJson(res, 503, {status: 'down'});
				else if (req.url === '/private') sendJson(res, 401, {error: 'who are you'});
				else sendJson(res, 200, {status: 'ok'});
			}),
		]);
		kube.addDeployment({name: 'api', images: ['shop/api:1.0.0'], replicas: 2});
	}, 60_000);
	afterAll(async () => {
		await Promise.all([prometheus?.close(), alertmanager?.close(), kube?.close(), health?.close()]);
	});

	it(
		'every endpoint answers: Prometheus and Alertmanager by version, the cluster by what it listed; a health URL that answers 503 is reachable; exit 0',
		async () => {
			await writeFile(path.join(home, 'am-password'), `${alertmanagerTestUser.password}\n`);
			await writeConfig(
				stringify({
					services: [
						{name: 'api', health: `${health.url}/health`},
						{name: 'worker', health: `${health.url}/sick`},
					],
					prometheus: {url: prometheus.url},
					alertmanager: {url: alertmanager.url, username: alertmanagerTestUser.username, passwordFile: './am-password'},
					kubernetes: {kubeconfig: kube.kubeconfigPath, namespace: 'shop'},
				}),
			);
			const result = await runCli(['check'], {home});
			expect(result.stderr).toBe('');
			expect(result.stdout).toContain('CONFIG incident.yaml: no errors');
			const found = rows(result.stdout);
			expect(found.map(r => `${r.state} ${r.endpoint}`)).toEqual(['OK health:api', 'OK health:worker', 'OK prometheus', 'OK alertmanager', 'OK kubernetes']);
			expect(found[1]!.line).toMatch(/answered HTTP 503 Service Unavailable in \d+ ms; plain HTTP, no TLS$/);
			expect(found[2]!.line).toMatch(/Prometheus 2\.\d+\.\d+\S* answered; plain HTTP, no TLS$/);
			expect(found[3]!.line).toMatch(/Alertmanager 0\.\d+\.\d+\S* answered to user am-user; plain HTTP, no TLS$/);
			expect(found[4]!.line).toContain(`${kube.url} (context ${kube.context}, namespace shop)`);
			expect(found[4]!.line).toMatch(/listed 2 pods and 1 deployment; plain HTTP, no TLS$/);
			expect(result.code).toBe(0);
			// check reads: nothing but GETs reached the cluster.
			expect(kube.requests.every(r => r.method === 'GET')).toBe(true);
		},
		cliTestTimeoutMs,
	);

	it(
		'what could not be read says why: refused, wrong password, 401, RBAC forbidden; exit 3',
		async () => {
			kube.forbid('list', 'pods');
			try {
				await writeConfig(
					stringify({
						services: [{name: 'api', health: `${health.url}/private`}],
						prometheus: {url: await closedPortUrl()},
						alertmanager: {url: alertmanager.url, username: alertmanagerTestUser.username, password: 'wrong'},
						kubernetes: {kubeconfig: kube.kubeconfigPath, namespace: 'shop'},
					}),
				);
				const result = await runCli(['check', '--timeout', '3000'], {home});
				expect(result.stderr).toBe('');
				const found = rows(result.stdout);
				expect(found.map(r => `${r.state} ${r.endpoint}`)).toEqual(['UNAUTHORIZED health:api', 'UNREACHABLE prometheus', 'UNAUTHORIZED alertmanager', 'UNAUTHORIZED kubernetes']);
				expect(found[0]!.line).toMatch(/answered HTTP 401 Unauthorized in \d+ ms; plain HTTP, no TLS: set the header it expects/);
				expect(found[1]!.line).toMatch(/connection refused \(127\.0\.0\.1:\d+\)/);
				expect(found[2]!.line).toMatch(/answered HTTP 401 Unauthorized: check bearerTokenFile or username\/password in the config/);
				expect(found[3]!.line).toMatch(/pods is forbidden: User "[^"]+" cannot list resource "pods"/);
				// The password is never printed.
				expect(result.stdout).not.toContain('wrong');
				expect(result.code).toBe(3);
			} finally {
				kube.allowAll();
			}
		},
		cliTestTimeoutMs,
	);
});

describe.skipIf(!hasOpenssl)('incident-tui check: TLS', () => {
	let dir: string;
	let removeDir: () => Promise<void>;
	let server: Server;
	let url: string;
	let certPath: string;
	beforeAll(async () => {
		({dir, remove: removeDir} = await tempDir('check-tls'));
		await mkdir(dir, {recursive: true});
		const certificate = selfSignedCertificate(dir);
		certPath = certificate.certPath;
		server = createHttpsServer({key: certificate.key, cert: certificate.cert}, (_req, res) => sendJson(res, 200, {status: 'ok'}));
		await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
		url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
	});
	afterAll(async () => {
		server?.closeAllConnections();
		await new Promise(resolve => server?.close(resolve));
		await removeDir?.();
	});

	it(
		'a cluster whose API server has a certificate the kubeconfig does not trust is a TLS finding; one that is gone is unreachable',
		async () => {
			const otherCa = selfSignedCertificate(await mkdtemp(path.join(dir, 'other-ca-')));
			const kube = await startFakeKubeServer({namespace: 'shop', tls: selfSignedCertificate(await mkdtemp(path.join(dir, 'kube-')))});
			try {
				// The kubeconfig names another CA than the one that signed the server's certificate.
				const kubeconfig = path.join(home, 'kubeconfig');
				await writeFile(kubeconfig, kube.kubeconfig().replace(/certificate-authority-data: \S+/, `certificate-authority-data: ${otherCa.cert.toString('base64')}`));
				await writeConfig(stringify({kubernetes: {kubeconfig, namespace: 'shop'}}));
				const untrusted = await runCli(['check', '--timeout', '3000'], {home});
				expect(rows(untrusted.stdout)).toEqual([{state: 'TLS', endpoint: 'kubernetes', line: expect.stringContaining(`${kube.url} (context ${kube.context}, namespace shop)`)}]);
				expect(untrusted.code).toBe(3);

				// A copy: the server removes its own when it closes.
				await writeFile(kubeconfig, kube.kubeconfig());
				await writeConfig(stringify({kubernetes: {kubeconfig, namespace: 'shop'}}));
				const trusted = await runCli(['check', '--timeout', '3000'], {home});
				expect(rows(trusted.stdout)).toEqual([{state: 'OK', endpoint: 'kubernetes', line: expect.stringMatching(/listed 0 pods and 0 deployments$/)}]);
				expect(trusted.code).toBe(0);
			} finally {
				await kube.close();
			}
			const gone = await runCli(['check', '--timeout', '3000'], {home});
			expect(rows(gone.stdout)).toEqual([{state: 'UNREACHABLE', endpoint: 'kubernetes', line: expect.stringContaining('cannot reach the API server')}]);
			expect(gone.code).toBe(3);
		},
		2 * cliTestTimeoutMs,
	);

	it(
		'a certificate no CA vouches for is a TLS finding that says what to set; with ca: it is verified against that file; exit 3 then 0',
		async () => {
			await writeConfig(stringify({services: [{name: 'api', health: url}]}));
			const untrusted = await runCli(['check'], {home});
			expect(rows(untrusted.stdout)).toEqual([{state: 'TLS', endpoint: 'health:api', line: expect.stringMatching(/TLS error for 127\.0\.0\.1: .*self[- ]signed.*\(set ca: or insecureSkipVerify: in the config\)/)}]);
			expect(untrusted.code).toBe(3);

			await writeConfig(stringify({services: [{name: 'api', health: url, ca: certPath}]}));
			const trusted = await runCli(['check'], {home});
			expect(rows(trusted.stdout)).toEqual([{state: 'OK', endpoint: 'health:api', line: expect.stringContaining(`answered HTTP 200 OK`)}]);
			expect(rows(trusted.stdout)[0]!.line).toMatch(new RegExp(`TLS verified against ${certPath.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`));
			expect(trusted.code).toBe(0);

			await writeConfig(stringify({services: [{name: 'api', health: url, insecureSkipVerify: true}]}));
			const skipped = await runCli(['check'], {home});
			expect(rows(skipped.stdout)[0]!.line).toMatch(/TLS, certificate NOT verified \(insecureSkipVerify\)$/);
			expect(skipped.code).toBe(0);
		},
		cliTestTimeoutMs,
	);
});
