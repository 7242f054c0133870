import stringWidth from 'string-width';
import {cleanText} from './clean.js';
import {legacyWidth} from './legacy-widths.js';

/**
 * The one width the cockpit lays text out by, and the form text takes on screen so that every
 * terminal draws it at that width.
 *
 * Terminals disagree on some graphemes. Those that join a grapheme cluster into one cell (kitty,
 * WezTerm, iTerm2, Windows Terminal) draw `👍🏽` two columns wide; those that measure a code point at
 * a time (xterm, VTE, tmux, xterm.js) draw it four wide, as they draw `❤️` (heart, VS16) one wide
 * against two, a ZWJ family six against two, a keycap one against two, and a new emoji one against
 * two when their tables are older. Ink measures with string-width (the first kind), so such a
 * grapheme in a note pushed the rest of its line off the edge: the terminal wrapped it, and the
 * frame below scrolled away (header gone, footer overwritten, numbers shifted).
 *
 * `displayText` therefore draws outside text in a form both kinds agree on:
 * - controls are made visible first (clean.ts);
 * - emoji modifiers (skin tones), variation selectors, the keycap mark, tag characters and the ZWJ
 *   between two emoji are dropped: `👍🏽` shows as `👍`, a ZWJ family as its members side by side,
 *   `❤️` as `❤` (a sequence's meaning survives; only its one-glyph rendering is lost);
 *   invisible characters (zero-width space, word joiner, soft hyphen, BOM, LRM/RLM) are dropped too;
 * - a grapheme left whose width string-width gives (grapheme terminals) differs from the sum of
 *   its code points' widths with Unicode 11 tables (code-point terminals; legacy-widths.ts) shows
 *   as `�`, one column everywhere: an emoji newer than those tables, a lone Hangul vowel jamo;
 * - a combining mark with nothing to combine with (at the start of a text) sits on `◌`.
 * Whatever remains is measured the same by string-width, by Ink's tokeniser (string-width per
 * grapheme) and by both kinds of terminal. Text already in that form comes back unchanged.
 *
 * `textWidth`, `fitText`, `cutText`, `wrapText` and `tailText` measure and return that form: they
 * are what every row, dialog and prompt pads, cuts and wraps with.
 */

// Printable ASCII: the form of most text, measured one column a character.
const ascii = /^[\u0020-\u007E]*$/;
// Characters that are each a grapheme of their own, of one width in both kinds of terminal (Latin,
// punctuation, arrows, box drawing, blocks, shapes, dingbats: the symbols the cockpit draws).
// test/text/display.test.ts checks every one of them against string-width and Unicode 11.
export const simpleRanges: ReadonlyArray<readonly [number, number]> = [
	[0x20, 0x7E],
	[0xA0, 0xAC],
	[0xAE, 0x2FF],
	[0x2010, 0x2027],
	[0x2030, 0x205E],
	[0x2190, 0x23FF],
	[0x2400, 0x2426],
	[0x2500, 0x262F],
	[0x2638, 0x2689],
	[0x2690, 0x27BF],
];
const hex = (code: number) => `\\u${code.toString(16).padStart(4, '0')}`;
const simple = new RegExp(`^[${simpleRanges.map(([first, last]) => `${hex(first)}-${hex(last)}`).join('')}]*$`);

// Dropped before measuring: emoji modifiers, variation selectors, the combining keycap, tags,
// and invisible format characters.
const dropped = /[\u{1F3FB}-\u{1F3FF}\uFE00-\uFE0F\u{E0100}-\u{E01EF}\u20E3\u{E0000}-\u{E007F}\u00AD\u180E\u200B\u200E\u200F\u2060-\u2064\uFEFF]/gu;
const emojiJoiner = /(?<=\p{Extended_Pictographic})\u200D|\u200D(?=\p{Extended_Pictographic})/gu;
const unsure = /[\p{Cs}\p{Cn}]/u;
const leadingMark = /^\p{M}/u;
const replacement = '\uFFFD';

function graphemes(text: string): Iterable<string> {
	// Made on each call: V8 caches the locale data, and a segmenter kept at module level would be
	// state shared by every caller (this runs once per data change, not per frame).
	const segmenter = new Intl.Segmenter(undefined, {granularity: 'grapheme'});
	return Array.from(segmenter.segment(text), part => part.segment);
}

/** A code-point terminal's width of `grapheme`: each code point's own width, Unicode 11 tables. */
function codePointWidth(grapheme: string): number {
	let width = 0;
	for (const char of grapheme) width += legacyWidth(char.codePointAt(0)!) ?? stringWidth(char);
	return width;
}

