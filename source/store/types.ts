import type {AlertInfo, Coverage, TargetState} from '../ports/metrics.js';
import type {DeploymentInfo, PodInfo} from '../ports/cluster.js';
import type {AnyTimelineEvent, EventData, IncidentStatus, Severity} from '../timeline/events.js';
import type {Runbook} from '../runbook/model.js';
import type {Tone} from '../text/format.js';
import type {Selection} from './selection.js';

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

export interface DependencyRow {
	name: string;
	status: string;
	ok: boolean;
	latencyMs?: number;
	tone: Tone;
	/** Why its tone is not its status word's: "slow: 800 ms" (its latency against the thresholds). */
	detail?: string;
	/** Kept from the last answer while the service does not answer: shown as stale, with its age from `checkedAt`. */
	stale?: true;
	/** With `stale`: epoch ms of the check that read it. */
	checkedAt?: number;
}

export interface HealthRow {
	name: string;
	url: string;
	/** The Kubernetes deployment that serves this service (the config's `deployment:`), for u/s/r on its row. */
	deployment?: string;
	ok: boolean;
	/** HTTP status code, absent when the request failed. */
	status?: number;
	latencyMs?: number;
	tone: Tone;
	/** Short reason when not ok: "timeout after 2000 ms", "HTTP 503", "connection refused". */
	detail?: string;
	dependencies: DependencyRow[];
	checkedAt: number;
	/** Epoch ms of the last check the service answered (this one, or an earlier one when this got no answer). */
	lastAnswerAt?: number;
}

export interface SeriesRow {
	/** Shortened label set, e.g. `route=/checkout` ("" for a single unlabelled series). */
	labels: string;
	value: number | null;
	/** Recent values, oldest first, for the sparkline (bounded). */
	history: number[];
	tone: Tone;
}

export type Unit = 'ratio' | 'percent' | 'seconds' | 'ms' | 'bytes' | 'rps' | 'count' | string;

export interface MetricRow {
	id: string;
	title: string;
	promql: string;
	unit: Unit;
	warn?: number;
	critical?: number;
	/** Whether higher values are worse (default) or lower values are. */
	direction: 'above' | 'below';
	series: SeriesRow[];
	tone: Tone;
	/** Error for this query alone (bad PromQL, unsupported in direct mode); its series, if any, are its last good ones. */
	error?: string;
	/** No answer yet: its first is on its way (not an error, not "no data"). */
	loading?: true;
	/** When its series were last answered (ms since the epoch). */
	lastOkAt?: number;
	/** Its values cover only part of its range: direct scrape mode's window is younger than the range. */
	partial?: Coverage;
	/** How many scrape targets behind it are up, and those that are not (down, not scraped yet) or warn (at most `metricLimits.targetsPerRow`). */
	targets?: {up: number; problems: TargetState[]};
}

export interface ClusterData {
	/** Every pod, by name: a view over `podGroups`, its map built on first use (see cluster-data.ts). */
	pods: ReadonlyMap<string, PodInfo>;
	/**
	 * The same pods grouped by owning deployment (`''`: owned by none), each group sorted by name. A
	 * group is a new array only when one of its pods changed (see cluster-data.ts).
	 */
	podGroups: Readonly<Record<string, readonly PodInfo[]>>;
	deployments: Record<string, DeploymentInfo>;
}

export const paneIds = ['health', 'metrics', 'pods', 'runbook', 'timeline'] as const;
export type PaneId = (typeof paneIds)[number];

