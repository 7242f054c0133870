import {useRef} from 'react';
import {useInput, type Key} from 'ink';

/**
 * Bracketed paste (xterm's mode 2004, which the cockpit turns on while it runs: terminal-modes.ts):
 * the terminal sends pasted text between ESC[200~ and ESC[201~, so a paste can be told from typing.
 * Ink 6.8 knows nothing of it: it hands the markers over as "[200~" and "[201~" (the ESC stripped)
 * and what comes between as keys, a line break as `return`. Written here because Ink has no paste
 * API to use: this reads a paste out of what Ink delivers, whole, with its line breaks.
 */
export const pasteStart = '[200~';
export const pasteEnd = '[201~';

/** What one input event is: a key (no paste under way), part of a paste (wait), or the end of one (its text). */
export type PasteStep = {kind: 'key'} | {kind: 'held'} | {kind: 'paste'; text: string};

/** Reads pastes out of the input events, one event at a time; a plain object, one per input handler. */
export class PasteReader {
	#parts: string[] | null = null;

	read(input: string, key: Key): PasteStep {
		if (this.#parts === null) {
			if (input !== pasteStart) return {kind: 'key'};
			this.#parts = [];
			return {kind: 'held'};
		}
		if (input === pasteEnd) {
			const text = this.#parts.join('').replace(/\r\n?/g, '\n');
			this.#parts = null;
			return {kind: 'paste', text};
		}
		// A chunk of one character is delivered as that key: a line break as return, a tab as tab.
		this.#parts.push(key.return ? '\n' : key.tab ? '\t' : input);
		return {kind: 'held'};
	}
}

/** A paste's text on one line (a filter, a name to type): its line breaks and tabs become spaces. */
export function oneLinePaste(text: string): string {
	return text.replace(/[\n\t]+/g, ' ').trim();
}

/**
 * `useInput` for a text field: keys go to `handler` as before; a bracketed paste goes whole to
 * `onPaste`, or, without one, to `handler` as typed text on one line (never as keys: a pasted line
 * break does not confirm a dialog).
 */
export function useTextInput(handler: (input: string, key: Key) => void, options: {isActive: boolean; onPaste?: (text: string) => void}): void {
	const reader = useRef(new PasteReader());
	useInput(
		(input, key) => {
			const step = reader.current.read(input, key);
			if (step.kind === 'key') handler(input, key);
			else if (step.kind === 'paste') {
				if (options.onPaste) options.onPaste(step.text);
				else if (step.text) handler(oneLinePaste(step.text), plainKey);
			}
		},
		{isActive: options.isActive},
	);
}

/** No key but text: what a paste is delivered as to a handler of keys. */
export const plainKey: Key = {
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageDown: false,
	pageUp: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	ctrl: false,
	shift: false,
	tab: false,
	backspace: false,
	delete: false,
	meta: false,
	super: false,
	hyper: false,
	capsLock: false,
	numLock: false,
};
