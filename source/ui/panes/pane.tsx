import React, {type ReactNode} from 'react';
import {Box, Text} from 'ink';
import type {Tone} from '../../text/format.js';
import type {FeedState, PaneId} from '../../store/types.js';
import {displayText} from '../../text/display.js';
import {feedProblemText} from '../../store/feeds.js';
import {useTheme} from '../context.js';

export const paneTitles: Record<PaneId, string> = {health: 'Health', metrics: 'Metrics', pods: 'Pods', runbook: 'Runbook', timeline: 'Timeline'};
export const paneNumbers: Record<PaneId, number> = {health: 1, metrics: 2, pods: 3, runbook: 4, timeline: 5};

/** The one-line verdict on a feed: nothing when fresh, else the error and the age of the last good data (store/feeds.ts). */
export function feedProblem(feed: FeedState | undefined, now: number): {text: string; tone: Tone} | null {
	return feedProblemText(feed, now);
}

/** A titled pane: one title line (numbered; inverted when focused) then its body. */
export function Pane(props: {id: PaneId; width: number; height: number; focused: boolean; summary?: {text: string; tone: Tone}; problem?: {text: string; tone: Tone} | null; extra?: string; children: ReactNode}) {
	const theme = useTheme();
	const title = ` ${paneNumbers[props.id]} ${paneTitles[props.id]} `;
	return (
		<Box flexDirection="column" width={props.width} height={props.height} overflow="hidden">
			<Text wrap="truncate-end">
				<Text inverse={props.focused} bold color={props.focused ? theme.focusBorder : undefined}>
					{props.focused && !theme.color ? `▶${title}` : title}
				</Text>
				{props.summary ? (
					<Text color={theme.colorOf(props.summary.tone)}>{` ${theme.color ? '' : `${theme.symbolOf(props.summary.tone)} `}${displayText(props.summary.text)}`}</Text>
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

/** Rows available for the list under the title and the optional problem line. */
export function bodyRows(height: number, problem: unknown): number {
	return Math.max(0, height - 1 - (problem ? 1 : 0));
}
