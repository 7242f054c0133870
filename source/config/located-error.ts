import {CST, isAlias, isNode, Lexer, LineCounter, parseDocument, visit, type Document} from 'yaml';
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

export const yamlLimits = {
	/** Block and flow collections inside one another (a config needs about 5). */
	depth: 64,
	/** `*alias` expansions while building the value (yaml's own default, said out loud). */
	aliases: 100,
} as const;

/**
 * Refuses YAML nested deeper than yamlLimits.depth, at the line where it does; the yaml library
 * builds a document recursively and would end in a bare "Maximum call stack size exceeded". The
 * depth comes from yaml's own lexer (which knows quotes, comments and block scalars), as the
 * columns of the open block collections plus the open flow collections: written by hand because
 * the library has no depth option.
 */
export function checkYamlLimits(text: string, file: string): void {
	const blocks: number[] = [];
	let flow = 0;
	let line = 1;
	let column = 0;
	let lineStart = true;
	/** The token before was `- ` or `? `: what follows is nested in it, on the same line. */
	let afterIndicator = false;
	for (const token of new Lexer().lex(text)) {
		const type = CST.tokenType(token);
		// Control characters mark what follows (document, scalar); they take no room in the text.
		if (token.length === 1 && token.charCodeAt(0) < 0x20 && token !== '\n' && token !== '\t') continue;
		if (type === 'newline' || type === 'space' || type === 'comment' || type === 'byte-order-mark') {
			if (type === 'space' && !lineStart) afterIndicator &&= !token.includes('\n');
		} else if (flow === 0 && (lineStart || afterIndicator)) {
			if (lineStart) while (blocks.length > 0 && blocks.at(-1)! >= column) blocks.pop();
			blocks.push(column);
			lineStart = false;
			afterIndicator = type === 'seq-item-ind' || type === 'explicit-key-ind';
		} else {
			lineStart = false;
			afterIndicator = false;
		}
		if (type === 'flow-map-start' || type === 'flow-seq-start') flow++;
		else if ((type === 'flow-map-end' || type === 'flow-seq-end') && flow > 0) flow--;
		if (blocks.length + flow > yamlLimits.depth) throw new LocatedError(file, line, column + 1, undefined, `YAML nested more than ${yamlLimits.depth} levels deep`);
		const newlines = token.split('\n').length - 1;
		if (newlines > 0) {
			line += newlines;
			column = token.length - token.lastIndexOf('\n') - 1;
			// A token that ends a line (a newline, a block scalar's body) starts the next one.
			lineStart = type === 'newline' || token.endsWith('\n') || /^[ \t]*$/.test(token.slice(token.lastIndexOf('\n') + 1));
		} else column += token.length;
	}
}

/**
 * Parses YAML and reports every problem, located: a file past yamlLimits (one problem: it is not
 * parsed), else each syntax error, else a value that cannot be built (an alias with no anchor, too
 * many aliases). `parsed` is there when the document has a value to validate. `lineOffset`: the
 * YAML starts that many lines into its file (a Markdown runbook's front matter).
 */
export function parseYamlAll(text: string, file: string, lineOffset = 0): {parsed?: ParsedYaml; problems: LocatedError[]} {
	const shifted = (line: number | undefined, column: number | undefined, problem: string) => new LocatedError(file, line === undefined ? undefined : line + lineOffset, column, undefined, problem);
	try {
		checkYamlLimits(text, file);
	} catch (error) {
		if (!(error instanceof LocatedError)) throw error;
		return {problems: [shifted(error.line, error.column, error.problem)]};
	}
	const lines = new LineCounter();
	const doc = parseDocument(text, {lineCounter: lines, prettyErrors: false, uniqueKeys: true});
	if (doc.errors.length > 0) {
		return {
			problems: doc.errors.map(error => {
				const pos = lines.linePos(error.pos[0]);
				return shifted(pos?.line, pos?.col, error.message.split('\n')[0] ?? error.message);
			}),
		};
	}
	try {
		return {parsed: {doc, lines, value: doc.toJS({maxAliasCount: yamlLimits.aliases})}, problems: []};
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
		const message = (error as Error).message.split('\n')[0] ?? String(error);
		return {problems: [shifted(at?.line ?? 1, at?.col, /alias count/i.test(message) ? `${message} (at most ${yamlLimits.aliases} aliases)` : message)]};
	}
}

/** Parses YAML, turning the first syntax error into a LocatedError; refuses YAML past yamlLimits first. */
export function parseYamlLocated(text: string, file: string): ParsedYaml {
	const {parsed, problems} = parseYamlAll(text, file);
	if (problems[0]) throw problems[0];
	return parsed!;
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
