import {useRef} from 'react';
import {useInput, type Key} from 'ink';
import {PasteReader} from './paste.js';

/**
 * `useInput`, one key press at a time. Ink delivers a burst of plain keys (a held-down j, keys typed
 * faster than a frame over SSH, tmux send-keys) as one string; command keys must see each character.
 * A bracketed paste (paste.ts) is never taken as keys: it goes to `onPaste`, or nowhere. Text fields
 * use `useTextInput` (paste.ts), where a burst is typing and a paste is text.
 */
export function useKeyPresses(handler: (input: string, key: Key) => void, options: {isActive: boolean; onPaste?: (text: string) => void}): void {
	const reader = useRef(new PasteReader());
	useInput(
		(input, key) => {
			const step = reader.current.read(input, key);
			if (step.kind === 'paste') options.onPaste?.(step.text);
			if (step.kind !== 'key') return;
			const chars = [...input];
			if (chars.length > 1 && !key.ctrl && !key.meta && chars.every(ch => ch >= ' ' && ch !== '\u007F')) {
				for (const ch of chars) handler(ch, {...key, shift: ch !== ch.toLowerCase()});
				return;
			}
			handler(input, key);
		},
		{isActive: options.isActive},
	);
}
