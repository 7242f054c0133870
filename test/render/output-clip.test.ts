import {Chalk} from 'chalk';
import {describe, expect, it} from 'vitest';
// Ink's Output is internal (not in the package's exports); the patch under test lives in it, and adds
// `sharedCaches` (the cross-frame caches, with the slicing and measuring Ink itself uses).
import * as inkOutput from '../../node_modules/ink/build/output.js';

const Output = inkOutput.default;
type StyledChar = {type: string; value: string; fullWidth: boolean; styles: unknown[]};
const {sharedCaches, styledCharsFromText, tokenizedStyledChars} = inkOutput as unknown as {
	sharedCaches: {getStringWidth(text: string): number; getSlice(line: string, from: number, to: number): string};
	styledCharsFromText(text: string): StyledChar[];
	tokenizedStyledChars(text: string): StyledChar[];
};

/**
 * patches/ink+6.8.0.patch keeps a line that lies wholly inside its clip as it is, where Ink sliced
 * it from 0 to its own width. That is only right if such a slice never changes what the row shows:
 * each sample below is composed both ways and the rows must be identical.
 */
const styled = new Chalk({level: 3});
const samples = [
	'plain text',
	styled.red('red') + ' then ' + styled.bold.green('bold green') + ' end',
	styled.bgBlue.white(' inverse-ish ') + styled.dim('dim'),
	styled.hex('#ff8800')('truecolour') + styled.ansi256(202)(' 256'),
	'\u001B[31munclosed red',
	'trailing reset\u001B[0m',
	'漢字 wide ' + styled.cyan('字'),
	'emoji 🚀 and ❤️ and 👩‍👩‍👧',
	'combining e\u0301 and a\u0308',
	styled.underline('under') + '\u001B]8;;https://example.com\u0007link\u001B]8;;\u0007' + ' after',
	'box ─│┌┐ blocks ▁▂▃▅▇ arrows ↑↓',
	'',
];

function rowOf(text: string, clip: boolean, width = 60): string {
	const output = new Output({width, height: 1});
	if (clip) output.clip({x1: 0, x2: width, y1: 0, y2: 1});
	output.write(2, 0, text, {transformers: []});
	if (clip) output.unclip();
	return output.get().output;
}

describe('Ink output: lines inside their clip are not sliced (patches/ink+6.8.0.patch)', () => {
	it.each(samples.map(sample => [JSON.stringify(sample), sample]))('composes %s as the sliced line would', (_name, sample) => {
		const width = sharedCaches.getStringWidth(sample);
		const sliced = sharedCaches.getSlice(sample, 0, width);
		expect(rowOf(sample, true)).toBe(rowOf(sliced, false));
	});

	it('still slices a line that overflows its clip', () => {
		const line = styled.red('0123456789') + 'abcdefghij';
		expect(rowOf(line, true, 12)).toBe(rowOf(sharedCaches.getSlice(line, 0, 10), false, 12));
		expect(rowOf(line, true, 12)).not.toBe(rowOf(line, false, 30));
	});
});

describe('Ink output: lines of single-grapheme characters tokenised without the grapheme segmenter (patches/ink+6.8.0.patch)', () => {
	/** A deterministic mix of printable ASCII and SGR codes, as the cockpit's lines are. */
	function asciiLines(count: number): string[] {
		let seed = 7;
		const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
		const paint = [styled.red, styled.green.bold, styled.dim, styled.inverse, styled.bgYellow.black, styled.hex('#336699'), styled.ansi256(33).underline, styled.gray, styled.italic.strikethrough];
		const printable = Array.from({length: 0x7f - 0x20}, (_, i) => String.fromCharCode(0x20 + i)).join('');
		return Array.from({length: count}, () => {
			let line = '';
			while (line.length < 40 + random() * 160) {
				const word = Array.from({length: 1 + Math.floor(random() * 12)}, () => printable[Math.floor(random() * printable.length)]).join('');
				const roll = random();
				line += roll < 0.4 ? word : roll < 0.9 ? paint[Math.floor(random() * paint.length)]!(word) : paint[0]!(word + paint[2]!(word) + word);
			}
			return line;
		});
	}

	it('gives the library\'s own cells for 2,000 coloured ASCII lines and every sample', () => {
		for (const line of [...asciiLines(2000), ...samples, '\u001B[m bare reset', '\u001B[1;31;4mcompound', '\u001B[38;5;202m256 \u001B[48;2;1;2;3mtrue', '\u001B[12 not sgr', 'tab\there', 'del\u007f']) {
			expect(styledCharsFromText(line), JSON.stringify(line)).toEqual(tokenizedStyledChars(line));
		}
	});

	it('gives the library\'s own cells for every symbol of the fast path, alone, styled and beside others', () => {
		const ranges = [[0xa0, 0x2ff], [0x2010, 0x2027], [0x2030, 0x205e], [0x2190, 0x23ff], [0x2500, 0x27bf]] as const;
		// Code points at and just outside each range too: the soft hyphen, combining marks, joiners, ...
		const around = [0x9f, 0xad, 0x300, 0x301, 0x200d, 0x200f, 0x2028, 0x205f, 0x218f, 0x2400, 0x24ff, 0x27c0, 0xfe0f, 0x1f600];
		const codes = [...ranges.flatMap(([from, to]) => Array.from({length: to - from + 1}, (_, i) => from + i)), ...around];
		for (const code of codes) {
			const c = String.fromCodePoint(code);
			for (const line of [c, `a${c}b`, `${c}${c}`, styled.red(c) + c, `${c}\u0301`, `${c}\uFE0F x`, `x${c}\u200D${c}`, `▁▂${c}█`]) {
				expect(styledCharsFromText(line), `U+${code.toString(16)} in ${JSON.stringify(line)}`).toEqual(tokenizedStyledChars(line));
			}
		}
	});

	it('gives equal styles the same array, so the cell diff compares them by identity', () => {
		const [first] = styledCharsFromText(styled.red('a') + 'b');
		const [again] = styledCharsFromText(styled.red('c'));
		expect(first!.styles).toBe(again!.styles);
	});
});
