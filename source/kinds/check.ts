/**
 * `incident-tui check`: each endpoint the config names is tried once (services' health and scrape
 * URLs, Prometheus, Alertmanager, the Kubernetes context), and the report says what was found:
 * reachable or not, authorised or not, TLS verified or not. Unlike `status` it reads no values and
 * judges no health: a health URL that answers 503 is reachable, and that is what it says.
 */
import {displayUrl, httpGet, HttpError, statusLine, type HttpGetOptions} from '../clients/http.js';
import type {Config, ServiceConfig} from '../config/schema.js';
import type {Cluster} from '../ports/cluster.js';
import {Endpoint, type EndpointOptions} from '../clients/prometheus.js';
import {clusterSnapshot} from './pods/status.js';
import {sourceState} from './status-table.js';

/** What trying an endpoint found: it answered, or why not. `tls`: the TLS handshake failed (certificate, CA). */
export type ProbeState = 'ok' | 'unreachable' | 'unauthorized' | 'tls' | 'error';

export interface Probe {
	/** `health:api`, `scrape:api`, `prometheus`, `alertmanager`, `kubernetes`. */
	endpoint: string;
	/** The URL tried (credentials removed), or the API server and context. */
	target: string;
	state: ProbeState;
	/** What was found, in words: the answer and how the connection was secured, or the error. */
	found: string;
}

export interface ProbeOptions {
	config: Config;
	/**
	 * Connects to the cluster the config (or the kubeconfig) names, read-only; null when no cluster
	 * is wanted. Its failure (an unreadable kubeconfig, an unknown context) is the probe's finding.
	 */
	connectCluster?: () => Promise<Cluster | null>;
	/** The wait for the cluster's first lists (each HTTP endpoint has its own configured timeout). */
	timeoutMs?: number;
	signal?: AbortSignal;
}

/** How a URL's connection was secured, as far as the config says: plain HTTP, TLS verified (by what), or not verified. */
function transport(url: string, tls: {ca?: string | undefined; insecureSkipVerify?: boolean | undefined}): string {
	if (!url.startsWith('https:')) return 'plain HTTP, no TLS';
	if (tls.insecureSkipVerify) return 'TLS, certificate NOT verified (insecureSkipVerify)';
	return tls.ca ? `TLS verified against ${tls.ca}` : 'TLS verified against the system CAs';
}

function failed(endpoint: string, target: string, error: unknown): Probe {
	const message = error instanceof Error ? error.message : String(error);
	const state: ProbeState = error instanceof HttpError && error.kind === 'tls' ? 'tls' : sourceState(error);
	return {endpoint, target, state, found: message};
}