export interface IncidentInfo {
	id: string;
	title: string;
	severity: Severity;
	status: IncidentStatus;
	/** ISO time the incident opened. */
	openedAt: string;
	closedAt?: string;
	/** When each status was first reached. */
	milestones: Partial<Record<IncidentStatus, string>>;
	/** When the status last changed (a reopened incident resolved again: the later resolve). */
	statusAt?: string;
	pinned: Record<string, true>;
	/** Checked steps of the active runbook (`runbookId`) by step id. */
	checkedSteps: Record<string, true>;
	/**
	 * Every runbook's ticked steps, by runbook id then step id: the step.checked events that ticked
	 * them. Switching runbooks keeps them (the post-mortem lists them); `checkedSteps` follows the
	 * active runbook.
	 */
	stepTicks: Record<string, Record<string, StepTick>>;
	/** The last action of each kind that succeeded on each object, by `actionDoneKey` ("rollback deployment/checkout"). */
	actionsDone: Record<string, {actionId: string; at: string}>;
	runbookId?: string;
}

/** The key of `IncidentInfo.actionsDone`: an action's kind and object. */
export function actionDoneKey(kind: string, object: string): string {
	return `${kind} ${object}`;
}

/** A ticked step: when, by whom, and the step.checked event's data (its cause). */
export interface StepTick {
	at: string;
	by: string;
	data: EventData['step.checked'];
}

export interface EnvInfo {
	demo: boolean;
	readonly: boolean;
	context: string;
	namespace: string;
	production: boolean;
	/** Where the journal lives, shown in help and errors. */
	journalPath?: string;
	/** Who this cockpit writes events as (user@host), so the header can name the others on the incident. */
	author?: string;
}

/** What a picker chooses: a runbook, a severity, a status, or a command to run (`commandChoice` values). */
export type PickPurpose = 'runbook' | 'severity' | 'status' | 'command';

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
 * minutes, read then and saying when), or lines computed from the store at each draw (a query's
 * values and state, a step's watched queries and done-when condition): see selectors-details.ts.
 */
export type DetailPart =
	| {lines: string[]}
	| {live: 'metric'; id: string}
	/** A step's watched query; `otherwise` when the Metrics pane does not poll it. */
	| {live: 'step-query'; id: string; otherwise: string[]}
	| {live: 'done-when'; stepId: string};

/** A dialog the UI shows; described by core, drawn by UI. */
export type Dialog =
	| {kind: 'confirm'; request: import('../actions/types.js').ActionRequest}
	| {kind: 'prompt'; purpose: 'note' | 'filter'; title: string; value: string}
	/** `output`: a finished command's output, kept one line per line (its tables) and opened at its end. */
	| {kind: 'details'; title: string; lines: string[]; output?: boolean; parts?: DetailPart[]}
	/** Live output of the running action; replaced by 'details' when it ends. */
	| {kind: 'output'; actionId: string; title: string}
	/** The log of a pod, followed (`l`): its lines are `followedLog`'s. */
	| {kind: 'log'}
	| {kind: 'quit'}
	| {kind: 'pick'; purpose: PickPurpose; title: string; items: Array<{label: string; value: string}>; current?: string};

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
	 * meanwhile (sources/poller.ts recordSignal, previousSignals).
	 */
	pendingSignals: PendingSignal[];
	health: HealthRow[];
	metrics: MetricRow[];
	alerts: AlertInfo[];
	cluster: ClusterData;
	runbook: Runbook | null;
	/**
	 * Since when (ms since the epoch) each step's done-when condition has held, while it holds
	 * (session/auto-check.ts): the Runbook pane counts down to the tick from it.
	 */
	doneWhenHeld: Record<string, number>;
	/** The runbooks the picker offers: those listed in the configured directories, and the active one. */
	runbooks: Runbook[];
	ui: {
		focus: PaneId;
		/** Each pane's selected row (see selection.ts): resolve it with `selectionIndex` against the pane's rows. */
		selected: Record<PaneId, Selection>;
		filter: Record<PaneId, string>;
		dialog: Dialog | null;
		help: boolean;
		/** Transient one-line message in the footer. */
		flash?: {text: string; tone: Tone; at: number};
	};
	activity: ActivityState;
	followedLog: FollowedLog | null;
	warnings: string[];
}
