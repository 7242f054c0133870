/**
 * A pane's selection stays on the row the operator chose. Rows move while they look at them: a pod
 * of a deployment above is created or deleted in a rollout, a pinned event jumps to the top, a deep
 * health body gains a dependency. An index alone would then point at another row, and `u` would
 * roll back a deployment they did not select. So the store keeps the chosen row's key with its
 * index, and every reader resolves the two against the rows it has.
 *
 * Headings (a runbook's "Triage", the Pods pane's "(no deployment)") are never selected: no key acts
 * on them, and stopping on them only costs the operator a key press between two steps.
 */
export interface Selection {
	/** Where the selection was put; used when its row is gone (a deleted pod): the row now there. */
	index: number;
	/** The key of the row the operator put it on; absent until they move it. */
	key?: string;
}

/** What the selection needs of a row. */
export interface SelectableRow {
	key: string;
	heading?: boolean;
}

/**
 * `at` (clamped), or the nearest row that is not a heading: looking first in `direction` (1: down,
 * -1: up), then the other way. When every row is a heading, `at` itself.
 */
function selectable(rows: readonly SelectableRow[], at: number, direction: 1 | -1): number {
	const start = Math.min(Math.max(0, at), rows.length - 1);
	if (!rows[start]!.heading) return start;
	for (const step of [direction, -direction]) {
		for (let i = start + step; i >= 0 && i < rows.length; i += step) if (!rows[i]!.heading) return i;
	}
	return start;
}

/** The index of the selected row in `rows`: its chosen row's, wherever that moved, else the same position (clamped, off headings). */
export function selectionIndex(rows: readonly SelectableRow[], selection: Selection): number {
	if (rows.length === 0) return 0;
	const at = Math.min(Math.max(0, selection.index), rows.length - 1);
	if (selection.key !== undefined && rows[at]!.key === selection.key) return at;
	// Only when the row moved: one pass over the rows (10,000 pods: tens of microseconds).
	const moved = selection.key === undefined ? -1 : rows.findIndex(row => row.key === selection.key);
	return moved >= 0 ? moved : selectable(rows, at, 1);
}

/** The selection put on row `index` of `rows` (clamped), or on the nearest non-heading row, looking in `direction` first. */
export function selectionAt(rows: readonly SelectableRow[], index: number, direction: 1 | -1 = 1): Selection {
	if (rows.length === 0) return {index: 0};
	const at = selectable(rows, index, direction);
	return {index: at, key: rows[at]!.key};
}
