/**
 * A runbook's variables: every one it declares or uses, where it is used, and where its value comes
 * from. Pure functions over plain data: the cockpit's variables form and view, and the confirmation
 * that marks each value it substitutes, are drawn from these.
 *
 * Values come, in this order: what the operator typed for it (the form, `--var`); the alert that
 * chose the runbook (its labels, `{{ $labels.x }}` and common names mapped: `pod-name` ↔ `pod`,
 * `cluster-namespace` ↔ `namespace`, `NODE_NAME` ↔ `node`); the selected row (pod, deployment,
 * namespace, node, container, service); the session (its namespace and context, and for a `$NAME`
 * the cockpit's own environment); the output of an earlier step that sets it (`POD=$(…)`); the
 * runbook's default. A variable with none of these is asked for.
 */

import {checkValue, UnsafeValueError} from './command-safety.js';
import type {Runbook, RunbookCommand, RunbookStep, RunbookVariable} from './model.js';
import {placeholders} from './template.js';
import type {Placeholder} from './placeholders.js';

/** A placeholder the Markdown importer found, with its file line and the command that sets it, if any. */
export interface FoundPlaceholder extends Omit<Placeholder, 'line'> {
	line: number;
	setBy?: RunbookVariable['setBy'];
}

/** Names whose value is a secret: masked in confirmations and left out of the timeline. */
const SECRET_NAME = /pass(?:word|wd)?|secret|token|api[-_]?key|private[-_]?key|credential|auth|dsn|cookie|(?:database|db|redis|mongo|amqp|postgres|pg)[-_]?(?:url|uri)/i;

/** The things a variable's name can name that alert labels, rows and the session also carry. */
const NOUNS = new Set(['pod', 'namespace', 'deployment', 'node', 'container', 'service', 'instance', 'job', 'cluster', 'host', 'statefulset', 'daemonset', 'pvc', 'context']);
/** Nouns specific enough that a name ending in one names that thing: `backend-pod`, `cluster-namespace` (not `postgres-host`). */
const LAST_WORD_NOUNS = new Set(['pod', 'namespace', 'deployment', 'node', 'container', 'service', 'statefulset', 'daemonset', 'pvc']);
const SYNONYMS: Record<string, string> = {
	ns: 'namespace', deploy: 'deployment', svc: 'service', po: 'pod', nodename: 'node', hostname: 'host', podname: 'pod', kubecontext: 'context', 'kube-context': 'context',
	'k8s-namespace': 'namespace', 'kube-namespace': 'namespace', sts: 'statefulset', ds: 'daemonset', persistentvolumeclaim: 'pvc', 'container-name': 'container',
};

/** Other names the alert labels of kube-state-metrics and node-exporter give a thing. */
const LABEL_NAMES: Record<string, string[]> = {pvc: ['persistentvolumeclaim'], job: ['job_name'], container: ['container_name'], pod: ['pod_name'], namespace: ['exported_namespace']};

/** `pod-name`, `POD_NAME`, `<your-pod>` → `pod`; `cluster-namespace` → `cluster-namespace` (see keysFor). */
export function canonicalName(name: string): string {
	let key = name.toLowerCase().replace(/_/g, '-');
	key = key.replace(/^(?:your|my|the|target|affected|current|some|a)-/, '').replace(/-name$/, '');
	return SYNONYMS[key] ?? key;
}

/**
 * The names a variable's value may be found under, most specific first: the label it names, its
 * own name, its canonical form, and the thing its last word names (`cluster-namespace` → `namespace`,
 * `backend-pod` → `pod`).
 */
export function keysFor(variable: Pick<RunbookVariable, 'name' | 'label'>): string[] {
	const canonical = canonicalName(variable.name);
	const last = canonical.split('-').at(-1)!;
	const noun = SYNONYMS[last] ?? last;
	const thing = LAST_WORD_NOUNS.has(noun) ? noun : NOUNS.has(canonical) ? canonical : undefined;
	const keys = [variable.label, variable.name, variable.name.toLowerCase(), canonical, thing, ...(thing ? (LABEL_NAMES[thing] ?? []) : [])];
	return [...new Set(keys.filter((key): key is string => Boolean(key)))];
}

