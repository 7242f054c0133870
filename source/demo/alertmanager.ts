/**
 * The demo's Alertmanager: Alertmanager's v2 API on loopback (the alert groups, silences made,
 * listed and expired), its alerts ruled from the simulated cluster as Prometheus rules would rule
 * them from the demo's metrics: checkout's 5xx and latency fire while its bad revision serves, and
 * a pod OOM-killed fires too. The cockpit reads and silences it through the same client as a real
 * one (clients/alertmanager.ts), so the demo's m and M are the real key's path, with no network.
 */
import {createHash, randomUUID} from 'node:crypto';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import type {DeploymentInfo, PodInfo} from '../ports/cluster.js';
import {badImage, demoNamespace} from './cluster.js';

interface Rule {
	labels: Record<string, string>;
	annotations: Record<string, string>;
}

interface HeldSilence {
	id: string;
	matchers: Array<{name: string; value: string; isRegex: boolean; isEqual: boolean}>;
	startsAt: string;
	endsAt: string;
	createdBy: string;
	comment: string;
	/** Set when expired early. */
	expiredAt?: string;
}

/** The alerts the demo's state fires: checkout's error rate and latency while the bad image serves; each pod OOM-killed. */
function firingRules(deployments: readonly DeploymentInfo[], pods: readonly PodInfo[]): Rule[] {
	const rules: Rule[] = [];
	const runbook = 'https://runbooks.example.com/bad-deploy';
	if (deployments.some(d => d.name === 'checkout' && d.images.includes(badImage))) {
		const where = {namespace: demoNamespace, service: 'checkout', deployment: 'checkout'};
		rules.push(
			{labels: {alertname: 'HighErrorRate', severity: 'critical', ...where}, annotations: {summary: 'checkout 5xx ratio above 5%', runbook_url: runbook}},
			{labels: {alertname: 'HighLatency', severity: 'warning', ...where}, annotations: {summary: 'checkout p95 latency above 300 ms', runbook_url: runbook}},
		);
	}
	for (const pod of pods.filter(p => p.lastTerminationReason === 'OOMKilled')) {
		rules.push({labels: {alertname: 'KubePodOOMKilled', severity: 'warning', namespace: pod.namespace, pod: pod.name, deployment: pod.deployment ?? ''}, annotations: {summary: `${pod.name} was OOM-killed`}});
	}
	return rules;
}

function matches(silence: HeldSilence, labels: Record<string, string>): boolean {
	return silence.matchers.every(m => {
		const value = labels[m.name] ?? '';
		const equal = m.isRegex ? new RegExp(`^(?:${m.value})$`).test(value) : value === m.value;
		return m.isEqual ? equal : !equal;
	});
}

function silenceState(silence: HeldSilence, now: number): string {
	if (silence.expiredAt || Date.parse(silence.endsAt) <= now) return 'expired';
	return Date.parse(silence.startsAt) > now ? 'pending' : 'active';
}

/** What the demo's alerts are ruled from: the simulated cluster's deployments and pods. */
export interface DemoAlertSource {
	listDeployments(): DeploymentInfo[];
	listPods(): PodInfo[];
}

export interface DemoAlertmanager {
	url: string;
	close(): Promise<void>;
}

/** What the demo Alertmanager answers, by method and path. */
class DemoAlertmanagerApi {
	readonly #silences: HeldSilence[] = [];
	/** When each alert began (by its labels), as Alertmanager keeps its startsAt. */
	readonly #since = new Map<string, string>();

	constructor(private readonly cluster: DemoAlertSource) {}

