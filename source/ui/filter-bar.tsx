import React from 'react';
import {Box, Text} from 'ink';
import {Command, dialogFooter, matches} from './keymap.js';

const filterFooter = dialogFooter([
	[[Command.Confirm], 'keep'],
	[[Command.Cancel], 'restore'],
	[[Command.ClearInput], 'clear'],
]);
import {useIncident, useTheme} from './context.js';
import {editText, useLatestState} from './components/text-input.js';
import {useTextInput} from './components/paste.js';
import {tailText} from '../text/display.js';

/**
 * The `/` filter, typed in the footer line while the focused pane stays in view and narrows as you
 * type (like k9s). Enter keeps the filter, esc restores the one before.
 */
export function FilterBar(props: {pane: string; initial: string; width: number; isActive: boolean}) {
	const theme = useTheme();
	const filterChanged = useIncident(s => s.filterChanged);
	const dialogClosed = useIncident(s => s.dialogClosed);
	const [getValue, setValue, value] = useLatestState(props.initial);

	// A burst of characters here is typing, not separate commands; a paste is text on one line.
	useTextInput(
		(input, key) => {
			if (matches(Command.Cancel, input, key)) {
				filterChanged(props.pane, props.initial);
				dialogClosed();
				return;
			}
			if (matches(Command.Confirm, input, key)) {
				dialogClosed();
				return;
			}
			const next = editText(getValue(), input, key);
			if (next === null) return;
			setValue(next);
			filterChanged(props.pane, next);
		},
		{isActive: props.isActive},
	);

	return (
		<Box width={props.width} height={1}>
			<Text wrap="truncate-start">
				<Text bold color={theme.accent}>{`/${tailText(value, Math.max(8, props.width - 3))}`}</Text>
				<Text inverse> </Text>
				<Text dimColor>{`  filter ${props.pane} · ${filterFooter}`}</Text>
			</Text>
		</Box>
	);
}