export type ValueSource =
	| {kind: 'entered'}
	| {kind: 'cli'}
	| {kind: 'alert'; label: string}
	| {kind: 'row'; field: string; of?: string}
	| {kind: 'session'; field: 'namespace' | 'context' | 'environment'}
	| {kind: 'step'; step: string; command?: string}
	| {kind: 'default'};

export interface VariableInputs {
	/** What the operator typed in the variables form (recorded in the timeline). */
	entered?: Record<string, string>;
	/** `--var name=value`. */
	cli?: Record<string, string>;
	/** The alert that chose the runbook. */
	alert?: {labels: Record<string, string>};
	/** The selected row: its pod, deployment, namespace, node, container, service. */
	row?: Partial<Record<string, string>>;
	/** What the selected row is (`pod`, `deployment`): the confirmation says "selected pod row". */
	rowKind?: string;
	/** The session: the namespace and context it acts on, and the cockpit's environment. */
	session?: {namespace?: string; context?: string; environment?: Record<string, string | undefined>};
	/** Values captured from earlier steps' commands (source/runbook/step-output.ts), by variable name. */
	stepOutputs?: Record<string, {value: string; step: string; command?: string}>;
}

export interface ResolvedVariable {
	name: string;
	variable: RunbookVariable;
	/** Absent when no source has it: the cockpit asks. */
	value?: string;
	source?: ValueSource;
	/** Why the value found cannot be used (pattern, allowed values, a leading `-`). */
	problem?: string;
}

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** A `$NAME` the runbook wrote (not `<NAME>`): the cockpit's own environment may hold it. */
function fromEnvironment(variable: RunbookVariable): boolean {
	return ENV_NAME.test(variable.name) && variable.origin !== 'declared' && (variable.written ?? []).some(written => written.startsWith('$'));
}

function own(record: Partial<Record<string, string | undefined>> | undefined, key: string): string | undefined {
	if (!record || !Object.prototype.hasOwnProperty.call(record, key)) return undefined;
	const value = record[key];
	return value === undefined || value === '' ? undefined : value;
}

/** The value of one variable and where it came from, following the order in the module comment. */
export function resolveVariable(variable: RunbookVariable, inputs: VariableInputs): ResolvedVariable {
	const keys = keysFor(variable);
	const found = (value: string | undefined, source: ValueSource): ResolvedVariable | undefined => {
		if (value === undefined) return undefined;
		const problem = validateVariable(variable, value);
		return {name: variable.name, variable, value, source, ...(problem ? {problem} : {})};
	};
	const entered = found(own(inputs.entered, variable.name), {kind: 'entered'});
	if (entered) return entered;
	const cli = found(own(inputs.cli, variable.name), {kind: 'cli'});
	if (cli) return cli;
	for (const key of keys) {
		const alert = found(own(inputs.alert?.labels, key), {kind: 'alert', label: key});
		if (alert) return alert;
	}
	for (const key of keys) {
		const row = found(own(inputs.row, key), {kind: 'row', field: key, ...(inputs.rowKind ? {of: inputs.rowKind} : {})});
		if (row) return row;
	}
	for (const key of keys) {
		if (key === 'namespace' || key === 'context') {
			const session = found(own(inputs.session as Record<string, string> | undefined, key), {kind: 'session', field: key});
			if (session) return session;
		}
	}
	if (fromEnvironment(variable)) {
		const environment = found(own(inputs.session?.environment, variable.name), {kind: 'session', field: 'environment'});
		if (environment) return environment;
	}
	const output = inputs.stepOutputs?.[variable.name];
	if (output) {
		const step = found(output.value, {kind: 'step', step: output.step, ...(output.command ? {command: output.command} : {})});
		if (step) return step;
	}
	const fallback = found(variable.default, {kind: 'default'});
	if (fallback) return fallback;
	return {name: variable.name, variable};
}

/** Every variable of the runbook with its value and source, in the runbook's order. */
export function resolveVariableSources(runbook: Pick<Runbook, 'variables'>, inputs: VariableInputs): ResolvedVariable[] {
	return runbook.variables.map(variable => resolveVariable(variable, inputs));
}

/** The values of the variables that have a usable one, for templating. */
export function variableValues(resolved: readonly ResolvedVariable[]): Record<string, string> {
	const values: Record<string, string> = {};
	for (const item of resolved) if (item.value !== undefined && !item.problem) values[item.name] = item.value;
	return values;
}

