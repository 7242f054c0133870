import type {ActionKind, ActionRequest} from '../model/action-request.js';
import type {EnvInfo} from '../model/env.js';
import type {AnyTimelineEvent} from '../timeline/events.js';
import type {IncidentInfo} from '../timeline/incident.js';
import type {Runbook} from '../runbook/model.js';
import type {SyncStatus} from '../sync/status.js';
import type {Tone} from '../text/format.js';
import type {Selection} from './selection.js';

// The environment is plain data below the store and the actions (model/env.ts); the store's callers read it from here.
export type {EnvInfo} from '../model/env.js';

/**
 * Why a feed failed: `unreachable` (no answer: refused, DNS, TLS, timeout, reset), `unauthorized`
 * (the credentials were refused: 401, 403), or `error` (it answered, with an error).
 */
export type FeedFailure = 'unreachable' | 'unauthorized' | 'error';

/**
 * The health of one data source's feed (not of the thing it measures). What the screen makes of it
 * (loading, ok, stale, unreachable, unauthorized) is `feedVerdict` in feeds.ts.
 */
export interface FeedState {
	status: 'idle' | 'loading' | 'ok' | 'error';
	/** Last error message, shown with the age of the last good data. */
	error?: string;
	/** Epoch ms of the last successful fetch. */
	lastOkAt?: number;
	/** Epoch ms of the last attempt. */
	lastAttemptAt?: number;
	/** With status `error`: what kind of failure (absent: `error`). */
	failure?: FeedFailure;
	/** With status `error`: epoch ms of the first failure since the last success. */
	failingSince?: number;
}

/** A signal being written to the journal: its kind, level and subject. */
export interface PendingSignal {
	kind: string;
	level: string;
	subject: string;
}

/**
 * What a picker chooses: a runbook, a severity, a status, a command to run (`commandChoice` values),
 * a role, or the kube context or namespace the cockpit watches (`scopeChoice` values).
 */
export type PickPurpose = 'runbook' | 'severity' | 'status' | 'command' | 'role' | 'context' | 'namespace';

/** The namespace picker's values: one namespace, or every one (as -A). */
export const scopeChoice = {
	allNamespaces: '*all*',
	namespace: (name: string) => `ns:${name}`,
	context: (name: string) => `ctx:${name}`,
	parse(value: string): {allNamespaces: true} | {namespace: string} | {context: string} | null {
		if (value === '*all*') return {allNamespaces: true};
		if (value.startsWith('ns:')) return {namespace: value.slice(3)};
		if (value.startsWith('ctx:')) return {context: value.slice(4)};
		return null;
	},
};

/** A command picker's values: one command of a runbook step, or one of the config's `commands`. */
export const commandChoice = {
	step: (stepId: string, index: number) => `step:${index}:${stepId}`,
	config: (id: string) => `config:${id}`,
	parse(value: string): {stepId: string; index: number} | {configId: string} | null {
		const step = /^step:(\d+):(.+)$/.exec(value);
		if (step) return {stepId: step[2]!, index: Number(step[1])};
		return value.startsWith('config:') ? {configId: value.slice('config:'.length)} : null;
	},
};

/**
 * A part of a details dialog: lines fixed when it opened (a rollout history, a query's last 30
 * minutes, read then and saying when), or lines a kind computes from the store at each draw (a
 * query's values and state, a step's watched queries and done-when condition): `Kind.liveLines`.
 */
export type DetailPart = {lines: string[]} | LivePart;

/** Lines of a details dialog that kind `kind` draws from the store as it is now (`live` names which: a query, a done-when). */
export interface LivePart {
	kind: string;
	live: string;
	id: string;
	/** What it says when what it follows is gone (a step's query the Metrics pane does not poll). */
	otherwise?: string[];
}

