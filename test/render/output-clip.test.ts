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

describe('Ink output: ASCII lines tokenised without the grapheme segmenter (patches/ink+6.8.0.patch)', () => {
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

	it('gives equal styles the same array, so the cell diff compares them by identity', () => {
		const [first] = styledCharsFromText(styled.red('a') + 'b');
		const [again] = styledCharsFromText(styled.red('c'));
		expect(first!.styles).toBe(again!.styles);
	});
});
