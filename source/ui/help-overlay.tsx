import React from 'react';
import {Box, Text} from 'ink';
import {keymap, scopeTitles, type Scope} from './keymap.js';
import {useIncident, useTheme} from './context.js';

/** Generated from the keymap, so it can never disagree with what the keys do. */
export function helpLines(readonly: boolean): Array<{scope: Scope; label: string; help: string; disabled: boolean}> {
	const order: Scope[] = ['global', 'list', 'pods', 'runbook', 'timeline', 'dialog'];
	return Object.values(keymap)
		.map(b => ({scope: b.scope, label: b.label, help: b.help, disabled: Boolean(readonly && b.dangerous)}))
		.sort((a, b) => order.indexOf(a.scope) - order.indexOf(b.scope));
}

export function HelpOverlay(props: {width: number; height: number}) {
	const theme = useTheme();
	const readonly = useIncident(s => s.env.readonly);
	const journal = useIncident(s => s.env.journalPath);
	const lines = helpLines(readonly);
	const columns = props.width >= 100 ? 2 : 1;
	const perColumn = Math.ceil((lines.length + 6) / columns);
	const items: React.ReactNode[] = [];
	let scope: Scope | undefined;
	for (const line of lines) {
		if (line.scope !== scope) {
			scope = line.scope;
			items.push(<Text key={`h-${scope}`} bold color={theme.accent}>{scopeTitles[scope]}</Text>);
		}
		items.push(
			<Text key={`${line.scope}-${line.label}-${line.help}`} wrap="truncate-end" dimColor={line.disabled}>
				{`  ${line.label.padEnd(7)} ${line.help}${line.disabled ? ' (disabled: read-only)' : ''}`}
			</Text>,
		);
	}
	const cols = Array.from({length: columns}, (_, i) => items.slice(i * perColumn, (i + 1) * perColumn));
	return (
		<Box flexDirection="column" width={props.width} height={props.height} overflow="hidden">
			<Text bold inverse>{' Keys — ? or esc closes '.padEnd(props.width)}</Text>
			<Box flexDirection="row">
				{cols.map((col, i) => (
					<Box key={i} flexDirection="column" width={Math.floor(props.width / columns)}>
						{col}
					</Box>
				))}
			</Box>
			{journal ? <Text dimColor wrap="truncate-end">{`Journal: ${journal}`}</Text> : null}
		</Box>
	);
}
