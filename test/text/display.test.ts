import stringWidth from 'string-width';
import {describe, expect, it} from 'vitest';
import {cutText, displayText, fitText, simpleRanges, tailText, textWidth, wrapText} from '../../source/text/display.js';
import {legacyWidths} from '../../source/text/legacy-widths.js';
import {drawnWidth, unicode11Provider, unicode11Terminal} from './terminal-widths.js';

const samples = {
	skinTone: 'thanks \u{1F44D}\u{1F3FD}',
	zwjFamily: '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}',
	coder: '\u{1F468}\u200D\u{1F4BB}',
	rainbowFlag: '\u{1F3F3}\uFE0F\u200D\u{1F308}',
	heartVs16: '\u2764\uFE0F',
	watchVs15: '\u231A\uFE0E',
	keycap: '1\uFE0F\u20E3',
	flag: '\u{1F1E9}\u{1F1EA}',
	loneIndicator: '\u{1F1E9}x',
	england: '\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}',
	combining: 'e\u0301 n\u0303 a\u0300\u0301\u0302',
	leadingMark: '\u0301abc',
	cjk: '中文 日本語 한국어',
	jamo: '\u1100\u1161\u11A8 \u1161',
	fullwidth: 'ＡＢＣ ｶﾞ',
	newEmoji: '\u{1FAE0} \u{1F972}',
	trigram: '\u2630',
	invisible: 'a\u200Bb\u2060c\uFEFFd\u00ADe',
	controls: '\u001B]52;c;eA==\u0007\rX\u009B',
	devanagari: '\u0915\u093F\u0928\u094D\u0926\u0940',
	loneSurrogate: 'a\uD800b',
};

describe('displayText', () => {
	it('gives each kind of grapheme a form that string-width and a code-point terminal measure alike', async () => {
		const terminal = unicode11Terminal(200, 2);
		for (const [name, text] of Object.entries(samples)) {
			const shown = displayText(text);
			expect(await drawnWidth(terminal, shown), `${name}: ${JSON.stringify(shown)}`).toBe(stringWidth(shown));
			expect(textWidth(text), name).toBe(stringWidth(shown));
			expect(displayText(shown), `${name} is idempotent`).toBe(shown);
		}
		terminal.dispose();
	});

	it('keeps what terminals agree on and drops only what they draw differently', () => {
		expect(displayText(samples.skinTone)).toBe('thanks \u{1F44D}');
		expect(displayText(samples.zwjFamily)).toBe('\u{1F468}\u{1F469}\u{1F467}');
		expect(displayText(samples.heartVs16)).toBe('\u2764');
		expect(displayText(samples.keycap)).toBe('1');
		expect(displayText(samples.flag)).toBe(samples.flag);
		expect(displayText(samples.cjk)).toBe(samples.cjk);
		expect(displayText(samples.combining)).toBe(samples.combining);
		expect(displayText(samples.leadingMark)).toBe('\u25CC\u0301abc');
		expect(displayText(samples.newEmoji)).toBe('\uFFFD \uFFFD');
		expect(displayText(samples.invisible)).toBe('abcde');
		expect(displayText(samples.controls)).toBe('␛]52;c;eA==␇␍X<U+009B>');
		expect(displayText('plain ascii')).toBe('plain ascii');
	});

	it('has a fast set whose every character is one grapheme of the same width everywhere', () => {
		const provider = unicode11Provider();
		const wrong: string[] = [];
		for (const [first, last] of simpleRanges) {
			for (let code = first; code <= last; code++) {
				const char = String.fromCodePoint(code);
				if (provider.wcwidth(code) !== stringWidth(char) || displayText(`a${char}`) !== `a${char}`) wrong.push(`U+${code.toString(16)}`);
			}
		}
		expect(wrong).toEqual([]);
	});

	it('knows every code point whose width differs between string-width and Unicode 11 tables (legacy-widths.ts)', () => {
		const provider = unicode11Provider();
		const table = new Map<number, number>();
		for (const [first, last, width] of legacyWidths) for (let code = first; code <= last; code++) table.set(code, width);
		const missing: string[] = [];
		const stale: string[] = [];
		const assigned = /\p{Assigned}/u;
		// Planes 0 and 1 (where scripts, symbols and emoji are) and the tags and selectors of plane 14;
		// planes 2 and 3 hold only CJK ideographs, wide in both.
		const codes = function* () {
			for (let code = 0x20; code <= 0x1FFFF; code++) if (code < 0xD800 || code > 0xDFFF) yield code;
			for (let code = 0xE0000; code <= 0xE01EF; code++) yield code;
		};
		for (const code of codes()) {
			const char = String.fromCodePoint(code);
			if (!assigned.test(char)) continue;
			const legacy = provider.wcwidth(code);
			const differs = legacy !== stringWidth(char);
			if (differs && table.get(code) !== legacy) missing.push(`U+${code.toString(16)}`);
			if (!differs && table.has(code)) stale.push(`U+${code.toString(16)}`);
		}
		expect({missing: missing.slice(0, 20), stale: stale.slice(0, 20)}).toEqual({missing: [], stale: []});
	});
});

describe('fitText, cutText, tailText and wrapText measure by displayed width', () => {
	it('pads and cuts by columns, never by code points', () => {
		expect(fitText('中文', 6)).toBe('中文  ');
		expect(fitText('中文中文', 5)).toBe('中文…');
		expect(fitText('中文中文', 4)).toBe('中… ');
		expect(fitText('thanks 👍🏽', 10)).toBe('thanks 👍 ');
		expect(fitText('e\u0301e\u0301e\u0301', 4, 'right')).toBe(' e\u0301e\u0301e\u0301');
		expect(fitText('abc', 1)).toBe('…');
		expect(cutText('abcdef', 4)).toBe('abc…');
		for (const text of Object.values(samples)) for (const width of [1, 2, 3, 5, 8, 13]) expect(stringWidth(fitText(text, width))).toBe(width);
	});

	it('shows the end of a long value, looking at a bounded window of it', () => {
		expect(tailText('short', 10)).toBe('short');
		expect(tailText('abcdefghij', 5)).toBe('…ghij');
		expect(tailText('x'.repeat(10_000_000) + '中文', 7)).toBe('…xx中文');
	});

	it('wraps at spaces, breaks long words, keeps the first line’s indent and inner spaces', () => {
		expect(wrapText('one two three four', 9)).toEqual(['one two', 'three', 'four']);
		expect(wrapText('  indented  text here', 12)).toEqual(['  indented', 'text here']);
		expect(wrapText('abcdefghijkl', 5)).toEqual(['abcde', 'fghij', 'kl']);
		expect(wrapText('中文中文中文', 5)).toEqual(['中文', '中文', '中文']);
		expect(wrapText('a  b', 10)).toEqual(['a  b']);
		for (const text of Object.values(samples)) for (const width of [2, 3, 7]) for (const line of wrapText(`${text} ${text}`, width)) expect(stringWidth(line)).toBeLessThanOrEqual(width);
	});
});
