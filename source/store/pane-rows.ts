import {applyFilter, selectFilteredPodRows, selectHealthRows, selectMetricRows, selectPodRows, selectRunbookRows, type Row, type RowRef} from './selectors.js';
import {selectTimelineRows} from './selectors-timeline.js';
import type {IncidentState, PaneId} from './types.js';
import type {PodInfo} from '../ports/cluster.js';
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
			return applyFilter(selectRunbookRows(state.runbook, state.incident.checkedSteps, state.metrics, state.doneWhenHeld, state.runbook ? state.incident.stepTicks[state.runbook.id] : undefined), filter);
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

/** Pod phases in the order kubectl prefers them for a log: running, then unknown, then pending. */
const logPhaseRank: Record<string, number> = {Running: 0, Unknown: 1, Pending: 2};

/**
 * The pod whose log `l` follows for a selected row: a pod row's own pod, or for a deployment the pod
 * `kubectl logs deployment/NAME` picks (kubectl's podutils.ByLogging): one on a node, running, ready,
 * with the most restarts, the oldest. (kubectl also prefers the pod ready the longest; rows do not
 * keep when a pod became ready, so age stands in for it.)
 */
export function logPodOf(state: IncidentState, ref: RowRef | undefined): string | undefined {
	if (ref?.kind === 'pod') return ref.name;
	if (ref?.kind !== 'deployment') return undefined;
	const ready = (pod: PodInfo) => pod.phase === 'Running' && pod.ready === pod.containers && !pod.waitingReason;
	const ranked = [...(state.cluster.podGroups[ref.name] ?? [])].sort(
		(a, b) =>
			Number(!a.node) - Number(!b.node) ||
			(logPhaseRank[a.phase] ?? 3) - (logPhaseRank[b.phase] ?? 3) ||
			Number(ready(b)) - Number(ready(a)) ||
			b.restarts - a.restarts ||
			a.createdAt.localeCompare(b.createdAt),
	);
	return ranked[0]?.name;
}
