import React, {type ReactNode} from 'react';
import {Box, Text} from 'ink';
import {useShallow} from 'zustand/react/shallow';
import {paneNumber} from '../../kinds/registry.js';
import {problemOf, rowsFor, selectionOf} from '../../kinds/panes.js';
import type {Cell, Kind, Toned} from '../../kinds/types.js';
import {displayText} from '../../text/display.js';
import {useIncident, useNow, useStoreApi, useTheme} from '../context.js';
import {VirtualList} from '../components/virtual-list.js';
import {columnsText} from '../components/row-line.js';

/** A titled pane: one title line (numbered; inverted when focused) then its body. */
export function Pane(props: {kind: Kind; width: number; height: number; focused: boolean; summary?: Toned; problem?: Toned | null; extra?: string; children: ReactNode}) {
	const theme = useTheme();
	const title = ` ${paneNumber(props.kind.id)} ${props.kind.title} `;
	return (
		<Box flexDirection="column" width={props.width} height={props.height} overflow="hidden">
			<Text wrap="truncate-end">
				<Text inverse={props.focused} bold color={props.focused ? theme.focusBorder : undefined}>
					{props.focused && theme.symbols ? `▶${title}` : title}
				</Text>
				{props.summary ? (
					<Text color={theme.colorOf(props.summary.tone)}>{` ${theme.symbols ? `${theme.symbolOf(props.summary.tone)} ` : ''}${displayText(props.summary.text)}`}</Text>
				) : null}
				{props.extra ? <Text dimColor>{displayText(`  ${props.extra}`)}</Text> : null}
			</Text>
			{props.problem ? (
				<Text wrap="truncate-end" color={theme.colorOf(props.problem.tone)}>{`  ${theme.symbolOf(props.problem.tone)} ${displayText(props.problem.text)}`}</Text>
			) : null}
			{props.children}
		</Box>
	);
}

/** Rows available for the list under the title, the optional problem line and the optional column headers. */
export function bodyRows(height: number, problem: unknown, columns = false): number {
	return Math.max(0, height - 1 - (problem ? 1 : 0) - (columns ? 1 : 0));
}

/** A pane's column headers, dim, over its rows. */
function ColumnHeaders(props: {cells: readonly Cell[]; width: number}) {
	const theme = useTheme();
	return (
		<Text dimColor bold wrap="truncate-end">
			{columnsText(props.cells, props.width, theme)}
		</Text>
	);
}

/**
 * The pane of any kind (kinds/types.ts): its title and summary, its feed's problem line, and its
 * rows as a virtual list with the selection; everything it shows is the kind's, read from the store.
 */
export function KindPane(props: {kind: Kind; width: number; height: number; focused: boolean}) {
	const {kind} = props;
	const {cache} = useStoreApi();
	// The screen clock: ages, countdowns and a feed's staleness are shown at its precision.
	const now = useNow();
	const rows = useIncident(s => rowsFor(s, kind, cache));
	const selected = useIncident(s => selectionOf(s, kind));
	const shown = useIncident(
		useShallow(s => {
			const summary = kind.summary(s, now, cache);
			const problem = problemOf(s, kind, now, cache);
			const filter = s.ui.filter[kind.id] ?? '';
			const extra = [kind.extra?.(s), filter ? `/${filter}` : undefined].filter(Boolean).join('  ');
			return {summaryText: summary.text, summaryTone: summary.tone, problemText: problem?.text, problemTone: problem?.tone, extra, empty: kind.empty(s)};
		}),
	);
	const problem = shown.problemText === undefined ? null : {text: shown.problemText, tone: shown.problemTone!};
	// An unfocused pane that follows its end (the timeline) shows its newest row.
	const selection = kind.followsEnd && !props.focused ? {index: rows.length - 1} : selected;
	const columns = kind.columns && rows.length > 0 ? kind.columns : undefined;
	return (
		<Pane kind={kind} width={props.width} height={props.height} focused={props.focused} summary={{text: shown.summaryText, tone: shown.summaryTone}} problem={problem} extra={shown.extra || undefined}>
			{columns && bodyRows(props.height, problem) > 1 ? <ColumnHeaders cells={columns} width={props.width} /> : null}
			<VirtualList rows={rows} selected={selection} height={bodyRows(props.height, problem, Boolean(columns) && bodyRows(props.height, problem) > 1)} width={props.width} focused={props.focused} now={now} empty={shown.empty} />
		</Pane>
	);
}
