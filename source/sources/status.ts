/**
 * `incident-tui status`: every source once, within a bounded wait, as a report (JSON or a plain
 * table) and an exit code.
 */
import {parser} from '@prometheus-io/lezer-promql';
import {HttpError} from '../clients/http.js';
import type {Config} from '../config/schema.js';
import type {Cluster, DeploymentInfo, PodInfo} from '../ports/cluster.js';
import type {AlertInfo, Labels, Metrics} from '../ports/metrics.js';
import {alertBackends, alertLevel, mergeAlerts} from './alerts.js';
import {formatValue, toneFor, toneLevel, worstTone} from '../text/format.js';
import {checkAll} from './health.js';
import {dedupe, type QueryDef} from './metrics.js';
import {createMetricsBackend} from '../clients/metrics-backend.js';
import {ScrapeMetrics} from '../clients/scrape/metrics.js';

export type Level = 'ok' | 'warn' | 'crit' | 'unknown';

/** Whether a configured source could be read: `ok`, or why not. */
export type SourceState = 'ok' | 'unreachable' | 'unauthorized' | 'error';

/** One configured source: Prometheus, Alertmanager, a direct-scrape target (`scrape:NAME`), Kubernetes. */
export interface SourceReport {
	source: string;
	state: SourceState;
	/** Why it could not be read (absent when `ok`). */
	error?: string;
}

/** How direct scrape mode measured: two scrapes `intervalMs` apart, or one, with the rates then unknown. */
export interface ScrapeReport {
	scrapes: 1 | 2;
	intervalMs: number;
	/** The time between the two scrapes: what every rate is measured over. */
	coveredMs?: number;
	/** `none`: no query reads a range, so one scrape was enough. */
	windows: 'measured' | 'unknown' | 'none';
	/** The same in words, as the table prints it. */
	note: string;
}

/** Exit codes of `incident-tui status`, as the README documents them. */
export const statusExit = {ok: 0, critical: 1, config: 2, unreadable: 3} as const;

/** Direct scrape mode's default gap between its two scrapes. */
export const defaultScrapeIntervalMs = 10_000;

export interface StatusReport {
	health: Array<{
		name: string;
		ok: boolean;
		status: number | null;
		latencyMs: number | null;
		level: Level;
		detail?: string;
		dependencies: Array<{name: string; status: string; ok: boolean; latencyMs: number | null}>;
	}>;
	metrics: Array<{
		id: string;
		title: string;
		series: Array<{labels: Labels; value: number | null}>;
		unit: string;
		level: Level;
		warn?: number;
		critical?: number;
		error?: string;
		/** `unknown`: a rate (a range such as `[5m]`) that one direct scrape cannot measure. */
		window?: 'unknown';
	}>;
	alerts: Array<{name: string; state: string; labels: Labels}>;
	deployments: Array<{name: string; revision: number; replicas: number; ready: number}>;
	pods: Array<{name: string; deployment: string | null; phase: string; ready: string; restarts: number; reason: string | null}>;
	errors: Array<{source: string; message: string}>;
	/** Every configured source and whether it could be read. */
	sources: SourceReport[];
	/** Direct scrape mode only: how the rates were measured. */
	scrape?: ScrapeReport;
}

export interface CollectStatusOptions {
	config: Config;
	cluster?: Cluster | null;
	/** Upper bound for the whole collection (default 5000 ms). */
	timeoutMs?: number;
	/** Extra queries (e.g. from a runbook), after the config's. */
	queries?: QueryDef[];
	/** Metrics backend; default: `createMetricsBackend(config)`. */
	metrics?: Metrics | null;
	/**
	 * Direct scrape mode: the gap between its two scrapes, which every rate is then measured over
	 * (default 10 s); 0 takes one scrape and reports rates as unknown. The wait for the metrics is
	 * `timeoutMs` plus this.
	 */
	scrapeIntervalMs?: number;
	/** Why the cluster could not be connected to (an unreadable kubeconfig): reported as its source's error. */
	clusterError?: string;
}

