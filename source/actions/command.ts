import {runCommand, type CommandSpec} from '../clients/command-runner.js';
import type {CommandEnvironment} from '../ports/cluster.js';
import type {RunbookCommand} from '../runbook/model.js';
import {renderTemplate, shellQuote} from '../runbook/template.js';
import type {EnvInfo} from '../store/types.js';
import {createRedactor, REDACTED, type Redactor} from '../timeline/redact.js';
import type {ActionContext, ActionOutcome, ActionRequest} from './types.js';

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

/**
 * The command as its confirmation shows it (`runs`): secret values masked, argv elements templated
 * one by one and shell-quoted, a script's values single-quoted. `missing: 'keep'` leaves unknown
 * placeholders (for a picker's label) instead of throwing.
 */
export function shownCommand(command: RunbookCommand, vars: Record<string, string>, secretVars: readonly string[] = [], missing?: 'keep'): string {
	const shownVars = displayed(vars, secretVars);
	if (command.argv && command.argv.length > 0) return renderArgv(command.argv, shownVars, missing).map(shellQuote).join(' ');
	return renderTemplate(command.script ?? '', shownVars, {quote: shellQuote, missing});
}

function prepare(input: PrepareCommandInput): ActionRequest {
	const {command, vars, env} = input;
	const secretNames = new Set(input.secretVars ?? []);
	const displayVars = displayed(vars, [...secretNames]);
	const mask = makeMasker([...secretNames].map(name => vars[name] ?? ''), input.redact ?? createRedactor());

	let spec: CommandSpec;
	let shown: string;
	const details: string[] = [];
	const warnings: string[] = [];
	if (command.argv && command.argv.length > 0) {
		const argv = renderArgv(command.argv, vars);
		const displayArgv = renderArgv(command.argv, displayVars);
		spec = {argv};
		shown = displayArgv.map(shellQuote).join(' ');
		details.push('Runs without a shell; each argument is passed exactly as listed:');
		displayArgv.forEach((arg, index) => details.push(`  [${index}] ${JSON.stringify(arg)}`));
	} else if (command.script !== undefined) {
		// Every substituted value is single-quoted, so it is one word and nothing in it is expanded.
		const script = renderTemplate(command.script, vars, {quote: shellQuote});
		shown = renderTemplate(command.script, displayVars, {quote: shellQuote});
		spec = {script};
		details.push('Runs with bash -c, exactly this text:', ...shown.split('\n').map(line => `  ${line}`));
		warnings.push('This is a shell script from the runbook: check it before confirming.');
	} else {
		throw new Error(`runbook command '${command.id}'${command.line ? ` (line ${command.line})` : ''} has neither argv nor script`);
	}
	const timeoutMs = command.timeoutMs ?? defaultCommandTimeoutMs;
	if (input.kube) details.push(input.kube.note);
	details.push(`Timeout: ${Math.round(timeoutMs / 1000)} s; esc cancels.`);
	const firstLine = shown.split('\n')[0] ?? '';
	const change = `run ${'argv' in spec ? firstLine : `bash script${shown.includes('\n') ? ` (${shown.split('\n').length} lines)` : `: ${firstLine}`}`}`;

	const request: ActionRequest = {
		id: input.newId(),
		kind: 'command',
		title: command.title ?? `Run ${command.id}`,
		dangerous: input.dangerous ?? true,
		target: {context: env.context, namespace: env.namespace, object: `command/${command.id}`},
		change: change.length > 200 ? `${change.slice(0, 197)}...` : change,
		kubectl: shown,
		details,
		warnings,
		timeoutMs,
		async run(ctx: ActionContext): Promise<ActionOutcome> {
			const result = await runCommand(spec, {
				timeoutMs: request.timeoutMs,
				signal: ctx.signal,
				...(input.kube ? {env: input.kube.env} : {}),
				onLine: (stream, line) => ctx.onOutput?.(stream, mask(line)),
			});
			const output = excerpt(mask(result.output));
			if (result.exitCode === 0 && !result.timedOut && !result.cancelled) {
				return {summary: 'exit 0', exitCode: 0, output};
			}
			const reason = result.error ?? `exit ${result.exitCode}`;
			throw new CommandFailedError(mask(reason), result.exitCode ?? undefined, output);
		},
	};
	return request;
}

export const commandAction = {kind: 'command' as const, prepare};
