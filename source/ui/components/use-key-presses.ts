import {useInput, type Key} from 'ink';

/**
 * `useInput`, one key press at a time. Ink delivers a burst of plain keys (a held-down j, keys typed
 * faster than a frame over SSH, tmux send-keys) as one string; command keys must see each character.
 * Text fields keep plain `useInput`, where a burst is a paste.
 */
export function useKeyPresses(handler: (input: string, key: Key) => void, options: {isActive: boolean}): void {
	useInput((input, key) => {
		const chars = [...input];
		if (chars.length > 1 && !key.ctrl && !key.meta && chars.every(ch => ch >= ' ' && ch !== '\u007F')) {
			for (const ch of chars) handler(ch, {...key, shift: ch !== ch.toLowerCase()});
			return;
		}
		handler(input, key);
	}, options);
}
