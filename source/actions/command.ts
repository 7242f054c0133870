import {runCommand, type CommandSpec} from '../clients/command-runner.js';
import type {CommandEnvironment} from '../ports/cluster.js';
import type {RunbookCommand, RunbookVariable} from '../runbook/model.js';
import {checkValue, codeWordReason, markValue, showValue, type ValueMark} from '../runbook/command-safety.js';
import {captureScript} from '../runbook/step-output.js';
import {MissingVariableError, placeholders, renderTemplate, shellQuote, templateVariables} from '../runbook/template.js';
import type {EnvInfo} from '../model/env.js';
import {createLineRedactor, createRedactor, REDACTED, type Redactor} from '../timeline/redact.js';
import type {CommandRun} from './command-run.js';
import type {ActionContext, ActionDef, ActionOutcome, ActionRequest} from './types.js';

/** Default command timeout (issue 4: 60 s). */
export const defaultCommandTimeoutMs = 60_000;
/** The output excerpt kept in the timeline. */
export const outputExcerptChars = 4000;

export interface PrepareCommandInput {
	command: RunbookCommand;
	vars: Record<string, string>;
	/** Names of variables whose values are masked in everything shown and logged. */
	secretVars?: string[];
	env: EnvInfo;
	newId: () => string;
	/** Commands can do anything; they are dangerous (hidden in read-only mode) unless declared safe. */
	dangerous?: boolean;
	/** The config's redactor (built-in patterns plus `redact`); defaults to the built-in patterns. */
	redact?: Redactor;
	/** The cluster's environment for commands (KUBECONFIG pinned to its context and namespace). */
	kube?: CommandEnvironment | null;
	/** The runbook's variables: a `pattern` or `allowed` list decides which values may fill a command. */
	declared?: RunbookVariable[];
	/**
	 * A script that sets variables a later step uses (`POD=$(…)`): after it, the values of `names` are
	 * written to `file`, passed as the last positional parameter (runbook/step-output.ts).
	 */
	capture?: {names: readonly string[]; file: string};
}

/** A failed command: carries the exit code and the redacted output excerpt for action.failed. */
export class CommandFailedError extends Error {
	constructor(message: string, readonly exitCode: number | undefined, readonly output: string) {
		super(message);
		this.name = 'CommandFailedError';
	}
}

/** Replaces every occurrence of each secret value (longest first), then applies the pattern redactor. */
function makeMasker(secrets: string[], redact: Redactor): Redactor {
	const values = [...new Set(secrets.filter(value => value.length > 0))].sort((a, b) => b.length - a.length);
	return text => {
		let out = text;
		for (const value of values) out = out.split(value).join(REDACTED);
		return redact(out);
	};
}

function excerpt(output: string): string {
	return output.length > outputExcerptChars ? `… ${output.length - outputExcerptChars} characters cut …\n${output.slice(-outputExcerptChars)}` : output;
}

/** `vars` as shown to the operator: the values of `secretVars` masked. */
function displayed(vars: Record<string, string>, secretVars: readonly string[]): Record<string, string> {
	const secret = new Set(secretVars);
	return Object.fromEntries(Object.entries(vars).map(([name, value]) => [name, secret.has(name) ? REDACTED : value]));
}

/** One argv element per argument, each templated on its own: a value becomes (part of) exactly one argument. */
function renderArgv(argv: readonly string[], vars: Record<string, string>, missing?: 'keep'): string[] {
	return argv.map(arg => renderTemplate(arg, vars, {missing}));
}

/** A placeholder that sits where a program would read its value as code or as a variable name. */
export class UnsafeCommandError extends Error {
	constructor(command: RunbookCommand, variable: string, where: string, reason: string) {
		super(`runbook command '${command.id}'${command.line ? ` (line ${command.line})` : ''}: {{${variable}}} ${where} cannot be filled safely: ${reason}. Not run; \`incident-tui runbook lint\` lists every such place.`);
		this.name = 'UnsafeCommandError';
	}
}

/**
 * The command as pickers and step details show it, before it is prepared: an argv command
 * templated argument by argument and shell-quoted; a script as written, its placeholders kept,
 * followed by the values they stand for (a script gets its values as parameters, never spliced in).
 * `missing: 'keep'` leaves unknown placeholders instead of throwing.
 */
