/**
 * `incident-tui status`: every source once, within a bounded wait, as a report (JSON or a plain
 * table) and an exit code.
 */
import type {Config} from '../config/schema.js';
import type {Cluster, DeploymentInfo, PodInfo} from '../ports/cluster.js';
import type {AlertInfo, Labels, Metrics} from '../ports/metrics.js';
import {alertBackends, alertLevel, mergeAlerts} from './alerts.js';
import {formatValue, toneFor, toneLevel, worstTone} from './format.js';
import {checkAll} from './health.js';
import {dedupe, type QueryDef} from './metrics.js';
import {createMetricsBackend} from './registry.js';
import {ScrapeMetrics} from './scrape.js';

export type Level = 'ok' | 'warn' | 'crit' | 'unknown';

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
	}>;
	alerts: Array<{name: string; state: string; labels: Labels}>;
	deployments: Array<{name: string; revision: number; replicas: number; ready: number}>;
	pods: Array<{name: string; deployment: string | null; phase: string; ready: string; restarts: number; reason: string | null}>;
	errors: Array<{source: string; message: string}>;
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
	/** Gap between the two scrapes direct scrape mode needs for a rate (default 1000 ms). */
	scrapeGapMs?: number;
}

function message(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
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

/** Resolves with the first full list from the cluster's watch, then stops the watch. */
async function clusterSnapshot(cluster: Cluster, signal: AbortSignal): Promise<{pods: PodInfo[]; deployments: DeploymentInfo[]}> {
	const watch = new AbortController();
	const stop = () => watch.abort();
	signal.addEventListener('abort', stop, {once: true});
	try {
		return await new Promise((resolve, reject) => {
			signal.addEventListener('abort', () => reject(new Error(`no answer from the cluster (context ${cluster.context}, namespace ${cluster.namespace}) in time`)), {once: true});
			cluster
				.watch(
					{
						reset: (pods, deployments) => resolve({pods, deployments}),
						change: () => {},
						error: (error, retryInMs) => {
							// A retrying watch may still answer in time; a final error ends the wait.
							if (retryInMs === null) reject(error);
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

export async function collectStatus(options: CollectStatusOptions): Promise<StatusReport> {
	const {config} = options;
	const deadline = AbortSignal.timeout(options.timeoutMs ?? 5000);
	const report: StatusReport = {health: [], metrics: [], alerts: [], deployments: [], pods: [], errors: []};
	const metrics = options.metrics === undefined ? createMetricsBackend(config) : options.metrics;
	const queries = dedupe([...config.queries, ...(options.queries ?? [])]);

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
		if (!metrics || queries.length === 0) return;
		if (metrics instanceof ScrapeMetrics) {
			// A rate needs two samples: scrape twice, a moment apart.
			await metrics.scrapeOnce(deadline).catch(error => report.errors.push({source: 'scrape', message: message(error)}));
			await sleep(options.scrapeGapMs ?? 1000, deadline);
			await metrics.scrapeOnce(deadline).catch(() => {});
			for (const error of metrics.targetErrors()) if (!report.errors.some(e => e.message === error)) report.errors.push({source: 'scrape', message: error});
		}
		const results = await Promise.allSettled(queries.map(q => metrics.instant(q.promql, deadline)));
		report.metrics = queries.map((q, i) => {
			const result = results[i]!;
			const base = {id: q.id, title: q.title ?? q.id, unit: q.unit ?? '', ...(q.warn === undefined ? {} : {warn: q.warn}), ...(q.critical === undefined ? {} : {critical: q.critical})};
			if (result.status === 'rejected') {
				report.errors.push({source: `metrics:${q.id}`, message: message(result.reason)});
				return {...base, series: [], level: 'unknown' as Level, error: message(result.reason)};
			}
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
		results.forEach((r, i) => {
			if (r.status === 'fulfilled') lists.push(r.value);
			else report.errors.push({source: backends[i]!.id, message: message(r.reason)});
		});
		report.alerts = mergeAlerts(lists).map(a => ({name: a.name, state: a.state, labels: a.labels}));
	};

	const clusterPart = async () => {
		const cluster = options.cluster;
		if (!cluster) return;
		try {
			const {pods, deployments} = await clusterSnapshot(cluster, deadline);
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
			}),
		),
	);
	return report;
}

/** 1 when anything is critical: a failing health check, a query at its critical threshold, a firing critical alert, or a deployment with no ready replica. */
export function statusExitCode(report: StatusReport): 0 | 1 {
	if (report.health.some(h => !h.ok || h.level === 'crit')) return 1;
	if (report.metrics.some(m => m.level === 'crit')) return 1;
	if (report.alerts.some(a => a.state === 'firing' && alertLevel({name: a.name, state: a.state, labels: a.labels}) === 'crit')) return 1;
	if (report.deployments.some(d => d.replicas > 0 && d.ready === 0)) return 1;
	return 0;
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
	if (report.metrics.length === 0) out.push('  (no queries)');
	else {
		const rows: string[][] = [];
		for (const m of report.metrics) {
			const limits = [m.warn === undefined ? '' : `warn ${formatValue(m.warn, m.unit)}`, m.critical === undefined ? '' : `crit ${formatValue(m.critical, m.unit)}`].filter(Boolean).join(', ');
			if (m.error) rows.push([mark[m.level], m.title, '', 'error', m.error]);
			else if (m.series.length === 0) rows.push([mark[m.level], m.title, '', 'no data', limits]);
			else {
				for (const [i, s] of m.series.slice(0, 8).entries()) rows.push([i === 0 ? mark[m.level] : '', i === 0 ? m.title : '', labelText(s.labels), formatValue(s.value, m.unit), i === 0 ? limits : '']);
				if (m.series.length > 8) rows.push(['', '', `(${m.series.length - 8} more series)`, '', '']);
			}
		}
		out.push(...table(rows));
	}
	out.push('', 'ALERTS');
	if (report.alerts.length === 0) out.push('  (none)');
	else out.push(...table(report.alerts.map(a => [a.state, a.name, labelText(Object.fromEntries(Object.entries(a.labels).filter(([k]) => k !== 'alertname')))])));
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
