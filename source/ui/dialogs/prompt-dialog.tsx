import React from 'react';
import {Text} from 'ink';
import {Command, dialogFooter, matches} from '../keymap.js';

const promptFooter = dialogFooter([
	[[Command.Confirm], 'save'],
	[[Command.Cancel], 'cancel'],
	[[Command.ClearInput], 'clear'],
]);
import {useController, useIncident, useTheme} from '../context.js';
import {editText, useLatestState} from '../components/text-input.js';
import {useTextInput} from '../components/paste.js';
import {journalLimits} from '../../timeline/journal.js';
import {tailText} from '../../text/display.js';
import {DialogFrame, dialogTextWidth} from './dialog-frame.js';

/**
 * The longest note: what the journal keeps of one text (journal.ts caps strings there), so a note is
 * saved whole or the prompt says what it left out.
 */
export const noteLimit = journalLimits.stringChars;

/** The value cut to `noteLimit` characters, and how many were left out. */
export function limitNote(value: string): {value: string; dropped: number} {
	if (value.length <= noteLimit) return {value, dropped: 0};
	// Never cut a surrogate pair in two.
	const end = /[\uD800-\uDBFF]/.test(value[noteLimit - 1]!) ? noteLimit - 1 : noteLimit;
	return {value: value.slice(0, end), dropped: value.length - end};
}

/** A one-line prompt for a timeline note (the `/` filter is typed in the footer: filter-bar.tsx). */
export function PromptDialog(props: {title: string; initial: string; width: number; height: number; isActive: boolean}) {
	const controller = useController();
	const theme = useTheme();
	const dialogClosed = useIncident(s => s.dialogClosed);
	const [getValue, setValue, value] = useLatestState(props.initial);
	const [getDropped, setDropped, dropped] = useLatestState(0);

	/** The value now `next`, kept up to the limit; what went past it is counted, not kept. */
	const edited = (next: string) => {
		const limited = limitNote(next);
		setValue(limited.value);
		// Characters typed or pasted past the limit are counted, not kept; deleting brings room back.
		setDropped(limited.dropped > 0 ? getDropped() + limited.dropped : next.length < noteLimit ? 0 : getDropped());
	};

	// A burst of characters here is typing; a bracketed paste is text, its line breaks kept.
	useTextInput(
		(input, key) => {
			if (matches(Command.Cancel, input, key)) {
				dialogClosed();
				return;
			}
			if (matches(Command.Confirm, input, key)) {
				const text = getValue().trim();
				if (text) controller.addNote(text);
				dialogClosed();
				return;
			}
			const next = editText(getValue(), input, key);
			if (next !== null) edited(next);
		},
		{isActive: props.isActive, onPaste: text => edited(getValue() + text)},
	);

	return (
		<DialogFrame
			title={props.title}
			width={props.width}
			height={Math.min(props.height, dropped > 0 ? 7 : 6)}
			footer={promptFooter}
			fixed={dropped > 0 ? <Text color={theme.colorOf('warn')}>{`${theme.symbolOf('warn')} a note keeps ${noteLimit} characters: ${dropped} more were not added`}</Text> : null}
		>
			<Text wrap="truncate-start">
				<Text>{'> '}</Text>
				{/* Only the end that fits is drawn: a pasted page of text is not laid out on every key. */}
				<Text>{tailText(value, dialogTextWidth(props.width) - 3)}</Text>
				<Text inverse> </Text>
			</Text>
		</DialogFrame>
	);
}