export function shownCommand(command: RunbookCommand, vars: Record<string, string>, secretVars: readonly string[] = [], missing?: 'keep'): string {
	const shownVars = displayed(vars, secretVars);
	if (command.argv && command.argv.length > 0) return renderArgv(command.argv, shownVars, missing).map(shellQuote).join(' ');
	const script = command.script ?? '';
	const known = templateVariables(script).filter(name => Object.prototype.hasOwnProperty.call(shownVars, name));
	if (missing !== 'keep') renderTemplate(script, shownVars); // throws MissingVariableError, as for argv
	return known.length === 0 ? script : `${script}  · ${known.map(name => `${name}=${showValue(shownVars[name]!)}`).join(', ')}`;
}

/** The values a command uses, checked (source/runbook/command-safety.ts), and what the confirmation says of them. */
function checkedValues(names: readonly string[], vars: Record<string, string>, declared: readonly RunbookVariable[], text: string): ValueMark[] {
	return names.map(name => {
		if (!Object.prototype.hasOwnProperty.call(vars, name) || vars[name] === undefined) throw new MissingVariableError(name, text);
		const value = vars[name];
		checkValue(name, value, declared);
		return markValue(name, value);
	});
}

/** "{{pod}} = "$(touch x)" contains shell syntax: …": a warning per value worth a second look. */
function valueWarnings(marks: readonly ValueMark[], secret: ReadonlySet<string>): string[] {
	return marks.filter(mark => !secret.has(mark.name) && mark.notes.length > 0).map(mark => `{{${mark.name}}} = ${showValue(mark.value)} ${mark.notes.join('; ')}.`);
}

/**
 * `argv` with `--` before the first argument that a value starting with `-` begins, when that
 * argument and every one after it are operands (none written as an option), so the program takes the
 * value as an operand; null when `--` cannot go there (an option follows, or there is one already).
 */
function withEndOfOptions(template: readonly string[], argv: readonly string[], dashed: ReadonlySet<string>): string[] | null {
	const first = template.findIndex((arg, i) => i > 0 && placeholders(arg)[0]?.index === 0 && dashed.has(placeholders(arg)[0]!.name));
	if (first < 0) return [...argv];
	if (template.slice(1, first).includes('--')) return [...argv];
	if (template.slice(first).some(arg => arg.startsWith('-'))) return null;
	return [...argv.slice(0, first), '--', ...argv.slice(first)];
}

