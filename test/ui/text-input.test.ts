import {describe, expect, it} from 'vitest';
import type {Key} from 'ink';
import {editText} from '../../source/ui/components/text-input.js';
import {plainKey} from '../../source/ui/components/paste.js';

const none: Key = plainKey;
const key = (changes: Partial<Key> = {}): Key => ({...none, ...changes});

describe('editText', () => {
	it('types, deletes and clears one key at a time', () => {
		expect(editText('4', '6', key())).toBe('46');
		expect(editText('46', '', key({delete: true}))).toBe('4');
		expect(editText('46', '', key({backspace: true}))).toBe('4');
		expect(editText('checkout', 'u', key({ctrl: true}))).toBe('');
		expect(editText('4', '', key({return: true}))).toBeNull();
		expect(editText('4', '', key({upArrow: true}))).toBeNull();
	});

	it('applies every key of a chunk in order: backspaces (DEL or BS) included', () => {
		// Backspace then 6, typed faster than a frame over SSH: Ink hands both over as one string.
		expect(editText('4', '\u007f6', key())).toBe('6');
		expect(editText('checkout', '\u007f\u007f\u007fer', key())).toBe('checker');
		expect(editText('ab', '\bc', key())).toBe('ac');
		expect(editText('', 'pasted text', key())).toBe('pasted text');
		// Other control characters are dropped; a chunk of nothing but them is no edit.
		expect(editText('a', 'b\u0007c', key())).toBe('abc');
		expect(editText('a', '\u0007', key())).toBeNull();
	});
});
