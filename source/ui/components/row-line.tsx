import React, {memo} from 'react';
import {Text} from 'ink';
import type {Cell, Row} from '../../kinds/types.js';
import {fitText} from '../../text/display.js';
import type {Theme} from '../theme.js';
import {useTheme} from '../context.js';

/**
 * Pads or cuts `text` to exactly `width` columns (ellipsis when cut), in the form every terminal
 * draws at that width (text/display.ts): cells hold names, labels, notes and messages from outside.
 */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	return fitText(text, width, align);
}

/** Lays cells out on one line of `width` columns: fixed-width cells, the rest to the flexible one. */
export function layoutCells(cells: readonly Cell[], width: number): string[] {
	// A zero-width cell is left out, with its separator.
	const fixed = cells.reduce((sum, cell) => sum + (cell.width === undefined || cell.width === 0 ? 0 : cell.width + 1), 0);
	const flexible = cells.filter(cell => cell.width === undefined).length;
	const rest = Math.max(0, width - fixed - (flexible > 0 ? flexible - 1 : 0));
	let used = 0;
	const out: string[] = [];
	for (const [i, cell] of cells.entries()) {
		const last = i === cells.length - 1;
		let w = cell.width ?? Math.floor(rest / Math.max(1, flexible));
		if (w === 0) {
			out.push('');
			continue;
		}
		w = Math.max(0, Math.min(w, width - used));
		const text = fit(cell.text, w, cell.align);
		used += w;
		if (!last && used < width) {
			out.push(`${text} `);
			used += 1;
		} else {
			out.push(text);
		}
	}
	return out;
}

/** The columns before a row's cells: the selection marker, and its tone's symbol when the theme shows symbols. */
export function markerWidth(theme: Theme): number {
	return theme.symbols ? 3 : 2;
}

/** A pane's column headers (Kind.columns), laid out over its rows' cells. */
export function columnsText(cells: readonly Cell[], width: number, theme: Theme): string {
	const indent = markerWidth(theme);
	return ' '.repeat(indent) + layoutCells(cells, width - indent).join('');
}

/**
 * A row as one pre-styled string. Ink composes a frame in time proportional to its styled nodes, so
 * a row is one <Text> holding ANSI-styled cells, not a <Text> per cell; the string is built once
 * per row, width and selection, and reused across frames.
 */
export function rowText(row: Row, width: number, selected: boolean, theme: Theme, clock?: string): string {
	const own = row.cells; // a pod row makes its cells at each read
	const cells = clock === undefined ? own : own.map(cell => (cell.clock ? {...cell, text: clock, tone: cell.tone ?? 'muted'} : cell));
	// With symbols (colour off, 16 colours) a row says its tone in a symbol, and the selected row keeps
	// it beside the marker: without colour or inverse (TERM=dumb) the marker is what shows it.
	const marker = `${selected ? '▶' : ' '}${theme.symbols ? theme.symbolOf(row.tone) : ''} `;
	const parts = layoutCells(cells, width - markerWidth(theme));
	let text = marker;
	for (const [i, part] of parts.entries()) {
		const cell = cells[i]!;
		// A selected row is drawn inverse as a whole; cell colours would fight with it.
		text += selected || !theme.color ? (cell.bold && !selected ? theme.painter(undefined, true)(part) : part) : theme.painter(cell.tone ? theme.colorOf(cell.tone) : undefined, Boolean(cell.bold))(part);
	}
	return text;
}

/** The row's text, kept in the theme's cache (one per cockpit) while its width, selection and clock are the same. */
function cachedRowText(row: Row, width: number, selected: boolean, theme: Theme, clock?: string): string {
	const key = `${width}:${selected}:${theme.color}:${theme.symbols}:${clock ?? ''}`;
	const hit = theme.rowTexts.get(row);
	if (hit?.key === key) return hit.text;
	const text = rowText(row, width, selected, theme, clock);
	theme.rowTexts.set(row, {key, text});
	return text;
}

/** `clock`: the text of the row's clock cell (its age, or the time left), when it has one. */
export const RowLine = memo(function RowLine(props: {row: Row; width: number; selected: boolean; clock?: string}) {
	const theme = useTheme();
	return (
		<Text wrap="truncate-end" inverse={props.selected}>
			{cachedRowText(props.row, props.width, props.selected, theme, props.clock)}
		</Text>
	);
});
