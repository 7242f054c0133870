import React from 'react';
import {Text, useInput} from 'ink';
import {Command, matches} from '../keymap.js';
import {useIncident, useTheme} from '../context.js';
import {editText, useLatestState} from '../components/text-input.js';
import type {VariableField} from '../../store/types.js';
import {tailText} from '../../text/display.js';
import {DialogFrame, dialogTextWidth, frameLines} from './dialog-frame.js';

/**
 * A form of text fields: one line per field (a secret one shown as dots), its hint under it; tab
 * moves between them, enter hands the values by field name to `onSubmit`, which checks them (the
 * form is opened again with `problem` when one is refused, the focus on the field it names).
 * The variables form (`x`) and a kind's form (a silence) are this dialog with their own footer.
 */
export function FieldsDialog(props: {
	title: string;
	fields: readonly VariableField[];
	problem?: string;
	footer: string;
	/** What a field with no hint says under it. */
	emptyHint?: string;
	onSubmit: (values: Record<string, string>) => void;
	width: number;
	height: number;
	isActive: boolean;
}) {
	const theme = useTheme();
	const dialogClosed = useIncident(s => s.dialogClosed);
	const {fields, problem} = props;
	const [getValues, setValues, values] = useLatestState(fields.map(field => field.value));
	const [getFocus, setFocus, focus] = useLatestState(Math.max(0, problem ? fields.findIndex(field => problem.startsWith(`${field.name}:`)) : 0));

	useInput(
		(input, key) => {
			if (matches(Command.Cancel, input, key)) return dialogClosed();
			if (matches(Command.NextField, input, key)) return setFocus((getFocus() + 1) % Math.max(1, fields.length));
			if (matches(Command.Confirm, input, key)) return props.onSubmit(Object.fromEntries(fields.map((field, index) => [field.name, getValues()[index] ?? ''])));
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
			title={props.title}
			width={props.width}
			height={height}
			footer={props.footer}
			fixed={problem ? <Text color={theme.colorOf('warn')} wrap="truncate-end">{`${theme.symbolOf('warn')} ${problem}`}</Text> : null}
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
						<Text wrap="truncate-end" color={theme.colorOf('muted')}>{`    ${field.hint || (props.emptyHint ?? '')}`}</Text>
					</React.Fragment>
				);
			})}
		</DialogFrame>
	);
}