/** One GET of a service's URL (a new connection, as the cockpit's health checks make). */
async function probeServiceUrl(service: ServiceConfig, kind: 'health' | 'scrape', url: string, signal: AbortSignal | undefined): Promise<Probe> {
	const endpoint = `${kind}:${service.name}`;
	const target = displayUrl(url);
	const options: HttpGetOptions = {
		timeoutMs: service.timeoutMs ?? 2000,
		headers: {...service.headers},
		insecureSkipVerify: service.insecureSkipVerify ?? false,
		maxBytes: kind === 'health' ? 1024 * 1024 : 64 * 1024 * 1024,
		...(service.ca ? {ca: service.ca} : {}),
		...(signal ? {signal} : {}),
	};
	try {
		const response = await httpGet(url, options);
		const answer = `${statusLine(response.status, response.statusText)} in ${response.latencyMs} ms; ${transport(url, service)}`;
		if (response.status === 401 || response.status === 403) {
			return {endpoint, target, state: 'unauthorized', found: `answered ${answer}: set the header it expects (Authorization, a token) under the service's headers: in the config`};
		}
		if (kind === 'scrape' && (response.status < 200 || response.status >= 300)) return {endpoint, target, state: 'error', found: `answered ${answer}: not a metrics page`};
		// A health URL that answers is reachable, whatever it says of the service's health (that is status's to judge).
		return {endpoint, target, state: 'ok', found: `answered ${answer}`};
	} catch (error) {
		return failed(endpoint, target, error);
	}
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Prometheus's /api/v1/status/buildinfo (version), with the configured credentials. */
async function probePrometheus(options: EndpointOptions, signal: AbortSignal): Promise<Probe> {
	const endpoint = new Endpoint(options, 'Prometheus');
	const target = displayUrl(options.url);
	try {
		const {status, json} = await endpoint.getJson('/api/v1/status/buildinfo', {}, signal);
		const data = isRecord(json) && isRecord(json.data) ? json.data : undefined;
		if (status < 200 || status >= 300 || !data) {
			return {endpoint: 'prometheus', target, state: 'error', found: `answered HTTP ${status} to /api/v1/status/buildinfo without Prometheus's build info; is the URL right?`};
		}
		const version = typeof data.version === 'string' ? `Prometheus ${data.version}` : 'Prometheus (version not given)';
		return {endpoint: 'prometheus', target, state: 'ok', found: `${version} answered${credentialsUsed(options)}; ${transport(options.url, options)}`};
	} catch (error) {
		return failed('prometheus', target, error);
	}
}

/** Alertmanager's /api/v2/status (version, cluster state), with the configured credentials. */
async function probeAlertmanager(options: EndpointOptions, signal: AbortSignal): Promise<Probe> {
	const endpoint = new Endpoint(options, 'Alertmanager');
	const target = displayUrl(options.url);
	try {
		const {status, json} = await endpoint.getJson('/api/v2/status', {}, signal);
		if (status < 200 || status >= 300 || !isRecord(json) || !isRecord(json.versionInfo)) {
			return {endpoint: 'alertmanager', target, state: 'error', found: `answered HTTP ${status} to /api/v2/status without Alertmanager's status; is the URL right?`};
		}
		const version = typeof json.versionInfo.version === 'string' ? `Alertmanager ${json.versionInfo.version}` : 'Alertmanager (version not given)';
		return {endpoint: 'alertmanager', target, state: 'ok', found: `${version} answered${credentialsUsed(options)}; ${transport(options.url, options)}`};
	} catch (error) {
		return failed('alertmanager', target, error);
	}
}

function credentialsUsed(options: EndpointOptions): string {
	if (options.bearerTokenFile) return ' to the bearer token';
	if (options.username !== undefined) return ` to user ${options.username}`;
	return '';
}

function plural(count: number, word: string): string {
	return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/**
 * A cluster error's state: the client's messages name no HTTP error kind, so TLS and "cannot reach"
 * are told by their words (describeKubeError's "cannot reach the API server", Node's error codes).
 */
function kubeFailure(target: string, error: unknown): Probe {
	const probe = failed('kubernetes', target, error);
	if (/certificate|self[- ]signed|\bTLS\b|\bSSL\b|CERT_|UNABLE_TO_VERIFY/i.test(probe.found)) return {...probe, state: 'tls'};
	if (probe.state === 'error' && /cannot reach the API server|ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|no answer from the (API server|cluster)/.test(probe.found)) return {...probe, state: 'unreachable'};
	return probe;
}

/** The cluster's first lists of pods and deployments, as the cockpit's watch makes them. */
async function probeKubernetes(connect: () => Promise<Cluster | null>, timeoutMs: number): Promise<Probe | undefined> {
	let cluster: Cluster | null;
	try {
		cluster = await connect();
	} catch (error) {
		return failed('kubernetes', 'kubeconfig', error);
	}
	if (!cluster) return undefined;
	const server = 'server' in cluster && typeof cluster.server === 'string' ? cluster.server : '';
	const target = `${server ? `${server} ` : ''}(context ${cluster.context}, namespace ${cluster.namespace})`;
	try {
		const {pods, deployments, errors} = await clusterSnapshot(cluster, AbortSignal.timeout(timeoutMs));
		const first = errors[0];
		if (first) return kubeFailure(target, first);
		return {endpoint: 'kubernetes', target, state: 'ok', found: `listed ${plural(pods.length, 'pod')} and ${plural(deployments.length, 'deployment')}${server.startsWith('http:') ? '; plain HTTP, no TLS' : ''}`};
	} catch (error) {
		return kubeFailure(target, error);
	}
}

/** Tries every configured endpoint once, all at once; in the order of the config (services, Prometheus, Alertmanager, Kubernetes). */
export async function probeEndpoints(options: ProbeOptions): Promise<Probe[]> {
	const {config} = options;
	const signal = options.signal ?? AbortSignal.timeout(60_000);
	const tries: Array<Promise<Probe | undefined>> = [];
	for (const service of config.services) {
		if (service.health) tries.push(probeServiceUrl(service, 'health', service.health, signal));
		if (service.scrape) tries.push(probeServiceUrl(service, 'scrape', service.scrape, signal));
	}
	if (config.prometheus) tries.push(probePrometheus(config.prometheus, signal));
	if (config.alertmanager) tries.push(probeAlertmanager(config.alertmanager, signal));
	if (options.connectCluster) tries.push(probeKubernetes(options.connectCluster, options.timeoutMs ?? 5000));
	return (await Promise.all(tries)).filter((probe): probe is Probe => probe !== undefined);
}

/** Exit codes of `incident-tui check`, as `status`'s: 0 all answered, 3 something could not be read, 2 a configuration error. */
export const checkExit = {ok: 0, config: 2, unreadable: 3} as const;

export function checkExitCode(configErrors: number, probes: readonly Probe[]): 0 | 2 | 3 {
	if (configErrors > 0) return checkExit.config;
	return probes.some(p => p.state !== 'ok') ? checkExit.unreadable : checkExit.ok;
}

/** The endpoints part of the report: one aligned row each, state first. */
export function formatProbes(probes: readonly Probe[]): string {
	if (probes.length === 0) return 'ENDPOINTS\n  (none configured)\n';
	const rows = probes.map(p => [p.state.toUpperCase(), p.endpoint, p.target, p.found]);
	const widths = [0, 1, 2].map(i => Math.max(...rows.map(row => row[i]!.length)));
	const lines = rows.map(row => `  ${row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join('  ')}`.trimEnd());
	return `ENDPOINTS\n${lines.join('\n')}\n`;
}