/** `alert label pod`, `selected pod row (namespace)`, `session namespace`, `output of step 3`: for the view and the confirmation. */
export function sourceText(source: ValueSource | undefined): string {
	if (!source) return 'unknown: asked for';
	switch (source.kind) {
		case 'entered':
			return 'entered in the cockpit';
		case 'cli':
			return '--var';
		case 'alert':
			return `alert label ${source.label}`;
		case 'row':
			return `selected ${source.of ? `${source.of} ` : ''}row (${source.field})`;
		case 'session':
			return source.field === 'environment' ? "the cockpit's environment" : `session ${source.field}`;
		case 'step':
			return `output of step ${source.step}`;
		case 'default':
			return "the runbook's default";
	}
}

/**
 * Why `value` cannot fill `variable`, or null: empty; control characters in a value found in a
 * runbook (a name, not a text); outside the declared `allowed` or `pattern`; a leading `-` the
 * runbook did not admit (source/runbook/command-safety.ts).
 */
export function validateVariable(variable: RunbookVariable, value: string): string | null {
	if (value === '') return 'give a value';
	// Control characters: a pod, a namespace, a host never hold one; a pasted value sometimes does.
	if (variable.origin !== 'declared' && /[\u0000-\u001f\u007f]/.test(value)) return 'contains a control character (a line break, a tab)';
	try {
		checkValue(variable.name, value, [variable]);
	} catch (error) {
		if (error instanceof UnsafeValueError) return error.problem;
		throw error;
	}
	return null;
}

/** The variable names a step uses (its commands, queries, action), in order of first use. */
export function stepVariableNames(runbook: Pick<Runbook, 'queries'>, step: RunbookStep): string[] {
	const names: string[] = [];
	const add = (text: string | undefined) => {
		for (const p of placeholders(text ?? '')) if (!names.includes(p.name)) names.push(p.name);
	};
	for (const command of step.commands) {
		add(command.script);
		for (const arg of command.argv ?? []) add(arg);
	}
	for (const id of step.queries) add(runbook.queries.find(q => q.id === id)?.promql);
	if (step.action && 'deployment' in step.action) add(step.action.deployment);
	return names;
}

/**
 * The variables a step needs that have no usable value in `values`: what the form opened by `x`
 * asks for. A variable the runbook does not list (a `{{name}}` it never declared) is asked for too.
 */
export function unknownVariables(runbook: Pick<Runbook, 'queries' | 'variables'>, step: RunbookStep, values: Record<string, string>): RunbookVariable[] {
	return stepVariableNames(runbook, step)
		.filter(name => !Object.prototype.hasOwnProperty.call(values, name) || values[name] === undefined || values[name] === '')
		.map(name => runbook.variables.find(v => v.name === name) ?? {name, origin: 'placeholder' as const});
}

export type MarkedPart = {text: string} | {variable: string; value: string; source: string; secret: boolean};

/**
 * A command as the confirmation draws it: its text, with each substituted value a part of its own
 * that says where it came from (secrets shown masked). Argv commands are one line, arguments
 * separated by spaces; a value missing is an error, as when the command is prepared.
 */
export function markedCommand(command: RunbookCommand, resolved: readonly ResolvedVariable[], mask = '\u2022\u2022\u2022\u2022'): MarkedPart[] {
	const byName = new Map(resolved.map(item => [item.name, item]));
	const parts: MarkedPart[] = [];
	const mark = (text: string) => {
		let last = 0;
		for (const p of placeholders(text)) {
			if (p.index > last) parts.push({text: text.slice(last, p.index)});
			const item = byName.get(p.name);
			if (item?.value === undefined) throw new Error(`missing value for variable '${p.name}': fill it in before the command can be shown`);
			const secret = item.variable.secret === true;
			parts.push({variable: p.name, value: secret ? mask : item.value, source: sourceText(item.source), secret});
			last = p.index + p.length;
		}
		if (last < text.length) parts.push({text: text.slice(last)});
	};
	if (command.argv && command.argv.length > 0) {
		command.argv.forEach((arg, index) => {
			if (index > 0) parts.push({text: ' '});
			mark(arg);
		});
	} else mark(command.script ?? '');
	return parts;
}

