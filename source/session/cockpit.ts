/**
 * The composition root of one cockpit: wiring only. It opens the journal (the source of truth),
 * builds the store (its replay plus live data), loads the runbook, builds the controller
 * (controller/controller.ts) from the session's ports, and starts the kinds' sources
 * (kinds/start.ts) once the first frame is drawn.
 */
import type {Config} from '../config/schema.js';
import {Controller} from '../controller/controller.js';
import type {ControllerPorts} from '../controller/ports.js';
import {RunbookState} from '../controller/runbook-state.js';
import {createMetricsBackend} from '../clients/metrics-backend.js';
import {alertsData} from '../kinds/alerts/data.js';
import {startKinds} from '../kinds/start.js';
import type {Cluster, ClusterSwitcher, ContextSettingsNow} from '../ports/cluster.js';
import {podsData} from '../kinds/pods/data.js';
import type {Metrics} from '../ports/metrics.js';
import {listRunbooks, loadRunbook} from '../runbook/library.js';
import {matchRunbook} from '../runbook/match.js';
import type {Runbook} from '../runbook/model.js';
import {createIncidentStore, type IncidentStore} from '../store/store.js';
import type {EnvInfo} from '../store/types.js';
import type {AnyTimelineEvent, AppendEvent} from '../timeline/events.js';
import {author, newIncidentId} from '../timeline/ids.js';
import {emptyIncident} from '../timeline/incident.js';
import {openJournal, type Journal} from '../timeline/journal.js';
import {createRedactor} from '../timeline/redact.js';
import {journalPath} from '../timeline/state-dir.js';
import {startSync, type SyncHandle} from '../sync/start.js';
import {drillInput} from '../demo/resume.js';
import type {CockpitController} from '../controller/types.js';

export {logTailLines} from '../controller/log-follow.js';

export interface SessionOptions {
	config: Config;
	stateDir: string;
	incidentId?: string;
	demo: boolean;
	/** What the cockpit was launched with (timeline/launch.ts launchKey), recorded in incident.opened. */
	launch?: string;
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
	/** Makes clients of other contexts and namespaces for the pickers (source/clients/kube/switcher.ts); none in the demo. */
	switcher?: ClusterSwitcher;
	metrics?: Metrics | null;
	runbookRef?: string;
	/** Extra runbook variables (demo, CLI, config). */
	variables?: Record<string, string>;
	now?: () => number;
	onQuit?: () => void;
	/** Who writes the journal (user@host); default: this process's user and host. */
	author?: string;
	/** Where `E` writes the post-mortem draft (default: the working directory). */
	exportDir?: string;
	/** The command that resumes this incident, as the CLI prints it at exit (source/cli/printed.ts). */
	resumeCommand?: string;
}

export interface Session {
	store: IncidentStore;
	controller: CockpitController;
	journal: Journal;
	/** Starts the live sources (call after the first frame). */
	start(): void;
	stop(): Promise<void>;
}


/** Opens the incident's journal and a store replaying it; `append` writes to the journal (fsynced), then to the store. */
async function openIncident(options: SessionOptions, env: EnvInfo, incidentId: string, now: () => number) {
	const redact = createRedactor(options.config.redact);
	const journal = await openJournal({path: env.journalPath!, author: env.author!, redact});
	const {events, warnings} = await journal.read();
	// The incident starts as replay() starts it: from the journal's first event, not from the time this
	// process started (else the first session's "investigating" milestone is earlier than a resumed one's).
	// A new journal gets its milestone from the incident.opened event appended below.
	const blank = emptyIncident(incidentId, events[0]?.at ?? new Date(now()).toISOString());
	const store = createIncidentStore({incidentId, env, now, redact, initial: {incident: events.length > 0 ? blank : {...blank, milestones: {}}}});
	const append: AppendEvent = async (type, data) => {
		const event = await journal.append(type, data);
		store.getState().eventsAppended([event as AnyTimelineEvent]);
		return event;
	};
	store.getState().eventsAppended(events);
	for (const warning of warnings) store.getState().warned(warning);
	if (warnings.length > 0) store.getState().flashed(`journal: ${warnings[0]}${warnings.length > 1 ? ` (+${warnings.length - 1} more)` : ''}`, 'warn');
	return {journal, events, store, append, redact};
}

/** The runbook this incident already chose, else the CLI's/config's (a firing alert may choose one later); null when none loads. */
async function loadChosenRunbook(options: SessionOptions, events: readonly AnyTimelineEvent[], store: IncidentStore): Promise<Runbook | null> {
	const resumed = events.filter(e => e.type === 'runbook.selected').at(-1);
	const chosen = resumed?.type === 'runbook.selected' ? (resumed.data.source.startsWith('builtin:') ? resumed.data.id : resumed.data.source) : (options.runbookRef ?? options.config.runbook);
	if (!chosen) return null;
	try {
		return await loadRunbook(chosen, {dirs: options.config.runbooks});
	} catch (error) {
		store.getState().warned((error as Error).message);
		store.getState().flashed((error as Error).message, 'crit');
		return null;
	}
}

