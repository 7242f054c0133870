/**
 * The controller: what the UI may ask for (ui/controller.ts CockpitController), as named methods built
 * from the session's ports. Components never do I/O: they call these, and the controller does the
 * work, writes the journal and updates the store. Following `u`: ui/app-keys.ts handleScreenKey ->
 * the Pods kind's key, which names the rollback (kinds/deployment-keys.ts, kinds/action-key.ts) ->
 * Controller.requestAction -> ActionFlow.requestAction -> actions/registry.ts rollback.request ->
 * actions/rollback.ts prepare -> Cluster.history; y ->
 * Controller.confirm -> actions/perform.ts performAction -> actions/registry.ts runAction ->
 * actions/rollback.ts run -> Cluster.undo.
 */
import {writeFile} from 'node:fs/promises';
import {resolve as resolvePath} from 'node:path';
import type {ActionKind, ActionRequest, ActionSubject} from '../actions/types.js';
import type {FormDialog} from '../store/types.js';
import {detailsFor} from '../kinds/panes.js';
import type {RowRef} from '../kinds/types.js';
import type {Runbook} from '../runbook/model.js';
import {withFilledTitles} from '../runbook/template.js';
import type {AnyTimelineEvent, IncidentStatus, Role, Severity} from '../timeline/events.js';
import type {DrillInput} from '../timeline/drill.js';
import {exportPostmortem} from '../timeline/export.js';
import {readInSharedOrder} from '../sync/shared-order.js';
import type {CockpitController} from './types.js';
import {ActionFlow} from './action-flow.js';
import {ClusterSwitchFlow, type ScopeChoice} from './cluster-switch.js';
import {variablesDetails} from '../kinds/runbook/details.js';
import {selectedClusterRow} from './selected-row.js';
import {LogFollower} from './log-follow.js';
import {RoleFlow} from './role-flow.js';
import {errorText, type ControllerPorts} from './ports.js';

/** `runbook` with its titles filled with the values its last runbook.selected recorded (a runbook used before a switch). */
function filledAsRecorded(runbook: Runbook, events: readonly AnyTimelineEvent[]): Runbook {
	const selected = events.filter(e => e.type === 'runbook.selected' && e.data.id === runbook.id).at(-1);
	return selected?.type === 'runbook.selected' && selected.data.variables ? withFilledTitles(runbook, selected.data.variables) : runbook;
}

export class Controller implements CockpitController {
	readonly #actions: ActionFlow;
	readonly #logs: LogFollower;
	readonly #roles: RoleFlow;
	readonly #switch: ClusterSwitchFlow;

	constructor(private readonly ports: ControllerPorts) {
		this.#actions = new ActionFlow(ports);
		this.#switch = new ClusterSwitchFlow(ports);
		this.#logs = new LogFollower(ports.store, ports.redact, ports.lifetime);
		this.#roles = new RoleFlow(ports);
	}

	readonly #fail = (error: unknown): void => this.ports.store.getState().flashed(errorText(error), 'crit');

