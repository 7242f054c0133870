import React, {useState} from 'react';
import {Box, Text} from 'ink';
import type {IncidentListEntry} from '../timeline/incidents.js';
import {openIncidentsFor} from '../timeline/launch.js';
import {displayText} from '../text/display.js';
import {useKeyPresses} from './components/use-key-presses.js';
import {Command, keymap, matches} from './keymap.js';

/** What the operator chose at launch: an open incident to resume, a new incident, or nothing (esc). */
export type ResumeChoice = {resume: string} | {new: true} | {quit: true};

function item(entry: IncidentListEntry): string {
	const opened = `${entry.openedAt.slice(0, 10)} ${entry.openedAt.slice(11, 16)} UTC`;
	return `Resume ${entry.id} · ${entry.severity} ${entry.status} · opened ${opened} · ${entry.title}`;
}

/**
 * Asked before the cockpit opens when an incident launched with the same config is still open: its
 * open incidents, newest first (the first is highlighted), then "Open a new incident". enter
 * chooses, esc quits without opening anything.
 */
export function ResumePicker(props: {incidents: readonly IncidentListEntry[]; onChoice: (choice: ResumeChoice) => void; isActive: boolean}) {
	const items = [...props.incidents.map(item), 'Open a new incident'];
	const [highlight, setHighlight] = useState(0);
	useKeyPresses(
		(input, key) => {
			if (matches(Command.Up, input, key)) setHighlight(at => Math.max(0, at - 1));
			else if (matches(Command.Down, input, key)) setHighlight(at => Math.min(items.length - 1, at + 1));
			else if (matches(Command.Cancel, input, key) || matches(Command.ForceQuit, input, key)) props.onChoice({quit: true});
			else if (matches(Command.Confirm, input, key)) props.onChoice(highlight < props.incidents.length ? {resume: props.incidents[highlight]!.id} : {new: true});
		},
		{isActive: props.isActive},
	);
	const several = props.incidents.length > 1;
	return (
		<Box flexDirection="column">
			<Text bold>{`${several ? `${props.incidents.length} incidents` : 'An incident'} launched with this config ${several ? 'are' : 'is'} still open. Resume ${several ? 'one' : 'it'}?`}</Text>
			{items.map((text, i) => (
				<Text key={text} wrap="truncate-end" inverse={i === highlight}>{`${i === highlight ? '▶' : ' '} ${displayText(text)}`}</Text>
			))}
			<Text dimColor>{`${keymap[Command.Up].label} ${keymap[Command.Down].label} choose · ${keymap[Command.Confirm].label} select · ${keymap[Command.Cancel].label} quit (nothing is opened) · --new always opens a new one`}</Text>
		</Box>
	);
}

/** Shows the picker on the terminal and resolves with the choice. */
export async function askResume(incidents: readonly IncidentListEntry[]): Promise<ResumeChoice> {
	const {render} = await import('ink');
	return new Promise(resolve => {
		const instance = render(
			<ResumePicker
				incidents={incidents}
				isActive
				onChoice={choice => {
					instance.unmount();
					resolve(choice);
				}}
			/>,
			{exitOnCtrlC: false, patchConsole: false},
		);
	});
}

/**
 * At launch without --incident or --new: the incidents launched with `launch` that are still open,
 * offered for resuming (none: a new incident, without asking).
 */
export async function offerResume(stateDir: string, launch: string): Promise<ResumeChoice> {
	const open = await openIncidentsFor(stateDir, launch);
	return open.length === 0 ? {new: true} : askResume(open);
}
