import {readdir, readFile, stat} from 'node:fs/promises';
import path from 'node:path';
import {isScalar} from 'yaml';
import {LocatedError, parseYamlAll, type ParsedYaml} from '../config/located-error.js';
import type {Runbook} from './model.js';
import {isListedRunbook, WELL_KNOWN_LABELS} from './library.js';
import {collectRunbookText} from './parse.js';
import {checkConfigText} from './lint-config.js';
import {codeWordReason} from './command-safety.js';
import {checkPromql} from './promql-check.js';
import type {ScriptBinding} from './shell-bind.js';
import {placeholders, shellQuote, templateVariables} from './template.js';

export {inspectRunbook, type InspectedRunbook} from './inspect.js';

export interface LintIssue {
	line?: number;
	column?: number;
	message: string;
}

export interface LintResult {
	file: string;
	errors: LintIssue[];
	warnings: LintIssue[];
	/** What the file was checked as, when not a runbook, and what to run for more (printed before its errors). */
	note?: string;
}

/** Labels an alert usually carries: `{{these}}` are filled at run time even when undeclared. */
const KNOWN_LABELS = new Set<string>([...WELL_KNOWN_LABELS, 'alertname', 'severity', 'env', 'environment', 'region', 'app', 'node', 'context']);

async function expand(paths: string[]): Promise<Array<{file: string; error?: string}>> {
	const out: Array<{file: string; error?: string}> = [];
	for (const given of paths) {
		let info;
		try {
			info = await stat(given);
		} catch (error) {
			out.push({file: given, error: `cannot read: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : String(error)}`});
			continue;
		}
		if (!info.isDirectory()) {
			out.push({file: given});
			continue;
		}
		const entries = await readdir(given, {recursive: true});
		const files = entries.filter(isListedRunbook).sort();
		if (files.length === 0) out.push({file: given, error: 'no runbooks here (.yaml, .yml, .md, .markdown)'});
		for (const name of files) out.push({file: path.join(given, name)});
	}
	return out;
}

/** Where the PromQL text of query `id` starts in a YAML file (block scalars start on the next line). */
function yamlPromqlLine(parsed: ParsedYaml | undefined, id: string): number | undefined {
	if (!parsed) return undefined;
	// By id, not by position in the runbook: a query the schema refused is not in the runbook, but is in the file.
	const queries = parsed.value && typeof parsed.value === 'object' ? (parsed.value as {queries?: unknown}).queries : undefined;
	const index = Array.isArray(queries) ? queries.findIndex(q => typeof q === 'object' && q !== null && (q as {id?: unknown}).id === id) : -1;
	if (index < 0) return undefined;
	const node = parsed.doc.getIn(['queries', index, 'promql'], true);
	if (!isScalar(node) || !node.range) return undefined;
	const line = parsed.lines.linePos(node.range[0]).line;
	return node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED' ? line + 1 : line;
}

/** source/runbook/shell-bind.ts, loaded with import() by lintRunbooks: it carries a 1.5 MB bash parser. */
export interface ShellBinder {
	bindScript(script: string): ScriptBinding;
}

/**
 * Checks one loaded runbook: PromQL syntax, unknown variables, untitled steps, emptiness, and
 * `{{variables}}` in commands where no value can be made safe (an argv word a program runs as code;
 * with `shell`, a script's arithmetic, quoted here-document, `eval`... see shell-bind.ts).
 */
export function lintRunbook(runbook: Runbook, parsedYaml?: ParsedYaml, shell?: ShellBinder): {errors: LintIssue[]; warnings: LintIssue[]} {
	const errors: LintIssue[] = [];
	const warnings: LintIssue[] = [];
	const at = (line: number | undefined): {line?: number} => (line ? {line} : {});

	if (runbook.steps.length === 0 && runbook.queries.length === 0) errors.push({line: 1, message: 'empty runbook: no steps (list items, "Step N" headings, code blocks) and no queries found'});

	runbook.queries.forEach(query => {
		const problem = checkPromql(query.promql);
		if (!problem) return;
		const base = runbook.format === 'yaml' ? (yamlPromqlLine(parsedYaml, query.id) ?? query.line) : query.line;
		errors.push({...at(base !== undefined ? base + problem.line : undefined), column: problem.column, message: `query '${query.id}': ${problem.message} (column ${problem.column} of the expression)`});
	});

	// A `{{name}}` the runbook wrote itself must be declared (or be an alert label): a typo would
	// otherwise only show when the command runs. Placeholders in a runbook's own words (`<pod-name>`,
	// `$NS`, `{{ $labels.x }}`, `xxxx`) are variables by nature: the cockpit asks for what it cannot fill.
	const declared = new Set(runbook.variables.filter(v => (v.origin ?? 'declared') === 'declared' || (v.written ?? []).some(w => !/^\{\{\s*[\w.-]+\s*\}\}$/.test(w))).map(v => v.name));
	const unknown = (text: string | undefined, line: number | undefined, what: string) => {
		if (!text) return;
		for (const name of templateVariables(text)) {
			if (declared.has(name) || KNOWN_LABELS.has(name)) continue;
			errors.push({...at(line), message: `unknown variable {{${name}}} in ${what}: declare it under variables (name, default) or use an alert label (${[...WELL_KNOWN_LABELS].join(', ')})`});
		}
	};
	for (const query of runbook.queries) unknown(query.promql, query.line, `query '${query.id}'`);
	for (const step of runbook.steps) {
		const label = step.title ? `step '${step.title}'` : `step '${step.id}'`;
		if (!step.title.trim()) errors.push({...at(step.line), message: `step '${step.id}' has no title`});
		for (const command of step.commands) {
			unknown(command.script, command.line ?? step.line, `a command of ${label}`);
			for (const arg of command.argv ?? []) unknown(arg, command.line ?? step.line, `a command of ${label}`);
			(command.argv ?? []).forEach((arg, index, argv) => {
				const variable = placeholders(arg)[0]?.name;
				const reason = variable ? codeWordReason(argv, index) : undefined;
				if (variable && reason) errors.push({...at(command.line ?? step.line), message: `{{${variable}}} in argument ${index} of a command of ${label} cannot be filled safely: ${reason}`});
			});
			if (shell && command.script && placeholders(command.script).length > 0) {
				for (const problem of shell.bindScript(command.script).problems) {
					errors.push({...at(command.line ?? step.line), message: `{{${problem.variable}}} at line ${problem.line}, column ${problem.column} of the script of ${label} cannot be filled safely: ${problem.reason}`});
				}
			}
		}
		if (step.action && 'deployment' in step.action) unknown(step.action.deployment, step.line, `the ${step.action.kind} action of ${label}`);
		if (step.doneWhen && 'health' in step.doneWhen) unknown(step.doneWhen.health, step.line, `doneWhen of ${label}`);
	}

	if (runbook.format === 'yaml' && runbook.alerts.length === 0) warnings.push({line: 1, message: 'answers no alerts: it is only used when chosen by id or in the picker'});
	return {errors, warnings};
}