	#alerts(): unknown[] {
		const now = Date.now();
		return firingRules(this.cluster.listDeployments(), this.cluster.listPods()).map(rule => {
			const key = JSON.stringify(rule.labels);
			const startsAt = this.#since.get(key) ?? new Date(now).toISOString();
			this.#since.set(key, startsAt);
			const silencedBy = this.#silences.filter(s => silenceState(s, now) === 'active' && matches(s, rule.labels)).map(s => s.id);
			const fingerprint = createHash('sha256').update(key).digest('hex').slice(0, 16);
			return {
				labels: rule.labels,
				annotations: rule.annotations,
				startsAt,
				endsAt: new Date(now + 4 * 60_000).toISOString(),
				updatedAt: new Date(now).toISOString(),
				generatorURL: `http://prometheus.demo.invalid/graph?g0.expr=${encodeURIComponent(rule.labels.alertname!)}`,
				fingerprint,
				receivers: [{name: 'demo'}],
				status: {state: silencedBy.length ? 'suppressed' : 'active', silencedBy, inhibitedBy: []},
			};
		});
	}

	/** Alertmanager's grouping by alertname (the demo's route `group_by: [alertname]`). */
	groups(): unknown[] {
		const byName = new Map<string, unknown[]>();
		for (const alert of this.#alerts() as Array<{labels: Record<string, string>}>) byName.set(alert.labels.alertname!, [...(byName.get(alert.labels.alertname!) ?? []), alert]);
		return [...byName].map(([alertname, alerts]) => ({labels: {alertname}, receiver: {name: 'demo'}, alerts}));
	}

	silences(): unknown[] {
		const now = Date.now();
		return this.#silences.map(silence => {
			// Alertmanager's API shows an expired silence by its state, not by a field of its own.
			const shown: HeldSilence = {...silence};
			delete shown.expiredAt;
			return {...shown, status: {state: silenceState(silence, now)}};
		});
	}

	create(body: unknown): {status: number; json: unknown} {
		const s = body as Partial<HeldSilence> | null;
		if (!s || !Array.isArray(s.matchers) || s.matchers.length === 0 || !s.endsAt || !s.createdBy || !s.comment) return {status: 400, json: 'silence invalid: matchers, endsAt, createdBy and comment are required'};
		const silence: HeldSilence = {id: randomUUID(), matchers: s.matchers, startsAt: s.startsAt ?? new Date().toISOString(), endsAt: s.endsAt, createdBy: s.createdBy, comment: s.comment};
		this.#silences.push(silence);
		return {status: 200, json: {silenceID: silence.id}};
	}

	expire(id: string): {status: number; json: unknown} {
		const silence = this.#silences.find(s => s.id === id);
		if (!silence) return {status: 404, json: `silence ${id} not found`};
		silence.expiredAt = new Date().toISOString();
		return {status: 200, json: null};
	}
}

function send(res: http.ServerResponse, status: number, json: unknown): void {
	res.writeHead(status, {'content-type': 'application/json'});
	res.end(json === null ? '' : JSON.stringify(json));
}

/** Routes one request of Alertmanager's v2 API the cockpit uses. */
function route(api: DemoAlertmanagerApi, req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
	const path = new URL(req.url ?? '/', 'http://demo').pathname;
	if (req.method === 'GET' && path === '/api/v2/alerts/groups') return send(res, 200, api.groups());
	if (req.method === 'GET' && path === '/api/v2/silences') return send(res, 200, api.silences());
	if (req.method === 'POST' && path === '/api/v2/silences') {
		let parsed: unknown = null;
		try {
			parsed = JSON.parse(body);
		} catch {
			return send(res, 400, 'body is not JSON');
		}
		const {status, json} = api.create(parsed);
		return send(res, status, json);
	}
	const expire = /^\/api\/v2\/silence\/([^/]+)$/.exec(path);
	if (req.method === 'DELETE' && expire) {
		const {status, json} = api.expire(decodeURIComponent(expire[1]!));
		return send(res, status, json);
	}
	send(res, 404, `not found: ${req.method} ${path}`);
}

/** Serves the demo Alertmanager on a free loopback port until `signal` aborts (or close). */
export async function serveDemoAlertmanager(cluster: DemoAlertSource, signal: AbortSignal): Promise<DemoAlertmanager> {
	const api = new DemoAlertmanagerApi(cluster);
	const server = http.createServer((req, res) => {
		let body = '';
		req.setEncoding('utf8');
		req.on('data', (chunk: string) => (body = (body + chunk).slice(0, 64 * 1024)));
		req.on('end', () => route(api, req, body, res));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	// The cockpit keeps its connection open between polls: closing ends it too.
	const close = () =>
		new Promise<void>(resolve => {
			server.close(() => resolve());
			server.closeAllConnections();
		});
	signal.addEventListener('abort', () => void close(), {once: true});
	const {port} = server.address() as AddressInfo;
	return {url: `http://127.0.0.1:${port}`, close};
}
