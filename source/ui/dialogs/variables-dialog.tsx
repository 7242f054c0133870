import React from 'react';
import {Text, useInput} from 'ink';
import {Command, dialogFooter, matches} from '../keymap.js';
import {useController, useIncident, useTheme} from '../context.js';
import {editText, useLatestState} from '../components/text-input.js';
import type {VariableField} from '../../store/types.js';
import {tailText} from '../../text/display.js';
import {DialogFrame, dialogTextWidth, frameLines} from './dialog-frame.js';

const variablesFooter = dialogFooter([
	[[Command.NextField], 'next field'],
	[[Command.Confirm], 'run with these'],
	[[Command.Cancel], 'cancel'],
]);

/** The values of the fields by variable name, for the controller. */
function valuesOf(fields: readonly VariableField[], values: readonly string[]): Record<string, string> {
	return Object.fromEntries(fields.map((field, index) => [field.name, values[index] ?? '']));
}

/**
 * The variables form `x` opens on a step whose command uses variables no source gives: one line per
 * variable (a secret one shown as dots), its hint under it; tab moves between them, enter hands the
 * values to the controller, which checks them (the form opens again with the problem when one is refused).
 */
export function VariablesDialog(props: {title: string; stepId: string; commandIndex?: number; fields: VariableField[]; problem?: string; width: number; height: number; isActive: boolean}) {
	const controller = useController();
	const theme = useTheme();
	const dialogClosed = useIncident(s => s.dialogClosed);
	const {fields} = props;
	const [getValues, setValues, values] = useLatestState(fields.map(field => field.value));
	const [getFocus, setFocus, focus] = useLatestState(Math.max(0, props.problem ? fields.findIndex(field => props.problem!.startsWith(`${field.name}:`)) : 0));

	useInput(
		(input, key) => {
			if (matches(Command.Cancel, input, key)) return dialogClosed();
			if (matches(Command.NextField, input, key)) return setFocus((getFocus() + 1) % Math.max(1, fields.length));
			if (matches(Command.Confirm, input, key)) return controller.enterVariables(props.stepId, props.commandIndex, valuesOf(fields, getValues()));
			const at = getFocus();
			const next = editText(getValues()[at] ?? '', input, key);
			if (next === null) return;
			setValues(getValues().map((value, index) => (index === at ? next : value)));
		},
		{isActive: props.isActive},
	);

	const width = dialogTextWidth(props.width);
	const height = Math.min(props.height, fields.length * 2 + frameLines + (props.problem ? 1 : 0));
	return (
		<DialogFrame
			title={props.title}
			width={props.width}
			height={height}
			footer={variablesFooter}
			fixed={props.problem ? <Text color={theme.colorOf('warn')} wrap="truncate-end">{`${theme.symbolOf('warn')} ${props.problem}`}</Text> : null}
		>
			{fields.map((field, index) => {
				const focused = index === focus;
				const value = values[index] ?? '';
				const shown = field.secret ? '\u2022'.repeat([...value].length) : value;
				return (
					<React.Fragment key={field.name}>
						<Text wrap="truncate-start" bold={focused && !theme.color} color={focused ? theme.focusBorder : undefined}>
							<Text>{`${focused ? '❯' : ' '} ${field.name}: `}</Text>
							<Text>{tailText(shown, Math.max(1, width - field.name.length - 5))}</Text>
							{focused ? <Text inverse> </Text> : null}
						</Text>
						<Text wrap="truncate-end" color={theme.colorOf('muted')}>{`    ${field.hint || 'no value from the alert, the selected row or the session'}`}</Text>
					</React.Fragment>
				);
			})}
		</DialogFrame>
	);
}
