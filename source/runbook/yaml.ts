import {isMap, isScalar} from 'yaml';
import {ZodError} from 'zod';
import {LocatedError, locate, parseYamlAll, parseYamlLocated, zodToLocated, formatPath, type ParsedYaml} from '../config/located-error.js';
import {present, salvage, schemaProblems, sortProblems} from '../config/collect.js';
import {checkSize} from '../config/limits.js';
import type {AlertMatcher, Runbook, RunbookCommand, RunbookQuery, RunbookSection, RunbookStep, RunbookVariable} from './model.js';
import {runbookSchema, type AlertEntry, type RunbookFile} from './schema.js';
import {IdAllocator, slugify} from './ids.js';
import {collectVariables} from './variables.js';

type Path = ReadonlyArray<string | number>;

export function toAlertMatcher(entry: AlertEntry): AlertMatcher {
	if (typeof entry === 'string') return {name: entry};
	const matcher: AlertMatcher = {name: entry.name};
	if (entry.labels) matcher.labels = entry.labels;
	if (entry.labelsRegex) matcher.labelsRegex = entry.labelsRegex;
	return matcher;
}

/** Checks that apply to variables in both formats; returns [path suffix, problem] pairs. */
export function variableProblems(variables: RunbookVariable[]): Array<{index: number; key: string; problem: string}> {
	const problems: Array<{index: number; key: string; problem: string}> = [];
	const seen = new Set<string>();
	variables.forEach((variable, index) => {
		if (seen.has(variable.name)) problems.push({index, key: 'name', problem: `duplicate variable '${variable.name}'`});
		seen.add(variable.name);
		let pattern: RegExp | undefined;
		if (variable.pattern !== undefined) {
			try {
				pattern = new RegExp(`^(?:${variable.pattern})$`);
			} catch (error) {
				problems.push({index, key: 'pattern', problem: `invalid regular expression: ${(error as Error).message}`});
			}
		}
		if (variable.default !== undefined) {
			if (variable.allowed && !variable.allowed.includes(variable.default)) problems.push({index, key: 'default', problem: `default '${variable.default}' is not one of the allowed values (${variable.allowed.join(', ')})`});
			if (pattern && !pattern.test(variable.default)) problems.push({index, key: 'default', problem: `default '${variable.default}' does not match pattern ${variable.pattern}`});
		}
	});
	return problems;
}

function lineOf(parsed: ParsedYaml, path: Path): number | undefined {
	return locate(parsed, path).line;
}

function located(parsed: ParsedYaml, file: string, path: Path, problem: string): LocatedError {
	const {line, column} = locate(parsed, path);
	return new LocatedError(file, line ?? 1, column, formatPath(path), problem);
}

function textLines(body: string | string[] | undefined): string[] {
	if (body === undefined) return [];
	const all = Array.isArray(body) ? body : [body];
	return all.flatMap(part => part.replace(/\n+$/, '').split('\n'));
}

/**
 * The first schema issue as a LocatedError. An unknown key points at the key itself rather than
 * at the start of its mapping, and every error carries a line (an empty document: line 1).
 */
export function schemaError(error: ZodError, parsed: ParsedYaml, file: string): LocatedError {
	// A typo'd key (`titel`) also makes the real key missing; the unknown key is the better message.
	const first = error.issues[0]!;
	const parent = JSON.stringify(first.path.slice(0, -1));
	const typo = first.code === 'invalid_type' && first.received === 'undefined' ? error.issues.find(i => i.code === 'unrecognized_keys' && JSON.stringify(i.path) === parent) : undefined;
	const chosen = typo ? new ZodError([typo]) : error;
	const located = zodToLocated(chosen, parsed, file);
	const issue = chosen.issues[0];
	if (issue?.code === 'unrecognized_keys') {
		const map = parsed.doc.getIn(issue.path, true);
		const pair = isMap(map) ? map.items.find(item => isScalar(item.key) && item.key.value === issue.keys[0]) : undefined;
		if (pair && isScalar(pair.key) && pair.key.range) {
			const pos = parsed.lines.linePos(pair.key.range[0]);
			return new LocatedError(file, pos.line, pos.col, located.key, located.problem);
		}
	}
	if (located.line === undefined) return new LocatedError(file, 1, undefined, located.key, located.problem);
	return located;
}

