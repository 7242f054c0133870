/**
 * Binds a runbook script's `{{variables}}` to positional parameters, so no value is ever read as
 * shell code.
 *
 * Splicing a quoted value into the text cannot be made safe for every place a placeholder can sit:
 * `'…'` quoting is literal inside double quotes (`"{{pod}}"` ran `$(…)` from an alert label), and a
 * here-document, a `$(…)` or backquotes each quote differently. Instead each placeholder becomes a
 * reference to a positional parameter, written for the quoting context it sits in, and the values
 * are passed to `bash -c SCRIPT bash VALUE…`: bash never re-reads the result of a parameter
 * expansion as code, whatever it contains.
 *
 *   bare            kubectl describe pod {{pod}}      ->  kubectl describe pod "${1}"
 *   double quotes   echo "pod {{pod}} is down"        ->  echo "pod ${1} is down"
 *   single quotes   echo 'pod {{pod}}'                ->  echo 'pod '"${1}"''
 *   $'…'            printf $'{{pod}}\n'               ->  printf $''"${1}"$'\n'
 *   here-document   cat <<EOF … {{pod}} … EOF         ->  … ${1} …
 *   $(…), `…`       $(kubectl get pod {{pod}})        ->  $(kubectl get pod "${1}")
 *   comment         # {{pod}}                         ->  left as written
 *
 * Where a parameter would still be evaluated, the placeholder is refused with its line and column
 * (lint reports the same): arithmetic (`$(( ))`, `(( ))`, `let`, `[[ -eq ]]`, array subscripts),
 * `${…}` operators, a quoted here-document (`<<'EOF'` is never expanded), `declare`/`local`/`export`
 * with options or as a name, a backslash before it, and the words of source/runbook/command-safety.ts
 * (the program to run, `eval`, `sh -c`, `ssh`…).
 *
 * The script is parsed by mvdan/sh (the parser of shfmt), transpiled to JavaScript as `mvdan-sh`:
 * telling these contexts apart needs a real bash parser. It is about 1.5 MB, so this module is
 * loaded with import() only when a script with placeholders is prepared or linted, and the
 * single-file build embeds it deflated (scripts/build.mjs, lazyModules).
 */

import sh, {type ShNode} from 'mvdan-sh';
import {codeWordReason} from './command-safety.js';
import {placeholders} from './template.js';

export interface PlaceholderProblem {
	variable: string;
	/** 1-based, in the script as written. */
	line: number;
	column: number;
	reason: string;
}

export interface ScriptBinding {
	/** The script with each placeholder replaced by a reference to its positional parameter. */
	script: string;
	/** The variable whose value is `$1`, `$2`, … */
	params: string[];
	/** Placeholders that cannot be made safe; a script with any is not run. */
	problems: PlaceholderProblem[];
}

type Context = 'bare' | 'double' | 'single' | 'ansi' | 'heredoc' | 'comment';

/** Where one placeholder sits: its quoting context, or why it cannot be made safe. */
type Placement = {context: Context} | {unsafe: string};

const ARITHMETIC = 'bash evaluates it as arithmetic, which runs any $(…) in the value';
const ARITHMETIC_TESTS = new Set(['-eq', '-ne', '-lt', '-le', '-gt', '-ge']);

/** Line and column (1-based) of `index` in `text`. */
function lineColumn(text: string, index: number): {line: number; column: number} {
	const before = text.slice(0, index);
	const line = before.split('\n').length;
	return {line, column: index - before.lastIndexOf('\n')};
}

/** A prefix that the script does not contain, so each placeholder becomes a word found exactly once. */
function sentinelPrefix(script: string): string {
	let n = 0;
	while (script.includes(`__itui${n}v`)) n++;
	return `__itui${n}v`;
}

const within = (outer: ShNode | null | undefined, inner: ShNode): boolean =>
	Boolean(outer) && outer!.Pos().Offset() <= inner.Pos().Offset() && inner.End().Offset() <= outer!.End().Offset();

