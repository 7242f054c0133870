import React from 'react';
import {Text} from 'ink';
import {useKeyPresses} from '../components/use-key-presses.js';
import {Command, dialogFooter, matches} from '../keymap.js';

const quitFooter = dialogFooter([
	[[Command.Yes, Command.Confirm, Command.Quit], 'quit'],
	[[Command.No, Command.Cancel], 'stay'],
]);
import {useController, useIncident} from '../context.js';
import {DialogFrame} from './dialog-frame.js';
import {plainInvocation, resumeCommand} from '../../cli/printed.js';

export function QuitDialog(props: {width: number; height: number; isActive: boolean}) {
	const controller = useController();
	const dialogClosed = useIncident(s => s.dialogClosed);
	const id = useIncident(s => s.incident.id);
	const status = useIncident(s => s.incident.status);
	const resume = useIncident(s => s.env.resumeCommand ?? resumeCommand(plainInvocation, id, {demo: s.env.demo}));
	useKeyPresses(
		(input, key) => {
			if (matches(Command.Yes, input, key) || matches(Command.Confirm, input, key) || matches(Command.Quit, input, key)) controller.quit();
			else if (matches(Command.No, input, key) || matches(Command.Cancel, input, key)) dialogClosed();
		},
		{isActive: props.isActive},
	);
	return (
		<DialogFrame title="Quit incident-tui?" width={props.width} height={Math.min(props.height, 7)} tone="warn" footer={quitFooter}>
			<Text wrap="truncate-end">{`The incident is still ${status}. Everything is saved in its journal.`}</Text>
			<Text wrap="wrap">{`Resume with: ${resume}`}</Text>
		</DialogFrame>
	);
}