/** parseYamlLocated for YAML that starts `lineOffset` lines into its file (front matter). */
export function parseYamlSafe(text: string, file: string, lineOffset = 0): ParsedYaml {
	try {
		return parseYamlLocated(text, file);
	} catch (error) {
		if (error instanceof LocatedError && lineOffset) throw new LocatedError(file, (error.line ?? 1) + lineOffset, error.column, error.key, error.problem);
		throw error;
	}
}

/** Parses and validates a YAML runbook. Throws LocatedError (file, line, column, key) on any problem. */
export function parseYamlRunbook(text: string, file: string, source = file): Runbook {
	return buildYamlRunbook(text, file, source)!;
}

/**
 * Every problem of a YAML runbook in one pass (`runbook lint`), and the runbook made of its valid
 * parts for the checks that follow (source/config/collect.ts); no runbook when the YAML cannot be read.
 */
export function collectYamlRunbook(text: string, file: string): {runbook?: Runbook; problems: LocatedError[]} {
	const problems: LocatedError[] = [];
	const runbook = buildYamlRunbook(text, file, file, problems);
	return {...(runbook ? {runbook} : {}), problems: sortProblems(problems)};
}

/** Throws the first problem, or with `sink` collects them all and goes on with what is valid. */
function buildYamlRunbook(text: string, file: string, source: string, sink?: LocatedError[]): Runbook | undefined {
	const report = (problem: LocatedError) => {
		if (!sink) throw problem;
		sink.push(problem);
	};
	const fail = (parsed: ParsedYaml, _file: string, path: Path, problem: string) => report(located(parsed, file, path, problem));
	let parsed: ParsedYaml | undefined;
	try {
		checkSize(text, file, 'runbook');
	} catch (error) {
		if (!(error instanceof LocatedError)) throw error;
		report(error);
		return undefined;
	}
	if (sink) {
		const all = parseYamlAll(text, file);
		sink.push(...all.problems);
		parsed = all.parsed;
		if (!parsed) return undefined;
	} else parsed = parseYamlSafe(text, file);
	if (parsed.value === null || parsed.value === undefined || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
		report(new LocatedError(file, lineOf(parsed, []) ?? 1, undefined, undefined, 'a runbook must be a YAML mapping with id, title and steps'));
		return undefined;
	}
	const result = runbookSchema.safeParse(parsed.value);
	let data: RunbookFile;
	if (result.success) data = result.data;
	else {
		if (!sink) throw schemaError(result.error, parsed, file);
		sink.push(...schemaProblems(result.error.issues, parsed, file));
		// Lint goes on with the valid parts: holes where the invalid steps, queries... were.
		const kept = salvage(runbookSchema, parsed.value, {id: '', title: '', steps: []});
		if (!kept.ok) return undefined;
		data = kept.value as RunbookFile;
	}

	for (const problem of variableProblems(data.variables.map(v => ({...v})))) fail(parsed, file, ['variables', problem.index, problem.key], problem.problem);

	const queries: RunbookQuery[] = [];
	const queryIds = new Set<string>();
	data.queries.forEach((q, index) => {
		if (queryIds.has(q.id)) fail(parsed, file, ['queries', index, 'id'], `duplicate query id '${q.id}'`);
		queryIds.add(q.id);
		const query: RunbookQuery = {id: q.id, title: q.title ?? q.id, promql: q.promql.trim(), line: lineOf(parsed, ['queries', index])};
		if (q.unit !== undefined) query.unit = q.unit;
		if (q.warn !== undefined) query.warn = q.warn;
		if (q.critical !== undefined) query.critical = q.critical;
		if (q.direction !== undefined) query.direction = q.direction;
		queries.push(query);
	});
	if (data.primaryQuery !== undefined && !queryIds.has(data.primaryQuery)) fail(parsed, file, ['primaryQuery'], `unknown query id '${data.primaryQuery}' (declared: ${[...queryIds].join(', ') || 'none'})`);

	const stepIds = new IdAllocator();
	// Explicit ids win over generated ones, so reserve them first (and report duplicates).
	const explicit = new Set<string>();
	data.steps.forEach((s, index) => {
		if (s.id === undefined) return;
		if (explicit.has(s.id)) fail(parsed, file, ['steps', index, 'id'], `duplicate step id '${s.id}'`);
		explicit.add(s.id);
		stepIds.reserve(s.id);
	});

	const sections: RunbookSection[] = [];
	const steps: RunbookStep[] = data.steps.map((s, index) => {
		const at = ['steps', index] as const;
		const stepId = s.id ?? stepIds.next(slugify(s.title), `step-${index + 1}`);
		const line = lineOf(parsed, at);
		const watch = [...(s.query ? [s.query] : []), ...(s.queries ?? [])];
		watch.forEach((qid, i) => {
			if (!queryIds.has(qid)) fail(parsed, file, s.query && i === 0 ? [...at, 'query'] : [...at, 'queries', s.query ? i - 1 : i], `unknown query id '${qid}' (declared: ${[...queryIds].join(', ') || 'none'})`);
		});
		if (s.doneWhen && 'query' in s.doneWhen && !queryIds.has(s.doneWhen.query)) fail(parsed, file, [...at, 'doneWhen', 'query'], `unknown query id '${s.doneWhen.query}' (declared: ${[...queryIds].join(', ') || 'none'})`);
		if (s.section !== undefined && !sections.some(section => section.title === s.section)) sections.push({title: s.section, level: 2, line});

		const commands: RunbookCommand[] = [];
		const commandIds = new IdAllocator();
		const add = (command: Omit<RunbookCommand, 'id'> & {id?: string}, path: Path) => {
			const cid = command.id ?? commandIds.next(`${stepId}-cmd`, `${stepId}-cmd`);
			if (command.id) {
				if (commandIds.has(cid)) fail(parsed, file, [...path, 'id'], `duplicate command id '${cid}' in step '${stepId}'`);
				commandIds.reserve(cid);
			}
			commands.push({...command, id: cid, line: lineOf(parsed, path), ...(s.section ? {section: s.section} : {})});
		};
		if (s.command) add({argv: s.command, lang: 'argv'}, [...at, 'command']);
		if (s.script) add({script: s.script, lang: 'bash'}, [...at, 'script']);
		(s.commands ?? []).forEach((c, i) => {
			const command: Omit<RunbookCommand, 'id'> & {id?: string} = {lang: c.lang ?? (c.argv ? 'argv' : 'bash')};
			if (c.id) command.id = c.id;
			if (c.title) command.title = c.title;
			if (c.argv) command.argv = c.argv;
			if (c.script) command.script = c.script;
			if (c.timeoutMs) command.timeoutMs = c.timeoutMs;
			add(command, [...at, 'commands', i]);
		});

		const step: RunbookStep = {id: stepId, title: s.title, depth: 0, text: textLines(s.body), queries: [...new Set(watch)], commands, line};
		if (s.section !== undefined) step.section = s.section;
		if (s.action) step.action = {...s.action};
		if (s.doneWhen) step.doneWhen = {...s.doneWhen};
		if (s.role) step.role = s.role;
		return step;
	});

	const runbook: Runbook = {
		id: data.id,
		title: data.title,
		source,
		format: 'yaml',
		alerts: present(data.alerts.map(toAlertMatcher)),
		variables: present(data.variables.map(v => ({...v}))),
		queries,
		sections,
		steps: present(steps),
		escalation: present(data.escalation.map(e => ({...e}))),
	};
	if (data.summary !== undefined) runbook.summary = data.summary;
	if (data.severity !== undefined) runbook.severity = data.severity;
	if (data.primaryQuery !== undefined) runbook.primaryQuery = data.primaryQuery;
	if (data.priority !== undefined) runbook.priority = data.priority;
	runbook.variables = collectVariables(runbook);
	return runbook;
}
