import React, {useRef} from 'react';
import {Box, Text} from 'ink';
import {formatAge, formatCountdown} from '../../text/format.js';
import type {Row} from '../../kinds/types.js';
import {selectionIndex, type Selection} from '../../store/selection.js';
import {scrollOffset} from '../layout.js';
import {RowLine} from './row-line.js';

/** What the screen clock shows in a row's clock cell: a pod's age, or the time left to a step's tick. */
function clockText(row: Row, now: number | undefined): string | undefined {
	if (!now) return undefined;
	if (row.createdAt) return formatAge(now - Date.parse(row.createdAt));
	if (row.countdownTo !== undefined) return formatCountdown(row.countdownTo - now);
	return undefined;
}

/**
 * Renders only the rows that fit (10,000 pods cost the same as 20). The scroll offset follows the
 * selection; rows are built by selectors outside render, so a frame only lays out visible rows.
 */
export function VirtualList(props: {rows: readonly Row[]; selected: Selection; height: number; width: number; focused: boolean; now?: number; empty?: string}) {
	const offsetRef = useRef(0);
	const {rows, height} = props;
	if (height <= 0) return null;
	if (rows.length === 0) {
		return <Text dimColor wrap="truncate-end">{`  ${props.empty ?? 'nothing to show'}`}</Text>;
	}
	const selected = selectionIndex(rows, props.selected);
	let offset = scrollOffset(selected, rows.length, height, offsetRef.current);
	// Scrolled up to a section's first row: its heading comes into view with it.
	if (height > 1 && offset === selected && offset > 0 && rows[offset - 1]!.heading) offset--;
	offsetRef.current = offset;
	const visible = rows.slice(offset, offset + height);
	return (
		<Box flexDirection="column" height={height}>
			{visible.map((row, i) => (
				<RowLine
					key={row.key}
					row={row}
					width={props.width}
					selected={props.focused && offset + i === selected}
					clock={clockText(row, props.now)}
				/>
			))}
		</Box>
	);
}
