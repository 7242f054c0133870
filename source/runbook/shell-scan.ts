/**
 * A quoting scanner for shell text from runbooks: which parts of a script are code, quoted,
 * commented or a here-document, line by line, and whether a line leaves a command open.
 *
 * The Markdown importer needs this while it splits a fence into commands and finds the
 * placeholders a runbook wrote (`$NAMESPACE` means something in code and in double quotes, nothing
 * in single quotes or a comment). It runs in the parser's worker on text from anywhere, so it is one
 * pass over the characters, never a backtracking expression. Hand-written: the bash parser the
 * cockpit binds values with (shell-bind.ts, mvdan-sh) is 1.5 MB, loaded only when a command runs,
 * and refuses the half-written scripts runbooks are full of; this scanner only needs quotes.
 */

export type ScanContext = 'code' | 'single' | 'double' | 'ansi' | 'comment' | 'heredoc' | 'heredoc-quoted';

export interface ScanSpan {
	/** Offsets in the line (or the script, for scanScript) given to the scanner. */
	start: number;
	end: number;
	context: ScanContext;
}

type FrameKind = 'code' | 'single' | 'double' | 'ansi' | 'backtick' | 'subst' | 'brace';

interface Frame {
	kind: FrameKind;
	/** Open parentheses inside a `$(…)`. */
	depth: number;
}

interface Heredoc {
	delimiter: string;
	quoted: boolean;
	/** `<<-`: the closing line may be indented with tabs. */
	strip: boolean;
}

const WORD_START_BEFORE = /[\s;&|()<>]/;

/** Reads a here-document delimiter after `<<` at `index`; returns it and where it ends. */
function readDelimiter(line: string, index: number): {heredoc: Heredoc; end: number} | null {
	let i = index;
	const strip = line[i] === '-';
	if (strip) i++;
	while (line[i] === ' ' || line[i] === '\t') i++;
	const quote = line[i];
	if (quote === "'" || quote === '"') {
		const close = line.indexOf(quote, i + 1);
		if (close < 0) return null;
		const delimiter = line.slice(i + 1, close);
		return delimiter ? {heredoc: {delimiter, quoted: true, strip}, end: close + 1} : null;
	}
	let delimiter = '';
	let quoted = false;
	while (i < line.length && /[\w.\\-]/.test(line[i]!)) {
		if (line[i] === '\\') quoted = true;
		else delimiter += line[i];
		i++;
	}
	return delimiter ? {heredoc: {delimiter, quoted, strip}, end: i} : null;
}

const contextOf = (frame: Frame): ScanContext => {
	switch (frame.kind) {
		case 'single':
			return 'single';
		case 'double':
			return 'double';
		case 'ansi':
			return 'ansi';
		default:
			return 'code';
	}
};

/**
 * Scans a script one line at a time, keeping what a line leaves open (a quote, a `$(`, a
 * here-document) for the next.
 */
export class ShellScanner {
	private stack: Frame[] = [{kind: 'code', depth: 0}];
	private pending: Heredoc[] = [];
	private heredoc: Heredoc | undefined;

	/** A quote, `$(…)`, backquote or here-document is still open after the last line. */
	get open(): boolean {
		return this.stack.length > 1 || this.heredoc !== undefined || this.pending.length > 0;
	}

	/** The spans of one line (without its newline), in order, covering it entirely. */
	line(text: string): ScanSpan[] {
		if (this.heredoc) return this.heredocLine(text);
		const spans: ScanSpan[] = [];
		let start = 0;
		let context = contextOf(this.top);
		const mark = (at: number, next: ScanContext) => {
			if (next === context) return;
			if (at > start) spans.push({start, end: at, context});
			start = at;
			context = next;
		};
		let i = 0;
		while (i < text.length) {
			const ch = text[i]!;
			const top = this.top;
			if (top.kind === 'single') {
				if (ch === "'") {
					this.stack.pop();
					mark(i + 1, contextOf(this.top));
				}
				i++;
				continue;
			}
			if (top.kind === 'ansi') {
				if (ch === '\\') i += 2;
				else {
					if (ch === "'") {
						this.stack.pop();
						mark(i + 1, contextOf(this.top));
					}
					i++;
				}
				continue;
			}
			if (ch === '\\') {
				i += 2;
				continue;
			}
			if (top.kind === 'double') {
				if (ch === '"') {
					this.stack.pop();
					mark(i + 1, contextOf(this.top));
					i++;
				} else if (ch === '$' && text[i + 1] === '(') {
					this.stack.push({kind: 'subst', depth: 1});
					mark(i, 'code');
					i += 2;
				} else if (ch === '$' && text[i + 1] === '{') {
					this.stack.push({kind: 'brace', depth: 0});
					mark(i, 'code');
					i += 2;
				} else if (ch === '`') {
					this.stack.push({kind: 'backtick', depth: 0});
					mark(i, 'code');
					i++;
				} else i++;
				continue;
			}
			// Code: top level, $(…), `…` or ${…}.
			if (ch === "'") {
				const ansi = text[i - 1] === '$';
				this.stack.push({kind: ansi ? 'ansi' : 'single', depth: 0});
				mark(ansi ? i - 1 : i, ansi ? 'ansi' : 'single');
				i++;
			} else if (ch === '"') {
				this.stack.push({kind: 'double', depth: 0});
				mark(i, 'double');
				i++;
			} else if (ch === '`') {
				if (top.kind === 'backtick') this.stack.pop();
				else this.stack.push({kind: 'backtick', depth: 0});
				i++;
				mark(i, contextOf(this.top));
			} else if (ch === '$' && text[i + 1] === '(') {
				this.stack.push({kind: 'subst', depth: 1});
				i += 2;
			} else if (ch === '$' && text[i + 1] === '{') {
				this.stack.push({kind: 'brace', depth: 0});
				i += 2;
			} else if (ch === '(' && top.kind === 'subst') {
				top.depth++;
				i++;
			} else if (ch === ')' && top.kind === 'subst') {
				top.depth--;
				if (top.depth === 0) this.stack.pop();
				i++;
				mark(i, contextOf(this.top));
			} else if (ch === '}' && top.kind === 'brace') {
				this.stack.pop();
				i++;
				mark(i, contextOf(this.top));
			} else if (ch === '#' && top.kind !== 'brace' && (i === 0 || WORD_START_BEFORE.test(text[i - 1]!))) {
				mark(i, 'comment');
				i = text.length;
			} else if (ch === '<' && text[i + 1] === '<' && text[i + 2] !== '<' && text[i - 1] !== '<') {
				const found = readDelimiter(text, i + 2);
				if (found) {
					this.pending.push(found.heredoc);
					i = found.end;
				} else i += 2;
			} else i++;
		}
		if (text.length > start) spans.push({start, end: text.length, context});
		// A here-document starts on the line after its `<<`, once the command line is complete.
		if (this.stack.length === 1 && this.pending.length > 0) this.heredoc = this.pending.shift();
		return spans;
	}

