import React, {type ReactNode} from 'react';
import {Box, Text} from 'ink';
import type {Tone} from '../../text/format.js';
import {displayText, textWidth, wrapText} from '../../text/display.js';
import {useTheme} from '../context.js';

const maxDialogWidth = 100;

/** The lines a dialog's frame takes beside its content: the border above and below, the title and the footer. */
export const frameLines = 4;

/** The columns a dialog's text gets inside its border and padding, for a body `width` wide. */
export function dialogTextWidth(width: number): number {
	return Math.min(width, maxDialogWidth) - 4;
}

/**
 * `text` wrapped for lines we lay out ourselves (details, help, confirmations), not by Ink's `wrap`,
 * which keeps the space it broke at: the first line after `first`, the others after `rest` (a hanging
 * indent), each starting at a word (the space it broke at is dropped) and ending without spaces.
 * Heights are counted from the same lines that are drawn; widths are the displayed widths
 * (text/display.ts), so a line of CJK or emoji wraps where the terminal's edge is.
 */
export function wrapHanging(text: string, width: number, first = '', rest = first): string[] {
	const room = Math.max(8, width - Math.max(textWidth(first), textWidth(rest)));
	return wrapText(text, room).map((part, i) => (i === 0 ? `${first}${part}` : `${rest}${part.trimStart()}`));
}

/**
 * A bordered box drawn over the panes, which stay live around it (the error rate while a rollback
 * is confirmed, the pods while its command runs).
 * `children` keep their natural height and are clipped at the bottom when too tall; `fixed` (a text
 * field, an error) sits below them and is never clipped, so what is typed stays in view.
 */
export function DialogFrame(props: {title: string; width: number; height: number; tone?: Tone; footer?: string; fixed?: ReactNode; children: ReactNode}) {
	const theme = useTheme();
	const width = Math.min(props.width, maxDialogWidth);
	const left = Math.floor((props.width - width) / 2);
	return (
		<Box width={props.width} height={props.height}>
			{/* Blanks what the panes drew under the dialog: Ink writes only a box's border and its text, so without this the panes would show through its empty cells. */}
			<Box position="absolute" marginLeft={left} flexDirection="column">
				{Array.from({length: props.height}, (_, i) => (
					<Text key={i}>{' '.repeat(width)}</Text>
				))}
			</Box>
			<Box marginLeft={left} flexDirection="column" width={width} height={props.height} borderStyle="round" borderColor={theme.colorOf(props.tone ?? 'info')} paddingX={1} overflow="hidden">
				<Text bold wrap="truncate-end" color={theme.colorOf(props.tone ?? 'info')}>
					{displayText(props.title)}
				</Text>
				<Box flexDirection="column" flexGrow={1} overflow="hidden">
					{/* Content keeps its natural height and is clipped when too tall: rows never shrink into each other. */}
					<Box flexDirection="column" flexShrink={0}>
						{props.children}
					</Box>
				</Box>
				{props.fixed}
				{props.footer ? (
					<Text dimColor wrap="truncate-end">
						{props.footer}
					</Text>
				) : null}
			</Box>
		</Box>
	);
}
