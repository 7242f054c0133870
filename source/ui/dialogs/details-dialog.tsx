import React, {useEffect, useMemo, useState} from 'react';
import {useShallow} from 'zustand/react/shallow';
import {Text} from 'ink';
import {useKeyPresses} from '../components/use-key-presses.js';
import {Command, dialogFooter, matches} from '../keymap.js';
import {useController, useIncident, useNow} from '../context.js';
import {liveDetailLines} from '../../kinds/panes.js';
import type {DetailPart} from '../../store/types.js';
import {scrollOffset} from '../layout.js';
import {cutText, displayText, textWidth} from '../../text/display.js';
import {DialogFrame, dialogTextWidth, frameLines, wrapHanging} from './dialog-frame.js';

/**
 * Scrollable lines. Details wrap and open at their first line; output (a command's, live or finished,
 * or a followed log) is cut at the edge, one line per line as its tables need, until w wraps it too
 * (an error message is one long line), and opens at its end, which it then follows as lines come
 * until the operator scrolls up (and again once they scroll back to the end, or press G).
 */
function LinesDialog(props: {
	title: string;
	lines: readonly string[];
	output: boolean;
	/** A last line under the lines, dimmed: how a command or a log ended. */
	status?: string;
	/** What the footer says before the scroll keys. */
	footer: string;
	onCancel: () => void;
	onClose: () => void;
	width: number;
	height: number;
	isActive: boolean;
}) {
	const room = dialogTextWidth(props.width);
	const [wrapped, setWrapped] = useState(false);
	const lines = useMemo(() => (props.output && !wrapped ? cutLines(props.lines, room) : wrapLines(props.lines, room)), [props.output, wrapped, props.lines, room]);
	// As tall as its lines (a finished command's seven lines of output get a seven-line box), at most the body.
	const statusLine = props.status ? 1 : 0;
	const height = Math.min(props.height, Math.max(1, lines.length) + statusLine + frameLines);
	const visible = Math.max(1, height - frameLines - statusLine);
	const last = Math.max(0, lines.length - visible);
	// null: follow the end.
	const [top, setTop] = useState<number | null>(props.output ? null : 0);
	const start = top ?? last;

	useKeyPresses(
		(input, key) => {
			if (matches(Command.Cancel, input, key)) return props.onCancel();
			if (matches(Command.Confirm, input, key) || matches(Command.CloseDialog, input, key)) return props.onClose();
			if (props.output && matches(Command.WrapOutput, input, key)) return setWrapped(on => !on);
			if (matches(Command.Top, input, key)) return setTop(0);
			if (matches(Command.Bottom, input, key)) return setTop(props.output ? null : last);
			const page = (matches(Command.PageDown, input, key) ? visible : 0) - (matches(Command.PageUp, input, key) ? visible : 0);
			const step = (matches(Command.Down, input, key) ? 1 : 0) - (matches(Command.Up, input, key) ? 1 : 0) + page;
			if (step === 0) return;
			// Functional update: keys can arrive faster than renders.
			setTop(current => {
				const from = current ?? last;
				const next = scrollOffset(Math.max(0, Math.min(lines.length - 1, from + (step > 0 ? visible - 1 + step : step))), lines.length, visible, from);
				return props.output && next >= last ? null : next;
			});
		},
		{isActive: props.isActive},
	);

	return (
		<DialogFrame title={props.title} width={props.width} height={height} footer={props.output ? `${props.footer} · ${dialogFooter([[[Command.WrapOutput], `${wrapped ? 'cut' : 'wrap'} long lines`]])}` : props.footer}>
			{lines.slice(start, start + visible).map((line, i) => (
				<Text key={start + i} wrap="truncate-end">
					{/* An empty Text takes no line in Ink: a blank line between sections would vanish. */}
					{line || ' '}
				</Text>
			))}
			{props.status ? (
				<Text dimColor wrap="truncate-end">
					{displayText(props.status)}
				</Text>
			) : null}
		</DialogFrame>
	);
}

const scrollAndClose = dialogFooter([
	[[Command.Up, Command.Down], 'scroll'],
	[[Command.Confirm, Command.Cancel], 'close'],
]);

/**
 * An item's details, or a finished command's output (`output`). With `parts`, its live parts (a
 * query's values, a step's watched queries and done-when) are drawn from the store as it is now,
 * and move with it and the screen's clock while the dialog is open.
 */
export function DetailsDialog(props: {title: string; lines: string[]; parts?: readonly DetailPart[]; output?: boolean; width: number; height: number; isActive: boolean}) {
	const dialogClosed = useIncident(s => s.dialogClosed);
	const live = useLiveLines(props.parts);
	return <LinesDialog {...props} lines={live ?? props.lines} output={Boolean(props.output)} footer={scrollAndClose} onCancel={dialogClosed} onClose={dialogClosed} />;
}

/** The lines of `parts` from the store now (undefined without parts), each live part drawn by its kind; redrawn when a line changes. */
function useLiveLines(parts: readonly DetailPart[] | undefined): string[] | undefined {
	// Only a held done-when condition counts with the clock ("held for 40s; ticks in 0:20").
	const now = useNow();
	return useIncident(useShallow(s => (parts ? liveDetailLines(parts, s, now) : undefined)));
}

/** The output of the command running now, as it comes; esc cancels the command, enter hides it. */
export function OutputDialog(props: {title: string; width: number; height: number; isActive: boolean}) {
	const controller = useController();
	const dialogClosed = useIncident(s => s.dialogClosed);
	const running = useIncident(s => s.activity.running);
	return (
		<LinesDialog
			{...props}
			lines={running?.output ?? noLines}
			output
			status={running ? undefined : '(finished)'}
			footer={running ? dialogFooter([[[Command.Cancel], 'cancels the command'], [[Command.Confirm], 'hides (it keeps running)']]) : scrollAndClose}
			onCancel={running ? () => controller.cancelRunning() : dialogClosed}
			onClose={dialogClosed}
		/>
	);
}

/** A pod's log, followed (`l`): the last lines, then each line as it comes, until the dialog closes, which stops reading it. */
export function LogDialog(props: {width: number; height: number; isActive: boolean}) {
	const controller = useController();
	const dialogClosed = useIncident(s => s.dialogClosed);
	const log = useIncident(s => s.followedLog);
	// However the dialog goes (esc, enter, another dialog), the stream goes with it.
	useEffect(() => () => controller.stopLog(), [controller]);
	const title = log ? `logs -f ${log.pod}${log.container ? ` -c ${log.container}` : ''} --tail=${log.tailLines}` : 'logs';
	const status = log?.ended ? `(${log.ended})` : log && !log.container && log.lines.length === 0 ? '(opening the log…)' : undefined;
	return <LinesDialog {...props} title={title} lines={log?.lines ?? noLines} output status={status} footer={scrollAndClose} onCancel={dialogClosed} onClose={dialogClosed} />;
}

const noLines: readonly string[] = [];

/** Lines cut at the dialog's edge (`…`), as the terminal will draw them. */
function cutLines(lines: readonly string[], width: number): string[] {
	return lines.map(line => cutText(line, width));
}

/** Lines wrapped to `width` columns, each continuation under its line's text and two columns in. */
export function wrapLines(lines: readonly string[], width: number): string[] {
	const out: string[] = [];
	for (const line of lines) {
		if (textWidth(line) <= width) {
			out.push(displayText(line));
			continue;
		}
		const lead = /^\s*/.exec(line)![0];
		out.push(...wrapHanging(line.slice(lead.length), width, lead, `${lead}  `));
	}
	return out;
}
