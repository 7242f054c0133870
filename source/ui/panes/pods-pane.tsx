import React from 'react';
import {selectFilteredPodRows, selectPodRows, selectPodsSummary} from '../../store/selectors.js';
import {useIncident, useNow} from '../context.js';
import {VirtualList} from '../components/virtual-list.js';
import {bodyRows, feedProblem, Pane} from './pane.js';
import type {PaneProps} from './pane-props.js';

export function PodsPane(props: PaneProps) {
	const podGroups = useIncident(s => s.cluster.podGroups);
	const deployments = useIncident(s => s.cluster.deployments);
	const feed = useIncident(s => s.feeds.cluster);
	const selected = useIncident(s => s.ui.selected.pods);
	const filter = useIncident(s => s.ui.filter.pods);
	const env = useIncident(s => s.env);
	const now = useNow();
	const rows = selectFilteredPodRows(selectPodRows(podGroups, deployments), filter);
	const problem = feedProblem(feed, now);
	return (
		<Pane
			id="pods"
			width={props.width}
			height={props.height}
			focused={props.focused}
			summary={selectPodsSummary(podGroups, deployments)}
			problem={problem}
			extra={`${env.context || '-'}/${env.namespace}${filter ? `  /${filter}` : ''}`}
		>
			<VirtualList rows={rows} selected={selected} height={bodyRows(props.height, problem)} width={props.width} focused={props.focused} now={now} empty={!feed || feed.status === 'idle' ? 'no cluster configured (kubernetes: in config)' : feed.lastOkAt === undefined ? 'no answer yet' : 'no pods'} />
		</Pane>
	);
}
