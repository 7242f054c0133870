import {LocatedError} from '../config/located-error.js';
import {checkSize} from '../config/limits.js';

/**
 * Limits on a Markdown runbook, checked line by line before the parser sees it.
 *
 * The parser (micromark, through mdast-util-from-markdown) is linear on ordinary runbooks, but not
 * on every input: emphasis and link marks in one paragraph are resolved against each other
 * (quadratic: 1 MB of `*a ` ran past 300 s), each open quote or list is re-checked on every line
 * (depth x lines; 1,000 nested list levels never ended), `>` nested 10,000 deep overflows its
 * stack, and every block and table cell costs kilobytes of events (a 2 MB table took 4.5 GB).
 * Each limit below cuts one of those growths, with room to spare for real runbooks (1-20 KB, a few
 * hundred lines, lists 3-4 deep); the README lists them. What the line scanner cannot see (it does
 * not parse) is caught by the per-file deadline and memory cap of the parser's worker
 * (source/runbook/off-thread.ts).
 */
export const markdownLimits = {
	/** Characters in one line, code included. */
	lineLength: 10_000,
	/** Characters of one paragraph (lines without a blank line between them). */
	paragraph: 10_000,
	/** `* _ ~ [ ] <` in one paragraph, heading or table row: the marks inline parsing pairs up. */
	marks: 1_000,
	/** Quote and list markers that open on one line. */
	nesting: 16,
	/** Columns a line starts with, outside code blocks: lists nest by indentation. */
	indent: 64,
	/** Paragraphs, headings, list items, table rows and code blocks. */
	blocks: 10_000,
	/** Cells of all tables together. */
	tableCells: 5_000,
} as const;

