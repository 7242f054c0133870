import {paneIds, type PaneId} from '../store/types.js';

/** Pure layout: how many lines and columns each pane gets. Tested without React. */

export interface PaneBox {
	id: PaneId;
	width: number;
	height: number;
}

export interface Layout {
	/** One or two columns of panes, top to bottom. */
	columns: PaneBox[][];
	bodyHeight: number;
	width: number;
}

export const headerHeight = 1;
export const footerHeight = 1;
/** A pane is at least its title line and one row. */
export const minPaneHeight = 2;

const weights: Record<PaneId, number> = {health: 2, metrics: 2, pods: 4, runbook: 3, timeline: 3};

/**
 * Shares `total` lines among panes: each gets its minimum, then the rest goes by weight (the
 * focused pane counts triple) to panes that still want lines (`wants`: title + rows); what nobody
 * wants goes to the column's last pane, so the panes stay together at the top, the blank lines are
 * at the bottom, and the screen is always filled and never overflows.
 */
function share(ids: readonly PaneId[], total: number, focus: PaneId, wants: Partial<Record<PaneId, number>>): PaneBox[] {
	const heights = new Map<PaneId, number>(ids.map(id => [id, minPaneHeight]));
	let left = total - minPaneHeight * ids.length;
	const want = (id: PaneId) => Math.max(minPaneHeight, wants[id] ?? Number.POSITIVE_INFINITY);
	while (left > 0) {
		const hungry = ids.filter(id => heights.get(id)! < want(id));
		if (hungry.length === 0) break;
		const weight = (id: PaneId) => weights[id] * (id === focus ? 3 : 1);
		const sum = hungry.reduce((acc, id) => acc + weight(id), 0);
		let given = 0;
		for (const id of hungry) {
			const portion = Math.min(want(id) - heights.get(id)!, Math.max(1, Math.floor((left * weight(id)) / sum)), left - given);
			if (portion <= 0) continue;
			heights.set(id, heights.get(id)! + portion);
			given += portion;
		}
		if (given === 0) break;
		left -= given;
	}
	if (left > 0) {
		const sink = ids.at(-1)!;
		heights.set(sink, heights.get(sink)! + left);
	}
	return ids.map(id => ({id, width: 0, height: heights.get(id)!}));
}

export function computeLayout(width: number, height: number, focus: PaneId, wants: Partial<Record<PaneId, number>> = {}): Layout {
	const bodyHeight = Math.max(minPaneHeight * 5, height - headerHeight - footerHeight);
	if (width >= 150 && bodyHeight >= 3 * minPaneHeight + 8) {
		const leftWidth = Math.floor(width * 0.58);
		const rightWidth = width - leftWidth - 1; // one column gap
		const left = share(['health', 'metrics', 'pods'], bodyHeight, focus, wants).map(b => ({...b, width: leftWidth}));
		const right = share(['runbook', 'timeline'], bodyHeight, focus, wants).map(b => ({...b, width: rightWidth}));
		return {columns: [left, right], bodyHeight, width};
	}
	return {columns: [share(paneIds, bodyHeight, focus, wants).map(b => ({...b, width}))], bodyHeight, width};
}

/** The first visible row so that `selected` stays in view (scrolls by whole pages' worth of context). */
export function scrollOffset(selected: number, count: number, visible: number, previous = 0): number {
	if (visible <= 0 || count <= visible) return 0;
	let offset = Math.min(previous, count - visible);
	if (selected < offset) offset = selected;
	if (selected >= offset + visible) offset = selected - visible + 1;
	return Math.max(0, Math.min(offset, count - visible));
}