/** The session's mutable wiring: the cluster once connected, whether its context is known, the sources running. */
class SessionWiring {
	cluster: Cluster | null = null;
	contextPending: boolean;
	/** A firing alert chooses the runbook only while none was chosen. */
	runbookChosen: boolean;
	#stopSources: (() => void) | null = null;
	/** The operator switched context or namespace: the cluster is the one switched to. */
	#switched = false;

	constructor(
		options: SessionOptions,
		private readonly ctx: {config: Config; store: IncidentStore; append: AppendEvent; lifetime: AbortController; now: () => number; metrics: Metrics | null; runbook: RunbookState},
	) {
		this.contextPending = Boolean(options.settingsForContext);
		this.runbookChosen = Boolean(ctx.runbook.runbook);
	}

	/** (Re)starts every kind's sources with the cluster and runbook as they are now. */
	startSources(): void {
		this.#stopSources?.();
		const {config, store, append, lifetime, now, metrics, runbook} = this.ctx;
		this.#stopSources = startKinds({config, store, append, signal: lifetime.signal, now, metrics, cluster: this.cluster, runbook: runbook.runbook ? {runbook: runbook.runbook, variables: runbook.variables} : null});
	}

	stopSources(): void {
		this.#stopSources?.();
	}

	/** A firing alert chooses the runbook when none was chosen. Alerts can arrive before the library is listed: look again when either changes. */
	watchAlertMatch(): () => void {
		const {store, append, lifetime, runbook} = this.ctx;
		return store.subscribe((state, prev) => {
			if (this.runbookChosen || lifetime.signal.aborted || (alertsData.of(state) === alertsData.of(prev) && state.runbooks === prev.runbooks)) return;
			const match = matchRunbook(alertsData.of(state), state.runbooks);
			if (!match) return;
			this.runbookChosen = true;
			runbook.apply(match.runbook, match.alert);
			append('runbook.selected', {id: match.runbook.id, title: match.runbook.title, source: match.runbook.source, reason: `alert ${match.alert.name} firing`, variables: runbook.recordedVariables()}).catch(
				(error: unknown) => store.getState().flashed((error as Error).message, 'crit'),
			);
			this.startSources();
		});
	}

