import {kinds} from '../kinds/registry.js';

/** Pure layout: how many lines and columns each pane gets. Tested without React. */

export interface PaneBox {
	/** The kind whose pane it is. */
	id: string;
	width: number;
	height: number;
}

/** What the layout needs of a pane: its kind, its share of the height, its column on a wide screen (Kind.layout). */
export interface PaneSpec {
	id: string;
	weight: number;
	column: 'left' | 'right';
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

/** The registry's panes, in its order. */
export const registryPanes: readonly PaneSpec[] = kinds.map(kind => ({id: kind.id, ...kind.layout}));

/**
 * Shares `total` lines among panes: each gets its minimum, then the rest goes by weight (the
 * focused pane counts triple) to panes that still want lines (`wants`: title + rows); what nobody
 * wants goes to the column's last pane, so the panes stay together at the top, the blank lines are
 * at the bottom, and the screen is always filled and never overflows.
 */
function share(panes: readonly PaneSpec[], total: number, focus: string, wants: Readonly<Record<string, number>>): PaneBox[] {
	const ids = panes.map(pane => pane.id);
	const weights = new Map(panes.map(pane => [pane.id, pane.weight]));
	const heights = new Map<string, number>(ids.map(id => [id, minPaneHeight]));
	let left = total - minPaneHeight * ids.length;
	const want = (id: string) => Math.max(minPaneHeight, wants[id] ?? Number.POSITIVE_INFINITY);
	while (left > 0) {
		const hungry = ids.filter(id => heights.get(id)! < want(id));
		if (hungry.length === 0) break;
		const weight = (id: string) => weights.get(id)! * (id === focus ? 3 : 1);
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

/**
 * The panes' boxes: one column, or from 150 columns two (each pane in its `column`), the focused
 * pane's weight tripled; `wants` is what each pane would fill (kinds/panes.ts paneLines).
 *
 * In two columns, the column the focus is not in keeps the layout its own last focused pane gave it
 * (`focused`: the panes focused so far, most recent first): moving the focus to the other column
 * then redraws the two titles and the selections, not every line of a column whose content did not
 * change (at 200×50 a pane switch wrote ~3.7 KB, the whole left column, for a focus that left it).
 */
export function computeLayout(width: number, height: number, focus: string, wants: Readonly<Record<string, number>> = {}, panes: readonly PaneSpec[] = registryPanes, focused: readonly string[] = []): Layout {
	const bodyHeight = Math.max(minPaneHeight * panes.length, height - headerHeight - footerHeight);
	const leftPanes = panes.filter(pane => pane.column === 'left');
	const rightPanes = panes.filter(pane => pane.column === 'right');
	const tallest = Math.max(leftPanes.length, rightPanes.length);
	if (width >= 150 && leftPanes.length > 0 && rightPanes.length > 0 && bodyHeight >= tallest * minPaneHeight + 8) {
		const leftWidth = Math.floor(width * 0.58);
		const rightWidth = width - leftWidth - 1; // one column gap
		const lastFocusIn = (column: readonly PaneSpec[]) => [focus, ...focused].find(id => column.some(pane => pane.id === id)) ?? focus;
		const left = share(leftPanes, bodyHeight, lastFocusIn(leftPanes), wants).map(b => ({...b, width: leftWidth}));
		const right = share(rightPanes, bodyHeight, lastFocusIn(rightPanes), wants).map(b => ({...b, width: rightWidth}));
		return {columns: [left, right], bodyHeight, width};
	}
	return {columns: [share(panes, bodyHeight, focus, wants).map(b => ({...b, width}))], bodyHeight, width};
}

/** The first visible row so that `selected` stays in view (scrolls by whole pages' worth of context). */
export function scrollOffset(selected: number, count: number, visible: number, previous = 0): number {
	if (visible <= 0 || count <= visible) return 0;
	let offset = Math.min(previous, count - visible);
	if (selected < offset) offset = selected;
	if (selected >= offset + visible) offset = selected - visible + 1;
	return Math.max(0, Math.min(offset, count - visible));
}
