import React, {useMemo, useState} from 'react';
import {Text} from 'ink';
import {useKeyPresses} from '../components/use-key-presses.js';
import {Command, matches} from '../keymap.js';
import {useController, useIncident} from '../context.js';
import {scrollOffset} from '../layout.js';
import {DialogFrame, dialogTextWidth, frameLines, wrapHanging} from './dialog-frame.js';

/** Scrollable lines: an item's details (wrapped, from the top), or a command's output, live or finished (one line per line, from the end). */
export function DetailsDialog(props: {title: string; lines?: string[]; live?: boolean; output?: boolean; width: number; height: number; isActive: boolean}) {
	const controller = useController();
	const dialogClosed = useIncident(s => s.dialogClosed);
	const running = useIncident(s => s.activity.running);
	// Details wrap, so the end of a long event message or change cause is not cut off; a command's
	// output, live or finished, stays one line per line, as its tables need, until w wraps it too
	// (an error message is one long line).
	const textWidth = dialogTextWidth(props.width);
	const isOutput = Boolean(props.live || props.output);
	const [wrapped, setWrapped] = useState(false);
	const lines = useMemo(() => {
		const raw = props.live ? (running?.output ?? []) : (props.lines ?? []);
		return isOutput && !wrapped ? raw : wrapLines(raw, textWidth);
	}, [props.live, isOutput, wrapped, running?.output, props.lines, textWidth]);
	// As tall as its lines (a finished command's seven lines of output get a seven-line box), at most the body.
	const finishedLine = props.live && !running ? 1 : 0;
	const height = Math.min(props.height, Math.max(1, lines.length) + finishedLine + frameLines);
	const visible = Math.max(1, height - frameLines - finishedLine);
	// null: follow the end (live output, a finished command's output); details open at their first line.
	const [top, setTop] = useState<number | null>(props.live || props.output ? null : 0);
	const start = top ?? Math.max(0, lines.length - visible);

	useKeyPresses(
		(input, key) => {
			if (matches(Command.Cancel, input, key)) {
				if (props.live && running) controller.cancelRunning();
				else dialogClosed();
				return;
			}
			if (matches(Command.Confirm, input, key) || input === 'q') {
				dialogClosed();
				return;
			}
			if (isOutput && matches(Command.WrapOutput, input, key)) {
				setWrapped(on => !on);
				return;
			}
			const page = (matches(Command.PageDown, input, key) ? visible : 0) - (matches(Command.PageUp, input, key) ? visible : 0);
			const step = (matches(Command.Down, input, key) ? 1 : 0) - (matches(Command.Up, input, key) ? 1 : 0) + page;
			if (step === 0) return;
			// Functional update: keys can arrive faster than renders.
			setTop(current => {
				const from = current ?? Math.max(0, lines.length - visible);
				return scrollOffset(Math.max(0, Math.min(lines.length - 1, from + (step > 0 ? visible - 1 + step : step))), lines.length, visible, from);
			});
		},
		{isActive: props.isActive},
	);

	return (
		<DialogFrame
			title={props.title}
			width={props.width}
			height={height}
			footer={`${props.live && running ? 'esc cancels the command · enter hides (it keeps running)' : '↑/↓ scroll · enter/esc close'}${isOutput ? ` · w ${wrapped ? 'cut' : 'wrap'} long lines` : ''}`}
		>
			{lines.slice(start, start + visible).map((line, i) => (
				<Text key={start + i} wrap="truncate-end">
					{/* An empty Text takes no line in Ink: a blank line between sections would vanish. */}
					{line || ' '}
				</Text>
			))}
			{props.live && !running ? <Text dimColor>(finished)</Text> : null}
		</DialogFrame>
	);
}

/** Lines wrapped to `width`, each continuation under its line's text and two columns in. */
export function wrapLines(lines: readonly string[], width: number): string[] {
	const out: string[] = [];
	for (const line of lines) {
		if (line.length <= width) {
			out.push(line);
			continue;
		}
		const lead = /^\s*/.exec(line)![0];
		out.push(...wrapHanging(line.slice(lead.length), width, lead, `${lead}  `));
	}
	return out;
}
