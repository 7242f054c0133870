import React, {useState} from 'react';
import {Box, Text} from 'ink';
import {useKeyPresses} from './components/use-key-presses.js';
import {Command, commandFor} from './keymap.js';
import {helpLines} from './kind-keys.js';
import {useIncident, useStoreApi, useTheme} from './context.js';
import {actionsLocked, lockHelp} from './locked.js';
import {wrapHanging} from './dialogs/dialog-frame.js';
import {displayText} from '../text/display.js';

export {helpLines} from './kind-keys.js';

/** The label column: two spaces, the key padded to 7, a space. Wrapped help continues under its text. */
const labelWidth = 10;

interface HelpLine {
	text: string;
	heading?: boolean;
	disabled?: boolean;
}

/** The help as groups (a heading and its keys), each key's text wrapped to `width` under itself. */
export function helpGroups(readonly: boolean, width: number, why = 'read-only'): HelpLine[][] {
	const groups: HelpLine[][] = [];
	let group: string | undefined;
	for (const line of helpLines(readonly)) {
		if (line.group !== group) {
			group = line.group;
			groups.push(wrapHanging(group, width).map(text => ({text, heading: true})));
		}
		const parts = wrapHanging(`${line.help}${line.disabled ? ` (disabled: ${why})` : ''}`, width, `  ${line.label.padEnd(7)} `, ' '.repeat(labelWidth));
		groups.at(-1)!.push(...parts.map(text => ({text, disabled: line.disabled})));
	}
	return groups;
}

/** Groups one under another, a blank line between two (a space: an empty Ink Text takes no line). */
function stack(groups: HelpLine[][], spaced = true): HelpLine[] {
	return groups.flatMap((group, i) => (i === 0 || !spaced ? group : [{text: ' '}, ...group]));
}

/**
 * Two columns of whole groups, split where the taller column is shortest, or null when they do not
 * fit in `rows` (one scrolling column then). A heading never sits at the foot of one column with its
 * keys at the top of the next.
 */
function twoColumns(groups: HelpLine[][], rows: number): [HelpLine[], HelpLine[]] | null {
	// With a blank line between groups if that fits, else without.
	for (const spaced of [true, false]) {
		let best: [HelpLine[], HelpLine[]] | null = null;
		for (let split = 1; split < groups.length; split++) {
			const left = stack(groups.slice(0, split), spaced);
			const right = stack(groups.slice(split), spaced);
			if (Math.max(left.length, right.length) > rows) continue;
			if (!best || Math.max(left.length, right.length) < Math.max(best[0].length, best[1].length)) best = [left, right];
		}
		if (best) return best;
	}
	return null;
}

/**
 * The help overlay: the keys grouped by where they apply, each description whole (wrapped under
 * itself, never cut). At 120 columns or more, two columns of whole groups when they fit; otherwise
 * one column that scrolls with the list keys. Lines never shrink into each other.
 */
export function HelpOverlay(props: {width: number; height: number; isActive?: boolean}) {
	const theme = useTheme();
	const store = useStoreApi();
	const lock = useIncident(s => actionsLocked(s, store.cache));
	const readonly = Boolean(lock);
	const why = lock ? lockHelp[lock] : undefined;
	const journal = useIncident(s => s.env.journalPath);
	const [top, setTop] = useState(0);
	const rows = Math.max(1, props.height - 2); // title line and journal line
	const columnWidth = Math.floor(props.width / 2);
	const paired = props.width >= 120 ? twoColumns(helpGroups(readonly, columnWidth - 1, why), rows) : null;
	const single = paired ? [] : stack(helpGroups(readonly, props.width, why));
	const scrollable = !paired && single.length > rows;
	const maxTop = scrollable ? single.length - rows : 0;
	const offset = Math.min(top, maxTop);

	useKeyPresses(
		(input, key) => {
			const step = commandFor(input, key, [Command.Up, Command.Down, Command.PageUp, Command.PageDown]);
			if (!step) return;
			const delta = step === Command.Up ? -1 : step === Command.Down ? 1 : step === Command.PageUp ? -rows : rows;
			// Functional update: keys can arrive faster than renders.
			setTop(current => Math.max(0, Math.min(maxTop, Math.min(current, maxTop) + delta)));
		},
		{isActive: Boolean(props.isActive) && scrollable},
	);

	const cols = paired ?? [single.slice(offset, offset + rows)];
	const more = scrollable ? ` · ${offset > 0 ? '↑' : ' '}${offset < maxTop ? '↓' : ' '} j/k scroll` : '';
	return (
		<Box flexDirection="column" width={props.width} height={props.height} overflow="hidden">
			<Text bold inverse wrap="truncate-end">{` Keys — ? or esc closes${more} `.padEnd(props.width)}</Text>
			<Box flexDirection="row" height={rows} flexShrink={0}>
				{cols.map((col, i) => (
					<Box key={i} flexDirection="column" width={paired ? columnWidth : props.width} flexShrink={0}>
						{col.map((item, index) => (
							<Text key={index} wrap="truncate-end" bold={item.heading} color={item.heading ? theme.accent : undefined} dimColor={item.disabled}>
								{item.text}
							</Text>
						))}
					</Box>
				))}
			</Box>
			{journal ? <Text dimColor wrap="truncate-end">{displayText(`Journal: ${journal}`)}</Text> : null}
		</Box>
	);
}