/** A dialog the UI shows; described by core, drawn by UI. */
export type Dialog =
	| {kind: 'confirm'; request: ActionRequest}
	| {kind: 'prompt'; purpose: 'note' | 'filter'; title: string; value: string}
	/** `output`: a finished command's output, kept one line per line (its tables) and opened at its end. */
	| {kind: 'details'; title: string; lines: string[]; output?: boolean; parts?: DetailPart[]}
	/** Live output of the running action; replaced by 'details' when it ends. */
	| {kind: 'output'; actionId: string; title: string}
	/** The log of a pod, followed (`l`): its lines are `followedLog`'s. */
	| {kind: 'log'}
	| {kind: 'quit'}
	/** Taking the incident commander role from `from` (source/controller/role-flow.ts). */
	| {kind: 'handover'; title: string; text: string; from: string}
	/**
	 * `note`: a line above the items (why the list is what it is: namespaces offered from the config
	 * after a 403); `filterable`: typing narrows the items (long lists: contexts, namespaces).
	 */
	| {kind: 'pick'; purpose: PickPurpose; title: string; items: PickItem[]; current?: string; note?: string; filterable?: boolean}
	/** `x` on a step with variables no source gives: one field per variable; `problem` says why the values given were refused. */
	| {kind: 'variables'; title: string; stepId: string; commandIndex?: number; fields: VariableField[]; problem?: string}
	| FormDialog;

/** A form whose values make the action `action` (actions/registry.ts actionFromValues): a silence's matchers, duration, comment; `problem` says why the values given were refused. */
export interface FormDialog {
	kind: 'form';
	action: ActionKind;
	title: string;
	fields: VariableField[];
	problem?: string;
}

/** A field of the variables form: the variable, its value so far, and what the form says of it (its pattern, where a value could come from). */
export interface VariableField {
	name: string;
	value: string;
	hint: string;
	secret: boolean;
}

/** One row of a picker: what it shows, what picking it hands on, and a muted line beside it (a severity's guidance from the runbook). */
export interface PickItem {
	label: string;
	value: string;
	description?: string;
}

/** A pod's log followed in the log dialog (`l`), its last lines kept (`limits.logLines`). */
export interface FollowedLog {
	/** Tells one follow from the next: lines of an earlier one that arrive late are dropped. */
	id: number;
	pod: string;
	/** Lines shown from before it was opened (`--tail`). */
	tailLines: number;
	/** Known once the log is open. */
	container?: string;
	lines: string[];
	/** Why the log ended, once it has (the container stopped, the API server refused it). */
	ended?: string;
}

export interface ActivityState {
	/** Action running now (one at a time), with streamed output lines. */
	running?: {actionId: string; title: string; startedAt: number; output: string[]};
}

export interface IncidentState {
	env: EnvInfo;
	incident: IncidentInfo;
	timeline: AnyTimelineEvent[];
	feeds: Record<string, FeedState>;
	/**
	 * Signals a source has decided to record and that are not in the timeline yet (being written):
	 * with the timeline, they tell a source what it already recorded, even when it was restarted
	 * meanwhile (kinds/feed-poller.ts recordSignal, recordedSignals).
	 */
	pendingSignals: PendingSignal[];
	/**
	 * What the kinds' sources brought, by data slot (data.ts): the health checks, the query rows, the
	 * alerts, the pods. Each kind reads its own through its slot (`healthData.of(state)`).
	 */
	data: Readonly<Record<string, unknown>>;
	runbook: Runbook | null;
	/**
	 * Since when (ms since the epoch) each step's done-when condition has held, while it holds
	 * (kinds/runbook/auto-check.ts): the Runbook pane counts down to the tick from it.
	 */
	doneWhenHeld: Record<string, number>;
	/** The runbooks the picker offers: those listed in the configured directories, and the active one. */
	runbooks: Runbook[];
	ui: {
		/** The focused pane's kind; null: the first kind of the registry. */
		focus: string | null;
		/** Each pane's selected row, by kind (see selection.ts): resolve it with `selectionIndex` against the pane's rows. */
		selected: Readonly<Record<string, Selection>>;
		/** Each pane's `/` filter, by kind. */
		filter: Readonly<Record<string, string>>;
		/** How a pane orders its rows, by kind, when it offers a choice (the Pods pane: `name`); absent: its default. */
		sort?: Readonly<Record<string, string>>;
		dialog: Dialog | null;
		help: boolean;
		/** Transient one-line message in the footer. */
		flash?: {text: string; tone: Tone; at: number};
	};
	activity: ActivityState;
	followedLog: FollowedLog | null;
	warnings: string[];
	/** What the sync says of itself (source/sync/status.ts; `syncSummary` is the header's words); null without sync. */
	sync: SyncStatus | null;
}