/** Where a variable's value can come from, as `runbook inspect` lists it (before any incident gives values). */
export function valueSources(variable: RunbookVariable): string[] {
	const keys = keysFor(variable);
	const out = [`alert label ${keys.join(' or ')}`];
	const nouns = keys.filter(key => NOUNS.has(key));
	if (nouns.some(key => ['pod', 'deployment', 'namespace', 'node', 'container', 'service'].includes(key))) out.push(`selected row (${nouns.filter(key => key !== 'context').join(', ')})`);
	if (keys.includes('namespace')) out.push('session namespace');
	if (keys.includes('context')) out.push('session context');
	if (fromEnvironment(variable)) out.push("the cockpit's environment");
	if (variable.setBy) out.push(`output of step ${variable.setBy.step}`);
	if (variable.default !== undefined) out.push(`default ${JSON.stringify(variable.default)}`);
	out.push('asked for in the cockpit');
	return out;
}

interface Usage {
	uses: Set<number>;
	written: string[];
	label?: string;
	setBy?: RunbookVariable['setBy'];
	default?: string;
	order: number;
}

/** `{{name}}` occurrences of `text` with their file lines, `text` starting on `line`. */
function usesIn(text: string | undefined, line: number | undefined, out: (name: string, line: number | undefined) => void): void {
	if (!text) return;
	for (const p of placeholders(text)) out(p.name, line === undefined ? undefined : line + (text.slice(0, p.index).split('\n').length - 1));
}

/**
 * The runbook's variables, complete: those it declares, then every other it uses, each with the
 * lines that use it, how the runbook wrote it, the label it names and the step that sets it.
 */
export function collectVariables(runbook: Runbook, found: readonly FoundPlaceholder[] = []): RunbookVariable[] {
	const usage = new Map<string, Usage>();
	let order = 0;
	const entry = (name: string): Usage => {
		let item = usage.get(name);
		if (!item) {
			item = {uses: new Set(), written: [], order: order++};
			usage.set(name, item);
		}
		return item;
	};
	const use = (name: string, line: number | undefined) => {
		const item = entry(name);
		if (line !== undefined) item.uses.add(line);
	};
	for (const step of runbook.steps) {
		for (const command of step.commands) {
			usesIn(command.script, command.line ?? step.line, use);
			for (const arg of command.argv ?? []) usesIn(arg, command.line ?? step.line, use);
		}
		if (step.action && 'deployment' in step.action) usesIn(step.action.deployment, step.line, use);
		if (step.doneWhen && 'health' in step.doneWhen) usesIn(step.doneWhen.health, step.line, use);
	}
	for (const query of runbook.queries) usesIn(query.promql, query.line, use);
	for (const p of found) {
		const item = entry(p.name);
		if (!item.written.includes(p.written)) item.written.push(p.written);
		item.label ??= p.label;
		item.setBy ??= p.setBy;
		item.default ??= p.default;
	}
	const declared = runbook.variables.map(variable => {
		const item = usage.get(variable.name);
		const out: RunbookVariable = {...variable, origin: variable.origin ?? 'declared'};
		if (item) {
			if (item.uses.size > 0) out.uses = [...item.uses].sort((a, b) => a - b);
			if (item.written.length > 0) out.written = item.written;
			if (item.label) out.label = item.label;
			if (item.setBy) out.setBy = item.setBy;
		}
		return out;
	});
	const names = new Set(runbook.variables.map(v => v.name));
	const others = [...usage.entries()]
		.filter(([name]) => !names.has(name))
		.sort((a, b) => a[1].order - b[1].order)
		.map(([name, item]) => {
			const variable: RunbookVariable = {name, origin: item.setBy ? 'step' : 'placeholder', written: item.written.length > 0 ? item.written : [`{{${name}}}`]};
			if (item.uses.size > 0) variable.uses = [...item.uses].sort((a, b) => a - b);
			if (item.label) variable.label = item.label;
			if (item.setBy) variable.setBy = item.setBy;
			if (item.default !== undefined) variable.default = item.default;
			if (SECRET_NAME.test(name)) variable.secret = true;
			return variable;
		});
	return [...declared, ...others];
}
