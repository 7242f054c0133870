/**
 * `{{ name }}` templating for runbook commands and queries.
 *
 * Hand-written rather than a template engine (mustache, handlebars): we need exactly one construct,
 * per-value quoting hooks, and a hard error on a missing variable; engines add sections, partials
 * and HTML escaping we would have to disable.
 */

import type {Runbook, RunbookStep} from './model.js';

/** Matches `{{name}}`, `{{ name }}`; names are letters, digits, `_`, `-` and `.`. */
const placeholder = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;

/** Every `{{ name }}` in `text`: the name, where it starts and how long it is, in order. */
export function placeholders(text: string): Array<{name: string; index: number; length: number}> {
	return [...text.matchAll(placeholder)].map(match => ({name: match[1]!, index: match.index, length: match[0].length}));
}

/** The variable names used in `text`, unique, in order of first use. */
export function templateVariables(text: string): string[] {
	const names: string[] = [];
	for (const match of text.matchAll(placeholder)) {
		const name = match[1]!;
		if (!names.includes(name)) names.push(name);
	}
	return names;
}

export class MissingVariableError extends Error {
	constructor(readonly variable: string, readonly text: string) {
		super(`missing value for variable '${variable}' in "${text.length > 80 ? `${text.slice(0, 77)}...` : text}"; set it in the runbook's variables or on the command line`);
		this.name = 'MissingVariableError';
	}
}

export interface RenderOptions {
	/** Applied to every substituted value (e.g. shellQuote for scripts). */
	quote?: (value: string) => string;
	/** 'error' (default): throw MissingVariableError; 'keep': leave the placeholder as it is. */
	missing?: 'error' | 'keep';
}

/** Substitutes every `{{ name }}` in `text` with `vars[name]` (quoted when `options.quote` is given). */
export function renderTemplate(text: string, vars: Record<string, string>, options: RenderOptions = {}): string {
	const missing = options.missing ?? 'error';
	return text.replace(placeholder, (whole, name: string) => {
		if (!Object.prototype.hasOwnProperty.call(vars, name) || vars[name] === undefined) {
			if (missing === 'keep') return whole;
			throw new MissingVariableError(name, text);
		}
		const value = vars[name];
		return options.quote ? options.quote(value) : value;
	});
}

/**
 * POSIX shell single-quote quoting: the value is wrapped in '...', and each `'` inside becomes
 * `'\''` (close quote, escaped quote, reopen). Nothing inside single quotes is special to sh/bash,
 * so `$(...)`, backticks, `;`, newlines and double quotes all arrive literally.
 */
export function shellQuote(value: string): string {
	if (value !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
	return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The runbook as shown and recorded: its step titles (and its commands' titles) with `vars` filled
 * in; a value not known stays a visible `{{placeholder}}`. Ids, sections and commands are as loaded.
 */
export function withFilledTitles(runbook: Runbook, vars: Record<string, string>): Runbook {
	const fill = (text: string) => renderTemplate(text, vars, {missing: 'keep'});
	return {
		...runbook,
		steps: runbook.steps.map(step => ({
			...step,
			title: fill(step.title),
			commands: step.commands.map(command => (command.title ? {...command, title: fill(command.title)} : command)),
		})),
	};
}

/** The deployment a step's action acts on: its own (templated, unknown placeholders kept), else the `deployment` variable. */
export function stepDeployment(step: RunbookStep, vars: Record<string, string>): string | undefined {
	return step.action?.deployment ? renderTemplate(step.action.deployment, vars, {missing: 'keep'}) : vars.deployment;
}
