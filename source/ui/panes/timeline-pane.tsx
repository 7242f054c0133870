import React from 'react';
import {applyFilter} from '../../store/selectors.js';
import {selectTimelineRows} from '../../store/selectors-timeline.js';
import {useIncident} from '../context.js';
import {VirtualList} from '../components/virtual-list.js';
import {bodyRows, Pane} from './pane.js';
import type {PaneProps} from './pane-props.js';

export function TimelinePane(props: PaneProps) {
	const timeline = useIncident(s => s.timeline);
	const pinned = useIncident(s => s.incident.pinned);
	const selected = useIncident(s => s.ui.selected.timeline);
	const filter = useIncident(s => s.ui.filter.timeline);
	const journalPath = useIncident(s => s.env.journalPath);
	const all = selectTimelineRows(timeline, pinned);
	const rows = applyFilter(all, filter);
	// The count is of the rows (not of pins or command output: see selectTimelineRows); times are UTC, as in the export.
	// The newest event is at the bottom; an unfocused timeline follows it.
	const shown = props.focused ? selected : {index: rows.length - 1};
	return (
		<Pane id="timeline" width={props.width} height={props.height} focused={props.focused} summary={{text: `${all.length} events · UTC`, tone: 'muted'}} extra={filter ? `/${filter}` : undefined}>
			<VirtualList rows={rows} selected={shown} height={bodyRows(props.height, null)} width={props.width} focused={props.focused} empty={journalPath ? `journal: ${journalPath}` : 'no events yet'} />
		</Pane>
	);
}
