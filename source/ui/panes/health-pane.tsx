import React from 'react';
import {healthSummary, selectHealthRows, applyFilter} from '../../store/selectors.js';
import {useIncident, useNow} from '../context.js';
import {VirtualList} from '../components/virtual-list.js';
import {bodyRows, feedProblem, Pane} from './pane.js';
import type {PaneProps} from './pane-props.js';

export function HealthPane(props: PaneProps) {
	const health = useIncident(s => s.health);
	const feed = useIncident(s => s.feeds.health);
	const selected = useIncident(s => s.ui.selected.health);
	const filter = useIncident(s => s.ui.filter.health);
	const now = useNow();
	const rows = applyFilter(selectHealthRows(health), filter);
	const problem = feedProblem(feed, now);
	return (
		<Pane id="health" width={props.width} height={props.height} focused={props.focused} summary={healthSummary(health)} problem={problem} extra={filter ? `/${filter}` : undefined}>
			<VirtualList rows={rows} selected={selected} height={bodyRows(props.height, problem)} width={props.width} focused={props.focused} now={now} empty={feed ? 'no answer yet' : 'no health checks configured (services[].health)'} />
		</Pane>
	);
}
