import {writeFile} from 'node:fs/promises';
import {resolve as resolvePath} from 'node:path';
import {actionName, withWarnings, type ActionRequest} from '../actions/types.js';
import {rollbackAction} from '../actions/rollback.js';
import {scaleAction} from '../actions/scale.js';
import {restartAction} from '../actions/restart.js';
import {commandAction, shownCommand} from '../actions/command.js';
import {cancelAction, performAction, requestAction} from '../actions/perform.js';
import type {Config} from '../config/schema.js';
import type {Cluster} from '../ports/cluster.js';
import type {AlertInfo, Metrics} from '../ports/metrics.js';
import type {Runbook, RunbookCommand} from '../runbook/model.js';
import {listRunbooks, loadRunbook, resolveVariables} from '../runbook/library.js';
import {checkValue} from '../runbook/command-safety.js';
import {matchRunbook} from '../runbook/match.js';
import {stepDeployment, withFilledTitles} from '../runbook/template.js';
import {createMetricsBackend} from '../clients/metrics-backend.js';
import {startKinds} from '../kinds/start.js';
import {detailsFor} from '../kinds/panes.js';
import {alertsData} from '../kinds/metrics/alerts.js';
import {podsData} from '../kinds/pods/data.js';
import {createIncidentStore, type IncidentStore} from '../store/store.js';
import {emptyIncident} from '../timeline/incident.js';
import {commandChoice, type EnvInfo} from '../store/types.js';
import type {AnyTimelineEvent, AppendEvent, IncidentStatus, Severity} from '../timeline/events.js';
import {openJournal, readJournal, type Journal} from '../timeline/journal.js';
import {exportPostmortem} from '../timeline/export.js';
import {hhmmss, stepCheckHow} from '../timeline/describe.js';
import type {DrillInput} from '../timeline/drill.js';
import {drillInput} from '../demo/resume.js';
import {createLineRedactor, createRedactor, REDACTED} from '../timeline/redact.js';
import {author, newEventId, newIncidentId} from '../timeline/ids.js';
import {journalPath} from '../timeline/state-dir.js';
import type {CockpitController} from '../ui/controller.js';
import {watchRecovery} from './recovery.js';

/** `runbook` with its titles filled with the values its last runbook.selected recorded (a runbook used before a switch). */
function filledAsRecorded(runbook: Runbook, events: readonly AnyTimelineEvent[]): Runbook {
	const selected = events.filter(e => e.type === 'runbook.selected' && e.data.id === runbook.id).at(-1);
	return selected?.type === 'runbook.selected' && selected.data.variables ? withFilledTitles(runbook, selected.data.variables) : runbook;
}

/** A demo incident's post-mortem scores its drill (source/timeline/drill.ts). */
function withDrill(events: readonly AnyTimelineEvent[]): {drill?: DrillInput} {
	const drill = drillInput(events);
	return drill ? {drill} : {};
}

/** Lines of a followed log shown from before it was opened (`kubectl logs -f --tail=100`). */
export const logTailLines = 100;

export interface SessionOptions {
	config: Config;
	stateDir: string;
	incidentId?: string;
	demo: boolean;
	readonly: boolean;
	context: string;
	namespace: string;
	production: boolean;
	/**
	 * When the context was not known at start (no --context, and no current-context could be read
	 * from the kubeconfig): read-only and production of the context the cluster names once it
	 * connects. Until then no command is prepared and nothing dangerous is confirmed.
	 */
	settingsForContext?: (context: string) => {readonly: boolean; production: boolean};
	/** The cluster, or a promise of it (the Kubernetes client loads after the first frame). */
	cluster: Cluster | null | Promise<Cluster | null>;
	metrics?: Metrics | null;
	runbookRef?: string;
	/** Extra runbook variables (demo, CLI, config). */
	variables?: Record<string, string>;
	now?: () => number;
	onQuit?: () => void;
	/** Where `E` writes the post-mortem draft (default: the working directory). */
	exportDir?: string;
}

export interface Session {
	store: IncidentStore;
	controller: CockpitController;
	journal: Journal;
	/** Starts the live sources (call after the first frame). */
	start(): void;
	stop(): Promise<void>;
}


/**
 * The composition root of one cockpit: the journal (source of truth), the store (its replay plus
 * live data), the sources, the runbook, and the controller the UI calls. Everything the user
 * confirms is appended (and fsynced) before the screen says it is done.
 */