/** Keys only a config has: a YAML file with some of them and no steps is a config given to `runbook lint`. */
const CONFIG_KEYS = ['services', 'prometheus', 'alertmanager', 'kubernetes', 'commands', 'runbook', 'runbooks', 'refresh', 'recovery', 'status', 'redact', 'stateDir'];

function configKeys(value: unknown): string[] {
	if (typeof value !== 'object' || value === null || Array.isArray(value) || 'steps' in value) return [];
	return CONFIG_KEYS.filter(key => key in value);
}

function issueOf(problem: LocatedError): LintIssue {
	const issue: LintIssue = {message: problem.key ? `${problem.key}: ${problem.problem}` : problem.problem};
	if (problem.line !== undefined) issue.line = problem.line;
	if (problem.column !== undefined) issue.column = problem.column;
	return issue;
}

export interface LintOptions {
	/** The command that checks config `file`, as the CLI prints it where it runs (default `incident-tui check --config FILE`). */
	checkCommand?: (file: string) => string;
}

/**
 * Lints runbook files and directories (YAML and Markdown): every problem of each file in one run,
 * the schema's and the checks' after it (see collectRunbookText). Never throws for a broken file.
 */
export async function lintRunbooks(paths: string[], options: LintOptions = {}): Promise<LintResult[]> {
	const results: LintResult[] = [];
	const shell: ShellBinder = await import('./shell-bind.js');
	const checkCommand = options.checkCommand ?? ((file: string) => `incident-tui check --config ${shellQuote(file)}`);
	for (const {file, error} of await expand(paths)) {
		if (error) {
			results.push({file, errors: [{message: error}], warnings: []});
			continue;
		}
		let text: string;
		try {
			text = await readFile(file, 'utf8');
		} catch (readError) {
			results.push({file, errors: [{message: `cannot read: ${(readError as NodeJS.ErrnoException).code ?? String(readError)}`}], warnings: []});
			continue;
		}
		const yaml = /\.ya?ml$/i.test(file) ? parseYamlAll(text, file).parsed : undefined;
		const keys = configKeys(yaml?.value);
		if (keys.length > 0) {
			const note = `an incident-tui config (it has ${keys.map(key => `'${key}'`).join(', ')}), not a runbook: checked as a config; to try its endpoints too: ${checkCommand(file)}`;
			const {problems} = await checkConfigText(text, file);
			results.push({file, note, errors: problems, warnings: []});
			continue;
		}
		const {runbook, problems} = collectRunbookText(text, file);
		const errors = problems.map(issueOf);
		const warnings: LintIssue[] = [];
		if (runbook) {
			const checked = lintRunbook(runbook, yaml, shell);
			errors.push(...checked.errors);
			warnings.push(...checked.warnings);
		}
		const order = (a: LintIssue, b: LintIssue) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
		results.push({file, errors: errors.sort(order), warnings: warnings.sort(order)});
	}
	return results;
}

/** `file:line:col: error: message` lines and a one-line summary, for the terminal. */
export function formatLint(results: LintResult[]): string {
	const out: string[] = [];
	let errors = 0;
	let warnings = 0;
	for (const result of results) {
		const where = (issue: LintIssue) => `${result.file}${issue.line ? `:${issue.line}${issue.column ? `:${issue.column}` : ''}` : ''}`;
		if (result.note) out.push(`${result.file}: note: ${result.note}`);
		for (const issue of result.errors) out.push(`${where(issue)}: error: ${issue.message}`);
		for (const issue of result.warnings) out.push(`${where(issue)}: warning: ${issue.message}`);
		errors += result.errors.length;
		warnings += result.warnings.length;
	}
	const files = results.length;
	out.push(`${files} file${files === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
	return `${out.join('\n')}\n`;
}