	#flash(text: string, tone: 'info' | 'ok' | 'warn' | 'crit'): void {
		this.ports.store.getState().flashed(text, tone);
	}

	quit(): void {
		this.ports.onQuit?.();
	}

	requestAction(action: ActionKind, subject: ActionSubject, form?: FormDialog): void {
		this.#actions.requestAction(action, subject, form ? {form} : {});
	}

	requestStep(stepId: string, commandIndex?: number): void {
		this.#actions.requestStep(stepId, commandIndex);
	}

	enterVariables(stepId: string, commandIndex: number | undefined, values: Record<string, string>): void {
		this.#actions.enterVariables(stepId, commandIndex, values);
	}

	requestConfigCommand(id?: string): void {
		this.#actions.requestConfigCommand(id);
	}

	openForm(form: FormDialog): void {
		this.ports.store.getState().dialogOpened(form);
	}

	confirm(request: ActionRequest): void {
		this.#actions.confirm(request);
	}

	cancel(request: ActionRequest): void {
		this.#actions.cancel(request);
	}

	setRole(role: Role): void {
		this.#roles.setRole(role);
	}

	takeCommand(from: string): void {
		this.#roles.takeCommand(from);
	}

	cancelRunning(): void {
		this.#actions.cancelRunning();
	}

	toggleStep(stepId: string): void {
		const {runbook} = this.ports.runbook;
		const step = runbook?.steps.find(s => s.id === stepId);
		if (!runbook || !step) return;
		const checked = Boolean(this.ports.store.getState().incident.checkedSteps[stepId]);
		this.ports.append(checked ? 'step.unchecked' : 'step.checked', {runbookId: runbook.id, stepId, title: step.title}).catch(this.#fail);
	}

	addNote(text: string): void {
		this.ports
			.append('note.added', {text})
			.then(() => this.#flash('note saved to the timeline', 'ok'))
			.catch(this.#fail);
	}

	togglePin(eventId: string): void {
		const pinned = Boolean(this.ports.store.getState().incident.pinned[eventId]);
		this.ports.append('event.pinned', {eventId, pinned: !pinned}).catch(this.#fail);
	}

	setSeverity(severity: Severity): void {
		const from = this.ports.store.getState().incident.severity;
		if (from !== severity) this.ports.append('severity.changed', {from, to: severity}).catch(this.#fail);
	}

	setStatus(status: IncidentStatus): void {
		const from = this.ports.store.getState().incident.status;
		if (from === status) return;
		this.ports
			.append('status.changed', {from, to: status})
			// Resolved: what comes next is the post-mortem.
			.then(() => status === 'resolved' && this.#flash('resolved · E writes the post-mortem draft', 'ok'))
			.catch(this.#fail);
	}

	selectRunbook(id: string): void {
		const {runbook, store} = this.ports;
		// The store's list may hold the active runbook with its titles filled: take it as loaded.
		const next = runbook.loaded?.id === id ? runbook.loaded : store.getState().runbooks.find(r => r.id === id);
		if (!next) return;
		this.ports.runbookChosen();
		runbook.apply(next);
		this.ports.append('runbook.selected', {id: next.id, title: next.title, source: next.source, reason: 'chosen by operator', variables: runbook.recordedVariables()}).catch(this.#fail);
		this.ports.restartSources();
	}

	showDetails(ref: RowRef): void {
		const {store, redact, now, metrics, runbook} = this.ports;
		// A step shows what x would run: filled from the row selected in the Pods pane too.
		const row = selectedClusterRow(store.getState());
		detailsFor(ref, store.getState(), this.ports.cluster(), {redact, now, variables: runbook.valuesFor(row), secretVariables: runbook.secretVariables(), variableRows: runbook.variableRows(row), metrics})
			.then(details => store.getState().dialogOpened({kind: 'details', ...details}))
			.catch(this.#fail);
	}

	/** v on the Runbook pane: every variable of the active runbook, its value (secrets masked) and where it came from, as x would fill it now. */
	showVariables(): void {
		const {store, runbook} = this.ports;
		if (!runbook.runbook) return this.#flash('no runbook (b to choose one)', 'info');
		const row = selectedClusterRow(store.getState());
		store.getState().dialogOpened({kind: 'details', ...variablesDetails(runbook.runbook, runbook.variableRows(row), row)});
	}

	/** A demo incident's post-mortem scores its drill (timeline/drill.ts). */
	#drill(events: readonly AnyTimelineEvent[]): {drill?: DrillInput} {
		const drill = this.ports.drill?.(events);
		return drill ? {drill} : {};
	}

	/** Writes the post-mortem draft from the journal, not the screen's list: a long incident has more events than the screen keeps. */
	exportPostmortem(): void {
		const {incidentId, store, redact} = this.ports;
		const file = resolvePath(this.ports.exportDir ?? process.cwd(), `${incidentId}-postmortem.md`);
		const runbook = this.ports.runbook.runbook;
		// In the shared order: two hosts whose journals hold the same events write the same draft.
		readInSharedOrder(this.ports.journalPath)
			.then(({events}) => writeFile(file, exportPostmortem(events, {format: 'md', incidentId, runbook, runbooks: store.getState().runbooks.map(r => filledAsRecorded(r, events)), redact, ...this.#drill(events)})))
			.then(
				() => this.#flash(`post-mortem draft written to ${file}`, 'ok'),
				(error: unknown) => this.#flash(`post-mortem draft not written: ${errorText(error)}`, 'crit'),
			);
	}

	followLog(pod: string): void {
		this.#logs.follow(this.ports.cluster(), pod);
	}

	stopLog(): void {
		this.#logs.stop();
	}

	pickContext(): void {
		this.#switch.openContextPicker();
	}

	pickNamespace(): void {
		this.#switch.openNamespacePicker();
	}

	switchScope(choice: ScopeChoice): void {
		this.#switch.switchTo(choice);
	}

	/** The session ends: the running action, a switch under way and the followed log stop. */
	stop(): void {
		this.#actions.stop();
		this.#switch.stop();
		this.#logs.abort();
	}
}
