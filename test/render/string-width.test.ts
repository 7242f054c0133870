import stringWidth, * as stringWidthModule from 'string-width';
import {describe, expect, it} from 'vitest';

// patches/string-width+8.3.0.patch adds a path that measures strings of single-grapheme characters
// without the segmenter; the library's own algorithm stays exported as segmentedStringWidth.
const segmentedStringWidth = (stringWidthModule as unknown as {segmentedStringWidth: typeof stringWidth}).segmentedStringWidth;

/** The ranges the patch measures without segmenting (kept in step with the patch by the first test). */
const fastRanges: Array<[number, number]> = [
	[0x20, 0x7e],
	[0xa0, 0xac],
	[0xae, 0x2ff],
	[0x2010, 0x2027],
	[0x2030, 0x205e],
	[0x2190, 0x23ff],
	[0x2500, 0x27bf],
];
const fastCodePoints = fastRanges.flatMap(([from, to]) => Array.from({length: to - from + 1}, (_, i) => from + i));

describe('string-width with the start-up patch', () => {
	it('gives every fast-path character the width the segmented algorithm gives it, both ambiguity settings', () => {
		expect(typeof segmentedStringWidth).toBe('function');
		for (const ambiguousIsNarrow of [true, false]) {
			const wrong = fastCodePoints
				.map(code => String.fromCharCode(code))
				.filter(char => stringWidth(char, {ambiguousIsNarrow}) !== segmentedStringWidth(char, {ambiguousIsNarrow}));
			expect(wrong.map(char => `U+${char.charCodeAt(0).toString(16)}`)).toEqual([]);
		}
	});

	it('agrees with the segmented algorithm on mixed strings, styled or not', () => {
		// A fixed linear congruential sequence: the same strings every run.
		let seed = 20261122;
		const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
		const outside = ['e\u0301', '\u{1F44D}\u{1F3FD}', '\u{1F1E9}\u{1F1EA}', '\u2764\uFE0F', '\u{1F468}\u200D\u{1F4BB}', '\u00AD', '\u200B', '\u4E2D', '\uAC00', '\t'];
		for (let i = 0; i < 2000; i++) {
			let text = '';
			const length = 1 + Math.floor(next() * 30);
			for (let j = 0; j < length; j++) {
				const roll = next();
				if (roll < 0.05) text += outside[Math.floor(next() * outside.length)];
				else if (roll < 0.1) text += '\u001B[31m';
				else text += String.fromCharCode(fastCodePoints[Math.floor(next() * fastCodePoints.length)]!);
			}
			expect(stringWidth(text), JSON.stringify(text)).toBe(segmentedStringWidth(text));
		}
	});

	it('still measures what needs segmenting: combining marks, emoji sequences, wide and invisible characters', () => {
		expect(stringWidth('e\u0301')).toBe(1);
		expect(stringWidth('\u{1F44D}\u{1F3FD}')).toBe(2);
		expect(stringWidth('\u{1F1E9}\u{1F1EA}')).toBe(2);
		expect(stringWidth('\u{1F468}\u200D\u{1F4BB}')).toBe(2);
		expect(stringWidth('\u4E2D\u6587')).toBe(4);
		expect(stringWidth('a\u00ADb')).toBe(2);
		expect(stringWidth('\u25B6 \u2713 \u2500\u2502 \u2581\u2588 \u2026')).toBe(11);
		expect(stringWidth('\u231A')).toBe(2);
	});
});
