/**
 * `incident-tui status`: every kind's status parts once (kinds/registry.ts), within a bounded wait,
 * as a report (JSON or a plain table) and an exit code.
 */
import {createMetricsBackend} from '../clients/metrics-backend.js';
import type {Config} from '../config/schema.js';
import type {Cluster} from '../ports/cluster.js';
import type {Metrics} from '../ports/metrics.js';
import {kinds} from './registry.js';
import {errorMessage, statusTable} from './status-table.js';
export {sourceState} from './status-table.js';
export {readsRange} from './metrics/status.js';
import type {QueryDef} from './metrics/source.js';
import type {CommonStatus, SourceReport, StatusPart} from './types.js';

/** The report: every part's fields (health, metrics, alerts, deployments, pods, ...), the errors and the sources. */
export type StatusReport = CommonStatus & Record<string, unknown>;

/** Exit codes of `incident-tui status`, as the README documents them. */
export const statusExit = {ok: 0, critical: 1, config: 2, unreadable: 3} as const;

export interface CollectStatusOptions {
	config: Config;
	cluster?: Cluster | null;
	/** Upper bound for the whole collection (default 5000 ms). */
	timeoutMs?: number;
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
	/** Extra queries (e.g. from a runbook), after the config's. */
	queries?: QueryDef[];
}

/** Every kind's status parts, in the registry's order. */
function statusParts(): StatusPart[] {
	return kinds.flatMap(kind => kind.status ?? []);
}

export async function collectStatus(options: CollectStatusOptions): Promise<StatusReport> {
	const timeoutMs = options.timeoutMs ?? 5000;
	const parts = statusParts();
	const errors: CommonStatus['errors'] = [];
	// By part, so the report lists them in a fixed order whatever answers first.
	const sources = parts.map((): SourceReport[] => []);
	const failed: SourceReport[] = [];
	const common = {
		config: options.config,
		cluster: options.cluster ?? null,
		...(options.clusterError === undefined ? {} : {clusterError: options.clusterError}),
		metrics: options.metrics === undefined ? createMetricsBackend(options.config) : options.metrics,
		timeoutMs,
		deadline: AbortSignal.timeout(timeoutMs),
		...(options.scrapeIntervalMs === undefined ? {} : {scrapeIntervalMs: options.scrapeIntervalMs}),
		...(options.queries === undefined ? {} : {queries: options.queries}),
		error: (source: string, text: string) => void errors.push({source, message: text}),
	};
	const fields = await Promise.all(
		parts.map((part, i) =>
			part.collect({...common, source: report => void sources[i]!.push(report)}).catch((error: unknown) => {
				errors.push({source: part.id, message: errorMessage(error)});
				failed.push({source: part.id, state: 'error', error: errorMessage(error)});
				return {};
			}),
		),
	);
	// Prometheus first (it answers both queries and alerts), then Alertmanager, scrape targets, the cluster.
	const ranked = parts.map((part, i) => ({rank: part.sourceRank ?? 1, i})).sort((a, b) => a.rank - b.rank || a.i - b.i);
	return Object.assign({}, ...fields, {errors, sources: [...ranked.flatMap(({i}) => sources[i]!), ...failed]}) as StatusReport;
}

/**
 * 1 when anything is critical; else 3 when something configured could not be read (so "nothing
 * critical" is never said of what was not seen); else 0. (2, a configuration error, is the CLI's.)
 */
export function statusExitCode(report: StatusReport): 0 | 1 | 3 {
	const parts = statusParts();
	if (parts.some(part => part.critical?.(report))) return statusExit.critical;
	if (report.sources.some(s => s.state !== 'ok') || parts.some(part => part.unreadable?.(report))) return statusExit.unreadable;
	return statusExit.ok;
}

/** Plain aligned text, no colour: for terminals, logs and scripts. */
export function formatStatusTable(report: StatusReport): string {
	const sections: string[][] = [];
	if (report.sources.length > 0) sections.push(['SOURCES', ...statusTable(report.sources.map(s => [s.state.toUpperCase(), s.source, s.error ?? '']))]);
	for (const part of statusParts()) {
		const lines = part.table(report);
		if (lines.length > 0) sections.push(lines);
	}
	if (report.errors.length > 0) sections.push(['ERRORS', ...statusTable(report.errors.map(e => [e.source, e.message]))]);
	return `${sections.map(lines => lines.join('\n')).join('\n\n')}\n`;
}
