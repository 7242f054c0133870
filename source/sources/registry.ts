/**
 * The one place live sources are registered. Adding a source is one module plus one line in
 * `sourceEntries` below.
 */
import type {Config} from '../config/schema.js';
import type {Cluster} from '../ports/cluster.js';
import type {Metrics} from '../ports/metrics.js';
import type {IncidentStore} from '../store/store.js';
import type {AppendEvent} from '../timeline/events.js';
import {startAlertsSource} from './alerts.js';
import {startHealthSource} from './health.js';
import {startKubernetesSource} from './kubernetes.js';
import {dedupe, metricRow, startMetricsSource, type QueryDef} from './metrics.js';
import {createMetricsBackend, isStartable} from '../clients/metrics-backend.js';

export interface SourceContext {
	config: Config;
	store: IncidentStore;
	append: AppendEvent;
	signal: AbortSignal;
	now?: () => number;
}

export interface StartSourcesContext extends SourceContext {
	/** Metrics backend; default: `createMetricsBackend(config)`. */
	metrics?: Metrics | null;
	cluster?: Cluster | null;
	/** Queries from the active runbook (already templated), after the config's. */
	extraQueries?: QueryDef[];
}

interface SourceEntry {
	id: string;
	start: (ctx: StartSourcesContext & {metrics: Metrics | null}) => () => void;
}

const sourceEntries: SourceEntry[] = [
	{id: 'health', start: ctx => startHealthSource(ctx)},
	{
		id: 'metrics',
		start: ctx => {
			const queries = dedupe([...ctx.config.queries, ...(ctx.extraQueries ?? [])]);
			if (ctx.metrics) return startMetricsSource({...ctx, metrics: ctx.metrics, queries});
			// No backend: still list the queries (a runbook's included), each saying why it has no value.
			if (queries.length > 0) ctx.store.getState().metricsReceived(queries.map(q => metricRow(q, [], 'no metrics backend: set prometheus.url, or scrape: URLs on services')));
			return () => {};
		},
	},
	{id: 'alerts', start: ctx => startAlertsSource(ctx)},
	{id: 'kubernetes', start: ctx => (ctx.cluster ? startKubernetesSource(ctx, ctx.cluster) : () => {})},
];

/** Starts every source; the returned function (or aborting ctx.signal) stops them all. */
export function startSources(ctx: StartSourcesContext): () => void {
	const metrics = ctx.metrics === undefined ? createMetricsBackend(ctx.config) : ctx.metrics;
	const stops: Array<() => void> = [];
	if (metrics && isStartable(metrics)) stops.push(metrics.start(ctx.signal));
	for (const entry of sourceEntries) {
		try {
			stops.push(entry.start({...ctx, metrics}));
		} catch (error) {
			ctx.store.getState().feedFailed(entry.id, `could not start: ${(error as Error).message}`);
		}
	}
	let stopped = false;
	return () => {
		if (stopped) return;
		stopped = true;
		for (const stop of stops.reverse()) stop();
	};
}