	private get top(): Frame {
		return this.stack[this.stack.length - 1]!;
	}

	private heredocLine(text: string): ScanSpan[] {
		const heredoc = this.heredoc!;
		const closing = heredoc.strip ? text.replace(/^\t+/, '') : text;
		if (closing === heredoc.delimiter || closing.trim() === heredoc.delimiter) {
			this.heredoc = this.pending.shift();
			return text.length > 0 ? [{start: 0, end: text.length, context: 'code'}] : [];
		}
		return text.length > 0 ? [{start: 0, end: text.length, context: heredoc.quoted ? 'heredoc-quoted' : 'heredoc'}] : [];
	}
}

/** The spans of a whole script, offsets in the script; newlines belong to no span. */
export function scanScript(script: string): ScanSpan[] {
	const scanner = new ShellScanner();
	const spans: ScanSpan[] = [];
	let offset = 0;
	for (const line of script.split('\n')) {
		for (const span of scanner.line(line)) spans.push({start: span.start + offset, end: span.end + offset, context: span.context});
		offset += line.length + 1;
	}
	return spans;
}

/** The code of a line, its quoted parts blanked to `""` and its comment cut: for keyword and operator checks. */
export function codeOnly(text: string, spans: readonly ScanSpan[]): string {
	let out = '';
	for (const span of spans) {
		if (span.context === 'code') out += text.slice(span.start, span.end);
		else if (span.context === 'comment') break;
		else out += '""';
	}
	return out;
}

const OPENERS = /(?:^|[;&|({]\s*|\b(?:then|do|else)\s+)(?:if|for|while|until|case|select)\b/g;
const CLOSERS = /(?:^|[;&|\s])(?:fi|done|esac)\b(?=\s*(?:$|[;&|)>]))/g;

/**
 * Whether each line of a script continues the command of the line before: a trailing `\`, `|`,
 * `&&` or `||`, an open quote or here-document, or an unclosed if/for/while/case or `{`.
 */
export class CommandTracker {
	private scanner = new ShellScanner();
	private depth = 0;
	private continued = false;

	/** The line ends inside a command: the next line belongs to it. */
	get open(): boolean {
		return this.scanner.open || this.depth > 0 || this.continued;
	}

	/** Feeds one line; returns its spans. */
	line(text: string): ScanSpan[] {
		const spans = this.scanner.line(text);
		const code = codeOnly(text, spans).trim();
		const opens = code.match(OPENERS)?.length ?? 0;
		const closes = code.match(CLOSERS)?.length ?? 0;
		const braces = (/\{\s*$/.test(code) ? 1 : 0) - (/^\}/.test(code) ? 1 : 0);
		this.depth = Math.max(0, this.depth + opens - closes + braces);
		const trailing = /\\*$/.exec(code)![0].length;
		this.continued = trailing % 2 === 1 || /(?:\||&&)$/.test(code);
		return spans;
	}

	/** Forgets everything: the next line starts a command. */
	reset(): void {
		this.scanner = new ShellScanner();
		this.depth = 0;
		this.continued = false;
	}
}

const ASSIGNMENT = /(?:^|[;&|(){}]|\b(?:then|do|else|export|local|readonly|typeset|declare(?:\s+-[A-Za-z]+)*)\b)\s*([A-Za-z_]\w*)\+?=/g;
// Options and quoted words (blanked to "" by codeOnly) first, then the names: disjoint first characters, so no backtracking.
const READ_NAMES = /\b(?:read|mapfile|readarray)((?:\s+(?:-[A-Za-z]+|""))*)((?:\s+[A-Za-z_]\w*)+)/g;
const FOR_NAME = /\bfor\s+([A-Za-z_]\w*)\s+in\b/g;

/** The shell variables a line's code assigns (`X=…`, `export X=…`, `read X`, `for X in`), in order. */
export function assignedNames(code: string): string[] {
	const names: string[] = [];
	for (const match of code.matchAll(ASSIGNMENT)) names.push(match[1]!);
	for (const match of code.matchAll(FOR_NAME)) names.push(match[1]!);
	for (const match of code.matchAll(READ_NAMES)) names.push(...match[2]!.trim().split(/\s+/));
	return names;
}
