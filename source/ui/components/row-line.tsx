import React, {memo} from 'react';
import {Text} from 'ink';
import type {Cell, Row} from '../../store/selectors.js';
import {useTheme} from '../context.js';

/** Pads or cuts `text` to exactly `width` columns (ellipsis when cut). Rows are ASCII-and-symbol text. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	if (width <= 0) return '';
	const chars = [...text];
	if (chars.length > width) return width === 1 ? '…' : `${chars.slice(0, width - 1).join('')}…`;
	const pad = ' '.repeat(width - chars.length);
	return align === 'right' ? pad + text : text + pad;
}

/** Lays cells out on one line of `width` columns: fixed-width cells, the rest to the flexible one. */
export function layoutCells(cells: readonly Cell[], width: number): string[] {
	const fixed = cells.reduce((sum, cell) => sum + (cell.width === undefined ? 0 : cell.width + 1), 0);
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

export const RowLine = memo(function RowLine(props: {row: Row; width: number; selected: boolean; age?: string}) {
	const theme = useTheme();
	const cells = props.age === undefined ? props.row.cells : props.row.cells.map(cell => (cell.age ? {...cell, text: props.age!, tone: 'muted' as const} : cell));
	const parts = layoutCells(cells, props.width - 2);
	const marker = props.selected ? (theme.color ? '▶ ' : '> ') : `${theme.color ? ' ' : theme.symbolOf(props.row.tone)} `;
	return (
		<Text wrap="truncate-end" inverse={props.selected}>
			{marker}
			{parts.map((text, i) => {
				const cell = cells[i]!;
				return (
					<Text key={i} color={cell.tone && !props.selected ? theme.colorOf(cell.tone) : undefined} bold={cell.bold}>
						{text}
					</Text>
				);
			})}
		</Text>
	);
});
