import React, {useState} from 'react';
import {Box, Text} from 'ink';
import {useKeyPresses} from './components/use-key-presses.js';
import {Command, commandFor, keymap, scopeTitles, type Scope} from './keymap.js';
import {useIncident, useTheme} from './context.js';

/** Generated from the keymap, so it can never disagree with what the keys do. */
export function helpLines(readonly: boolean): Array<{scope: Scope; label: string; help: string; disabled: boolean}> {
	const order: Scope[] = ['global', 'list', 'deployment', 'runbook', 'timeline', 'dialog'];
	return Object.values(keymap)
		.map(b => ({scope: b.scope, label: b.label, help: b.help, disabled: Boolean(readonly && b.dangerous)}))
		.sort((a, b) => order.indexOf(a.scope) - order.indexOf(b.scope));
}

/**
 * The help overlay: one or two columns of keys grouped by where they apply. When they do not fit
 * (80x24 has room for about 20 lines), the list scrolls with the list keys; lines never shrink into
 * each other.
 */
export function HelpOverlay(props: {width: number; height: number; isActive?: boolean}) {
	const theme = useTheme();
	const readonly = useIncident(s => s.env.readonly);
	const journal = useIncident(s => s.env.journalPath);
	const [top, setTop] = useState(0);
	const items: Array<{key: string; text: string; heading?: boolean; disabled?: boolean}> = [];
	let scope: Scope | undefined;
	for (const line of helpLines(readonly)) {
		if (line.scope !== scope) {
			scope = line.scope;
			items.push({key: `h-${scope}`, text: scopeTitles[scope], heading: true});
		}
		items.push({key: `${line.scope}-${line.label}-${line.help}`, text: `  ${line.label.padEnd(7)} ${line.help}${line.disabled ? ' (disabled: read-only)' : ''}`, disabled: line.disabled});
	}
	const columns = props.width >= 120 ? 2 : 1;
	const rows = Math.max(1, props.height - 2); // title line and journal line
	const perColumn = Math.max(rows, Math.ceil(items.length / columns));
	const scrollable = columns === 1 && items.length > rows;
	const maxTop = scrollable ? items.length - rows : 0;
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

	const visible = scrollable ? items.slice(offset, offset + rows) : items;
	const cols = Array.from({length: columns}, (_, i) => visible.slice(i * perColumn, (i + 1) * perColumn).slice(0, rows));
	const more = scrollable ? ` · ${offset > 0 ? '↑' : ' '}${offset < maxTop ? '↓' : ' '} j/k scroll` : '';
	return (
		<Box flexDirection="column" width={props.width} height={props.height} overflow="hidden">
			<Text bold inverse wrap="truncate-end">{` Keys — ? or esc closes${more} `.padEnd(props.width)}</Text>
			<Box flexDirection="row" height={rows} flexShrink={0}>
				{cols.map((col, i) => (
					<Box key={i} flexDirection="column" width={Math.floor(props.width / columns)} flexShrink={0}>
						{col.map(item => (
							<Text key={item.key} wrap="truncate-end" bold={item.heading} color={item.heading ? theme.accent : undefined} dimColor={item.disabled}>
								{item.text}
							</Text>
						))}
					</Box>
				))}
			</Box>
			{journal ? <Text dimColor wrap="truncate-end">{`Journal: ${journal}`}</Text> : null}
		</Box>
	);
}