async function prepare(input: PrepareCommandInput): Promise<PreparedCommand> {
	const {command, vars, env} = input;
	const secretNames = new Set(input.secretVars ?? []);
	const displayVars = displayed(vars, [...secretNames]);
	const declared = input.declared ?? [];
	const mask = makeMasker([...secretNames].map(name => vars[name] ?? ''), input.redact ?? createRedactor());

	let spec: CommandSpec;
	let shown: string;
	let change: string;
	const details: string[] = [];
	const warnings: string[] = [];
	if (command.argv && command.argv.length > 0) {
		const template = command.argv;
		template.forEach((arg, index) => {
			const variable = placeholders(arg)[0]?.name;
			const reason = variable ? codeWordReason(template, index) : undefined;
			if (variable && reason) throw new UnsafeCommandError(command, variable, `in argument ${index}`, reason);
		});
		const used = [...new Set(template.flatMap(arg => templateVariables(arg)))];
		const marks = checkedValues(used, vars, declared, template.join(' '));
		const dashed = new Set(marks.filter(mark => mark.value.startsWith('-')).map(mark => mark.name));
		const rendered = renderArgv(template, vars);
		const argv = withEndOfOptions(template, rendered, dashed);
		const displayArgv = withEndOfOptions(template, renderArgv(template, displayVars), dashed) ?? renderArgv(template, displayVars);
		if (!argv) warnings.push('A value starting with "-" is followed by options, so no "--" could be put before it: check that the program takes it as you mean.');
		spec = {argv: argv ?? rendered};
		shown = displayArgv.map(shellQuote).join(' ');
		change = `run ${shown}`;
		warnings.push(...valueWarnings(marks, secretNames));
		details.push('Runs without a shell; each argument is passed exactly as listed:');
		displayArgv.forEach((arg, index) => details.push(`  [${index}] ${JSON.stringify(arg)}`));
	} else if (command.script !== undefined) {
		const binding = placeholders(command.script).length === 0 ? {script: command.script, params: [], problems: []} : (await import('../runbook/shell-bind.js')).bindScript(command.script);
		const problem = binding.problems[0];
		if (problem) throw new UnsafeCommandError(command, problem.variable, `at line ${problem.line}, column ${problem.column} of the script`, problem.reason);
		const marks = checkedValues(binding.params, vars, declared, command.script);
		const capture = input.capture && input.capture.names.length > 0 ? input.capture : undefined;
		spec = capture
			? {script: captureScript(binding.script, capture.names, marks.length + 1), args: [...marks.map(mark => mark.value), capture.file]}
			: {script: binding.script, args: marks.map(mark => mark.value)};
		// Runnable as shown: `set --` gives the script the same positional parameters.
		const set = marks.length > 0 ? `set -- ${binding.params.map(name => shellQuote(displayVars[name]!)).join(' ')}\n` : '';
		shown = `${set}${binding.script}`;
		const lines = binding.script.split('\n');
		const given = marks.map((mark, index) => `$${index + 1} = ${showValue(displayVars[mark.name]!)}`).join(', ');
		change = `run bash script${lines.length > 1 ? ` (${lines.length} lines)` : `: ${lines[0]}`}${given ? ` with ${given}` : ''}`;
		warnings.push(...valueWarnings(marks, secretNames), 'This is a shell script from the runbook: check it before confirming.');
		details.push('Runs with bash -c, exactly this text:', ...binding.script.split('\n').map(line => `  ${line}`));
		if (marks.length > 0) {
			details.push('Its values, passed as positional parameters (never read as shell code):');
			marks.forEach((mark, index) => details.push(`  $${index + 1}  ${mark.name} = ${showValue(displayVars[mark.name]!)}`));
		}
		if (capture) details.push(`Then the values it sets (${capture.names.join(', ')}) are written to a file of the cockpit's, for later steps, and recorded in the timeline (secret ones masked).`);
	} else {
		throw new Error(`runbook command '${command.id}'${command.line ? ` (line ${command.line})` : ''} has neither argv nor script`);
	}
	const timeoutMs = command.timeoutMs ?? defaultCommandTimeoutMs;
	if (input.kube) details.push(input.kube.note);
	details.push(`Timeout: ${Math.round(timeoutMs / 1000)} s; esc cancels.`);

	const request: PreparedCommand = {
		id: input.newId(),
		kind: 'command',
		title: command.title ?? `Run ${command.id}`,
		dangerous: input.dangerous ?? commandAction.dangerous,
		target: {context: env.context, namespace: env.namespace, object: `command/${command.id}`},
		change: change.length > 200 ? `${change.slice(0, 197)}...` : change,
		kubectl: shown,
		details,
		warnings,
		timeoutMs,
		params: {kind: 'command', commandId: command.id},
		command: {spec, mask, ...(input.kube ? {env: input.kube.env} : {})},
	};
	return request;
}

/** A prepared command: its confirmation, and what it runs (`command`: the caller keeps it out of the store). */
export type PreparedCommand = ActionRequest & {command: CommandRun};

/** Runs the command confirmed, each output line masked as it comes; a failure carries its exit code and output. */
async function run(request: ActionRequest & {command?: CommandRun}, ctx: ActionContext): Promise<ActionOutcome> {
	const prepared = ctx.command ?? request.command;
	if (!prepared) throw new Error(`${request.title}: what it runs was not kept with its confirmation; prepare it again`);
	const {mask} = prepared;
	// Each stream's lines masked as they come, a private key's lines between BEGIN and END too.
	const maskLine = {stdout: createLineRedactor(mask), stderr: createLineRedactor(mask)};
	const result = await runCommand(prepared.spec, {
		timeoutMs: request.timeoutMs,
		signal: ctx.signal,
		...(prepared.env ? {env: prepared.env} : {}),
		onLine: (stream, line) => ctx.onOutput?.(stream, maskLine[stream](line)),
	});
	const output = excerpt(mask(result.output));
	if (result.exitCode === 0 && !result.timedOut && !result.cancelled) {
		return {summary: 'exit 0', exitCode: 0, output};
	}
	const reason = result.error ?? `exit ${result.exitCode}`;
	throw new CommandFailedError(mask(reason), result.exitCode ?? undefined, output);
}

/** Commands can do anything: dangerous (refused in read-only mode) unless the config declares one safe. */
export const commandAction = {kind: 'command' as const, title: 'Run command', dangerous: true, prepare, run} satisfies ActionDef & {
	prepare: (input: PrepareCommandInput) => Promise<PreparedCommand>;
};
