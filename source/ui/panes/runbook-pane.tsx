import React from 'react';
import {applyFilter, runbookProgress, selectRunbookRows} from '../../store/selectors.js';
import {useIncident, useNow} from '../context.js';
import {VirtualList} from '../components/virtual-list.js';
import {bodyRows, Pane} from './pane.js';
import type {PaneProps} from './pane-props.js';

export function RunbookPane(props: PaneProps) {
	const runbook = useIncident(s => s.runbook);
	const checked = useIncident(s => s.incident.checkedSteps);
	const metrics = useIncident(s => s.metrics);
	const held = useIncident(s => s.doneWhenHeld);
	const ticks = useIncident(s => (s.runbook ? s.incident.stepTicks[s.runbook.id] : undefined));
	// The clock counts down to a held condition's tick; rows without a countdown ignore it.
	const now = useNow();
	const selected = useIncident(s => s.ui.selected.runbook);
	const filter = useIncident(s => s.ui.filter.runbook);
	const rows = applyFilter(selectRunbookRows(runbook, checked, metrics, held, ticks), filter);
	const progress = runbookProgress(runbook, checked);
	const summary = runbook
		? {text: `${runbook.title} · ${progress.done}/${progress.total} done`, tone: progress.done === progress.total && progress.total > 0 ? ('ok' as const) : ('info' as const)}
		: {text: 'no runbook (b to choose)', tone: 'muted' as const};
	return (
		<Pane id="runbook" width={props.width} height={props.height} focused={props.focused} summary={summary} extra={filter ? `/${filter}` : undefined}>
			<VirtualList rows={rows} selected={selected} height={bodyRows(props.height, null)} width={props.width} focused={props.focused} now={now} empty="no steps" />
		</Pane>
	);
}
