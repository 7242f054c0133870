/**
 * A kind is the unit of the cockpit, as a resource is in k9s (a data access and a renderer) and a
 * controller is in lazygit (each returns its key bindings): what a pane shows, where it comes from,
 * what a row says when opened, and which keys act on it. kinds/registry.ts lists them in pane order;
 * the layout, pane switching, help, footer, details and `status` are generated from that list.
 */
import type {Config} from '../config/schema.js';
import type {ActionKind, ActionSubject} from '../model/action-request.js';
import type {Cluster} from '../ports/cluster.js';
import type {QueryDef} from './metrics/source.js';
import type {Metrics} from '../ports/metrics.js';
import type {Runbook} from '../runbook/model.js';
import type {RowCache} from '../store/memo.js';
import type {IncidentStore} from '../store/store.js';
import type {DetailPart, FormDialog, IncidentState, LivePart} from '../store/types.js';
import type {Tone} from '../text/format.js';
import type {AppendEvent} from '../timeline/events.js';
import type {Redactor} from '../timeline/redact.js';

export interface Cell {
	text: string;
	tone?: Tone;
	/** Fixed column width; the last cell without width takes the rest. */
	width?: number;
	align?: 'left' | 'right';
	bold?: boolean;
	/**
	 * Shows what the screen clock makes of the row, computed at render for visible rows only: its
	 * age (from `createdAt`) or the time left (to `countdownTo`).
	 */
	clock?: boolean;
}

/**
 * What a row is about: its kind and its key within it, plus the facets an action or a key reads
 * (the deployment that u/s/r act on, the pod whose log l follows).
 */
export interface RowRef {
	kind: string;
	key: string;
	/** The Kubernetes deployment it names (a deployment row, a pod's owner, a service's `deployment:`). */
	deployment?: string;
	/** The pod it is. */
	pod?: string;
	/** Where it is, when several namespaces or contexts are watched (actions act there). */
	namespace?: string;
	context?: string;
	/** What it is called where a message names it ("checkout", a service). */
	name?: string;
}

export interface Row {
	key: string;
	cells: Cell[];
	tone: Tone;
	ref: RowRef;
	/** Pod creation time; the pane renders its age only for visible rows. */
	createdAt?: string;
	/** When a held done-when condition will tick the step (ms since the epoch); the pane counts down to it. */
	countdownTo?: number;
	/** Text searched by `/` filters. */
	search: string;
	/** A section title (a runbook's "Triage"): shown, never selected (see store/selection.ts). */
	heading?: boolean;
}

/** Text and a tone: a pane's summary beside its title, or the line under it. */
export interface Toned {
	text: string;
	tone: Tone;
}

/** The runbook the incident follows, with this incident's values of its variables. */
export interface ActiveRunbook {
	runbook: Runbook;
	variables: Record<string, string>;
}

/** What a kind's sources are started with (kinds/start.ts), again whenever the runbook or the cluster changes. */
export interface KindContext {
	config: Config;
	store: IncidentStore;
	append: AppendEvent;
	/** Aborts when the sources stop (restarted, or the session ends). */
	signal: AbortSignal;
	now: () => number;
	/** The session's metrics backend (Prometheus, direct scrape), or none. */
	metrics: Metrics | null;
	cluster: Cluster | null;
	/** The active runbook: its queries are polled, its steps tick themselves. */
	runbook: ActiveRunbook | null;
}

/** A details view: its title, its lines as they are now, and (for a query or a step) the parts its dialog keeps live. */
export interface Details {
	title: string;
	lines: string[];
	parts?: DetailPart[];
}

/** What a kind's details read beside the store: the cluster and the metrics backend, and how to show what they answer. */
export interface DetailsContext {
	state: IncidentState;
	cluster: Cluster | null;
	metrics: Metrics | null;
	/** Masks secrets in what the cluster says (log lines, events): the details are on screen, and screens get shared. */
	redact: Redactor;
	now: () => number;
	/** Lines of a pod's log to show. */
	tailLines: number;
	/** How long to wait for the cluster's answers before saying they did not come: Enter never hangs on a dead API server. */
	timeoutMs: number;
	/** The runbook's variables for this incident, so a step shows what x would run, not its template. */
	variables: Record<string, string>;
	/** Names of the variables whose values are masked (the runbook's `secret: true`). */
	secretVariables: string[];
	/** Every variable of the active runbook with its value (secrets masked) and where it came from, for the variables view. */
	variableRows?: Array<{name: string; value?: string; source: string}>;
}

/** What a kind's keys may ask of the cockpit (the controller implements it; components never do I/O). */
export interface KindController {
	/**
	 * The one path of every action a key names (KeyBinding.action): prepares it on `subject` (the row's
	 * reference: its deployment, and where it is when several namespaces or contexts are watched; or the
	 * `values` a key or form gives an action made from values), journals the request and opens its
	 * confirmation (controller/action-flow.ts). From `form`, a value refused opens the form again saying why.
	 */
	requestAction(action: ActionKind, subject: ActionSubject, form?: FormDialog): void;
	toggleStep(stepId: string): void;
	requestStep(stepId: string): void;
	/** The variables view: every variable of the active runbook, its value and where it came from. */
	showVariables(): void;
	togglePin(eventId: string): void;
	followLog(pod: string): void;
	/** Opens a form whose values, on enter, make its action (requestAction with {values} and the form). */
	openForm(form: FormDialog): void;
}

