/**
 * A pane's selection stays on the row the operator chose. Rows move while they look at them: a pod
 * of a deployment above is created or deleted in a rollout, a pinned event jumps to the top, a deep
 * health body gains a dependency. An index alone would then point at another row, and `u` would
 * roll back a deployment they did not select. So the store keeps the chosen row's key with its
 * index, and every reader resolves the two against the rows it has.
 */
export interface Selection {
	/** Where the selection was put; used when its row is gone (a deleted pod): the row now there. */
	index: number;
	/** The key of the row the operator put it on; absent until they move it. */
	key?: string;
}

/** The index of the selected row in `rows`: its chosen row's, wherever that moved, else the same position, clamped. */
export function selectionIndex(rows: ReadonlyArray<{key: string}>, selection: Selection): number {
	if (rows.length === 0) return 0;
	const at = Math.min(Math.max(0, selection.index), rows.length - 1);
	if (selection.key === undefined || rows[at]!.key === selection.key) return at;
	// Only when the row moved: one pass over the rows (10,000 pods: tens of microseconds).
	const moved = rows.findIndex(row => row.key === selection.key);
	return moved >= 0 ? moved : at;
}

/** The selection put on row `index` of `rows` (clamped). */
export function selectionAt(rows: ReadonlyArray<{key: string}>, index: number): Selection {
	if (rows.length === 0) return {index: 0};
	const at = Math.min(Math.max(0, index), rows.length - 1);
	return {index: at, key: rows[at]!.key};
}
