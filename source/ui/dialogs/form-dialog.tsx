import React from 'react';
import {Text, useInput} from 'ink';
import {Command, dialogFooter, matches} from '../keymap.js';
import {useController, useIncident, useTheme} from '../context.js';
import {editText, useLatestState} from '../components/text-input.js';
import type {FormDialog as Form} from '../../store/types.js';
import {tailText} from '../../text/display.js';
import {DialogFrame, dialogTextWidth, frameLines} from './dialog-frame.js';

const formFooter = dialogFooter([
	[[Command.NextField], 'next field'],
	[[Command.Confirm], 'continue'],
	[[Command.Cancel], 'cancel'],
]);

/**
 * A form a kind's key opens (a silence's matchers, duration and comment): one line per field, its
 * hint under it; tab moves between them, enter hands the values to the controller, which makes its
 * action from them (its confirmation next) or opens the form again saying which value was refused.
 */
export function FormDialog(props: {form: Form; width: number; height: number; isActive: boolean}) {
	const controller = useController();
	const theme = useTheme();
	const dialogClosed = useIncident(s => s.dialogClosed);
	const {form} = props;
	const {fields, problem} = form;
	const [getValues, setValues, values] = useLatestState(fields.map(field => field.value));
	const [getFocus, setFocus, focus] = useLatestState(Math.max(0, problem ? fields.findIndex(field => problem.startsWith(`${field.name}:`)) : 0));

	useInput(
		(input, key) => {
			if (matches(Command.Cancel, input, key)) return dialogClosed();
			if (matches(Command.NextField, input, key)) return setFocus((getFocus() + 1) % Math.max(1, fields.length));
			if (matches(Command.Confirm, input, key)) return controller.requestAction(form.action, {values: Object.fromEntries(fields.map((field, i) => [field.name, getValues()[i] ?? '']))}, form);
			const at = getFocus();
			const next = editText(getValues()[at] ?? '', input, key);
			if (next === null) return;
			setValues(getValues().map((value, index) => (index === at ? next : value)));
		},
		{isActive: props.isActive},
	);

	const width = dialogTextWidth(props.width);
	const height = Math.min(props.height, fields.length * 2 + frameLines + (problem ? 1 : 0));
	return (
		<DialogFrame
			title={form.title}
			width={props.width}
			height={height}
			footer={formFooter}
			fixed={problem ? <Text color={theme.colorOf('warn')} wrap="truncate-end">{`${theme.symbolOf('warn')} ${problem}`}</Text> : null}
		>
			{fields.map((field, index) => {
				const focused = index === focus;
				return (
					<React.Fragment key={field.name}>
						<Text wrap="truncate-start" bold={focused && !theme.color} color={focused ? theme.focusBorder : undefined}>
							<Text>{`${focused ? '❯' : ' '} ${field.name}: `}</Text>
							<Text>{tailText(values[index] ?? '', Math.max(1, width - field.name.length - 5))}</Text>
							{focused ? <Text inverse> </Text> : null}
						</Text>
						<Text wrap="truncate-end" color={theme.colorOf('muted')}>{`    ${field.hint}`}</Text>
					</React.Fragment>
				);
			})}
		</DialogFrame>
	);
}
