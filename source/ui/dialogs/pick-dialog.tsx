import React from 'react';
import {Text} from 'ink';
import {useKeyPresses} from '../components/use-key-presses.js';
import {Command, dialogFooter, matches, pickedNumber} from '../keymap.js';

const pickFooter = dialogFooter([
	[[Command.Up, Command.Down], 'choose'],
	[[Command.Confirm], 'select'],
	[[Command.Cancel], 'cancel'],
]);
/** A filterable picker: letters and digits go to the filter, so only the arrows move. */
const filterFooter = `type to filter · ${dialogFooter([
	[[Command.Up, Command.Down], 'choose'],
	[[Command.Confirm], 'select'],
	[[Command.ClearInput], 'clear'],
	[[Command.Cancel], 'clear, then cancel'],
])}`;
import {useController, useIncident, useTheme} from '../context.js';
import {editText, useLatestState} from '../components/text-input.js';
import {scrollOffset} from '../layout.js';
import type {IncidentStatus, Role, Severity} from '../../timeline/events.js';
import {commandChoice, scopeChoice, type PickItem, type PickPurpose} from '../../store/types.js';
import type {CockpitController} from '../controller.js';
import {displayText} from '../../text/display.js';
import {DialogFrame, frameLines} from './dialog-frame.js';

const nothingToPick = {
	runbook: 'No runbooks yet: none is active and the configured directories (`runbooks` in the config) have not been listed or hold none.',
	severity: 'No severities to choose from.',
	status: 'No statuses to choose from.',
	command: 'No commands to choose from.',
	role: 'No roles to choose from.',
	context: 'The kubeconfig has no contexts.',
	namespace: 'No namespaces to choose from.',
};

/** The items whose label holds `filter` (case-insensitive), all of them without one. */
function filtered(items: readonly PickItem[], filter: string): PickItem[] {
	const wanted = filter.trim().toLowerCase();
	return wanted ? items.filter(item => item.label.toLowerCase().includes(wanted)) : [...items];
}

/** What picking `value` asks of the controller, by the picker's purpose. */
function pickValue(controller: CockpitController, purpose: PickPurpose, value: string): void {
	if (purpose === 'runbook') controller.selectRunbook(value);
	else if (purpose === 'severity') controller.setSeverity(value as Severity);
	else if (purpose === 'status') controller.setStatus(value as IncidentStatus);
	else if (purpose === 'role') controller.setRole(value as Role);
	else if (purpose === 'context' || purpose === 'namespace') {
		const choice = scopeChoice.parse(value);
		if (choice) controller.switchScope(choice);
	} else {
		const choice = commandChoice.parse(value);
		if (choice && 'configId' in choice) controller.requestConfigCommand(choice.configId);
		else if (choice) controller.requestStep(choice.stepId, choice.index);
	}
}

/**
 * A picker for the active runbook, the severity, the status, a command to run, a role, or the kube
 * context or namespace: j/k or arrows move (wrapping at the ends), 1-9 pick a visible row, enter
 * picks the highlighted one. A filterable picker (contexts, namespaces: long lists) takes letters and
 * digits as its filter instead, so only the arrows move there; esc clears the filter, then closes.
 *
 * Written here instead of ink-select-input, which the first version used: it compares its input with
 * one key and reads the highlighted row from its last render, so keys that arrive together (j j j
 * typed faster than a frame over SSH comes as "jjj") did not move it, and enter then picked the row
 * that was highlighted before. This one takes such a burst key by key (`useKeyPresses`) and keeps
 * the highlight in a ref (`useLatestState`), as the text fields do.
 */
export function PickDialog(props: {purpose: PickPurpose; title: string; items: PickItem[]; current?: string; note?: string; filterable?: boolean; width: number; height: number; isActive: boolean}) {
	const controller = useController();
	const theme = useTheme();
	const dialogClosed = useIncident(s => s.dialogClosed);
	const [getFilter, setFilter, filter] = useLatestState('');
	const items = props.filterable ? filtered(props.items, filter) : props.items;
	const [getHighlight, setHighlight, highlight] = useLatestState(Math.max(0, items.findIndex(i => i.value === props.current)));
	// The note and the filter take a line each above the items.
	const extra = (props.note ? 1 : 0) + (props.filterable ? 1 : 0);
	// As tall as its items (a short list is a short box), up to the body; an empty list says why in up to three lines.
	const height = Math.min(props.height, (items.length === 0 ? 3 : items.length) + extra + frameLines);
	const visible = Math.max(1, height - frameLines - extra);
	const [getOffset, setOffset, offset] = useLatestState(scrollOffset(highlight, items.length, visible));

	const pick = (item: {value: string} | undefined) => {
		if (!item) return;
		dialogClosed();
		pickValue(controller, props.purpose, item.value);
	};
	const move = (to: number, count: number) => {
		setHighlight(to);
		setOffset(scrollOffset(to, count, visible, getOffset()));
	};
	/** Typing in a filterable picker narrows it; the highlight goes to the first item left. */
	const typed = (input: string, key: Parameters<typeof editText>[2]): boolean => {
		if (!props.filterable) return false;
		const next = editText(getFilter(), input, key);
		if (next === null) return false;
		setFilter(next);
		move(0, filtered(props.items, next).length);
		return true;
	};
	useKeyPresses(
		(input, key) => {
			if (matches(Command.Cancel, input, key)) {
				// Esc clears a filter first, then closes.
				if (props.filterable && getFilter()) {
					setFilter('');
					return move(0, props.items.length);
				}
				return dialogClosed();
			}
			if (typed(input, key)) return;
			const shown = props.filterable ? filtered(props.items, getFilter()) : props.items;
			if (shown.length === 0) return;
			const at = Math.min(getHighlight(), shown.length - 1);
			// In a filterable picker j, k and digits were typed (above): only the arrows get here.
			const number = props.filterable ? null : pickedNumber(input, key);
			if (matches(Command.Down, input, key)) move((at + 1) % shown.length, shown.length);
			else if (matches(Command.Up, input, key)) move((at - 1 + shown.length) % shown.length, shown.length);
			else if (matches(Command.Confirm, input, key)) pick(shown[at]);
			else if (number !== null) pick(shown[getOffset() + number - 1]);
		},
		{isActive: props.isActive},
	);
	const footer = props.items.length === 0 ? dialogFooter([[[Command.Cancel], 'close']]) : props.filterable ? filterFooter : pickFooter;
	return (
		<DialogFrame title={props.title} width={props.width} height={height} footer={footer}>
			{props.note ? (
				<Text wrap="truncate-end" color={theme.colorOf('warn')}>
					{`${theme.symbolOf('warn')} ${displayText(props.note)}`}
				</Text>
			) : null}
			{props.filterable ? <Text wrap="truncate-end">{`filter: ${displayText(filter)}${props.isActive ? '▏' : ''}${filter && items.length === 0 ? '  (nothing matches; esc clears)' : ''}`}</Text> : null}
			{items.length === 0 && !filter ? <Text wrap="wrap">{nothingToPick[props.purpose]}</Text> : null}
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
