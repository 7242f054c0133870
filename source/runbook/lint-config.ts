/**
 * An incident config checked whole, without touching the network: every problem source/config/check.ts
 * finds, then each query's PromQL syntax and the runbook it names (a built-in id, or a file that
 * loads). Shared by `incident-tui check` and `runbook lint` given a config.
 */
import {isScalar} from 'yaml';
import {collectConfig} from '../config/check.js';
import {LocatedError, locate, type ParsedYaml} from '../config/located-error.js';
import type {Config} from '../config/schema.js';
import {loadRunbook} from './library.js';
import {checkPromql} from './promql-check.js';

export interface ConfigProblem {
	line?: number;
	column?: number;
	message: string;
}

export interface CheckedConfig {
	/** The valid parts of the config (see collectConfig). */
	config?: Config;
	/** Every problem, in the order of the file. */
	problems: ConfigProblem[];
}

function problemOf(error: LocatedError): ConfigProblem {
	return {
		...(error.line === undefined ? {} : {line: error.line}),
		...(error.column === undefined ? {} : {column: error.column}),
		message: error.key ? `${error.key}: ${error.problem}` : error.problem,
	};
}

/** Each `queries[i].promql` of the file as written (valid for the schema or not), checked for syntax at its line. */
function promqlProblems(parsed: ParsedYaml): ConfigProblem[] {
	const value = parsed.value;
	const queries = value && typeof value === 'object' ? (value as {queries?: unknown}).queries : undefined;
	if (!Array.isArray(queries)) return [];
	const out: ConfigProblem[] = [];
	queries.forEach((query: unknown, index) => {
		const promql = query && typeof query === 'object' ? (query as {promql?: unknown}).promql : undefined;
		if (typeof promql !== 'string' || promql.trim() === '') return;
		const problem = checkPromql(promql.trim());
		if (!problem) return;
		const node = parsed.doc.getIn(['queries', index, 'promql'], true);
		let line = locate(parsed, ['queries', index, 'promql']).line;
		// A block scalar (`promql: |`) starts on the next line.
		if (isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') && line !== undefined) line += 1;
		const id = (query as {id?: unknown}).id;
		out.push({
			...(line === undefined ? {} : {line: line + problem.line}),
			column: problem.column,
			message: `queries[${index}].promql: ${typeof id === 'string' ? `query '${id}': ` : ''}${problem.message} (column ${problem.column} of the expression)`,
		});
	});
	return out;
}

/** The runbook the config names loads: a built-in or `runbooks:` id, or a file (whose own errors are `runbook lint`'s). */
async function runbookProblem(config: Config, parsed: ParsedYaml): Promise<ConfigProblem | undefined> {
	if (config.runbook === undefined) return undefined;
	try {
		await loadRunbook(config.runbook, {dirs: config.runbooks});
		return undefined;
	} catch (error) {
		const {line, column} = locate(parsed, ['runbook']);
		const why = error instanceof LocatedError ? (error.file === config.runbook ? error.problem : error.message) : (error as Error).message;
		return {...(line === undefined ? {} : {line}), ...(column === undefined ? {} : {column}), message: `runbook: ${why}`};
	}
}

export async function checkConfigText(text: string, file: string): Promise<CheckedConfig> {
	const {config, parsed, problems} = await collectConfig(text, file);
	const out = problems.map(problemOf);
	if (parsed) out.push(...promqlProblems(parsed));
	if (config && parsed) {
		const runbook = await runbookProblem(config, parsed);
		if (runbook) out.push(runbook);
	}
	out.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
	return {...(config ? {config} : {}), problems: out};
}
