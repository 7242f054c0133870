import {describe, expect, it} from 'vitest';
import {cleanDeep, cleanLines, cleanMultiline, cleanText} from '../../source/text/clean.js';

/** Any C0 control but a line feed, DEL, or a C1 control. */
const control = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/;

describe('cleanText', () => {
	it('returns plain text as it is', () => {
		const text = 'checkout-6d5dbb8967-r7j9w 中文 👍🏽 e\u0301';
		expect(cleanText(text)).toBe(text);
	});

	it('shows escape sequences, bells and carriage returns as symbols instead of passing them', () => {
		expect(cleanText('\u001B]52;c;cHduZWQ=\u0007')).toBe('␛]52;c;cHduZWQ=␇');
		expect(cleanText('\u001B]0;title\u001B\\')).toBe('␛]0;title␛\\');
		expect(cleanText('ok\rConfirmed rollback deployment/checkout')).toBe('ok␍Confirmed rollback deployment/checkout');
		expect(cleanText('a\u0008b\u0000c\u007Fd')).toBe('a␈b␀c␡d');
		expect(cleanText('\u001B[2J\u001B[H')).toBe('␛[2J␛[H');
	});

	it('drops colour (SGR) sequences silently: a coloured log line reads as its text', () => {
		expect(cleanText('\u001B[31mERROR\u001B[0m connection refused')).toBe('ERROR connection refused');
		expect(cleanText('\u001B[1;38;5;196mred\u001B[m')).toBe('red');
	});

	it('names C1 controls and bidirectional overrides by code point', () => {
		expect(cleanText('\u009B31m\u009D0;x\u009C')).toBe('<U+009B>31m<U+009D>0;x<U+009C>');
		expect(cleanText('abc\u202Edef\u2066')).toBe('abc<U+202E>def<U+2066>');
	});

	it('expands tabs to the next multiple of 8 columns and shows a line break as ␤', () => {
		expect(cleanText('a\tb')).toBe('a       b');
		expect(cleanText('abcdefgh\tx')).toBe('abcdefgh        x');
		expect(cleanText('one\ntwo\r\nthree')).toBe('one␤two␤three');
	});

	it('is idempotent and leaves no control character', () => {
		const nasty = Array.from({length: 0xA0}, (_, code) => String.fromCharCode(code)).join('') + '\u001B[31mx\u202E';
		const once = cleanText(nasty);
		expect(once).not.toMatch(control);
		expect(once).not.toContain('\n');
		expect(cleanText(once)).toBe(once);
	});
});

describe('cleanMultiline and cleanLines', () => {
	it('keeps line breaks (a CR LF is one), cleaning each line and expanding its tabs from its own start', () => {
		expect(cleanMultiline('a\tb\r\nab\tc\rX\n\u001B]8;;http://x\u0007')).toBe('a       b\nab      c␍X\n␛]8;;http://x␇');
		expect(cleanLines('one\r\ntwo\n')).toEqual(['one', 'two', '']);
	});
});

describe('cleanDeep', () => {
	it('cleans every string and key of a JSON value, and gives back the same object when nothing needed it', () => {
		const clean = {a: ['x', {b: 'y'}], n: 1, t: true, z: null};
		expect(cleanDeep(clean)).toBe(clean);
		expect(cleanDeep({'k\u0007': ['\u001B]52;c;x\u0007', 2], ok: 'fine'})).toEqual({'k␇': ['␛]52;c;x␇', 2], ok: 'fine'});
		expect(cleanDeep({text: 'a\nb'}, {multiline: true})).toEqual({text: 'a\nb'});
		expect(cleanDeep({text: 'a\nb'})).toEqual({text: 'a␤b'});
	});
});
