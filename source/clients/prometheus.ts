/**
 * The Metrics port on the Prometheus HTTP API: /api/v1/query, /api/v1/query_range, /api/v1/alerts.
 */
import {readFile} from 'node:fs/promises';
import {CaFiles, displayUrl, httpGet, HttpError, statusLine, type HttpGetOptions, type HttpResponse} from './http.js';
import type {AlertInfo, InstantSample, Labels, Metrics, RangeSeries, TargetState} from '../ports/metrics.js';
import {promqlParts} from './promql-parts.js';

export interface EndpointOptions {
	url: string;
	timeoutMs?: number;
	bearerTokenFile?: string;
	username?: string;
	password?: string;
	passwordFile?: string;
	ca?: string;
	insecureSkipVerify?: boolean;
}

async function readSecret(path: string, what: string): Promise<string> {
	try {
		return (await readFile(path, 'utf8')).trim();
	} catch (error) {
		throw new Error(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
	}
}

/**
 * An authenticated GET against one configured endpoint (Prometheus or Alertmanager). Secrets and
 * the CA file are read from their files on first use and kept in memory, by this endpoint (the
 * session that built it): secrets never appear in messages.
 */
export class Endpoint {
	private auth?: Promise<Pick<HttpGetOptions, 'bearerToken' | 'basicAuth'>>;
	readonly #caFiles = new CaFiles();

	constructor(
		readonly options: EndpointOptions,
		/** "Prometheus" or "Alertmanager", for messages. */
		readonly label: string,
	) {}

	private credentials(): Promise<Pick<HttpGetOptions, 'bearerToken' | 'basicAuth'>> {
		this.auth ??= (async () => {
			const o = this.options;
			if (o.bearerTokenFile) return {bearerToken: await readSecret(o.bearerTokenFile, 'bearerTokenFile')};
			if (o.username !== undefined) {
				const password = o.passwordFile ? await readSecret(o.passwordFile, 'passwordFile') : (o.password ?? '');
				return {basicAuth: {username: o.username, password}};
			}
			return {};
		})();
		// A missing file may appear later: do not cache the failure.
		this.auth.catch(() => (this.auth = undefined));
		return this.auth;
	}

	/** `path` is joined to the configured URL, keeping any path prefix (http://host/prometheus). */
	urlFor(path: string, params: Record<string, string> = {}): string {
		const base = new URL(this.options.url);
		base.pathname = `${base.pathname.replace(/\/+$/, '')}${path}`;
		for (const [k, v] of Object.entries(params)) base.searchParams.set(k, v);
		return base.toString();
	}

	async get(path: string, params: Record<string, string>, signal: AbortSignal): Promise<{response: HttpResponse; url: string}> {
		const url = this.urlFor(path, params);
		const response = await httpGet(url, {
			timeoutMs: this.options.timeoutMs ?? 5000,
			signal,
			headers: {accept: 'application/json'},
			// Queries go to one server every refresh: one connection serves them all (see reusingAgents).
			keepAlive: true,
			...(this.options.ca ? {ca: this.options.ca, caFiles: this.#caFiles} : {}),
			insecureSkipVerify: this.options.insecureSkipVerify ?? false,
			...(await this.credentials()),
		});
		return {response, url};
	}

	/**
	 * POST `body` as JSON, or DELETE, at `path` (Alertmanager's silences), on a new connection: a
	 * change is sent once, never again on another connection. Resolves for every HTTP status.
	 */
	async send(method: 'POST' | 'DELETE', path: string, body: unknown, signal: AbortSignal): Promise<HttpResponse> {
		return httpGet(this.urlFor(path), {
			method,
			timeoutMs: this.options.timeoutMs ?? 5000,
			signal,
			headers: {accept: 'application/json', ...(body === undefined ? {} : {'content-type': 'application/json'})},
			...(body === undefined ? {} : {body: JSON.stringify(body)}),
			...(this.options.ca ? {ca: this.options.ca} : {}),
			insecureSkipVerify: this.options.insecureSkipVerify ?? false,
			...(await this.credentials()),
		});
	}

	/** GET and parse JSON, turning every way it can go wrong into one readable message. */
	async getJson(path: string, params: Record<string, string>, signal: AbortSignal): Promise<{status: number; json: unknown}> {
		const {response, url} = await this.get(path, params, signal);
		const where = displayUrl(this.urlFor(path));
		if (response.status === 401 || response.status === 403) {
			throw new HttpError(
				'http',
				`${this.label} at ${where} answered ${statusLine(response.status, response.statusText)}: check bearerTokenFile or username/password in the config`,
				url,
				response.status,
			);
		}
		let json: unknown;
		try {
			json = JSON.parse(response.body);
		} catch {
			const snippet = response.body.replace(/\s+/g, ' ').trim().slice(0, 80);
			const what = response.contentType ? `a ${response.contentType.split(';')[0]} body` : 'a body that is not JSON';
			if (response.status < 200 || response.status >= 300) {
				throw new HttpError('http', `${this.label} at ${where} answered ${statusLine(response.status, response.statusText)}${snippet ? `: ${snippet}` : ''}`, url, response.status);
			}
			throw new HttpError('body', `${this.label} at ${where} returned ${what} instead of JSON${snippet ? `: "${snippet}"` : ' (empty)'}; is the URL right?`, url, response.status);
		}
		return {status: response.status, json};
	}
}

/** Prometheus's sample values are strings: "1.5", "NaN", "+Inf", "-Inf". */
export function parseSampleValue(value: unknown): number {
	if (typeof value === 'number') return value;
	if (typeof value !== 'string') return Number.NaN;
	if (value === '+Inf' || value === 'Inf') return Number.POSITIVE_INFINITY;
	if (value === '-Inf') return Number.NEGATIVE_INFINITY;
	return Number(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON value's fields, or none when it is not an object. */
function fieldsOf(value: unknown): Record<string, unknown> {
	return isRecord(value) ? value : {};
}

/** A JSON value as a list, or an empty one when it is not a list. */
function listOf(value: unknown): unknown[] {
	return Array.isArray(value) ? (value as unknown[]) : [];
}

function labelsOf(value: unknown): Labels {
	if (!isRecord(value)) return {};
	return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function pointOf(value: unknown): [number, number] {
	if (!Array.isArray(value) || value.length < 2) throw new Error('malformed sample');
	return [Number(value[0]), parseSampleValue(value[1])];
}

/** How long the jobs behind a selector are trusted before they are read again. */
const jobsTtlMs = 60_000;
/** How far back a selector's series are looked for (a target that died an hour ago still stands behind its queries). */
const lookbackText = '1h';

/** A PromQL string literal. JSON's escapes are PromQL's (Go's) for every character a label can hold. */
function promqlString(value: string): string {
	return JSON.stringify(value);
}

/** A regular expression matching exactly these values. */
function alternation(values: Iterable<string>): string {
	return [...values].map(v => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}

function targetKey(job: string, instance: string): string {
	return `${job}\u0000${instance}`;
}

export class PrometheusMetrics implements Metrics {
	readonly endpoint: Endpoint;
	/** Per selector: the jobs its series came from in the last hour, and when that was read. */
	private readonly selectorJobs = new Map<string, {at: number; jobs: string[]}>();
	/** Per target down (job and instance): since when, from its `up` samples (null: down for all of the last hour). */
	private readonly downSince = new Map<string, number | null>();

	constructor(options: EndpointOptions) {
		this.endpoint = new Endpoint(options, 'Prometheus');
	}

	get url(): string {
		return this.endpoint.options.url;
	}

	/** Runs an API call and returns `data`, or throws with Prometheus's own error text. */
	private async call(path: string, params: Record<string, string>, signal: AbortSignal, promql?: string): Promise<Record<string, unknown>> {
		const {status, json} = await this.endpoint.getJson(path, params, signal);
		const where = displayUrl(this.endpoint.urlFor(path));
		if (!isRecord(json)) throw new Error(`Prometheus at ${where} returned JSON without a status field; is the URL right?`);
		if (json.status === 'error') {
			const kind = typeof json.errorType === 'string' ? `${json.errorType}: ` : '';
			const text = typeof json.error === 'string' ? json.error : 'unknown error';
			const prefix = status >= 500 ? `Prometheus failed (${statusLine(status)})` : 'Prometheus rejected the query';
			throw new HttpError('http', `${prefix}: ${kind}${text}${promql ? ` (${promql})` : ''}`, where, status);
		}
		if (status < 200 || status >= 300) throw new HttpError('http', `Prometheus at ${where} answered ${statusLine(status)}`, where, status);
		if (json.status !== 'success' || !isRecord(json.data)) throw new Error(`Prometheus at ${where} returned an unexpected answer (no data); is the URL right?`);
		return json.data;
	}

	/** Instant query; `timeSec` pins the evaluation time (default: now, as Prometheus decides). */
	async instant(promql: string, signal: AbortSignal, timeSec?: number): Promise<InstantSample[]> {
		const params: Record<string, string> = {query: promql};
		if (timeSec !== undefined) params.time = String(timeSec);
		const data = await this.call('/api/v1/query', params, signal, promql);
		const result = data.result;
		switch (data.resultType) {
			case 'scalar': {
				const [, value] = pointOf(result);
				return [{labels: {}, value}];
			}
			case 'vector': {
				if (!Array.isArray(result)) throw new Error('Prometheus returned a malformed vector');
				return listOf(result).map(item => ({labels: labelsOf(fieldsOf(item).metric), value: pointOf(fieldsOf(item).value)[1]}));
			}
			case 'matrix': {
				// A bare range selector: show each series' latest point.
				if (!Array.isArray(result)) throw new Error('Prometheus returned a malformed matrix');
				return listOf(result).flatMap(item => {
					const last = listOf(fieldsOf(item).values).at(-1);
					return last === undefined ? [] : [{labels: labelsOf(fieldsOf(item).metric), value: pointOf(last)[1]}];
				});
			}
			default:
				throw new Error(`Prometheus returned a ${String(data.resultType)} result for "${promql}"; a query must return numbers`);
		}
	}

	async range(promql: string, startSec: number, endSec: number, stepSec: number, signal: AbortSignal): Promise<RangeSeries[]> {
		const data = await this.call('/api/v1/query_range', {query: promql, start: String(startSec), end: String(endSec), step: String(stepSec)}, signal, promql);
		if (data.resultType !== 'matrix' || !Array.isArray(data.result)) throw new Error(`Prometheus returned a ${String(data.resultType)} result for a range query`);
		return listOf(data.result).map(item => ({labels: labelsOf(fieldsOf(item).metric), points: listOf(fieldsOf(item).values).map(pointOf)}));
	}

	/**
	 * For each query, the scrape targets behind it: the jobs its selectors' series came from in the
	 * last hour (`count by (job) (last_over_time(selector[1h]))`, read once a minute), each target of
	 * those jobs as `up` has it, and for a target down, since when (its `up` samples of the last hour)
	 * and why (the targets API's lastError, when Prometheus lets us read it). A job with no `up`
	 * series at all has no target left in Prometheus, which is said too.
	 */
	async targets(promqls: readonly string[], signal: AbortSignal): Promise<TargetState[][]> {
		const selectors = promqls.map(promql => promqlParts(promql)?.selectors ?? []);
		const jobsBySelector = new Map<string, string[]>();
		await Promise.all([...new Set(selectors.flat())].map(async selector => jobsBySelector.set(selector, await this.jobsOf(selector, signal))));
		const jobsOfQuery = selectors.map(list => [...new Set(list.flatMap(selector => jobsBySelector.get(selector) ?? []))].sort());
		const jobs = new Set(jobsOfQuery.flat());
		if (jobs.size === 0) return promqls.map(() => []);
		const up = await this.instant(`up{job=~${promqlString(alternation(jobs))}}`, signal);
		const byJob = new Map<string, TargetState[]>();
		const down: TargetState[] = [];
		for (const sample of up) {
			const job = sample.labels.job ?? '';
			const state: TargetState = {job, instance: sample.labels.instance ?? '', health: sample.value === 1 ? 'up' : 'down'};
			if (state.health === 'down') down.push(state);
			else this.downSince.delete(targetKey(state.job, state.instance));
			byJob.set(job, [...(byJob.get(job) ?? []), state]);
		}
		await Promise.all([this.explainDown(down, signal), ...down.map(state => this.sinceWhen(state, signal))]);
		for (const job of jobs) {
			if (!byJob.has(job)) byJob.set(job, [{job, instance: '', health: 'unknown', error: 'no scrape target in Prometheus any more (its series stopped)'}]);
		}
		return jobsOfQuery.map(list => list.flatMap(job => byJob.get(job) ?? []).sort((a, b) => a.instance.localeCompare(b.instance)));
	}

	/** The jobs a selector's series came from in the last hour (kept a minute; the last good answer if a read fails). */
	private async jobsOf(selector: string, signal: AbortSignal): Promise<string[]> {
		const cached = this.selectorJobs.get(selector);
		if (cached && Date.now() - cached.at < jobsTtlMs) return cached.jobs;
		try {
			const samples = await this.instant(`count by (job) (last_over_time(${selector}[${lookbackText}]))`, signal);
			const jobs = samples.flatMap(s => (s.labels.job === undefined ? [] : [s.labels.job]));
			if (this.selectorJobs.size > 500) this.selectorJobs.clear();
			this.selectorJobs.set(selector, {at: Date.now(), jobs});
			return jobs;
		} catch (error) {
			if (cached) return cached.jobs;
			throw error;
		}
	}

	/** Since when a target is down: the first `up` sample at 0 after its last at 1 in the last hour (read once per outage). */
	private async sinceWhen(state: TargetState, signal: AbortSignal): Promise<void> {
		const key = targetKey(state.job, state.instance);
		if (!this.downSince.has(key)) {
			const data = await this.call('/api/v1/query', {query: `up{job=${promqlString(state.job)},instance=${promqlString(state.instance)}}[${lookbackText}]`}, signal);
			const series = listOf(data.result)[0];
			const points: Array<[number, number]> = listOf(fieldsOf(series).values).map(pointOf);
			let lastUp = points.length - 1;
			while (lastUp >= 0 && points[lastUp]![1] !== 1) lastUp--;
			const first = points[lastUp + 1];
			this.downSince.set(key, lastUp === -1 || !first ? null : first[0] * 1000);
			const lastOk = points[lastUp];
			if (lastOk) state.lastOkAt = lastOk[0] * 1000;
		}
		const since = this.downSince.get(key);
		if (since !== null && since !== undefined) state.downSince = since;
	}

	/** Each down target's lastError from the targets API; a Prometheus that does not let us read it leaves them without. */
	private async explainDown(down: TargetState[], signal: AbortSignal): Promise<void> {
		if (down.length === 0) return;
		const pools = [...new Set(down.map(t => t.job))];
		const found = new Map<string, string>();
		await Promise.all(
			pools.map(async job => {
				let data: Record<string, unknown>;
				try {
					data = await this.call('/api/v1/targets', {state: 'active', scrapePool: job}, signal);
				} catch {
					return;
				}
				for (const target of Array.isArray(data.activeTargets) ? data.activeTargets : []) {
					if (!isRecord(target)) continue;
					const labels = labelsOf(target.labels);
					if (typeof target.lastError === 'string' && target.lastError) found.set(targetKey(labels.job ?? '', labels.instance ?? ''), target.lastError);
				}
			}),
		);
		for (const state of down) {
			const error = found.get(targetKey(state.job, state.instance));
			if (error) state.error = error;
		}
	}

	async alerts(signal: AbortSignal): Promise<AlertInfo[]> {
		const data = await this.call('/api/v1/alerts', {}, signal);
		if (!Array.isArray(data.alerts)) return [];
		return data.alerts.filter(isRecord).map(a => {
			const labels = labelsOf(a.labels);
			const annotations = labelsOf(a.annotations);
			const alert: AlertInfo = {name: labels.alertname ?? 'unnamed', state: typeof a.state === 'string' ? a.state : 'firing', labels};
			if (typeof a.activeAt === 'string') alert.activeAt = a.activeAt;
			const summary = annotations.summary ?? annotations.description;
			if (summary) alert.summary = summary;
			return alert;
		});
	}
}
