/**
 * From a key to the cluster: prepare an action (actions/<action>.ts reads what its confirmation
 * shows), journal the request and open its confirmation; on confirm, run it through the action
 * registry (actions/perform.ts journals every step), then follow the recovery and tick the steps it
 * did. One instance per session.
 */
import type {CommandRun} from '../actions/command-run.js';
import {commandAction, shownCommand, type PreparedCommand} from '../actions/command.js';
import {cancelAction, performAction, requestAction} from '../actions/perform.js';
import {actions} from '../actions/registry.js';
import {actionName, withWarnings, type ActionKind, type ActionRequest, type ActionSubject} from '../actions/types.js';
import {objectKey} from '../kinds/pods/cluster-data.js';
import {podsData} from '../kinds/pods/data.js';
import type {Cluster} from '../ports/cluster.js';
import {checkValue} from '../runbook/command-safety.js';
import type {RunbookCommand, RunbookStep, RunbookVariable} from '../runbook/model.js';
import {markedCommand, resolveVariable, unknownVariables, validateVariable, type MarkedPart} from '../runbook/variables.js';
import {REDACTED} from '../timeline/redact.js';
import {stepDeployment} from '../runbook/template.js';
import {commandChoice, type VariableField} from '../store/types.js';
import {actionRefusal, replayRoles} from '../sync/roles.js';
import {hhmmss, stepCheckHow} from '../timeline/describe.js';
import {newEventId} from '../timeline/ids.js';
import {errorText, type ControllerPorts} from './ports.js';
import {watchRecovery} from './recovery.js';
import {ConflictRecheck} from './conflict-recheck.js';

const contextPendingText = 'the kube context is not known yet: its read-only and production settings apply once the cluster connects';

export class ActionFlow {
	/** What each open command confirmation runs (by request id), kept here and not in the store: it holds secret values. */
	readonly #commandRuns = new Map<string, CommandRun>();
	/** The action running now (one at a time). */
	#running: AbortController | null = null;

	/** What each open confirmation warned of, checked again at confirm. */
	readonly #conflicts: ConflictRecheck;

	constructor(private readonly ports: ControllerPorts) {
		this.#conflicts = new ConflictRecheck({store: ports.store, me: ports.env.author!, now: ports.now});
	}

