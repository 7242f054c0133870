import React from 'react';
import {Text} from 'ink';
import {useKeyPresses} from '../components/use-key-presses.js';
import {Command, dialogFooter, matches, pickedNumber} from '../keymap.js';

const pickFooter = dialogFooter([
	[[Command.Up, Command.Down], 'choose'],
	[[Command.Confirm], 'select'],
	[[Command.Cancel], 'cancel'],
]);
import {useController, useIncident, useTheme} from '../context.js';
import {useLatestState} from '../components/text-input.js';
import {scrollOffset} from '../layout.js';
import type {IncidentStatus, Role, Severity} from '../../timeline/events.js';
import {commandChoice, type PickItem, type PickPurpose} from '../../store/types.js';
import {displayText} from '../../text/display.js';
import {DialogFrame, frameLines} from './dialog-frame.js';

const nothingToPick = {
	runbook: 'No runbooks yet: none is active and the configured directories (`runbooks` in the config) have not been listed or hold none.',
	severity: 'No severities to choose from.',
	status: 'No statuses to choose from.',
	command: 'No commands to choose from.',
	role: 'No roles to choose from.',
};

/**
 * A picker for the active runbook, the severity, the status, or a command to run: j/k or arrows move (wrapping at the
 * ends), 1-9 pick a visible row, enter picks the highlighted one.
 *
 * Written here instead of ink-select-input, which the first version used: it compares its input with
 * one key and reads the highlighted row from its last render, so keys that arrive together (j j j
 * typed faster than a frame over SSH comes as "jjj") did not move it, and enter then picked the row
 * that was highlighted before. This one takes such a burst key by key (`useKeyPresses`) and keeps
 * the highlight in a ref (`useLatestState`), as the text fields do.
 */
export function PickDialog(props: {purpose: PickPurpose; title: string; items: PickItem[]; current?: string; width: number; height: number; isActive: boolean}) {
	const controller = useController();
	const theme = useTheme();
	const dialogClosed = useIncident(s => s.dialogClosed);
	const {items} = props;
	const [getHighlight, setHighlight, highlight] = useLatestState(Math.max(0, items.findIndex(i => i.value === props.current)));
	// As tall as its items (a short list is a short box), up to the body; an empty list says why in up to three lines.
	const height = Math.min(props.height, (items.length === 0 ? 3 : items.length) + frameLines);
	const visible = Math.max(1, height - frameLines);
	const [getOffset, setOffset, offset] = useLatestState(scrollOffset(highlight, items.length, visible));

	const pick = (item: {value: string} | undefined) => {
		if (!item) return;
		dialogClosed();
		if (props.purpose === 'runbook') controller.selectRunbook(item.value);
		else if (props.purpose === 'severity') controller.setSeverity(item.value as Severity);
		else if (props.purpose === 'status') controller.setStatus(item.value as IncidentStatus);
		else if (props.purpose === 'role') controller.setRole(item.value as Role);
		else {
			const choice = commandChoice.parse(item.value);
			if (choice && 'configId' in choice) controller.requestConfigCommand(choice.configId);
			else if (choice) controller.requestStep(choice.stepId, choice.index);
		}
	};
	const move = (to: number) => {
		setHighlight(to);
		setOffset(scrollOffset(to, items.length, visible, getOffset()));
	};
	useKeyPresses(
		(input, key) => {
			if (matches(Command.Cancel, input, key)) return dialogClosed();
			if (items.length === 0) return;
			const at = Math.min(getHighlight(), items.length - 1);
			const number = pickedNumber(input, key);
			if (matches(Command.Down, input, key)) move((at + 1) % items.length);
			else if (matches(Command.Up, input, key)) move((at - 1 + items.length) % items.length);
			else if (matches(Command.Confirm, input, key)) pick(items[at]);
			else if (number !== null) pick(items[getOffset() + number - 1]);
		},
		{isActive: props.isActive},
	);
	return (
		<DialogFrame title={props.title} width={props.width} height={height} footer={items.length > 0 ? pickFooter : dialogFooter([[[Command.Cancel], 'close']])}>
			{items.length === 0 ? <Text wrap="wrap">{nothingToPick[props.purpose]}</Text> : null}
			{items.slice(offset, offset + visible).map((item, index) => {
				const selected = offset + index === highlight;
				return (
					<Text key={item.value} wrap="truncate-end" color={selected ? theme.focusBorder : undefined} bold={selected && !theme.color}>
						{`${selected ? '❯' : ' '} ${displayText(item.label)}`}
						{item.description ? <Text color={theme.colorOf('muted')}>{`  ${displayText(item.description)}`}</Text> : null}
					</Text>
				);
			})}
		</DialogFrame>
	);
}
