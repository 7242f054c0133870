/**
 * Text from outside (pod names, log lines, labels, health bodies, alert names, command output,
 * notes, runbooks) made safe to store, draw, export and print: no control character reaches a
 * terminal, a journal line, a post-mortem or `status` output as itself.
 *
 * Hand-written: strip-ansi and the like remove escape sequences silently, but an operator reading a
 * log needs to see that a line carried `ESC ] 52` (a clipboard write) or a bare carriage return (a
 * line that rewrites the one before); and none of them expands tabs or splits lines the way our rows
 * and dialogs need. So:
 * - a complete SGR sequence (`ESC [ 31 m`: colour, nothing else) is dropped: coloured logs read as text;
 * - every other C0 control shows as its Control Pictures symbol (`␛`, `␇`, `␍`, `␈`, `␀`...), DEL as `␡`,
 *   so `ESC ] 52 ; c ; …` reads `␛]52;c;…` and can do nothing;
 * - a C1 control (U+0080–U+009F, which terminals also obey) and the bidirectional overrides and
 *   isolates (which reorder what is drawn) show as `<U+009B>`;
 * - a tab becomes the spaces to the next multiple of 8 columns, counted from the line's start;
 * - in one-line text a line break shows as `␤`; multi-line text is split into lines (`cleanLines`),
 *   a CR LF or a LF ending a line.
 * The result contains no character below U+0020 (except `\n` kept by `cleanMultiline`) and none in
 * U+007F–U+009F. Cleaning is idempotent: clean text comes back unchanged, so each layer may clean.
 */

// Everything that needs work; text without any of it is returned as it is (the common case).
const needsWork = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
// An SGR sequence, 7-bit: colours and attributes only.
const sgr = /\u001B\[[0-9;:]*m/g;
const tabStop = 8;

function visible(char: string): string {
	const code = char.charCodeAt(0);
	if (code < 0x20) return String.fromCharCode(0x2400 + code);
	if (code === 0x7F) return '\u2421';
	return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/** Expands the tabs of one line (no line breaks in it) to spaces up to the next tab stop. */
function expandTabs(line: string): string {
	if (!line.includes('\t')) return line;
	let out = '';
	let column = 0;
	for (const [index, text] of line.split('\t').entries()) {
		if (index > 0) {
			const spaces = tabStop - (column % tabStop);
			out += ' '.repeat(spaces);
			column += spaces;
		}
		out += text;
		// Columns here are code points: close enough for tab stops in the plain text that carries tabs.
		column += text.length;
	}
	return out;
}

function cleanLine(line: string, lineBreak: string): string {
	const expanded = expandTabs(line.replace(sgr, ''));
	return expanded.replace(/[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g, char => (char === '\n' ? lineBreak : visible(char)));
}

/** One-line text: controls visible, tabs expanded, a line break shown as `␤`. */
export function cleanText(text: string): string {
	if (!needsWork.test(text)) return text;
	return cleanLine(text.replace(/\r\n/g, '\n'), '\u2424');
}

/** Multi-line text kept multi-line (`\n`; a CR LF becomes `\n`), each line cleaned as `cleanText` cleans. */
export function cleanMultiline(text: string): string {
	if (!needsWork.test(text)) return text;
	return text
		.replace(/\r\n/g, '\n')
		.split('\n')
		.map(line => cleanLine(line, '\u2424'))
		.join('\n');
}

/** Multi-line text as its clean lines. */
export function cleanLines(text: string): string[] {
	return cleanMultiline(text).split('\n');
}

/**
 * Every string in a JSON-like value cleaned (object keys too); the same object back when nothing
 * needed cleaning, so callers that compare by identity see no change. `multiline`: keep line breaks
 * in string values (an output excerpt, a note), else show them as `␤`.
 */
export function cleanDeep<T>(value: T, options: {multiline?: boolean} = {}): T {
	const clean = options.multiline ? cleanMultiline : cleanText;
	return cleanValue(value, clean);
}

function cleanValue<T>(value: T, clean: (text: string) => string): T {
	if (typeof value === 'string') return clean(value) as T;
	if (Array.isArray(value)) {
		let out: unknown[] | undefined;
		const items = value as unknown[];
		for (let index = 0; index < items.length; index++) {
			const item = cleanValue(items[index], clean);
			if (item !== items[index]) (out ??= items.slice())[index] = item;
		}
		return (out ?? value) as T;
	}
	if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
		let out: Record<string, unknown> | undefined;
		const entries = Object.entries(value as Record<string, unknown>);
		for (const [key, item] of entries) {
			const cleanKey = cleanText(key);
			const cleanItem = cleanValue(item, clean);
			if (cleanKey !== key || cleanItem !== item) {
				out ??= {};
				break;
			}
		}
		if (!out) return value;
		for (const [key, item] of entries) out[cleanText(key)] = cleanValue(item, clean);
		return out as T;
	}
	return value;
}
