import {useCallback, useRef, useState} from 'react';
import type {Key} from 'ink';
import {Command, matches} from '../keymap.js';

/**
 * One-line text editing as a pure reducer (ink-ui's pattern). Written here rather than adding
 * ink-text-input because the dialogs need the edit step as a function they own (the confirm dialog
 * validates each keystroke), and it is ten lines.
 * Returns the new value, or null when the key is not an edit.
 */
export function editText(value: string, input: string, key: Key): string | null {
	if (key.backspace || key.delete) return [...value].slice(0, -1).join('');
	if (matches(Command.ClearInput, input, key)) return '';
	if (key.ctrl || key.meta || key.return || key.escape || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return null;
	// Several keys can arrive as one chunk (a paste, or keys typed faster than a frame over SSH, where
	// a backspace then "6" comes as "\x7f6"): apply them in order, printable characters and backspaces
	// (DEL or BS); anything else is dropped.
	let next = value;
	let edited = false;
	for (const ch of input) {
		if (ch === '\u007f' || ch === '\b') next = [...next].slice(0, -1).join('');
		else if (ch >= ' ') next += ch;
		else continue;
		edited = true;
	}
	return edited ? next : null;
}

/**
 * State that key handlers read through a ref: keys can arrive faster than React re-renders, and a
 * handler reading the rendered value would drop keystrokes (typing "checkout" quickly).
 */
export function useLatestState<T>(initial: T): [() => T, (value: T) => void, T] {
	const ref = useRef(initial);
	const [value, setValue] = useState(initial);
	const set = useCallback((next: T) => {
		ref.current = next;
		setValue(next);
	}, []);
	const get = useCallback(() => ref.current, []);
	return [get, set, value];
}