	/**
	 * The cluster connected (the Kubernetes client loads after the first frame). Without --context or
	 * -n, the kubeconfig's current context and its namespace are the cockpit's: the header,
	 * confirmations and the runbook's {{namespace}} follow them.
	 */
	connected(resolved: Cluster, env: EnvInfo, settingsForContext: SessionOptions['settingsForContext']): void {
		// The operator switched before the first cluster came: the switch stands.
		if (this.#switched) return;
		this.cluster = resolved;
		const settings = settingsForContext?.(resolved.context);
		if (settings) {
			env.readonly = settings.readonly;
			env.production = settings.production;
			this.contextPending = false;
		}
		const all = resolved.namespaces === 'all';
		if (settings || resolved.context !== env.context || resolved.namespace !== env.namespace || all !== Boolean(env.allNamespaces)) {
			env.context = resolved.context;
			env.namespace = resolved.namespace;
			env.allNamespaces = all || undefined;
			this.ctx.store.getState().clusterConnected(resolved.context, resolved.namespace, settings, all);
			this.ctx.runbook.namespaceChanged();
		}
		this.startSources();
	}

	/**
	 * The operator switched context or namespace (controller/cluster-switch.ts): the old watches stop
	 * first, then their rows and feeds go (a late event of the old scope cannot land: its watcher is
	 * stopped), the cockpit takes the new context's read-only and production settings, and the sources
	 * start again on the new cluster. Rows of two scopes are never shown together.
	 */
	switchedTo(cluster: Cluster, settings: ContextSettingsNow, env: EnvInfo): void {
		const {store} = this.ctx;
		this.#switched = true;
		this.stopSources();
		this.cluster = cluster;
		this.contextPending = false;
		const all = cluster.namespaces === 'all';
		Object.assign(env, {context: cluster.context, namespace: cluster.namespace, allNamespaces: all || undefined, readonly: settings.readonly, production: settings.production});
		const state = store.getState();
		state.dataShown(podsData, podsData.empty);
		// Said afresh: "no answer yet" until the new scope's first list, and no feed of a context no longer watched.
		for (const feed of Object.keys(state.feeds)) if (feed === 'cluster' || feed.startsWith('cluster ')) state.feedIdle(feed);
		state.clusterConnected(cluster.context, cluster.namespace, settings, all);
		this.ctx.runbook.namespaceChanged();
		this.startSources();
	}
}

/** Lists the configured runbook directories for the picker and for alert matching. */
function listLibrary(config: Config, store: IncidentStore): void {
	listRunbooks(config.runbooks)
		.then(library => {
			for (const error of library.errors) store.getState().warned(error.message);
			store.getState().runbooksAvailable(library.runbooks);
		})
		.catch((error: unknown) => store.getState().warned(`runbooks: ${(error as Error).message}`));
}

/** Connects the cluster when it comes (a promise while the Kubernetes client loads: "loading", not "no cluster configured"). */
function connectWhenReady(options: SessionOptions, env: EnvInfo, store: IncidentStore, wiring: SessionWiring, lifetime: AbortSignal): void {
	const pending = options.cluster instanceof Promise;
	if (pending) store.getState().feedLoading('cluster');
	Promise.resolve(options.cluster)
		.then(resolved => {
			if (!resolved && pending) store.getState().feedIdle('cluster');
			if (!resolved || lifetime.aborted) return;
			wiring.connected(resolved, env, options.settingsForContext);
		})
		.catch((error: unknown) => store.getState().feedFailed('cluster', (error as Error).message));
}

/**
 * The composition root of one cockpit: the journal (source of truth), the store (its replay plus
 * live data), the runbook, the kinds' sources, and the controller the UI calls. Everything the user
 * confirms is appended (and fsynced) before the screen says it is done.
 */
export async function openSession(options: SessionOptions): Promise<Session> {
	const {config} = options;
	const now = options.now ?? Date.now;
	const incidentId = options.incidentId ?? newIncidentId(new Date(now()));
	const path = journalPath(options.stateDir, incidentId);
	const env: EnvInfo = {demo: options.demo, readonly: options.readonly, context: options.context, namespace: options.namespace, production: options.production, journalPath: path, author: options.author ?? author(), ...(options.resumeCommand ? {resumeCommand: options.resumeCommand} : {})};
	const {journal, events, store, append, redact} = await openIncident(options, env, incidentId, now);
	const runbook = new RunbookState(store, env, options.variables);
	runbook.apply(await loadChosenRunbook(options, events, store));
	if (events.length === 0) {
		const active = runbook.runbook;
		await append('incident.opened', {title: config.title ?? active?.title ?? 'Incident', severity: config.severity ?? 'SEV3', demo: options.demo || undefined, launch: options.launch, context: options.context || undefined, namespace: options.namespace});
	}
	const active = runbook.runbook;
	if (active && store.getState().incident.runbookId !== active.id) {
		await append('runbook.selected', {id: active.id, title: active.title, source: active.source, reason: 'configured', variables: runbook.recordedVariables()});
	}
	const lifetime = new AbortController();
	// A co-operator's events arrive through fs.watch as they are written; the 5 s poll is the fallback.
	journal.follow(newEvents => store.getState().eventsAppended(newEvents), lifetime.signal, 5000, warning => store.getState().warned(warning));
	// One metrics backend for the session: the sources poll it (restarted with each runbook, it keeps
	// a direct scrape's window), and a query's details read its last 30 minutes from it.
	const metrics = options.metrics ?? createMetricsBackend(config);
	const wiring = new SessionWiring(options, {config, store, append, lifetime, now, metrics, runbook});
	const stopAlertMatch = wiring.watchAlertMatch();
	const ports: ControllerPorts = {
		config, env, store, append, redact, now, metrics, incidentId, journalPath: path, exportDir: options.exportDir, onQuit: options.onQuit, lifetime: lifetime.signal, runbook,
		cluster: () => wiring.cluster,
		switcher: options.switcher ?? null,
		switchedTo: (cluster, settings) => wiring.switchedTo(cluster, settings, env),
		contextPending: () => wiring.contextPending,
		runbookChosen: () => void (wiring.runbookChosen = true),
		restartSources: () => wiring.startSources(),
		drill: drillInput,
	};
	const controller = new Controller(ports);
	let sync: SyncHandle | undefined;
	return {
		store,
		controller,
		journal,
		start() {
			// Shares the incident with other responders (source/sync); its status is the store's `sync`, for the header.
			sync ??= startSync({config: config.sync, journal, incidentId, redact, append, onStatus: status => store.getState().syncReported(status)});
			wiring.startSources();
			listLibrary(config, store);
			connectWhenReady(options, env, store, wiring, lifetime.signal);
		},
		async stop() {
			lifetime.abort();
			stopAlertMatch();
			controller.stop();
			wiring.stopSources();
			await sync?.stop();
			await journal.close();
		},
	};
}