/** A key binding: the keys (printable, or Ink's named keys such as `return`), what help and the footer show. */
export interface KeyBinding {
	keys: string[];
	/** What the help overlay and footer show for the keys, e.g. "u". */
	label: string;
	help: string;
	/** The footer's word for it ("rollback"); default its help. */
	short?: string;
	/** Mutates the cluster or runs a command: disabled in read-only mode. */
	dangerous?: boolean;
	/** The action the key asks for on the selected row (actions/registry.ts); `dangerous` is then that action's (kinds/action-key.ts actionBinding). */
	action?: ActionKind;
}

/** What a key's handler sees beside the selected row: the store now, and where the other panes are. */
export interface KeyContext {
	state: IncidentState;
	/** Sets how a kind's pane orders its rows (IncidentState.ui.sort). */
	sortChanged: (kind: string, sort: string) => void;
	/** The number that focuses a kind's pane (its place in kinds/registry.ts). */
	paneNumber(kind: string): number;
}

/** A key of a kind: its binding, why it does nothing on the selected row (if so), and what it does. */
export interface KindKey {
	/** Unique within the kind; the keymap's command is `${kind}.${id}`. */
	id: string;
	/** Kinds that share a key share its binding object: help lists it once, under all of them. */
	binding: KeyBinding;
	/**
	 * The key is at home in another kind and works here on some rows only; this says which ("a Health
	 * row whose service names its deployment"). A key pressed where it does not work is said to work
	 * in its home kinds.
	 */
	borrowed?: string;
	/** Why the key does nothing now, said in the footer's flash: no row selected, a row it does not apply to. */
	disabled?(row: Row | undefined, ctx: KeyContext): string | null;
	run(row: Row, controller: KindController, ctx: KeyContext): void;
}

/** Whether a configured source could be read: `ok`, or why not. */
export type SourceState = 'ok' | 'unreachable' | 'unauthorized' | 'error';

/** One configured source in `incident-tui status`: Prometheus, Alertmanager, a direct-scrape target (`scrape:NAME`), Kubernetes. */
export interface SourceReport {
	source: string;
	state: SourceState;
	/** Why it could not be read (absent when `ok`). */
	error?: string;
}

/** The fields of the status report every part shares. */
export interface CommonStatus {
	errors: Array<{source: string; message: string}>;
	/** Every configured source and whether it could be read. */
	sources: SourceReport[];
}

/** What a kind's status part reads with (kinds/status.ts), once, within a deadline. */
export interface StatusContext {
	config: Config;
	cluster: Cluster | null;
	/** Why the cluster could not be connected to (an unreadable kubeconfig): reported as its source's error. */
	clusterError?: string;
	metrics: Metrics | null;
	/** The wait for every source. */
	timeoutMs: number;
	/** Aborts when `timeoutMs` has passed. */
	deadline: AbortSignal;
	/** Direct scrape mode: the gap between its two scrapes (see CollectStatusOptions). */
	scrapeIntervalMs?: number;
	/** Queries to read beside the config's (a runbook's), after them. */
	queries?: readonly QueryDef[];
	/** A configured source read, or not (listed in the parts' order). */
	source(report: SourceReport): void;
	error(source: string, message: string): void;
}

/**
 * A kind's part of `incident-tui status`: its fields of the report (JSON), its section of the table
 * (drawn from the report as printed: cleaned and redacted), and what in it is critical (exit 1) or
 * could not be read (exit 3) beside the sources.
 */
export interface StatusPart<F extends object = object> {
	/** Names it in an error when it fails as a whole. */
	id: string;
	/**
	 * Where the sources it reads stand in the report's list: lower first (default 1). The alerts'
	 * part is 0, as Prometheus answers both queries and alerts and is listed first.
	 */
	sourceRank?: number;
	collect(ctx: StatusContext): Promise<F>;
	table(report: F & CommonStatus): string[];
	critical?(report: F & CommonStatus): boolean;
	unreadable?(report: F & CommonStatus): boolean;
}

export interface Kind {
	readonly id: string;
	readonly title: string;
	/**
	 * Its share of the body's height (the focused pane's counts triple), its column from 150 columns
	 * on; `grows`: it asks for every line the others leave (the timeline only grows), not its rows'.
	 */
	readonly layout: {weight: number; column: 'left' | 'right'; grows?: boolean};
	/** The feed whose loading or failure line the pane shows above its rows (none: it has no source of its own). */
	readonly feed?: string;
	/** Starts its sources; the returned function (or the context's signal) stops them. */
	start?(ctx: KindContext): () => void;
	/** Its rows, built once per data change (memoized in the store's cache). */
	rows(state: IncidentState, cache: RowCache): readonly Row[];
	/** Its rows a `/` filter keeps; default: those whose search text holds it. */
	filter?(rows: readonly Row[], filter: string, cache: RowCache): readonly Row[];
	/** What the title says beside its name. */
	summary(state: IncidentState, now: number, cache: RowCache): Toned;
	/** The line under the title; default: its feed's loading or failure line. */
	problem?(state: IncidentState, now: number, cache: RowCache): Toned | null;
	/** Dim text after the summary (the Pods pane's context/namespace). */
	extra?(state: IncidentState): string | undefined;
	/** What the pane says with no rows. */
	empty(state: IncidentState): string;
	/** Column headers over its rows, laid out as its rows' cells are (the Pods pane's NAME READY STATUS ...). */
	readonly columns?: readonly Cell[];
	/** While not focused, the pane shows its last row (the newest event), not its selection. */
	readonly followsEnd?: boolean;
	/** What enter shows of a row. */
	details?(ref: RowRef, ctx: DetailsContext): Promise<Details> | Details;
	/** The lines of a live part of its details (LivePart.live names which), from the store now. */
	liveLines?(part: LivePart, state: IncidentState, now: number): string[];
	readonly keys: readonly KindKey[];
	/** Its parts of `incident-tui status`, in the order the report lists them. */
	readonly status?: readonly StatusPart[];
}
