/** Metrics: each query's value with its unit, a sparkline and its thresholds (the alerts are the Alerts kind's). */
import {feedProblemText} from '../../store/feeds.js';
import {queriesStatus} from './status.js';
import type {Kind} from '../types.js';
import {metricsData} from './data.js';
import {metricDetails} from './details.js';
import {metricLines} from './live.js';
import {metricRows, metricsSummary} from './rows.js';
import {startQueries} from './source.js';

export const metricsKind: Kind = {
	id: 'metrics',
	title: 'Metrics',
	layout: {weight: 2, column: 'left'},
	feed: 'metrics',
	start: startQueries,
	rows: metricRows,
	summary: (state, _now, cache) => cache.memo(metricsSummary)(metricsData.of(state)).summary,
	// The feed's own failure first; else a scrape target behind the queries that is down.
	problem: (state, now, cache) => feedProblemText(state.feeds.metrics, now) ?? cache.memo(metricsSummary)(metricsData.of(state)).problem,
	empty: () => "no queries (config queries[] or the runbook's)",
	details: metricDetails,
	liveLines(part, state) {
		const metric = metricsData.of(state).find(m => m.id === part.id);
		return metric ? metricLines(metric) : ['(this query is no longer polled)'];
	},
	keys: [],
	status: [queriesStatus],
};