function message(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** Why a source could not be read, from its error: 401/403 and RBAC refusals, no answer, or anything else. */
export function sourceState(error: unknown): Exclude<SourceState, 'ok'> {
	if (error instanceof HttpError) {
		if (error.status === 401 || error.status === 403) return 'unauthorized';
		return error.kind === 'timeout' || error.kind === 'refused' || error.kind === 'dns' || error.kind === 'reset' || error.kind === 'aborted' ? 'unreachable' : 'error';
	}
	const text = message(error);
	if (/\b(401|403)\b|unauthori[sz]ed|forbidden/i.test(text)) return 'unauthorized';
	if (/connection refused|host unreachable|DNS lookup failed|timeout after|timed out|connection reset|no answer from/i.test(text)) return 'unreachable';
	return 'error';
}

/** Whether a query reads a range of samples (`rate(x[5m])`, a subquery): one direct scrape cannot measure it. */
export function readsRange(promql: string): boolean {
	let found = false;
	parser.parse(promql).iterate({
		enter(node) {
			if (node.name === 'MatrixSelector' || node.name === 'SubqueryExpr') found = true;
			return !found;
		},
	});
	return found;
}

function secondsText(ms: number): string {
	return `${(ms / 1000).toFixed(1)} s`;
}

/** A pod that needs a look: not running/succeeded, not ready, or waiting with a reason. */
export function isUnhealthyPod(pod: PodInfo): boolean {
	if (pod.phase === 'Succeeded') return false;
	if (pod.phase !== 'Running') return true;
	return pod.ready < pod.containers || Boolean(pod.waitingReason) || pod.lastTerminationReason === 'OOMKilled';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise(resolve => {
		const timer = setTimeout(done, ms);
		signal.addEventListener('abort', done, {once: true});
		function done() {
			clearTimeout(timer);
			signal.removeEventListener('abort', done);
			resolve();
		}
	});
}

/**
 * Resolves with the first full list from the cluster's watch, and the errors of what it could not
 * list (reported with that list: a 500 on pods while deployments listed), then stops the watch.
 */
async function clusterSnapshot(cluster: Cluster, signal: AbortSignal): Promise<{pods: PodInfo[]; deployments: DeploymentInfo[]; errors: Error[]}> {
	const watch = new AbortController();
	const stop = () => watch.abort();
	signal.addEventListener('abort', stop, {once: true});
	// What the server said while it was retried: at the deadline, that is the answer, not "no answer".
	const errors: Error[] = [];
	try {
		return await new Promise((resolve, reject) => {
			signal.addEventListener(
				'abort',
				() => reject(errors.at(-1) ?? new Error(`no answer from the cluster (context ${cluster.context}, namespace ${cluster.namespace}) in time`)),
				{once: true},
			);
			cluster
				.watch(
					{
						// The errors of the resources the first list missed come right after it.
						reset: (pods, deployments) => void setImmediate(() => resolve({pods, deployments, errors: [...new Map(errors.map(e => [e.message, e])).values()]})),
						change: () => {},
						error: (error, retryInMs) => {
							// A retrying watch may still answer in time; a final error ends the wait.
							if (retryInMs === null) reject(error);
							else errors.push(error);
						},
					},
					watch.signal,
				)
				.catch(reject);
		});
	} finally {
		signal.removeEventListener('abort', stop);
		watch.abort();
	}
}

/** What direct scrape mode measured: rates over the gap between two scrapes, none needed, or unknown. */
function scrapeReport(intervalMs: number, needsRates: boolean, coveredMs: number | undefined): ScrapeReport {
	if (!needsRates) return {scrapes: 1, intervalMs, windows: 'none', note: 'one scrape: no query reads a rate'};
	if (coveredMs !== undefined) {
		return {scrapes: 2, intervalMs, coveredMs, windows: 'measured', note: `rates are over the ${secondsText(coveredMs)} between two scrapes, not the queries' ranges`};
	}
	const why = intervalMs === 0 ? '--scrape-interval 0; a rate needs two' : 'no time was left for the second';
	return {scrapes: 1, intervalMs, windows: 'unknown', note: `one scrape; rates are unknown (${why})`};
}

/**
 * Direct scrape mode: scrapes every target, waits `intervalMs`, scrapes again, so that every rate is
 * measured over that interval (the cockpit's window is not there to read); with 0, one scrape. Uses
 * ScrapeMetrics' public API only: scrapeOnce, targetErrors, options.targets.
 */
async function scrapeForStatus(metrics: ScrapeMetrics, intervalMs: number, needsRates: boolean, signal: AbortSignal): Promise<{scrape: ScrapeReport; sources: SourceReport[]}> {
	const firstAt = Date.now();
	await metrics.scrapeOnce(signal).catch(() => {}); // each target's failure is in targetErrors()
	let coveredMs: number | undefined;
	if (intervalMs > 0 && needsRates) {
		await sleep(intervalMs, signal);
		if (!signal.aborted) {
			coveredMs = Date.now() - firstAt;
			await metrics.scrapeOnce(signal).catch(() => {});
		}
	}
	const scrape = scrapeReport(intervalMs, needsRates, coveredMs);
	// A target's latest error names it ("scrape of NAME (URL) failed: ..."); one that names no target is reported on its own.
	const errors = metrics.targetErrors();
	const sources: SourceReport[] = metrics.options.targets.map(target => {
		const error = errors.find(e => e.startsWith(`scrape of ${target.name} (`));
		return error ? {source: `scrape:${target.name}`, state: sourceState(error), error} : {source: `scrape:${target.name}`, state: 'ok'};
	});
	for (const error of errors) if (!metrics.options.targets.some(t => error.startsWith(`scrape of ${t.name} (`))) sources.push({source: 'scrape', state: sourceState(error), error});
	return {scrape, sources};
}

export async function collectStatus(options: CollectStatusOptions): Promise<StatusReport> {
	const {config} = options;
	const timeoutMs = options.timeoutMs ?? 5000;
	const deadline = AbortSignal.timeout(timeoutMs);
	const report: StatusReport = {health: [], metrics: [], alerts: [], deployments: [], pods: [], errors: [], sources: []};
	const metrics = options.metrics === undefined ? createMetricsBackend(config) : options.metrics;
	const queries = dedupe([...config.queries, ...(options.queries ?? [])]);
	/** By part, so the report lists them in a fixed order whatever answers first. */
	const sources: Record<'metrics' | 'alerts' | 'kubernetes' | 'other', SourceReport[]> = {metrics: [], alerts: [], kubernetes: [], other: []};

	const health = async () => {
		const rows = await checkAll(config.services, deadline);
		report.health = rows.map(r => {
			const entry: StatusReport['health'][number] = {
				name: r.name,
				ok: r.ok,
				status: r.status ?? null,
				latencyMs: r.latencyMs ?? null,
				level: toneLevel(r.tone),
				dependencies: r.dependencies.map(d => ({name: d.name, status: d.status, ok: d.ok, latencyMs: d.latencyMs ?? null})),
			};
			if (r.detail) entry.detail = r.detail;
			return entry;
		});
	};

	const metricsPart = async () => {
		if (!metrics) return;
		let rangesUnknown = false;
		let signal = deadline;
		if (metrics instanceof ScrapeMetrics) {
			const intervalMs = options.scrapeIntervalMs ?? defaultScrapeIntervalMs;
			// The two scrapes take the interval on top of the usual wait.
			signal = AbortSignal.timeout(timeoutMs + intervalMs);
			const scraped = await scrapeForStatus(metrics, intervalMs, queries.some(q => readsRange(q.promql)), signal);
			report.scrape = scraped.scrape;
			sources.metrics.push(...scraped.sources);
			for (const source of scraped.sources) if (source.error) report.errors.push({source: 'scrape', message: source.error});
			rangesUnknown = scraped.scrape.windows === 'unknown';
		}
		const results = await Promise.allSettled(queries.map(q => (rangesUnknown && readsRange(q.promql) ? Promise.resolve(null) : metrics.instant(q.promql, signal))));
		report.metrics = queries.map((q, i) => {
			const result = results[i]!;
			const base = {id: q.id, title: q.title ?? q.id, unit: q.unit ?? '', ...(q.warn === undefined ? {} : {warn: q.warn}), ...(q.critical === undefined ? {} : {critical: q.critical})};
			if (result.status === 'rejected') {
				report.errors.push({source: `metrics:${q.id}`, message: message(result.reason)});
				return {...base, series: [], level: 'unknown' as Level, error: message(result.reason)};
			}
			if (result.value === null) return {...base, series: [], level: 'unknown' as Level, window: 'unknown' as const};
			const series = result.value
				.map(s => ({labels: Object.fromEntries(Object.entries(s.labels).filter(([k]) => k !== '__name__')), value: Number.isNaN(s.value) ? null : s.value}))
				.sort((a, b) => (b.value ?? Number.NEGATIVE_INFINITY) - (a.value ?? Number.NEGATIVE_INFINITY));
			const tone = worstTone(series.map(s => toneFor(s.value, {warn: q.warn, critical: q.critical, direction: q.direction})));
			return {...base, series, level: toneLevel(tone)};
		});
	};

	const alertsPart = async () => {
		const backends = alertBackends({config, metrics});
		const results = await Promise.allSettled(backends.map(b => b.fetch(deadline)));
		const lists: AlertInfo[][] = [];
		// Alertmanager knows silences and inhibitions: its view of an alert wins, as in the cockpit.
		let authoritative: AlertInfo[] = [];
		results.forEach((r, i) => {
			const id = backends[i]!.id;
			if (r.status === 'fulfilled') {
				if (backends[i]!.authoritative) authoritative = r.value;
				else lists.push(r.value);
				sources.alerts.push({source: id, state: 'ok'});
			} else {
				report.errors.push({source: id, message: message(r.reason)});
				sources.alerts.push({source: id, state: sourceState(r.reason), error: message(r.reason)});
			}
		});
		report.alerts = mergeAlerts(lists, authoritative).map(a => ({name: a.name, state: a.state, labels: a.labels}));
	};

	const clusterPart = async () => {
		const cluster = options.cluster;
		if (options.clusterError !== undefined) {
			report.errors.push({source: 'kubernetes', message: options.clusterError});
			sources.kubernetes.push({source: 'kubernetes', state: sourceState(options.clusterError), error: options.clusterError});
			return;
		}
		if (!cluster) return;
		try {
			const {pods, deployments, errors} = await clusterSnapshot(cluster, deadline);
			// A list that failed while the others answered (a 500 on pods): its error, and the source unread.
			for (const error of errors) report.errors.push({source: 'kubernetes', message: message(error)});
			const first = errors[0];
			sources.kubernetes.push(first ? {source: 'kubernetes', state: sourceState(first), error: message(first)} : {source: 'kubernetes', state: 'ok'});
			report.deployments = deployments
				.map(d => ({name: d.name, revision: d.revision, replicas: d.replicas, ready: d.readyReplicas}))
				.sort((a, b) => a.name.localeCompare(b.name));
			report.pods = pods
				.filter(isUnhealthyPod)
				.map(p => ({
					name: p.name,
					deployment: p.deployment ?? null,
					phase: p.terminating ? 'Terminating' : p.phase,
					ready: `${p.ready}/${p.containers}`,
					restarts: p.restarts,
					reason: p.waitingReason ?? p.lastTerminationReason ?? null,
				}))
				.sort((a, b) => a.name.localeCompare(b.name));
		} catch (error) {
			report.errors.push({source: 'kubernetes', message: message(error)});
			sources.kubernetes.push({source: 'kubernetes', state: sourceState(error), error: message(error)});
		}
	};

	const parts: Array<[string, () => Promise<void>]> = [
		['health', health],
		['metrics', metricsPart],
		['alerts', alertsPart],
		['kubernetes', clusterPart],
	];
	await Promise.all(
		parts.map(([source, run]) =>
			run().catch(error => {
				report.errors.push({source, message: message(error)});
				sources.other.push({source, state: 'error', error: message(error)});
			}),
		),
	);
	// Prometheus first (it answers both queries and alerts), then Alertmanager, scrape targets, the cluster.
	report.sources = [...sources.alerts.filter(s => s.source === 'prometheus'), ...sources.alerts.filter(s => s.source !== 'prometheus'), ...sources.metrics, ...sources.kubernetes, ...sources.other];
	return report;
}

/** Something is critical: a failing health check, a query at its critical threshold, a firing critical alert, or a deployment with no ready replica. */
function anyCritical(report: StatusReport): boolean {
	if (report.health.some(h => !h.ok || h.level === 'crit')) return true;
	if (report.metrics.some(m => m.level === 'crit')) return true;
	if (report.alerts.some(a => a.state === 'firing' && alertLevel({name: a.name, state: a.state, labels: a.labels}) === 'crit')) return true;
	return report.deployments.some(d => d.replicas > 0 && d.ready === 0);
}

/**
 * Something configured could not be read: a source (Prometheus, Alertmanager, a scrape target, the
 * cluster) that did not answer or refused, a query that failed, or a rate one scrape cannot measure.
 * A query that answered with no series is an answer (no 5xx at all has no 5xx series), not this.
 */
function anyUnreadable(report: StatusReport): boolean {
	return report.sources.some(s => s.state !== 'ok') || report.metrics.some(m => m.error !== undefined || m.window === 'unknown');
}

/**
 * 1 when anything is critical; else 3 when something configured could not be read (so "nothing
 * critical" is never said of what was not seen); else 0. (2, a configuration error, is the CLI's.)
 */
export function statusExitCode(report: StatusReport): 0 | 1 | 3 {
	if (anyCritical(report)) return statusExit.critical;
	if (anyUnreadable(report)) return statusExit.unreadable;
	return statusExit.ok;
}

function table(rows: string[][], indent = '  '): string[] {
	const widths: number[] = [];
	for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
	return rows.map(row => `${indent}${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}`.trimEnd());
}

const mark: Record<Level, string> = {ok: 'OK', warn: 'WARN', crit: 'CRIT', unknown: '?'};

function labelText(labels: Labels): string {
	return Object.entries(labels)
		.map(([k, v]) => `${k}=${v}`)
		.join(',');
}

/** Plain aligned text, no colour: for terminals, logs and scripts. */
export function formatStatusTable(report: StatusReport): string {
	const out: string[] = [];
	if (report.sources.length > 0) {
		out.push('SOURCES');
		out.push(...table(report.sources.map(s => [s.state.toUpperCase(), s.source, s.error ?? ''])), '');
	}
	out.push('HEALTH');
	if (report.health.length === 0) out.push('  (no health checks configured)');
	else {
		const rows: string[][] = [];
		for (const h of report.health) {
			rows.push([mark[h.level], h.name, h.status === null ? '-' : String(h.status), h.latencyMs === null ? '-' : formatValue(h.latencyMs, 'ms'), h.detail ?? '']);
			for (const d of h.dependencies) rows.push([d.ok ? '' : '!', `  ${d.name}`, d.status, d.latencyMs === null ? '' : formatValue(d.latencyMs, 'ms'), '']);
		}
		out.push(...table(rows));
	}
	out.push('', 'METRICS');
	if (report.scrape) out.push(`  (direct scrape: ${report.scrape.note})`);
	if (report.metrics.length === 0) out.push('  (no queries)');
	else {
		const rows: string[][] = [];
		for (const m of report.metrics) {
			const limits = [m.warn === undefined ? '' : `warn ${formatValue(m.warn, m.unit)}`, m.critical === undefined ? '' : `crit ${formatValue(m.critical, m.unit)}`].filter(Boolean).join(', ');
			if (m.error) rows.push([mark[m.level], m.title, '', 'error', m.error]);
			else if (m.window === 'unknown') rows.push([mark[m.level], m.title, '', 'unknown', 'a rate needs two scrapes']);
			else if (m.series.length === 0) rows.push([mark[m.level], m.title, '', 'no data', limits]);
			else {
				for (const [i, s] of m.series.slice(0, 8).entries()) rows.push([i === 0 ? mark[m.level] : '', i === 0 ? m.title : '', labelText(s.labels), formatValue(s.value, m.unit), i === 0 ? limits : '']);
				if (m.series.length > 8) rows.push(['', '', `(${m.series.length - 8} more series)`, '', '']);
			}
		}
		out.push(...table(rows));
	}
	out.push('', 'ALERTS');
	// "none" only from alert sources that answered: an Alertmanager that is down has not said there are none.
	const alertSources = report.sources.filter(s => s.source === 'prometheus' || s.source === 'alertmanager');
	const unread = alertSources.filter(s => s.state !== 'ok').map(s => s.source);
	if (report.alerts.length > 0) out.push(...table(report.alerts.map(a => [a.state, a.name, labelText(Object.fromEntries(Object.entries(a.labels).filter(([k]) => k !== 'alertname')))])));
	if (unread.length > 0) out.push(`  (${report.alerts.length === 0 ? 'unknown: ' : 'incomplete: '}${unread.join(' and ')} could not be read)`);
	else if (report.alerts.length === 0) out.push(alertSources.length === 0 ? '  (no alert source configured)' : '  (none)');
	if (report.deployments.length > 0 || report.pods.length > 0) {
		out.push('', 'DEPLOYMENTS');
		out.push(...table([['NAME', 'REVISION', 'READY'], ...report.deployments.map(d => [d.name, String(d.revision), `${d.ready}/${d.replicas}`])]));
		out.push('', 'UNHEALTHY PODS');
		if (report.pods.length === 0) out.push('  (none)');
		else out.push(...table([['NAME', 'DEPLOYMENT', 'PHASE', 'READY', 'RESTARTS', 'REASON'], ...report.pods.map(p => [p.name, p.deployment ?? '-', p.phase, p.ready, String(p.restarts), p.reason ?? ''])]));
	}
	if (report.errors.length > 0) {
		out.push('', 'ERRORS');
		out.push(...table(report.errors.map(e => [e.source, e.message])));
	}
	return `${out.join('\n')}\n`;
}
