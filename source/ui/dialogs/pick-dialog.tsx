import React from 'react';
import {Text, useInput} from 'ink';
import SelectInput from 'ink-select-input';
import {Command, matches} from '../keymap.js';
import {useController, useIncident} from '../context.js';
import type {IncidentStatus, Severity} from '../../timeline/events.js';
import {DialogFrame} from './dialog-frame.js';

const nothingToPick = {
	runbook: 'No runbooks yet: none is active and the configured directories (`runbooks` in the config) have not been listed or hold none.',
	severity: 'No severities to choose from.',
	status: 'No statuses to choose from.',
};

/** A picker (ink-select-input) for the active runbook, the severity or the status. */
export function PickDialog(props: {purpose: 'runbook' | 'severity' | 'status'; title: string; items: Array<{label: string; value: string}>; current?: string; width: number; height: number; isActive: boolean}) {
	const controller = useController();
	const dialogClosed = useIncident(s => s.dialogClosed);
	useInput(
		(input, key) => {
			if (matches(Command.Cancel, input, key)) dialogClosed();
		},
		{isActive: props.isActive},
	);
	// ink-select-input hands over `undefined` when enter is pressed on an empty list.
	const onSelect = (item: {value: string} | undefined) => {
		if (!item) return;
		dialogClosed();
		if (props.purpose === 'runbook') controller.selectRunbook(item.value);
		else if (props.purpose === 'severity') controller.setSeverity(item.value as Severity);
		else controller.setStatus(item.value as IncidentStatus);
	};
	return (
		<DialogFrame title={props.title} width={props.width} height={props.height} footer={props.items.length > 0 ? '↑/↓ choose · enter select · esc cancel' : 'esc close'}>
			{props.items.length === 0 ? <Text wrap="wrap">{nothingToPick[props.purpose]}</Text> : null}
			<SelectInput items={props.items.map(i => ({...i, key: i.value}))} onSelect={onSelect} isFocused={props.isActive} initialIndex={Math.max(0, props.items.findIndex(i => i.value === props.current))} limit={Math.max(1, props.height - 4)} />
		</DialogFrame>
	);
}