/** The text of a word as written, quotes dropped: enough to tell `-c`, `--` or `eval` apart. */
function wordText(source: Buffer, word: ShNode): string {
	return source.subarray(word.Pos().Offset(), word.End().Offset()).toString('utf8').replace(/['"]/g, '');
}

/** Why the node at the end of `stack` may not hold a value, looking at every node above it. */
function unsafeReason(stack: readonly ShNode[], types: readonly string[], source: Buffer): string | undefined {
	const node = stack.at(-1)!;
	for (let i = 0; i < stack.length - 1; i++) {
		const parent = stack[i]!;
		const child = stack[i + 1]!;
		switch (types[i]) {
			case 'ArithmExp':
			case 'ArithmCmd':
			case 'LetClause':
			case 'CStyleLoop':
				return ARITHMETIC;
			case 'ParamExp':
				return 'inside ${…}, whose subscripts and operators bash evaluates: assign the value to a variable first (pod={{pod}}) and use that';
			case 'BinaryTest': {
				const op = source.subarray(parent.X.End().Offset(), parent.Y.Pos().Offset()).toString('utf8').trim();
				if (ARITHMETIC_TESTS.has(op)) return `[[ … ${op} … ]] compares numbers: ${ARITHMETIC}`;
				break;
			}
			case 'UnaryTest': {
				const op = source.subarray(parent.Pos().Offset(), parent.X.Pos().Offset()).toString('utf8').trim();
				if (op === '-v' || op === '-R') return `[[ ${op} ]] reads it as a variable name, and bash evaluates a subscript in a name`;
				break;
			}
			case 'Assign':
				if (parent.Index && within(parent.Index, node)) return `it is an array subscript: ${ARITHMETIC}`;
				break;
			case 'DeclClause': {
				const variant = String(parent.Variant?.Value ?? 'declare');
				const args: ShNode[] = [...(parent.Args ?? [])];
				if (args.some(arg => arg.Naked && arg.Value && /^[-+]/.test(wordText(source, arg.Value)))) return `\`${variant}\` with options may evaluate the value (-i, -a, -n): assign it on a line of its own`;
				if (child && (child.Naked || !child.Value || !within(child.Value, node))) return `\`${variant}\` reads it as a variable name`;
				break;
			}
			case 'CallExpr': {
				const args: ShNode[] = [...(parent.Args ?? [])];
				const index = args.findIndex(arg => within(arg, child));
				if (index < 0) break;
				const reason = codeWordReason(
					args.map(arg => wordText(source, arg)),
					index,
				);
				if (reason) return reason;
				break;
			}
			case 'Redirect':
				if (parent.Hdoc) {
					if (within(parent.Word, node)) return 'it is in a here-document delimiter';
					const delimiter: ShNode[] = [...(parent.Word?.Parts ?? [])];
					const quoted = delimiter.some(part => ['SglQuoted', 'DblQuoted'].includes(sh.syntax.NodeType(part))) || wordText(source, parent.Word).includes('\\');
					if (quoted && within(parent.Hdoc, node)) return "a quoted here-document (<<'EOF') is never expanded: write <<EOF so the value can be filled in";
				}
				break;
			default:
				break;
		}
	}
	return undefined;
}

/** The quoting context of the node at the end of `stack`: the innermost quote, here-document or $(…) around it. */
function contextOf(stack: readonly ShNode[], types: readonly string[]): Context {
	const node = stack.at(-1)!;
	for (let i = stack.length - 2; i >= 0; i--) {
		switch (types[i]) {
			case 'DblQuoted':
				return 'double';
			case 'CmdSubst':
			case 'ProcSubst':
				return 'bare';
			case 'Redirect':
				if (stack[i]!.Hdoc && within(stack[i]!.Hdoc, node)) return 'heredoc';
				break;
			default:
				break;
		}
	}
	return 'bare';
}

/** A reference to parameter `n` that yields the value as one piece of text in `context`. */
function reference(n: number, context: Exclude<Context, 'comment'>): string {
	const param = `\${${n}}`;
	switch (context) {
		case 'bare':
			return `"${param}"`;
		case 'double':
		case 'heredoc':
			return param;
		case 'single':
			return `'"${param}"'`;
		case 'ansi':
			return `'"${param}"$'`;
	}
}

/** Replaces each placeholder in `script` by a positional parameter; see the module comment. */
export function bindScript(script: string): ScriptBinding {
	const found = placeholders(script);
	if (found.length === 0) return {script, params: [], problems: []};
	const prefix = sentinelPrefix(script);
	const sentinel = (i: number) => `${prefix}${i}__`;
	let marked = '';
	let last = 0;
	found.forEach((p, i) => {
		marked += script.slice(last, p.index) + sentinel(i);
		last = p.index + p.length;
	});
	marked += script.slice(last);
	const problemAt = (i: number, reason: string): PlaceholderProblem => ({variable: found[i]!.name, ...lineColumn(script, found[i]!.index), reason});

	let tree: ShNode;
	try {
		tree = sh.syntax.NewParser(sh.syntax.KeepComments(true), sh.syntax.Variant(sh.syntax.LangBash)).Parse(marked, 'script');
	} catch (error) {
		const text = typeof (error as {Error?: () => string}).Error === 'function' ? (error as {Error: () => string}).Error() : String(error);
		const message = text.replace(/^script:(\d+):(\d+):/, 'line $1, column $2:');
		return {script, params: [], problems: [problemAt(0, `the script does not parse as bash (${message}), so where its variables sit cannot be told`)]};
	}

	const source = Buffer.from(marked, 'utf8');
	const placements = new Map<number, Placement>();
	const stack: ShNode[] = [];
	const types: string[] = [];
	const pattern = new RegExp(`${prefix}(\\d+)__`, 'g');
	sh.syntax.Walk(tree, node => {
		if (node === null) {
			stack.pop();
			types.pop();
			return true;
		}
		const type = sh.syntax.NodeType(node);
		stack.push(node);
		types.push(type);
		const text: string | undefined = type === 'Lit' || type === 'SglQuoted' ? node.Value : type === 'Comment' ? node.Text : undefined;
		if (text === undefined) return true;
		for (const match of text.matchAll(pattern)) {
			const i = Number(match[1]);
			if (type === 'Comment') {
				placements.set(i, {context: 'comment'});
				continue;
			}
			const backslashes = /\\*$/.exec(text.slice(0, match.index))![0].length;
			const unsafe = backslashes % 2 === 1 ? 'a backslash escapes its first character' : unsafeReason(stack, types, source);
			if (unsafe) placements.set(i, {unsafe});
			else placements.set(i, {context: type === 'SglQuoted' ? (node.Dollar ? 'ansi' : 'single') : contextOf(stack, types)});
		}
		return true;
	});

	const params: string[] = [];
	const problems: PlaceholderProblem[] = [];
	const rewritten = marked.replace(pattern, (_whole, digits: string) => {
		const i = Number(digits);
		const {name, index, length} = found[i]!;
		const placement = placements.get(i) ?? {unsafe: 'where it sits in the script cannot be told'};
		if ('unsafe' in placement) {
			problems.push(problemAt(i, placement.unsafe));
			return script.slice(index, index + length);
		}
		if (placement.context === 'comment') return script.slice(index, index + length);
		if (!params.includes(name)) params.push(name);
		return reference(params.indexOf(name) + 1, placement.context);
	});
	return {script: rewritten, params, problems};
}
