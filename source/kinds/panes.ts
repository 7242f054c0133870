/**
 * What the screen and the keys ask of the kinds, generated from the registry: the focused kind, a
 * pane's rows as shown (its filter applied), its selected row, and the lines it would fill.
 */
import {feedProblemText} from '../store/feeds.js';
import {RowCache} from '../store/memo.js';
import {selectionIndex, type Selection} from '../store/selection.js';
import type {DetailPart, IncidentState} from '../store/types.js';
import {kindById, kinds} from './registry.js';
import type {Cluster} from '../ports/cluster.js';
import type {Details, DetailsContext, Kind, Row, RowRef, Toned} from './types.js';

/** The focused pane's kind: the one the store names, else the first. */
export function focusedKind(state: Pick<IncidentState, 'ui'>): Kind {
	return (state.ui.focus === null ? undefined : kindById(state.ui.focus)) ?? kinds[0]!;
}

/** Rows whose search text holds `filter` (trimmed, lower case): a pane's `/` filter. */
export function applyFilter(rows: readonly Row[], filter: string): readonly Row[] {
	const needle = filter.trim().toLowerCase();
	if (!needle) return rows;
	return rows.filter(row => row.search.includes(needle));
}

/** The rows a kind's pane shows: its rows, its filter applied (memoized, so the same array while neither changes). */
export function rowsFor(state: IncidentState, kind: Kind, cache: RowCache): readonly Row[] {
	const rows = kind.rows(state, cache);
	const filter = state.ui.filter[kind.id] ?? '';
	if (!filter) return rows;
	return kind.filter ? kind.filter(rows, filter, cache) : cache.memo(applyFilter)(rows, filter);
}

const firstRow: Selection = {index: 0};
/** Past the last row and on no row's key: resolves to the last row, whichever it is now. */
const lastRow: Selection = {index: Number.MAX_SAFE_INTEGER};

/**
 * The selection a kind's pane starts with: the first row, or for a pane that follows its end (the
 * timeline) the last row, which it keeps following as rows come until the operator moves it.
 */
export function unmovedSelection(kind: Kind): Selection {
	return kind.followsEnd ? lastRow : firstRow;
}

/** A kind's pane's selection: the operator's, or where it starts (unmovedSelection). */
export function selectionOf(state: Pick<IncidentState, 'ui'>, kind: Kind): Selection {
	return state.ui.selected[kind.id] ?? unmovedSelection(kind);
}

/** The selected row of a kind's pane, if it has rows. */
export function selectedRow(state: IncidentState, kind: Kind, cache: RowCache): Row | undefined {
	const rows = rowsFor(state, kind, cache);
	return rows[selectionIndex(rows, selectionOf(state, kind))];
}

/** The line under a pane's title: the kind's own, else its feed's loading or failure line. */
export function problemOf(state: IncidentState, kind: Kind, now: number, cache: RowCache): Toned | null {
	if (kind.problem) return kind.problem(state, now, cache);
	return kind.feed === undefined ? null : feedProblemText(state.feeds[kind.feed], now);
}

/**
 * The lines a pane fills when it has room: its title, its feed's loading or error line, its column headers, and its rows
 * (or the one line that says it has none). The layout gives a pane no more than this, so a short
 * list does not hold empty lines that a cut-off pane beside it could use.
 */
export function paneLines(state: IncidentState, kind: Kind, cache: RowCache): number {
	const feed = kind.feed === undefined ? undefined : state.feeds[kind.feed];
	const problem = feed?.status === 'loading' || feed?.status === 'error' ? 1 : 0;
	const rows = rowsFor(state, kind, cache).length;
	return 1 + problem + (kind.columns && rows > 0 ? 1 : 0) + Math.max(1, rows);
}

/** A details dialog's lines now: its fixed parts as they are, each live part drawn by its kind from `state` at `now` (Kind.liveLines). */
export function liveDetailLines(parts: readonly DetailPart[], state: IncidentState, now: number): string[] {
	return parts.flatMap(part => {
		if ('lines' in part) return part.lines;
		return kindById(part.kind)?.liveLines?.(part, state, now) ?? part.otherwise ?? [];
	});
}

/** What `detailsFor` may be told beside the row and the store; each has a default (see below). */
export type DetailsOptions = Partial<Omit<DetailsContext, 'state' | 'cluster'>>;

/**
 * The details view of a selected row, from its kind (Kind.details). Defaults: no masking, the real
 * clock, 20 log lines, 5 s for the cluster's answers, no variables, no metrics backend.
 */
export async function detailsFor(ref: RowRef, state: IncidentState, cluster: Cluster | null, given: DetailsOptions = {}): Promise<Details> {
	const ctx: DetailsContext = {redact: text => text, now: Date.now, tailLines: 20, timeoutMs: 5000, variables: {}, secretVariables: [], metrics: null, ...given, state, cluster};
	const kind = kindById(ref.kind);
	if (!kind?.details) return {title: ref.key, lines: ['(no details)']};
	return withPaneProblem(await kind.details(ref, ctx), kind, state, ctx.now());
}

/**
 * A row's details, under its pane's problem line whole when it has one ("Pods: unreachable 45s ·
 * cannot reach the API server … (context fake-prod, namespace shop-payments-eu)"): the pane cuts that
 * line at its edge, and it says how far what the row shows can be trusted.
 */
function withPaneProblem(details: Details, kind: Kind, state: IncidentState, now: number): Details {
	const problem = paneProblemLines(state, kind, now);
	if (!problem) return details;
	const lines = [...problem, ''];
	return {...details, lines: [...lines, ...details.lines], ...(details.parts ? {parts: [{lines}, ...details.parts]} : {})};
}

/** A pane's problem line as whole lines ("Pods: …"), or null when it has none (or it only says loading). */
export function paneProblemLines(state: IncidentState, kind: Kind, now: number): string[] | null {
	const problem = problemOf(state, kind, now, new RowCache());
	if (!problem || problem.tone === 'muted') return null;
	return [`${kind.title}: ${problem.text}`];
}
