import {applyFilter, selectFilteredPodRows, selectHealthRows, selectMetricRows, selectPodRows, selectRunbookRows, type Row, type RowRef} from './selectors.js';
import {selectTimelineRows} from './selectors-timeline.js';
import type {IncidentState, PaneId} from './types.js';
import {selectionIndex} from './selection.js';

/** The rows a pane shows, as the pane itself computes them (same memoized selectors). */
export function rowsFor(state: IncidentState, pane: PaneId): readonly Row[] {
	const filter = state.ui.filter[pane];
	switch (pane) {
		case 'health':
			return applyFilter(selectHealthRows(state.health), filter);
		case 'metrics':
			return applyFilter(selectMetricRows(state.metrics), filter);
		case 'pods':
			return selectFilteredPodRows(selectPodRows(state.cluster.podGroups, state.cluster.deployments), filter);
		case 'runbook':
			return applyFilter(selectRunbookRows(state.runbook, state.incident.checkedSteps, state.metrics, state.doneWhenHeld), filter);
		case 'timeline':
			return applyFilter(selectTimelineRows(state.timeline, state.incident.pinned), filter);
	}
}

/** The feed whose loading or error line a pane shows above its rows. */
const paneFeeds: Partial<Record<PaneId, string>> = {health: 'health', metrics: 'metrics', pods: 'cluster'};

/**
 * The lines a pane fills when it has room: its title, its feed's loading or error line, and its rows
 * (or the one line that says it has none). The layout gives a pane no more than this, so a short
 * list does not hold empty lines that a cut-off pane beside it could use.
 */
export function paneLines(state: IncidentState, pane: PaneId): number {
	const feed = paneFeeds[pane] === undefined ? undefined : state.feeds[paneFeeds[pane]];
	const problem = feed?.status === 'loading' || feed?.status === 'error' ? 1 : 0;
	return 1 + problem + Math.max(1, rowsFor(state, pane).length);
}

export function selectedRef(state: IncidentState, pane: PaneId): RowRef | undefined {
	const rows = rowsFor(state, pane);
	return rows[selectionIndex(rows, state.ui.selected[pane])]?.ref;
}

/**
 * The deployment u/s/r act on for a selected row: a deployment row itself, a pod's owner, or the
 * deployment a Health row's service names in the config (`deployment:`).
 */
export function deploymentOf(ref: RowRef | undefined): string | undefined {
	if (ref?.kind === 'deployment') return ref.name;
	if (ref?.kind === 'pod' || ref?.kind === 'health') return ref.deployment;
	return undefined;
}
