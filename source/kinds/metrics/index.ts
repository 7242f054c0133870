/**
 * Metrics: each query's value with its unit, a sparkline and its thresholds; the firing alerts (from
 * Prometheus and Alertmanager) in the title, as there is no Alerts pane yet.
 */
import type {RowCache} from '../../store/memo.js';
import {feedProblemText, feedVerdict, verdictWords} from '../../store/feeds.js';
import type {IncidentState} from '../../store/types.js';
import {queriesStatus} from './status.js';
import type {Kind, KindContext, Toned} from '../types.js';
import {alertsData, alertsStatus, startAlertsSource} from './alerts.js';
import {metricsData} from './data.js';
import {metricDetails} from './details.js';
import {metricLines} from './live.js';
import {metricRows, metricsSummary} from './rows.js';
import {startQueries} from './source.js';

/** The queries and their targets, the firing alerts first, and a failing alerts source: "no alerts" must never be what an unreachable Alertmanager looks like. */
function summary(state: IncidentState, now: number, cache: RowCache): Toned {
	const status = cache.memo(metricsSummary)(metricsData.of(state));
	const firing = alertsData.of(state).filter(a => a.state === 'firing');
	const titled = firing.length > 0 ? {text: `${firing.length} firing: ${firing.map(a => a.name).join(', ')} · ${status.summary.text}`, tone: 'crit' as const} : status.summary;
	const alerts = feedVerdict(state.feeds.alerts, now);
	return alerts && alerts.state !== 'ok' && alerts.state !== 'loading' ? {text: `${titled.text} · alerts: ${verdictWords(alerts)}`, tone: alerts.tone} : titled;
}

/** The queries' and the alerts' sources. */
function start(ctx: KindContext): () => void {
	const stops = [startQueries(ctx), startAlertsSource(ctx)];
	return () => {
		for (const stop of stops) stop();
	};
}

export const metricsKind: Kind = {
	id: 'metrics',
	title: 'Metrics',
	layout: {weight: 2, column: 'left'},
	feed: 'metrics',
	start,
	rows: metricRows,
	summary,
	// The feed's own failure first; else a scrape target behind the queries that is down.
	problem: (state, now, cache) => feedProblemText(state.feeds.metrics, now) ?? cache.memo(metricsSummary)(metricsData.of(state)).problem,
	empty: () => "no queries (config queries[] or the runbook's)",
	details: metricDetails,
	liveLines(part, state) {
		const metric = metricsData.of(state).find(m => m.id === part.id);
		return metric ? metricLines(metric) : ['(this query is no longer polled)'];
	},
	keys: [],
	status: [queriesStatus, alertsStatus],
};
