import {parser} from '@prometheus-io/lezer-promql';

export interface PromqlProblem {
	/** 0-based line within the expression. */
	line: number;
	/** 1-based column within that line. */
	column: number;
	message: string;
}

/**
 * `{{name}}` placeholders (the syntax of source/runbook/template.ts) are replaced by a dummy that
 * parses in their position: a duration inside `[...]` or after `offset`, an identifier elsewhere.
 * The returned map turns an offset in the substituted text back into one in the original.
 */
function substitute(promql: string): {text: string; toOriginal: (offset: number) => number} {
	const placeholder = /\{\{\s*[A-Za-z_][\w.-]*\s*\}\}/g;
	let text = '';
	let last = 0;
	const marks: Array<{at: number; shift: number}> = [];
	for (const match of promql.matchAll(placeholder)) {
		const start = match.index;
		text += promql.slice(last, start);
		const before = promql.slice(0, start).replace(/\s+$/, '');
		const inQuotes = (promql.slice(0, start).match(/(?<!\\)"/g)?.length ?? 0) % 2 === 1;
		const dummy = inQuotes ? 'x' : /(?:\[|:|\boffset)$/.test(before) ? '1m' : 'x';
		text += dummy;
		marks.push({at: text.length, shift: start + match[0].length - text.length});
		last = start + match[0].length;
	}
	text += promql.slice(last);
	return {
		text,
		toOriginal(offset) {
			let shift = 0;
			for (const mark of marks) if (offset >= mark.at) shift = mark.shift;
			return offset + shift;
		},
	};
}

/** Syntax check with the Prometheus project's own Lezer grammar; null when the expression parses. */
export function checkPromql(promql: string): PromqlProblem | null {
	const {text, toOriginal} = substitute(promql);
	if (text.trim() === '') return {line: 0, column: 1, message: 'empty PromQL expression'};
	const tree = parser.parse(text);
	let errorAt: number | undefined;
	tree.iterate({
		enter(node) {
			if (errorAt !== undefined) return false;
			if (node.type.isError) {
				errorAt = node.from;
				return false;
			}
			return undefined;
		},
	});
	if (errorAt === undefined) return null;
	const offset = Math.min(toOriginal(errorAt), promql.length);
	const before = promql.slice(0, offset);
	const line = before.split('\n').length - 1;
	const column = offset - (before.lastIndexOf('\n') + 1) + 1;
	const near = promql.slice(offset, offset + 20).split('\n')[0]!.trim();
	return {line, column, message: near ? `PromQL syntax error near '${near}'` : 'PromQL syntax error: the expression ends too early'};
}