	#flash(text: string, tone: 'info' | 'ok' | 'warn' | 'crit'): void {
		this.ports.store.getState().flashed(text, tone);
	}

	readonly #fail = (error: unknown): void => this.#flash(errorText(error), 'crit');

	/**
	 * The one path of every action asked for on a row (a key whose binding names it) or by a runbook
	 * step's `action:`: refused in read-only mode when dangerous and without a cluster when it acts on
	 * one, prepared by the action's `request` where the subject is, then journaled and confirmed.
	 */
	requestAction(id: ActionKind, subject: ActionSubject, warnings: readonly string[] = []): void {
		const action = actions[id];
		if (this.ports.env.readonly && action.dangerous) return this.#flash(`read-only mode: ${id} is disabled`, 'warn');
		if (!action.request) return this.#flash(`${action.title} is not asked for on a row: run it from a runbook step or the config (c)`, 'warn');
		let cluster: Cluster | null = null;
		if (action.cluster) {
			const connected = this.ports.cluster();
			if (!connected) return this.#flash('no cluster connected', 'warn');
			try {
				// The row's namespace and context (several watched): read, confirm and act there; a context not watched is refused.
				cluster = placed(connected, subject);
			} catch (error) {
				return this.#fail(error);
			}
		}
		action
			.request(subject, {env: this.ports.env, cluster, newId: newEventId, replicas: this.#replicas(cluster, subject)})
			.then(request => this.#open(request, warnings))
			.catch(this.#fail);
	}

	/** `x`: the step's action, or its command (a picker first when it has several and none is named). */
	requestStep(stepId: string, commandIndex?: number): void {
		const {runbook} = this.ports.runbook;
		const step = runbook?.steps.find(s => s.id === stepId);
		if (!step) return;
		if (this.ports.env.readonly) return this.#flash('read-only mode: running steps is disabled', 'warn');
		if (step.action) return this.#requestStepAction(step, step.action);
		if (step.commands.length === 0) return this.#flash('this step has no command or action to run', 'info');
		if (commandIndex === undefined && step.commands.length > 1) {
			const {variables} = this.ports.runbook;
			const secret = this.ports.runbook.secretVariables();
			this.ports.store.getState().dialogOpened({
				kind: 'pick',
				purpose: 'command',
				title: `Run which command of "${step.title}"?`,
				items: step.commands.map((c, i) => ({label: `${c.title ? `${c.title}: ` : ''}${shownCommand(c, variables, secret, 'keep')}`, value: commandChoice.step(step.id, i)})),
			});
			return;
		}
		const chosen = step.commands[commandIndex ?? 0];
		if (!chosen) return;
		const unknown = this.ports.runbook.loaded ? unknownVariables(this.ports.runbook.loaded, step, this.ports.runbook.variables) : [];
		if (unknown.length > 0) return this.#askVariables(step, commandIndex, unknown);
		// Titled after its step ("Run: Check the new pods"), not its generated id, unless it has its own title.
		this.#prepareCommand(chosen.title ? chosen : {...chosen, title: `Run: ${step.title}`}, true, this.#stepRerunWarnings(step));
	}

	/** The variables form submitted: each value checked against its variable, recorded (secrets masked), then the step's command prepared. */
	enterVariables(stepId: string, commandIndex: number | undefined, values: Record<string, string>): void {
		const loaded = this.ports.runbook.loaded;
		const step = loaded?.steps.find(s => s.id === stepId);
		if (!loaded || !step) return;
		const trimmed = Object.fromEntries(Object.entries(values).map(([name, value]) => [name, value.trim()]));
		const variables = Object.keys(trimmed).map(name => loaded.variables.find(v => v.name === name) ?? {name, origin: 'placeholder' as const});
		for (const variable of variables) {
			const problem = validateVariable(variable, trimmed[variable.name]!);
			if (problem) return this.#askVariables(step, commandIndex, variables, trimmed, `${variable.name}: ${problem}`);
		}
		this.ports.runbook.enter(trimmed);
		const recorded = Object.fromEntries(variables.map(v => [v.name, v.secret || this.ports.runbook.secretVariables().includes(v.name) ? REDACTED : trimmed[v.name]!]));
		this.ports.store.getState().dialogClosed();
		this.ports
			.append('variables.entered', {runbookId: loaded.id, stepId, values: recorded})
			.then(() => this.requestStep(stepId, commandIndex))
			.catch(this.#fail);
	}

	/** Opens the variables form for `unknown`, each field prefilled with what a source knows of it (else what was typed). */
	#askVariables(step: RunbookStep, commandIndex: number | undefined, unknown: readonly RunbookVariable[], typed: Record<string, string> = {}, problem?: string): void {
		const {alert} = this.ports.runbook;
		const inputs = {...(alert ? {alert: {labels: alert.labels}} : {}), session: {namespace: this.ports.env.namespace, context: this.ports.env.context}};
		const fields: VariableField[] = unknown.map(variable => ({
			name: variable.name,
			value: typed[variable.name] ?? resolveVariable(variable, inputs).value ?? '',
			hint: variableHint(variable),
			secret: variable.secret === true,
		}));
		this.ports.store.getState().dialogOpened({kind: 'variables', title: `Values for "${step.title}"`, stepId: step.id, ...(commandIndex === undefined ? {} : {commandIndex}), fields, ...(problem ? {problem} : {})});
	}

	/** `c`: a picker of the config's `commands`, or, given an id, that command's confirmation. */
	requestConfigCommand(id?: string): void {
		const {config, runbook} = this.ports;
		if (this.ports.env.readonly) return this.#flash('read-only mode: running commands is disabled', 'warn');
		if (config.commands.length === 0) return this.#flash('the config has no commands (add them under `commands:`)', 'info');
		if (id === undefined) {
			this.ports.store.getState().dialogOpened({
				kind: 'pick',
				purpose: 'command',
				title: 'Run which command of the config?',
				items: config.commands.map(c => ({label: `${c.title ?? c.id}: ${shownCommand({...c, lang: 'argv'}, runbook.variables, runbook.secretVariables(), 'keep')}`, value: commandChoice.config(c.id)})),
			});
			return;
		}
		const entry = config.commands.find(c => c.id === id);
		if (!entry) return this.#flash(`no command '${id}' in the config`, 'warn');
		const {dangerous, ...command} = entry;
		this.#prepareCommand({...command, lang: 'argv', title: command.title ?? `Run ${command.id}`}, dangerous);
	}

	/** Runs a confirmed request: refused in read-only mode or while the context is unknown, one at a time. */
	confirm(request: ActionRequest): void {
		const {store, env} = this.ports;
		store.getState().dialogClosed();
		// Another responder did the same while the dialog was open: it opens again, saying so.
		const again = this.#conflicts.recheck(request);
		if (again) return store.getState().dialogOpened({kind: 'confirm', request: again});
		const command = this.#commandRuns.get(request.id);
		this.#commandRuns.delete(request.id);
		if (env.readonly && request.dangerous) return this.#flash('read-only mode: nothing was sent', 'warn');
		// An observer in a shared incident watches (a role set from any host: sync/roles.ts).
		const observer = request.dangerous ? actionRefusal(replayRoles(store.getState().timeline), env.author!) : null;
		if (observer) return this.#flash(`${observer}; nothing was sent`, 'warn');
		if (this.ports.contextPending() && request.dangerous) return this.#flash(`${contextPendingText}; nothing was sent`, 'warn');
		if (this.#running) return this.#flash('another action is still running (esc cancels it)', 'warn');
		const running = new AbortController();
		this.#running = running;
		store.getState().actionStarted(request.id, request.title);
		if (request.kind === 'command') store.getState().dialogOpened({kind: 'output', actionId: request.id, title: request.kubectl ?? request.title});
		/** "exit 2", "timed out after 60 s": the output dialog's title says how the command ended. */
		let ended = 'finished';
		const onOutput = (_stream: 'stdout' | 'stderr', line: string) => store.getState().actionOutput(request.id, line);
		performAction(request, {env, cluster: this.ports.cluster(), append: this.ports.append, signal: running.signal, ...(command ? {command} : {}), onOutput})
			.then(({result, detail}) => {
				ended = detail;
				this.#flash(`${actionName(request)}: ${result}${detail ? ` (${detail})` : ''}`, result === 'succeeded' ? 'ok' : 'crit');
				if (result === 'succeeded') this.#afterSuccess(request);
			})
			.catch(this.#fail)
			.finally(() => this.#finish(request, ended));
	}

	/** The operator declined the confirmation: closed, and the cancel journaled. */
	cancel(request: ActionRequest): void {
		this.ports.store.getState().dialogClosed();
		this.#commandRuns.delete(request.id);
		this.#conflicts.closed(request);
		cancelAction(request, this.ports.append)
			.then(() => this.#flash(`cancelled: ${actionName(request)}`, 'info'))
			.catch(this.#fail);
	}

	/** esc while an action runs: cancels it. */
	cancelRunning(): void {
		this.#running?.abort(new Error('cancelled by the operator'));
	}

	/** The action that ran ends: its output shown in a details dialog if its output dialog is still open. */
	#finish(request: ActionRequest, ended: string): void {
		const {store} = this.ports;
		const output = store.getState().activity.running?.output ?? [];
		store.getState().actionFinished(request.id);
		this.#running = null;
		const dialog = store.getState().ui.dialog;
		if (dialog?.kind === 'output' && dialog.actionId === request.id) {
			store.getState().dialogOpened({kind: 'details', title: `${request.kubectl ?? request.title} (${ended})`, lines: output.length ? output : ['(no output)'], output: true});
		}
	}

	/** A rollback, scale or restart that succeeded: its recovery is followed, and the steps it did are ticked. */
	#afterSuccess(request: ActionRequest): void {
		const {object} = request.target;
		if (request.kind === 'command' || !object.startsWith('deployment/')) return;
		const deployment = object.slice('deployment/'.length);
		const {store, append, config, lifetime, now} = this.ports;
		watchRecovery({store, append, deployment, primaryQuery: this.ports.runbook.runbook?.primaryQuery, watchSeconds: config.recovery.watchSeconds, signal: lifetime, now});
		this.#tickStepsDoneBy(request, deployment);
	}

	/** x on a step with an action: the deployment it names (checked as a command's values are), asked for as u/s/r would. */
	#requestStepAction(step: RunbookStep, action: NonNullable<RunbookStep['action']>): void {
		const {variables, loaded} = this.ports.runbook;
		const target = stepDeployment(step, variables);
		if (!target) return this.#flash(`step "${step.title}" names no deployment; set the runbook variable 'deployment'`, 'warn');
		// As for commands: a name from an alert label that starts with "-" (or breaks its pattern) is refused.
		try {
			checkValue('deployment', target, loaded?.variables ?? []);
		} catch (error) {
			return this.#fail(error);
		}
		const subject: ActionSubject = {
			deployment: target,
			...(action.kind === 'rollback' && action.toRevision !== undefined ? {toRevision: action.toRevision} : {}),
			...(action.kind === 'scale' && action.replicas !== undefined ? {replicas: action.replicas} : {}),
		};
		this.requestAction(action.kind, subject, this.#stepRerunWarnings(step));
	}

	/** The command as written with each value marked and its source; undefined when it has no placeholder. */
	#marked(command: RunbookCommand): MarkedPart[] | undefined {
		const text = [command.script ?? '', ...(command.argv ?? [])].join('\n');
		const resolved = this.ports.runbook.sources(text);
		if (resolved.length === 0) return undefined;
		return markedCommand(command, resolved);
	}

	/** The replica count the store knows for the subject's deployment, where `cluster` acts (watching wide, by namespace and context). */
	#replicas(cluster: Cluster | null, subject: ActionSubject): number | undefined {
		if (!cluster || !subject.deployment) return undefined;
		const data = podsData.of(this.ports.store.getState());
		const place = {name: subject.deployment, namespace: cluster.namespace, ...(this.ports.cluster()?.contexts ? {context: cluster.context} : {})};
		return data.deployments[objectKey(data.wide, place)]?.replicas;
	}

	/** Opens the confirmation of a runbook or config command, run with the cluster's pinned KUBECONFIG. */
	#prepareCommand(command: RunbookCommand, dangerous: boolean, warnings: readonly string[] = []): void {
		if (this.ports.contextPending() && dangerous) return this.#flash(contextPendingText, 'warn');
		const {env, runbook} = this.ports;
		// A value that may not fill the command (unsafe place, "-" first, outside its pattern) is refused here, in a flash.
		Promise.resolve()
			.then(() => {
				// kubectl in the command defaults to the namespace its variables name (the alert's), as its {{namespace}} does.
				const namespace = runbook.variables.namespace || env.namespace;
				const kube = this.ports.cluster()?.commandEnvironment?.(namespace) ?? null;
				const secretVars = runbook.secretVariables();
				return commandAction.prepare({command, vars: runbook.variables, secretVars, declared: runbook.runbook?.variables ?? [], env: {...env, namespace}, newId: newEventId, redact: this.ports.redact, kube, dangerous});
			})
			.then(request => {
				const marked = this.#marked(command);
				return this.#open(marked ? {...request, marked} : request, warnings);
			})
			.catch(this.#fail);
	}

	/** Journals the request, then opens its confirmation, with `warnings` above the action's own. */
	async #open(prepared: ActionRequest | PreparedCommand, warnings: readonly string[] = []): Promise<void> {
		const {command, ...plain} = prepared as Partial<PreparedCommand> & ActionRequest;
		if (command) this.#commandRuns.set(plain.id, command);
		const request = withWarnings(plain, [...this.#othersDidIt(plain), ...this.#namespaceWarnings(plain), ...warnings]);
		await requestAction(request, this.ports.append);
		this.ports.store.getState().dialogOpened({kind: 'confirm', request});
	}

	/** Others' request, confirmation or outcome of this action on this object just now, from the shared timeline (sync/conflicts.ts). */
	#othersDidIt(request: ActionRequest): string[] {
		return this.#conflicts.opened(request);
	}

	/**
	 * An action must not act, unsaid, on another namespace than the alert it answers: when the alert
	 * that chose the runbook carries a `namespace` label and the action's namespace is another, its
	 * confirmation says so first.
	 */
	#namespaceWarnings(request: ActionRequest): string[] {
		const {alert} = this.ports.runbook;
		const wanted = alert?.labels.namespace;
		const acting = request.target.namespace;
		if (!alert || !wanted || wanted === acting) return [];
		const why =
			request.kind === 'command' ? `, set by --var namespace=${acting}` : `, the cockpit's (-n, else the kube context's); start it with -n ${wanted} to act on the alert's`;
		return [`the alert ${alert.name} that chose this runbook is in namespace ${wanted}; this acts on namespace ${acting}${why}.`];
	}

	/**
	 * Running a step that is already checked runs it again: a second restart, a second scale. The
	 * confirmation says when it was checked, by whom and why, from the incident's record of its tick.
	 */
	#stepRerunWarnings(step: RunbookStep): string[] {
		const {incident} = this.ports.store.getState();
		if (!incident.checkedSteps[step.id]) return [];
		const tick = incident.runbookId ? incident.stepTicks[incident.runbookId]?.[step.id] : undefined;
		if (!tick) return [`step "${step.title}" is already checked: this runs it again.`];
		const how = stepCheckHow(tick.data);
		return [`step "${step.title}" is already checked (${hhmmss(tick.at)} UTC, ${tick.by}${how ? `, ${how}` : ''}): this runs it again.`];
	}

	/**
	 * The runbook's unchecked steps whose action has just been taken, by x on the step or by the same
	 * key on the Pods or Health pane, are done: the checklist shows the rollback the operator did. A
	 * step with a done-when condition is left to it: its author said what done means ("errors below
	 * 1 % for 2 minutes"), and the action alone is not that.
	 */
	#tickStepsDoneBy(request: ActionRequest, deployment: string): void {
		const {runbook, variables} = this.ports.runbook;
		if (!runbook) return;
		const {kind} = request;
		const checked = this.ports.store.getState().incident.checkedSteps;
		for (const step of runbook.steps) {
			if (step.action?.kind !== kind || step.doneWhen || checked[step.id] || stepDeployment(step, variables) !== deployment) continue;
			const action = `${kind} of deployment/${deployment}`;
			this.ports.append('step.checked', {runbookId: runbook.id, stepId: step.id, title: step.title, auto: true, doneBy: action, cause: {type: 'action', actionId: request.id, action}}).catch(this.#fail);
		}
	}

	/** The session ends: the action running is cancelled. */
	stop(): void {
		this.#running?.abort();
	}
}

/** What the form says under a variable's field: what it must match, what the runbook says of it, where it is used. */
function variableHint(variable: RunbookVariable): string {
	const parts: string[] = [];
	if (variable.description) parts.push(variable.description);
	if (variable.allowed?.length) parts.push(`one of ${variable.allowed.join(', ')}`);
	if (variable.pattern) parts.push(`matches ${variable.pattern}`);
	if (variable.written?.length) parts.push(`written ${variable.written.join(', ')}`);
	if (variable.uses?.length) parts.push(`line ${variable.uses.join(', ')}`);
	return parts.join(' · ');
}

/** The cluster where `subject` is, when it says (several namespaces or contexts watched): Cluster.at, which refuses a context not watched. */
function placed(cluster: Cluster, subject: ActionSubject): Cluster {
	const {namespace, context} = subject;
	if (namespace === undefined && context === undefined) return cluster;
	return cluster.at?.({...(namespace === undefined ? {} : {namespace}), ...(context === undefined ? {} : {context})}) ?? cluster;
}
