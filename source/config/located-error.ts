import {isAlias, isNode, LineCounter, parseDocument, visit, type Document} from 'yaml';
import type {ZodError} from 'zod';

/**
 * An error in a user's file that says where: file, line, column, key, and what is wrong.
 * Used by the config loader and the runbook loaders; the CLI prints `message` as it is.
 */
export class LocatedError extends Error {
	constructor(
		readonly file: string,
		readonly line: number | undefined,
		readonly column: number | undefined,
		readonly key: string | undefined,
		readonly problem: string,
	) {
		super(`${file}${line ? `:${line}${column ? `:${column}` : ''}` : ''}: ${key ? `${key}: ` : ''}${problem}`);
		this.name = 'LocatedError';
	}
}

export interface ParsedYaml {
	doc: Document.Parsed;
	lines: LineCounter;
	value: unknown;
}

/** Parses YAML, turning syntax errors into LocatedErrors. */
export function parseYamlLocated(text: string, file: string): ParsedYaml {
	const lines = new LineCounter();
	const doc = parseDocument(text, {lineCounter: lines, prettyErrors: false, uniqueKeys: true});
	const first = doc.errors[0];
	if (first) {
		const pos = lines.linePos(first.pos[0]);
		throw new LocatedError(file, pos?.line, pos?.col, undefined, first.message.split('\n')[0] ?? first.message);
	}
	try {
		return {doc, lines, value: doc.toJS()};
	} catch (error) {
		// toJS() throws a bare ReferenceError for an alias whose anchor does not exist (`*name`): point at the alias.
		let at: {line: number; col: number} | undefined;
		visit(doc, {
			Alias(_key, node) {
				if (isAlias(node) && node.range) {
					at = lines.linePos(node.range[0]);
					return visit.BREAK;
				}
				return undefined;
			},
		});
		throw new LocatedError(file, at?.line ?? 1, at?.col, undefined, (error as Error).message.split('\n')[0] ?? String(error));
	}
}

/** Where a key path points in the YAML document: the deepest existing node on the path. */
export function locate(parsed: ParsedYaml, path: ReadonlyArray<string | number>): {line?: number; column?: number} {
	for (let depth = path.length; depth >= 0; depth--) {
		const node = parsed.doc.getIn(path.slice(0, depth), true);
		if (isNode(node) && node.range) {
			const pos = parsed.lines.linePos(node.range[0]);
			return {line: pos.line, column: pos.col};
		}
	}
	return {};
}

export function formatPath(path: ReadonlyArray<string | number | symbol>): string {
	let out = '';
	for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
	return out;
}

/** The first schema issue as a LocatedError naming file, line, column and key. */
export function zodToLocated(error: ZodError, parsed: ParsedYaml, file: string): LocatedError {
	const issue = error.issues[0]!;
	const path = issue.path;
	const {line, column} = locate(parsed, path);
	let problem = issue.message;
	if (issue.code === 'unrecognized_keys') problem = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map(k => `'${k}'`).join(', ')}`;
	return new LocatedError(file, line, column, path.length > 0 ? formatPath(path) : undefined, problem);
}
