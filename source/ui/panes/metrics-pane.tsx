import React from 'react';
import {applyFilter, selectMetricRows, selectMetricsSummary} from '../../store/selectors.js';
import {feedVerdict, verdictWords} from '../../store/feeds.js';
import {useIncident, useNow} from '../context.js';
import {VirtualList} from '../components/virtual-list.js';
import {bodyRows, feedProblem, Pane} from './pane.js';
import type {PaneProps} from './pane-props.js';

export function MetricsPane(props: PaneProps) {
	const metrics = useIncident(s => s.metrics);
	const alerts = useIncident(s => s.alerts);
	const feed = useIncident(s => s.feeds.metrics);
	const alertsState = useIncident(s => s.feeds.alerts);
	const selected = useIncident(s => s.ui.selected.metrics);
	const filter = useIncident(s => s.ui.filter.metrics);
	const now = useNow();
	const rows = applyFilter(selectMetricRows(metrics), filter);
	const firing = alerts.filter(a => a.state === 'firing');
	const status = selectMetricsSummary(metrics);
	const summary = firing.length > 0 ? {text: `${firing.length} firing: ${firing.map(a => a.name).join(', ')} · ${status.summary.text}`, tone: 'crit' as const} : status.summary;
	// The feed's own failure first; else a scrape target behind the queries that is down.
	const problem = feedProblem(feed, now) ?? status.problem;
	// Alerts show in this title (there is no Alerts pane): so does a failing alerts source, or "no alerts" would look true.
	const alertsFeed = feedVerdict(alertsState, now);
	const shown = alertsFeed && alertsFeed.state !== 'ok' && alertsFeed.state !== 'loading' ? {text: `${summary.text} · alerts: ${verdictWords(alertsFeed)}`, tone: alertsFeed.tone} : summary;
	return (
		<Pane id="metrics" width={props.width} height={props.height} focused={props.focused} summary={shown} problem={problem} extra={filter ? `/${filter}` : undefined}>
			<VirtualList rows={rows} selected={selected} height={bodyRows(props.height, problem)} width={props.width} focused={props.focused} empty="no queries (config queries[] or the runbook's)" />
		</Pane>
	);
}
