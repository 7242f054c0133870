import React from 'react';
import {Text, useInput} from 'ink';
import {Command, matches} from '../keymap.js';
import {useController, useIncident} from '../context.js';
import {editText, useLatestState} from '../components/text-input.js';
import {DialogFrame} from './dialog-frame.js';

/** A one-line prompt: a note for the timeline, or the focused list's filter (applied as you type). */
export function PromptDialog(props: {purpose: 'note' | 'filter'; title: string; initial: string; width: number; height: number; isActive: boolean}) {
	const controller = useController();
	const focus = useIncident(s => s.ui.focus);
	const filterChanged = useIncident(s => s.filterChanged);
	const dialogClosed = useIncident(s => s.dialogClosed);
	const [getValue, setValue, value] = useLatestState(props.initial);

	useInput(
		(input, key) => {
			const value = getValue();
			if (matches(Command.Cancel, input, key)) {
				if (props.purpose === 'filter') filterChanged(focus, props.initial);
				dialogClosed();
				return;
			}
			if (matches(Command.Confirm, input, key)) {
				if (props.purpose === 'note') {
					if (value.trim()) controller.addNote(value.trim());
				} else {
					filterChanged(focus, value);
				}
				dialogClosed();
				return;
			}
			const next = editText(value, input, key);
			if (next === null) return;
			setValue(next);
			if (props.purpose === 'filter') filterChanged(focus, next);
		},
		{isActive: props.isActive},
	);

	return (
		<DialogFrame title={props.title} width={props.width} height={Math.min(props.height, 6)} footer="enter save · esc cancel · ctrl+u clear">
			<Text wrap="truncate-start">
				<Text>{'> '}</Text>
				<Text>{value}</Text>
				<Text inverse> </Text>
			</Text>
		</DialogFrame>
	);
}
