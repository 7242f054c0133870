import React from 'react';
import {Text, useInput} from 'ink';
import {Command, matches} from '../keymap.js';
import {useController, useIncident} from '../context.js';
import {editText, useLatestState} from '../components/text-input.js';
import {tailText} from '../../text/display.js';
import {DialogFrame, dialogTextWidth} from './dialog-frame.js';

/** A one-line prompt for a timeline note (the `/` filter is typed in the footer: filter-bar.tsx). */
export function PromptDialog(props: {title: string; initial: string; width: number; height: number; isActive: boolean}) {
	const controller = useController();
	const dialogClosed = useIncident(s => s.dialogClosed);
	const [getValue, setValue, value] = useLatestState(props.initial);

	// Plain useInput: a burst of characters here is typing or a paste.
	useInput(
		(input, key) => {
			if (matches(Command.Cancel, input, key)) {
				dialogClosed();
				return;
			}
			if (matches(Command.Confirm, input, key)) {
				const text = getValue().trim();
				if (text) controller.addNote(text);
				dialogClosed();
				return;
			}
			const next = editText(getValue(), input, key);
			if (next !== null) setValue(next);
		},
		{isActive: props.isActive},
	);

	return (
		<DialogFrame title={props.title} width={props.width} height={Math.min(props.height, 6)} footer="enter save · esc cancel · ctrl+u clear">
			<Text wrap="truncate-start">
				<Text>{'> '}</Text>
				{/* Only the end that fits is drawn: a pasted page of text is not laid out on every key. */}
				<Text>{tailText(value, dialogTextWidth(props.width) - 3)}</Text>
				<Text inverse> </Text>
			</Text>
		</DialogFrame>
	);
}