function displayGrapheme(grapheme: string): string {
	if (unsure.test(grapheme)) return replacement;
	const width = stringWidth(grapheme);
	if (width === codePointWidth(grapheme)) {
		if (width > 0) return grapheme;
		return leadingMark.test(grapheme) ? `\u25CC${grapheme}` : '';
	}
	return replacement;
}

/** `text` in the form every terminal draws at its string-width (see above). */
export function displayText(text: string): string {
	if (ascii.test(text)) return text;
	const clean = cleanText(text);
	if (simple.test(clean)) return clean;
	const bare = clean.replace(dropped, '').replace(emojiJoiner, '');
	let out = '';
	for (const grapheme of graphemes(bare)) out += displayGrapheme(grapheme);
	return out;
}

/** The columns display-form text takes (printable ASCII: its length, without asking string-width). */
function shownWidth(shown: string): number {
	return ascii.test(shown) ? shown.length : stringWidth(shown);
}

/** The columns `text` takes on screen (as displayText draws it). */
export function textWidth(text: string): number {
	return shownWidth(displayText(text));
}

/** The graphemes of display-form text with their widths. */
function cells(shown: string): Array<[string, number]> {
	if (ascii.test(shown)) return Array.from(shown, char => [char, 1]);
	return Array.from(graphemes(shown), grapheme => [grapheme, stringWidth(grapheme)]);
}

/** The longest start of display-form `shown` that fits in `width` columns, and its width. */
function head(shown: string, width: number): [string, number] {
	let out = '';
	let used = 0;
	for (const [grapheme, columns] of cells(shown)) {
		if (used + columns > width) break;
		out += grapheme;
		used += columns;
	}
	return [out, used];
}

/**
 * `text` cut to at most `width` columns, ending with `…` when cut (a wide character that would
 * straddle the edge is left out, and the line ends a column short).
 */
export function cutText(text: string, width: number): string {
	if (width <= 0) return '';
	const shown = displayText(text);
	if (shownWidth(shown) <= width) return shown;
	const [start] = head(shown, width - 1);
	return `${start}…`;
}

/** `text` padded or cut to exactly `width` columns (ellipsis when cut). */
export function fitText(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	if (width <= 0) return '';
	const shown = cutText(text, width);
	const pad = ' '.repeat(Math.max(0, width - shownWidth(shown)));
	return align === 'right' ? pad + shown : shown + pad;
}

/**
 * The end of `text` that fits in `width` columns, `…` first when cut: what a one-line text field
 * shows of a long value. Looks at the last `4 × width` code units only, so a value of megabytes
 * costs what one of a line does.
 */
export function tailText(text: string, width: number): string {
	if (width <= 0) return '';
	const window = text.length > width * 4 ? text.slice(-width * 4) : text;
	const shown = displayText(window);
	if (window === text && stringWidth(shown) <= width) return shown;
	const parts = cells(shown);
	let out = '';
	let used = 0;
	for (let index = parts.length - 1; index >= 0; index--) {
		const [grapheme, columns] = parts[index]!;
		if (used + columns > width - 1) break;
		out = grapheme + out;
		used += columns;
	}
	return `…${out}`;
}

/**
 * `text` wrapped to lines of at most `width` columns: broken at spaces (the space broken at is
 * dropped, a line never ends with spaces, spaces inside a line are kept), a word longer than a line
 * broken where the line is full. Leading spaces of the text stay on its first line. Display-form.
 */
export function wrapText(text: string, width: number): string[] {
	const shown = displayText(text);
	const room = Math.max(1, width);
	if (stringWidth(shown) <= room) return [shown.trimEnd()];
	const lines: string[] = [];
	let line = /^ */.exec(shown)![0];
	let used = line.length;
	// Whether the line holds no word yet (its first word needs no space before it).
	let fresh = true;
	for (let word of shown.slice(line.length).split(' ')) {
		let columns = stringWidth(word);
		const gap = fresh ? 0 : 1;
		if (used + gap + columns <= room) {
			line += gap ? ` ${word}` : word;
			used += gap + columns;
			fresh = false;
			continue;
		}
		if (!fresh) {
			lines.push(line.trimEnd());
			line = '';
			used = 0;
			fresh = true;
		}
		if (word === '') continue;
		while (used + columns > room) {
			const [start] = head(word, room - used);
			// A character wider than a whole line goes on a line of its own (Ink cuts it there).
			const taken = start || cells(word)[0]![0];
			lines.push(line + taken);
			line = '';
			used = 0;
			word = word.slice(taken.length);
			columns = stringWidth(word);
		}
		line += word;
		used += columns;
		fresh = word === '';
	}
	if (line.trim() !== '' || lines.length === 0) lines.push(line.trimEnd());
	return lines;
}
