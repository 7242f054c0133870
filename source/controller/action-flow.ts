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
import type {Cluster} from '../ports/cluster.js';
import type {RunbookCommand, RunbookStep, RunbookVariable} from '../runbook/model.js';
import {markedCommand, unknownVariables, validateVariable, type MarkedPart} from '../runbook/variables.js';
import {REDACTED} from '../timeline/redact.js';
import {stepDeployment} from '../runbook/template.js';
import {commandChoice, type FormDialog} from '../store/types.js';
import {actionRefusal, replayRoles} from '../sync/roles.js';
import {hhmmss, stepCheckHow} from '../timeline/describe.js';
import {newEventId} from '../timeline/ids.js';
import {errorText, type ControllerPorts} from './ports.js';
import {selectedClusterRow, type RowValues} from './selected-row.js';
import {StepCaptures} from './step-captures.js';
import {recordCaptured, stepNumber, variableFields} from './step-values.js';
import {watchRecovery} from './recovery.js';
import {ConflictRecheck} from './conflict-recheck.js';
import {requestFromValues} from './action-values.js';
import {knownReplicas, placed, stepActionSubject} from './action-subject.js';

const contextPendingText = 'the kube context is not known yet: its read-only and production settings apply once the cluster connects';

export class ActionFlow {
	/** What each open command confirmation runs (by request id), kept here and not in the store: it holds secret values. */
	readonly #commandRuns = new Map<string, CommandRun>();
	/** The capture files of commands that set variables, by request id (step-captures.ts). */
	readonly #captures = new StepCaptures();
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
	 * The one path of every action asked for: a key whose binding names it (on the row's subject), a
	 * kind's key or form that gives values (`subject.values`, made by ActionDef.fromValues), or a
	 * runbook step's `action:`. Refused in read-only mode when dangerous and without a cluster when it
	 * acts on one, prepared where the subject is, then journaled and confirmed. From `form`, a value
	 * refused opens the form again saying why (action-values.ts).
	 */
	requestAction(id: ActionKind, subject: ActionSubject, options: {warnings?: readonly string[]; form?: FormDialog} = {}): void {
		const action = actions[id];
		const {warnings = [], form} = options;
		if (this.ports.env.readonly && action.dangerous) return this.#flash(`read-only mode: ${id} is disabled`, 'warn');
		if (subject.values) {
			const made = requestFromValues(this.ports, id, subject.values, form);
			if (made) this.#open(made, warnings).catch(this.#fail);
			return;
		}
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
			.request(subject, {env: this.ports.env, cluster, newId: newEventId, replicas: knownReplicas(this.ports, cluster, subject)})
			.then(request => this.#open(request, warnings))
			.catch(this.#fail);
	}

	/**
	 * `x`: the step's action, or its command (a picker first when it has several and none is named),
	 * filled with this incident's values, the row selected in the Pods pane and earlier steps' outputs
	 * among them (RunbookState.valuesFor); a value no source gives is asked for in a form first.
	 */
	requestStep(stepId: string, commandIndex?: number): void {
		const {runbook} = this.ports.runbook;
		const step = runbook?.steps.find(s => s.id === stepId);
		if (!step) return;
		if (this.ports.env.readonly) return this.#flash('read-only mode: running steps is disabled', 'warn');
		const row = selectedClusterRow(this.ports.store.getState());
		const values = this.ports.runbook.valuesFor(row);
		if (step.action) return this.#requestStepAction(step, step.action, values);
		if (step.commands.length === 0) return this.#flash('this step has no command or action to run', 'info');
		if (commandIndex === undefined && step.commands.length > 1) {
			const secret = this.ports.runbook.secretVariables();
			this.ports.store.getState().dialogOpened({
				kind: 'pick',
				purpose: 'command',
				title: `Run which command of "${step.title}"?`,
				items: step.commands.map((c, i) => ({label: `${c.title ? `${c.title}: ` : ''}${shownCommand(c, values, secret, 'keep')}`, value: commandChoice.step(step.id, i)})),
			});
			return;
		}
		const chosen = step.commands[commandIndex ?? 0];
		if (!chosen) return;
		const unknown = this.ports.runbook.loaded ? unknownVariables(this.ports.runbook.loaded, step, values) : [];
		if (unknown.length > 0) return this.#askVariables(step, commandIndex, unknown, {}, undefined, row);
		// Titled after its step ("Run: Check the new pods"), not its generated id, unless it has its own title.
		this.#prepareCommand(chosen.title ? chosen : {...chosen, title: `Run: ${step.title}`}, true, this.#stepRerunWarnings(step), {values, row, step});
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
	#askVariables(step: RunbookStep, commandIndex: number | undefined, unknown: readonly RunbookVariable[], typed: Record<string, string> = {}, problem?: string, row = selectedClusterRow(this.ports.store.getState())): void {
		// Prefilled from every source, in its order: what was entered, --var, the alert, the selected row, the session, earlier steps.
		const fields = variableFields(unknown, typed, this.ports.runbook.inputs(row), this.ports.runbook.loaded);
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
		const refusal = this.#refusal(request);
		if (refusal) {
			// Nothing runs, so nothing is captured: its capture file goes.
			this.#captures.drop(request.id);
			return this.#flash(refusal, 'warn');
		}
		const running = new AbortController();
		this.#running = running;
		store.getState().actionStarted(request.id, request.title);
		if (request.kind === 'command') store.getState().dialogOpened({kind: 'output', actionId: request.id, title: request.kubectl ?? request.title});
		/** "exit 2", "timed out after 60 s": the output dialog's title says how the command ended. */
		let ended = 'finished';
		const onOutput = (_stream: 'stdout' | 'stderr', line: string) => store.getState().actionOutput(request.id, line);
		performAction(request, {env, cluster: this.ports.cluster(), config: this.ports.config, append: this.ports.append, signal: running.signal, ...(command ? {command} : {}), onOutput})
			.then(({result, detail}) => {
				ended = detail;
				this.#flash(`${actionName(request)}: ${result}${detail ? ` (${detail})` : ''}`, result === 'succeeded' ? 'ok' : 'crit');
				if (result === 'succeeded') this.#afterSuccess(request);
			})
			.catch(this.#fail)
			.finally(() => {
				this.#finish(request, ended);
				this.#captured(request);
			});
	}

	/** Why a confirmed request may not run now: read-only mode, an observer's role, the context unknown, another action running. */
	#refusal(request: ActionRequest): string | null {
		const {store, env} = this.ports;
		if (env.readonly && request.dangerous) return 'read-only mode: nothing was sent';
		// An observer in a shared incident watches (a role set from any host: sync/roles.ts).
		const observer = request.dangerous ? actionRefusal(replayRoles(store.getState().timeline), env.author!) : null;
		if (observer) return `${observer}; nothing was sent`;
		if (this.ports.contextPending() && request.dangerous) return `${contextPendingText}; nothing was sent`;
		if (this.#running) return 'another action is still running (esc cancels it)';
		return null;
	}

	/** The operator declined the confirmation: closed, and the cancel journaled. */
	cancel(request: ActionRequest): void {
		this.ports.store.getState().dialogClosed();
		this.#commandRuns.delete(request.id);
		this.#captures.drop(request.id);
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

	/** x on a step with an action: the deployment it names (checked as a command's values are), where it is, asked for as u/s/r would. */
	#requestStepAction(step: RunbookStep, action: NonNullable<RunbookStep['action']>, variables: Record<string, string>): void {
		let subject: ActionSubject | null;
		try {
			subject = stepActionSubject(this.ports, step, action, variables);
		} catch (error) {
			return this.#fail(error);
		}
		if (!subject) return this.#flash(`step "${step.title}" names no deployment; set the runbook variable 'deployment'`, 'warn');
		this.requestAction(action.kind, subject, {warnings: this.#stepRerunWarnings(step)});
	}

	/** The command as written with each value marked and its source; undefined when it has no placeholder. */
	#marked(command: RunbookCommand, row?: RowValues): MarkedPart[] | undefined {
		const text = [command.script ?? '', ...(command.argv ?? [])].join('\n');
		const resolved = this.ports.runbook.sources(text, row);
		if (resolved.length === 0) return undefined;
		return markedCommand(command, resolved);
	}

	/**
	 * Opens the confirmation of a runbook or config command, run with the cluster's pinned KUBECONFIG.
	 * `use`: a step's values (the selected row's among them) and the step; a command that sets
	 * variables (`POD=$(…)`) writes their values to a capture file for later steps.
	 */
	#prepareCommand(command: RunbookCommand, dangerous: boolean, warnings: readonly string[] = [], use: {values?: Record<string, string>; row?: RowValues; step?: RunbookStep} = {}): void {
		if (this.ports.contextPending() && dangerous) return this.#flash(contextPendingText, 'warn');
		const {env, runbook} = this.ports;
		const vars = use.values ?? runbook.variables;
		const sets = use.step && command.script !== undefined ? (command.sets ?? []) : [];
		// A value that may not fill the command (unsafe place, "-" first, outside its pattern) is refused here, in a flash.
		Promise.resolve()
			.then(async () => {
				// kubectl in the command defaults to the namespace its variables name (the alert's, the row's), as its {{namespace}} does.
				const namespace = vars.namespace || env.namespace;
				const kube = this.#clusterFor(use.row)?.commandEnvironment?.(namespace) ?? null;
				const secretVars = runbook.secretVariables();
				const capture = sets.length > 0 ? {names: sets, file: await this.#captures.file()} : undefined;
				const context = use.row?.values.context ?? env.context;
				const prepared = await commandAction.prepare({command, vars, secretVars, declared: runbook.runbook?.variables ?? [], env: {...env, namespace, context}, newId: newEventId, redact: this.ports.redact, kube, dangerous, ...(capture ? {capture} : {})});
				if (capture && use.step) this.#captures.expect(prepared.id, {file: capture.file, names: sets, stepId: use.step.id, step: stepNumber(runbook.loaded, use.step.id) ?? use.step.id, commandId: command.id});
				return prepared;
			})
			.then(request => {
				const marked = this.#marked(command, use.row);
				return this.#open(marked ? {...request, marked} : request, warnings);
			})
			.catch(this.#fail);
	}

	/** The cluster a command reads with: the selected row's context when several are watched, else the session's. */
	#clusterFor(row: RowValues | undefined): Cluster | null {
		const cluster = this.ports.cluster();
		if (!cluster || !row?.values.context || row.values.context === cluster.context) return cluster;
		try {
			return cluster.at?.({context: row.values.context, namespace: row.values.namespace}) ?? cluster;
		} catch {
			// A context the cockpit does not watch: the command reads with the session's, as its confirmation says.
			return cluster;
		}
	}

	/** After a command that set variables ran: their values kept for later steps and recorded in the timeline, secret ones masked. */
	#captured(request: ActionRequest): void {
		this.#captures
			.read(request.id)
			.then(found => recordCaptured(found, this.ports.runbook, this.ports.append))
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
		// An action outside Kubernetes (a silence) acts in no namespace.
		if (!alert || !wanted || !acting || wanted === acting) return [];
		const [given] = this.ports.runbook.sources('{{namespace}}');
		const byVar = request.kind === 'command' || (given?.value === acting && given.source?.kind === 'cli');
		const why = byVar ? `, set by --var namespace=${acting}` : `, the cockpit's (-n, else the kube context's); start it with -n ${wanted} to act on the alert's`;
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
		const {runbook} = this.ports.runbook;
		// A step names its deployment as x fills it: the selected row's among the values.
		const variables = this.ports.runbook.valuesFor(selectedClusterRow(this.ports.store.getState()));
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
		this.#captures.stop();
	}
}
