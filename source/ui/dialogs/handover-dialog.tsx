import React from 'react';
import {Text} from 'ink';
import {useKeyPresses} from '../components/use-key-presses.js';
import {Command, dialogFooter, matches} from '../keymap.js';
import {useController, useIncident} from '../context.js';
import {displayText} from '../../text/display.js';
import {DialogFrame, frameLines} from './dialog-frame.js';

const handoverFooter = dialogFooter([
	[[Command.Yes, Command.Confirm], 'take over'],
	[[Command.No, Command.Cancel], 'keep'],
]);

/** Taking the commander role from `from`, who has it: y/enter takes it (the hand-over is recorded), n/esc keeps them. */
export function HandoverDialog(props: {title: string; text: string; from: string; width: number; height: number; isActive: boolean}) {
	const controller = useController();
	const dialogClosed = useIncident(s => s.dialogClosed);
	useKeyPresses(
		(input, key) => {
			if (matches(Command.Yes, input, key) || matches(Command.Confirm, input, key)) controller.takeCommand(props.from);
			else if (matches(Command.No, input, key) || matches(Command.Cancel, input, key)) dialogClosed();
		},
		{isActive: props.isActive},
	);
	return (
		<DialogFrame title={props.title} width={props.width} height={Math.min(props.height, 4 + frameLines)} tone="warn" footer={handoverFooter}>
			<Text wrap="wrap">{displayText(props.text)}</Text>
		</DialogFrame>
	);
}