const THEMATIC_BREAK = /^([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const LIST_MARKER = /^(?:[-+*]|\d{1,9}[.)])(?=[ \t]|$)/;
const FENCE = /^(`{3,}|~{3,})/;
const TABLE_DELIMITER = /^\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
/** The HTML blocks that may interrupt a paragraph and run to a blank line (CommonMark kinds 1-6). */
const HTML_BLOCK =
	/^<(?:!--|\?|![A-Za-z]|!\[CDATA\[|\/?(?:address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|pre|script|search|section|style|summary|table|tbody|td|textarea|tfoot|th|thead|title|tr|track|ul)(?:[\s/>]|$))/i;
const MARKS = /[*_~[\]<]/g;

/** The container markers a line opens (quotes, list items), its indentation and what follows. */
interface LineShape {
	depth: number;
	indent: number;
	content: string;
	listItem: boolean;
}

function shape(line: string): LineShape {
	let depth = 0;
	let indent = 0;
	let listItem = false;
	let i = 0;
	// Past the nesting limit the line is refused anyway: stop counting (a line can hold 5,000 markers).
	while (i < line.length && depth <= markdownLimits.nesting) {
		const ch = line[i];
		// Indentation is what the line starts with; the spaces after a marker belong to the marker.
		if (ch === ' ') indent += depth === 0 ? 1 : 0;
		else if (ch === '\t') indent += depth === 0 ? 4 - (indent % 4) : 0;
		else if (ch === '>') depth++;
		else {
			const rest = line.slice(i);
			const marker = THEMATIC_BREAK.test(rest) ? null : LIST_MARKER.exec(rest);
			if (!marker) break;
			depth++;
			listItem = true;
			i += marker[0].length;
			continue;
		}
		i++;
	}
	return {depth, indent, content: line.slice(i), listItem};
}

/** Cells of one table row: its unescaped pipes, less the ones at its ends. */
function cells(row: string): number {
	const text = row.trim();
	let count = 1 + (text.match(/(?<!\\)\|/g)?.length ?? 0);
	if (text.startsWith('|')) count--;
	if (text.endsWith('|') && text.length > 1) count--;
	return Math.max(count, 1);
}

const count = (n: number) => n.toLocaleString('en');

/** Refuses Markdown past markdownLimits (and the size limit) at the line where it passes one. */
export function checkMarkdownLimits(text: string, file: string): void {
	checkSize(text, file, 'runbook');
	const fail = (line: number, problem: string): never => {
		throw new LocatedError(file, line, undefined, undefined, problem);
	};
	const lines = text.split('\n');
	let fence: {mark: string; length: number} | undefined;
	let html = false;
	let table = false;
	let tableCells = 0;
	let blocks = 0;
	let paragraph: {start: number; chars: number; marks: number} | undefined;
	let previous: string | undefined;
	// Front matter is YAML: yamlLimits apply to it when it is parsed.
	let first = 0;
	if (/^---[ \t]*\r?$/.test(lines[0] ?? '')) {
		const end = lines.findIndex((line, i) => i > 0 && /^(?:---|\.\.\.)[ \t]*\r?$/.test(line));
		if (end > 0) first = end + 1;
	}
	const newBlock = (number: number) => {
		if (++blocks > markdownLimits.blocks) fail(number, `more than ${count(markdownLimits.blocks)} blocks (paragraphs, headings, list items, table rows, code blocks); split the runbook into smaller ones`);
	};
	/** Adds a line to the paragraph (a heading or a table row is one of its own: `fresh`). */
	const inline = (number: number, content: string, fresh: boolean) => {
		const chars = content.length;
		const marks = content.match(MARKS)?.length ?? 0;
		if (paragraph && !fresh) {
			paragraph.chars += chars;
			paragraph.marks += marks;
		} else paragraph = {start: number, chars, marks};
		if (paragraph.chars > markdownLimits.paragraph) fail(paragraph.start, `a paragraph of more than ${count(markdownLimits.paragraph)} characters (lines ${paragraph.start}-${number}); separate it with blank lines`);
		if (paragraph.marks > markdownLimits.marks) {
			fail(paragraph.start, `more than ${count(markdownLimits.marks)} emphasis or link marks (* _ ~ [ ] <) in one paragraph (lines ${paragraph.start}-${number}); put code in backticks or a code block, or split the paragraph`);
		}
	};
	for (let index = 0; index < lines.length; index++) {
		const line = lines[index]!;
		const number = index + 1;
		if (line.length > markdownLimits.lineLength) fail(number, `this line is ${count(line.length)} characters long; a line may have at most ${count(markdownLimits.lineLength)}`);
		if (index < first) continue;
		const {depth, indent, content, listItem} = shape(line);
		if (fence) {
			const close = FENCE.exec(content);
			if (close && close[1]![0] === fence.mark && close[1]!.length >= fence.length && content.slice(close[1]!.length).trim() === '') fence = undefined;
			continue;
		}
		if (depth > markdownLimits.nesting) fail(number, `quotes and lists nested more than ${markdownLimits.nesting} levels deep on this line`);
		if (content.trim() === '') {
			html = false;
			table = false;
			paragraph = undefined;
			previous = undefined;
			continue;
		}
		if (indent > markdownLimits.indent) fail(number, `this line is indented ${indent} columns; outside a code block at most ${markdownLimits.indent} (lists nested too deep?)`);
		const opened = FENCE.exec(content);
		if (opened) {
			fence = {mark: opened[1]![0]!, length: opened[1]!.length};
			newBlock(number);
			paragraph = undefined;
			table = false;
			continue;
		}
		if (html) continue;
		if (HTML_BLOCK.test(content)) {
			html = true;
			newBlock(number);
			paragraph = undefined;
			continue;
		}
		if (!table && previous?.includes('|') && content.includes('|') && TABLE_DELIMITER.test(content)) {
			// The line before was the header row: it was counted as a paragraph line, now it is a row.
			table = true;
			tableCells += cells(previous);
			paragraph = undefined;
			continue;
		}
		if (table) {
			newBlock(number);
			tableCells += cells(content);
			if (tableCells > markdownLimits.tableCells) fail(number, `tables with more than ${count(markdownLimits.tableCells)} cells; split the runbook or link to the data`);
			inline(number, content, true);
			paragraph = undefined;
			continue;
		}
		const starts = !paragraph || listItem || content.startsWith('#') || THEMATIC_BREAK.test(content);
		if (starts) newBlock(number);
		inline(number, content, starts);
		// A heading is one line: what follows starts a new block.
		if (content.startsWith('#')) paragraph = undefined;
		previous = content;
	}
}