export async function openSession(options: SessionOptions): Promise<Session> {
	const {config} = options;
	const now = options.now ?? Date.now;
	const incidentId = options.incidentId ?? newIncidentId(new Date(now()));
	const path = journalPath(options.stateDir, incidentId);
	const env: EnvInfo = {
		demo: options.demo,
		readonly: options.readonly,
		context: options.context,
		namespace: options.namespace,
		production: options.production,
		journalPath: path,
		author: author(),
	};
	const redact = createRedactor(config.redact);
	const journal = await openJournal({path, author: env.author!, redact});
	const {events, warnings} = await journal.read();
	// The incident starts as replay() starts it: from the journal's first event, not from the time this
	// process started (else the first session's "investigating" milestone is earlier than a resumed one's).
	// A new journal gets its milestone from the incident.opened event appended below.
	const blank = emptyIncident(incidentId, events[0]?.at ?? new Date(now()).toISOString());
	const store = createIncidentStore({incidentId, env, now, redact, initial: {incident: events.length > 0 ? blank : {...blank, milestones: {}}}});
	const lifetime = new AbortController();

	const append: AppendEvent = async (type, data) => {
		const event = await journal.append(type, data);
		store.getState().eventsAppended([event as AnyTimelineEvent]);
		return event;
	};

	store.getState().eventsAppended(events);
	for (const warning of warnings) store.getState().warned(warning);
	if (warnings.length > 0) store.getState().flashed(`journal: ${warnings[0]}${warnings.length > 1 ? ` (+${warnings.length - 1} more)` : ''}`, 'warn');

	// Runbooks: the one this incident already chose, else the CLI's/config's, else one matched to a firing alert later.
	// Only the chosen runbook is loaded before the first frame; the library (for the picker and for
	// alert matching) is listed once the session starts.
	let runbook: Runbook | null = null;
	let variables: Record<string, string> = {namespace: options.namespace, ...options.variables};
	const resumed = events.filter(e => e.type === 'runbook.selected').at(-1);
	const chosen = resumed?.type === 'runbook.selected' ? (resumed.data.source.startsWith('builtin:') ? resumed.data.id : resumed.data.source) : (options.runbookRef ?? config.runbook);
	if (chosen) {
		try {
			runbook = await loadRunbook(chosen, {dirs: config.runbooks});
		} catch (error) {
			store.getState().warned((error as Error).message);
			store.getState().flashed((error as Error).message, 'crit');
		}
	}

	/** The active runbook as loaded (`runbook` is it with its titles filled in). */
	let loaded: Runbook | null = runbook;
	/** The variables as shown: secret ones masked. */
	const maskedVariables = (): Record<string, string> => {
		const secret = new Set(loaded?.variables.filter(v => v.secret).map(v => v.name));
		return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, secret.has(name) ? REDACTED : value]));
	};
	/** The values `runbook.selected` records: the secret ones left out. */
	const recordedVariables = (): Record<string, string> => {
		const secret = new Set(loaded?.variables.filter(v => v.secret).map(v => v.name));
		return Object.fromEntries(Object.entries(variables).filter(([name]) => !secret.has(name)));
	};
	/** The alert that chose the active runbook: its labels fill the variables, and its namespace is checked against every action's. */
	let runbookAlert: AlertInfo | undefined;
	/**
	 * Variable values (source/runbook/library.ts resolveVariables): the runbook's defaults, then the
	 * cockpit's namespace as a fallback, then the alert's labels (its `namespace` beats the
	 * fallback), then --var and the demo's, which are the operator's explicit choice.
	 */
	const applyRunbook = (next: Runbook | null, alert?: AlertInfo) => {
		loaded = next;
		runbookAlert = alert;
		if (next) variables = {...resolveVariables(next, {alertLabels: alert?.labels, config: {namespace: env.namespace}, cli: options.variables}).values, ...options.variables};
		// Shown and recorded with this incident's values in its titles ("Roll back checkout"), secrets masked.
		runbook = next && withFilledTitles(next, maskedVariables());
		store.getState().runbookLoaded(runbook);
	};
	applyRunbook(runbook);

	if (events.length === 0) {
		await append('incident.opened', {
			title: config.title ?? runbook?.title ?? 'Incident',
			severity: config.severity ?? 'SEV3',
			demo: options.demo || undefined,
			context: options.context || undefined,
			namespace: options.namespace,
		});
	}
	const current = runbook as Runbook | null;
	if (current && store.getState().incident.runbookId !== current.id) {
		await append('runbook.selected', {id: current.id, title: current.title, source: current.source, reason: 'configured', variables: recordedVariables()});
	}
	// A co-operator's events arrive through fs.watch as they are written; the 5 s poll is the fallback.
	journal.follow(newEvents => store.getState().eventsAppended(newEvents), lifetime.signal, 5000, warning => store.getState().warned(warning));

	let cluster: Cluster | null = null;
	// One metrics backend for the session: the sources poll it (restarted with each runbook, it keeps
	// a direct scrape's window), and a query's details read its last 30 minutes from it.
	const metrics = options.metrics ?? createMetricsBackend(config);
	/** The log followed in the log dialog, and how many follows there have been (their ids). */
	let following: AbortController | null = null;
	let follows = 0;
	let stopSources: (() => void) | null = null;
	let running: AbortController | null = null;

	const startLive = () => {
		stopSources?.();
		stopSources = startKinds({config, store, append, signal: lifetime.signal, now, metrics, cluster, runbook: runbook ? {runbook, variables} : null});
	};

	const flash = store.getState().flashed;
	const fail = (error: unknown) => flash(error instanceof Error ? error.message : String(error), 'crit');

	// A firing alert chooses the runbook when none was chosen.
	let alertMatched = Boolean(runbook);
	const stopAlertMatch = store.subscribe((state, prev) => {
		// Alerts can arrive before the library is listed: look again when either changes.
		if (alertMatched || lifetime.signal.aborted || (alertsData.of(state) === alertsData.of(prev) && state.runbooks === prev.runbooks)) return;
		const match = matchRunbook(alertsData.of(state), state.runbooks);
		if (!match) return;
		alertMatched = true;
		applyRunbook(match.runbook, match.alert);
		void append('runbook.selected', {id: match.runbook.id, title: match.runbook.title, source: match.runbook.source, reason: `alert ${match.alert.name} firing`, variables: recordedVariables()}).catch(fail);
		startLive();
	});

	/**
	 * An action must not act, unsaid, on another namespace than the alert it answers: when the alert
	 * that chose the runbook carries a `namespace` label and the action's namespace is another, its
	 * confirmation says so first.
	 */
	const namespaceWarnings = (request: ActionRequest): string[] => {
		const wanted = runbookAlert?.labels.namespace;
		const acting = request.target.namespace;
		if (!runbookAlert || !wanted || wanted === acting) return [];
		const why =
			request.kind === 'command'
				? `, set by --var namespace=${acting}`
				: `, the cockpit's (-n, else the kube context's); start it with -n ${wanted} to act on the alert's`;
		return [`the alert ${runbookAlert.name} that chose this runbook is in namespace ${wanted}; this acts on namespace ${acting}${why}.`];
	};

	/** Journals the request, then opens its confirmation, with `warnings` above the action's own. */
	const open = async (prepared: ActionRequest, warnings: readonly string[] = []) => {
		const request = withWarnings(prepared, [...namespaceWarnings(prepared), ...warnings]);
		await requestAction(request, append);
		store.getState().dialogOpened({kind: 'confirm', request});
	};

	/**
	 * Running a step that is already checked runs it again: a second restart, a second scale. The
	 * confirmation says when it was checked, by whom and why, from the incident's record of its tick.
	 */
	const stepRerunWarnings = (stepId: string, title: string): string[] => {
		const {incident} = store.getState();
		if (!incident.checkedSteps[stepId]) return [];
		const tick = incident.runbookId ? incident.stepTicks[incident.runbookId]?.[stepId] : undefined;
		if (!tick) return [`step "${title}" is already checked: this runs it again.`];
		const how = stepCheckHow(tick.data);
		return [`step "${title}" is already checked (${hhmmss(tick.at)} UTC, ${tick.by}${how ? `, ${how}` : ''}): this runs it again.`];
	};

	/** Reads what a rollback, scale or restart would change (no mutating call). */
	const prepareDeploymentAction = (
		live: Cluster,
		kind: 'rollback' | 'scale' | 'restart',
		deployment: string,
		options: {toRevision?: number; replicas?: number},
	): Promise<ActionRequest> => {
		const replicas = podsData.of(store.getState()).deployments[deployment]?.replicas;
		const common = {cluster: live, env, deployment, newId: newEventId};
		return kind === 'rollback'
			? rollbackAction.prepare({...common, toRevision: options.toRevision})
			: kind === 'scale'
				? scaleAction.prepare({...common, current: replicas, replicas: options.replicas ?? replicas})
				: restartAction.prepare({...common, replicas});
	};

	/** The active runbook's secret variables, masked wherever a command is shown. */
	const secretVars = (): string[] => loaded?.variables.filter(v => v.secret).map(v => v.name) ?? [];

	/** Opens the confirmation of a runbook or config command, run with the cluster's pinned KUBECONFIG. */
	/** Until the cluster names its context, that context's read-only and production are unknown (see settingsForContext). */
	let contextPending = Boolean(options.settingsForContext);
	const contextPendingText = 'the kube context is not known yet: its read-only and production settings apply once the cluster connects';

	const prepareCommand = (command: RunbookCommand, dangerous: boolean, warnings: readonly string[] = []) => {
		if (contextPending && dangerous) return flash(contextPendingText, 'warn');
		// A value that may not fill the command (unsafe place, "-" first, outside its pattern) is refused here, in a flash.
		Promise.resolve()
			.then(() => {
				// kubectl in the command defaults to the namespace its variables name (the alert's), as its {{namespace}} does.
				const namespace = variables.namespace || env.namespace;
				const kube = cluster?.commandEnvironment?.(namespace) ?? null;
				return commandAction.prepare({command, vars: variables, secretVars: secretVars(), declared: runbook?.variables ?? [], env: {...env, namespace}, newId: newEventId, redact, kube, dangerous});
			})
			.then(request => open(request, warnings))
			.catch(fail);
	};

	/**
	 * The runbook's unchecked steps whose action has just been taken, by x on the step or by the same
	 * key on the Pods or Health pane, are done: the checklist shows the rollback the operator did. A
	 * step with a done-when condition is left to it: its author said what done means ("errors below
	 * 1 % for 2 minutes"), and the action alone is not that.
	 */
	const tickStepsDoneBy = (request: ActionRequest, deployment: string) => {
		if (!runbook) return;
		const {kind} = request;
		const checked = store.getState().incident.checkedSteps;
		for (const step of runbook.steps) {
			if (step.action?.kind !== kind || step.doneWhen || checked[step.id] || stepDeployment(step, variables) !== deployment) continue;
			const action = `${kind} of deployment/${deployment}`;
			void append('step.checked', {runbookId: runbook.id, stepId: step.id, title: step.title, auto: true, doneBy: action, cause: {type: 'action', actionId: request.id, action}}).catch(fail);
		}
	};

	const controller: CockpitController = {
		quit() {
			options.onQuit?.();
		},
		toggleStep(stepId) {
			const step = runbook?.steps.find(s => s.id === stepId);
			if (!runbook || !step) return;
			const checked = Boolean(store.getState().incident.checkedSteps[stepId]);
			void append(checked ? 'step.unchecked' : 'step.checked', {runbookId: runbook.id, stepId, title: step.title}).catch(fail);
		},
		requestDeploymentAction(kind, deployment, options = {}) {
			if (env.readonly) return flash(`read-only mode: ${kind} is disabled`, 'warn');
			if (!cluster) return flash('no cluster connected', 'warn');
			void prepareDeploymentAction(cluster, kind, deployment, options)
				.then(request => open(request))
				.catch(fail);
		},
		requestStep(stepId, commandIndex) {
			const step = runbook?.steps.find(s => s.id === stepId);
			if (!step) return;
			if (env.readonly) return flash('read-only mode: running steps is disabled', 'warn');
			if (step.action) {
				const target = stepDeployment(step, variables);
				if (!target) return flash(`step "${step.title}" names no deployment; set the runbook variable 'deployment'`, 'warn');
				// As for commands: a name from an alert label that starts with "-" (or breaks its pattern) is refused.
				try {
					checkValue('deployment', target, loaded?.variables ?? []);
				} catch (error) {
					return fail(error);
				}
				if (!cluster) return flash('no cluster connected', 'warn');
				const {action} = step;
				const warnings = stepRerunWarnings(step.id, step.title);
				void prepareDeploymentAction(cluster, action.kind, target, {
					toRevision: action.kind === 'rollback' ? action.toRevision : undefined,
					replicas: action.kind === 'scale' ? action.replicas : undefined,
				})
					.then(request => open(request, warnings))
					.catch(fail);
				return;
			}
			if (step.commands.length === 0) return flash('this step has no command or action to run', 'info');
			if (commandIndex === undefined && step.commands.length > 1) {
				store.getState().dialogOpened({
					kind: 'pick',
					purpose: 'command',
					title: `Run which command of "${step.title}"?`,
					items: step.commands.map((c, i) => ({label: `${c.title ? `${c.title}: ` : ''}${shownCommand(c, variables, secretVars(), 'keep')}`, value: commandChoice.step(step.id, i)})),
				});
				return;
			}
			const chosen = step.commands[commandIndex ?? 0];
			if (!chosen) return;
			// Titled after its step ("Run: Check the new pods"), not its generated id, unless it has its own title.
			prepareCommand(chosen.title ? chosen : {...chosen, title: `Run: ${step.title}`}, true, stepRerunWarnings(step.id, step.title));
		},
		requestConfigCommand(id) {
			if (env.readonly) return flash('read-only mode: running commands is disabled', 'warn');
			if (config.commands.length === 0) return flash('the config has no commands (add them under `commands:`)', 'info');
			if (id === undefined) {
				store.getState().dialogOpened({
					kind: 'pick',
					purpose: 'command',
					title: 'Run which command of the config?',
					items: config.commands.map(c => ({label: `${c.title ?? c.id}: ${shownCommand({...c, lang: 'argv'}, variables, secretVars(), 'keep')}`, value: commandChoice.config(c.id)})),
				});
				return;
			}
			const entry = config.commands.find(c => c.id === id);
			if (!entry) return flash(`no command '${id}' in the config`, 'warn');
			const {dangerous, ...command} = entry;
			prepareCommand({...command, lang: 'argv', title: command.title ?? `Run ${command.id}`}, dangerous);
		},
		confirm(request) {
			store.getState().dialogClosed();
			if (env.readonly && request.dangerous) return flash('read-only mode: nothing was sent', 'warn');
			if (contextPending && request.dangerous) return flash(`${contextPendingText}; nothing was sent`, 'warn');
			if (running) return flash('another action is still running (esc cancels it)', 'warn');
			running = new AbortController();
			const signal = running.signal;
			store.getState().actionStarted(request.id, request.title);
			if (request.kind === 'command') store.getState().dialogOpened({kind: 'output', actionId: request.id, title: request.kubectl ?? request.title});
			/** "exit 2", "timed out after 60 s": the output dialog's title says how the command ended. */
			let ended = 'finished';
			void performAction(request, {env, cluster, append, signal, onOutput: (_stream, line) => store.getState().actionOutput(request.id, line)})
				.then(({result, detail}) => {
					ended = detail;
					flash(`${actionName(request)}: ${result}${detail ? ` (${detail})` : ''}`, result === 'succeeded' ? 'ok' : 'crit');
					const deployment = request.target.object.startsWith('deployment/') ? request.target.object.slice('deployment/'.length) : undefined;
					if (result === 'succeeded' && deployment && request.kind !== 'command') {
						watchRecovery({store, append, deployment, primaryQuery: runbook?.primaryQuery, watchSeconds: config.recovery.watchSeconds, signal: lifetime.signal, now});
						tickStepsDoneBy(request, deployment);
					}
				})
				.catch(fail)
				.finally(() => {
					const output = store.getState().activity.running?.output ?? [];
					store.getState().actionFinished(request.id);
					running = null;
					const dialog = store.getState().ui.dialog;
					if (dialog?.kind === 'output' && dialog.actionId === request.id) {
						store.getState().dialogOpened({kind: 'details', title: `${request.kubectl ?? request.title} (${ended})`, lines: output.length ? output : ['(no output)'], output: true});
					}
				});
		},
		cancel(request) {
			store.getState().dialogClosed();
			void cancelAction(request, append)
				.then(() => flash(`cancelled: ${actionName(request)}`, 'info'))
				.catch(fail);
		},
		cancelRunning() {
			running?.abort(new Error('cancelled by the operator'));
		},
		addNote(text) {
			void append('note.added', {text})
				.then(() => flash('note saved to the timeline', 'ok'))
				.catch(fail);
		},
		togglePin(eventId) {
			const pinned = Boolean(store.getState().incident.pinned[eventId]);
			void append('event.pinned', {eventId, pinned: !pinned}).catch(fail);
		},
		setSeverity(severity: Severity) {
			const from = store.getState().incident.severity;
			if (from !== severity) void append('severity.changed', {from, to: severity}).catch(fail);
		},
		setStatus(status: IncidentStatus) {
			const from = store.getState().incident.status;
			if (from === status) return;
			void append('status.changed', {from, to: status})
				// Resolved: what comes next is the post-mortem.
				.then(() => status === 'resolved' && flash('resolved · E writes the post-mortem draft', 'ok'))
				.catch(fail);
		},
		selectRunbook(id) {
			// The store's list may hold the active runbook with its titles filled: take it as loaded.
			const next = loaded?.id === id ? loaded : store.getState().runbooks.find(r => r.id === id);
			if (!next) return;
			alertMatched = true;
			applyRunbook(next);
			void append('runbook.selected', {id: next.id, title: next.title, source: next.source, reason: 'chosen by operator', variables: recordedVariables()}).catch(fail);
			startLive();
		},
		showDetails(ref) {
			void detailsFor(ref, store.getState(), cluster, {redact, now, variables, secretVariables: secretVars(), metrics})
				.then(details => store.getState().dialogOpened({kind: 'details', ...details}))
				.catch(fail);
		},
		exportPostmortem() {
			// From the journal, not the screen's list: a long incident has more events than the screen keeps.
			const file = resolvePath(options.exportDir ?? process.cwd(), `${incidentId}-postmortem.md`);
			void readJournal(journal.path)
				.then(({events}) => writeFile(file, exportPostmortem(events, {format: 'md', incidentId, runbook, runbooks: store.getState().runbooks.map(r => filledAsRecorded(r, events)), redact, ...withDrill(events)})))
				.then(
					() => flash(`post-mortem draft written to ${file}`, 'ok'),
					(error: unknown) => flash(`post-mortem draft not written: ${(error as Error).message}`, 'crit'),
				);
		},
		followLog(pod) {
			following?.abort();
			const reading = cluster;
			if (!reading) {
				flash('no cluster to read the log from', 'warn');
				return;
			}
			const abort = new AbortController();
			following = abort;
			const signal = AbortSignal.any([abort.signal, lifetime.signal]);
			const id = ++follows;
			store.getState().logFollowed(id, pod, logTailLines);
			store.getState().dialogOpened({kind: 'log'});
			// Lines that come together (the tail, a burst) reach the store once, not once each; masked
			// like everything the cockpit shows from the cluster, a private key's lines between its
			// BEGIN and END lines too.
			const redactLine = createLineRedactor(redact);
			let pending: string[] = [];
			const flush = () => {
				const lines = pending;
				pending = [];
				if (!signal.aborted) store.getState().logLines(id, lines);
			};
			reading
				.followLog(
					pod,
					logTailLines,
					{
						line(text) {
							if (pending.length === 0) setImmediate(flush);
							pending.push(redactLine(text));
						},
						done(error) {
							flush();
							if (!signal.aborted) store.getState().logEnded(id, error ? error.message : 'the log ended: the container stopped or restarted');
						},
					},
					signal,
				)
				.then(
					container => store.getState().logOpened(id, container),
					(error: unknown) => {
						if (!signal.aborted) store.getState().logEnded(id, (error as Error).message);
					},
				);
		},
		stopLog() {
			following?.abort();
			following = null;
			store.getState().logClosed();
		},
	};

	return {
		store,
		controller,
		journal,
		start() {
			startLive();
			void listRunbooks(config.runbooks)
				.then(library => {
					for (const error of library.errors) store.getState().warned(error.message);
					store.getState().runbooksAvailable(library.runbooks);
				})
				.catch(error => store.getState().warned(`runbooks: ${(error as Error).message}`));
			// A client still loading is a cluster being reached, not "no cluster configured".
			const pending = options.cluster instanceof Promise;
			if (pending) store.getState().feedLoading('cluster');
			void Promise.resolve(options.cluster)
				.then(resolved => {
					if (!resolved && pending) store.getState().feedIdle('cluster');
					if (!resolved || lifetime.signal.aborted) return;
					cluster = resolved;
					const settings = options.settingsForContext?.(resolved.context);
					if (settings) {
						env.readonly = settings.readonly;
						env.production = settings.production;
						contextPending = false;
					}
					// Without --context or -n, the kubeconfig's current context and its namespace are the
					// cockpit's: the header, confirmations and the runbook's {{namespace}} follow them.
					if (settings || resolved.context !== env.context || resolved.namespace !== env.namespace) {
						env.context = resolved.context;
						env.namespace = resolved.namespace;
						store.getState().clusterConnected(resolved.context, resolved.namespace, settings);
						if (loaded) applyRunbook(loaded, runbookAlert);
						else variables = {namespace: env.namespace, ...options.variables};
					}
					startLive();
				})
				.catch(error => {
					store.getState().feedFailed('cluster', (error as Error).message);
				});
		},
		async stop() {
			lifetime.abort();
			stopAlertMatch();
			running?.abort();
			following?.abort();
			stopSources?.();
			await journal.close();
		},
	};
}
