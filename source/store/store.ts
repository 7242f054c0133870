import {createStore, type StoreApi} from 'zustand/vanilla';
import type {AnyTimelineEvent} from '../timeline/events.js';
import type {Runbook} from '../runbook/model.js';
import type {SyncStatus} from '../sync/status.js';
import {cleanLines} from '../text/clean.js';
import type {Tone} from '../text/format.js';
import {createRedactor, redactLines, scrubText, type Redactor} from '../timeline/redact.js';
import {applyEvent, emptyIncident, type IncidentInfo} from '../timeline/incident.js';
import type {DataSlot, Scrub} from './data.js';
import {RowCache} from './memo.js';
import {selectionAt, selectionIndex, type SelectableRow, type Selection} from './selection.js';
import type {Dialog, EnvInfo, FeedFailure, IncidentState, PendingSignal} from './types.js';

/** The last `max` items of `list`: how each bounded list below drops its oldest. */
function keepLast<T>(list: T[], max: number): T[] {
	return list.length > max ? list.slice(-max) : list;
}

/** Bounds, so that nothing grows without limit during a long incident. */
export const limits = {
	timelineEvents: 5000,
	outputLines: 500,
	logLines: 2000,
	warnings: 50,
};

/** The store's actions: closures over the store (set, get), not methods of an object: property types say so, and they may be passed around unbound. */
export interface IncidentActions {
	// Sources (named after what happened)
	feedLoading: (feed: string) => void;
	/** A feed's fetch failed: `failure` says how (default `error`); its last good data stays. */
	feedFailed: (feed: string, error: string, at?: number, failure?: FeedFailure) => void;
	/** The feed's source turned out not to be configured (no cluster after all): nothing to say about it. */
	feedIdle: (feed: string) => void;
	/** A feed that failed works again with no new data to bring (a watch resumed): what it shows is current. */
	feedRecovered: (feed: string, at?: number) => void;
	/** A source is writing `signal` to the journal (see IncidentState.pendingSignals). */
	signalPending: (signal: PendingSignal) => void;
	/** That write ended (the event is in the timeline, or it failed). */
	signalSettled: (signal: PendingSignal) => void;
	/** A source answered: its data is `value` (scrubbed), and its feed is ok. */
	dataReceived: <T>(slot: DataSlot<T>, value: T, at?: number) => void;
	/** A source answered with a change to what it brought before (a watch's events): its feed is ok. */
	dataUpdated: <T>(slot: DataSlot<T>, update: (value: T) => T, at?: number) => void;
	/**
	 * What a kind shows changed without an answer from its source (its first is on its way, every
	 * query failed, one of its servers did not answer): the feed is left for feedLoading/feedFailed.
	 */
	dataShown: <T>(slot: DataSlot<T>, value: T) => void;
	/** The cluster named its context and namespace (and their settings, when they were not known). */
	clusterConnected: (context: string, namespace: string, settings?: {readonly: boolean; production: boolean}, allNamespaces?: boolean) => void;
	// Timeline
	eventsAppended: (events: AnyTimelineEvent[]) => void;
	// Runbooks
	runbookLoaded: (runbook: Runbook | null) => void;
	/** The runbooks found in the configured directories (the picker's list). */
	runbooksAvailable: (runbooks: Runbook[]) => void;
	/** A step's done-when condition holds since `since` (ms), or no longer holds (null). */
	doneWhenChanged: (stepId: string, since: number | null) => void;
	// UI, by kind id (kinds/registry.ts)
	focusChanged: (kind: string) => void;
	/**
	 * Moves a pane's selection by `delta` rows of `rows` (the pane's rows as shown), skipping headings;
	 * `unmoved`: where the selection is before the operator first moves it (default the first row).
	 */
	selectionMoved: (kind: string, delta: number, rows: readonly SelectableRow[], unmoved?: Selection) => void;
	/** Puts a pane's selection on row `index` of `rows` (or the nearest row that is not a heading). */
	selectionSet: (kind: string, index: number, rows: readonly SelectableRow[]) => void;
	filterChanged: (kind: string, filter: string) => void;
	/** A pane's rows are ordered another way (`sort`, as its kind names it). */
	sortChanged: (kind: string, sort: string) => void;
	dialogOpened: (dialog: Dialog) => void;
	dialogClosed: () => void;
	helpToggled: (show?: boolean) => void;
	flashed: (text: string, tone?: Tone) => void;
	// Actions
	actionStarted: (actionId: string, title: string) => void;
	actionOutput: (actionId: string, line: string) => void;
	actionFinished: (actionId: string) => void;
	/** A pod's log starts being followed (follow `id`); any earlier one is replaced. */
	logFollowed: (id: number, pod: string, tailLines: number) => void;
	/** Follow `id` is open on `container`. */
	logOpened: (id: number, container: string) => void;
	logLines: (id: number, lines: readonly string[]) => void;
	/** Follow `id` ended, and why. */
	logEnded: (id: number, why: string) => void;
	logClosed: () => void;
	warned: (message: string) => void;
	/** The sync worker's status changed (source/sync/start.ts onStatus). */
	syncReported: (status: SyncStatus) => void;
}

/** The store, with its RowCache: the rows its panes show, memoized for this store alone (memo.ts). */
export type IncidentStore = StoreApi<IncidentState & IncidentActions> & {readonly cache: RowCache};

export interface StoreOptions {
	incidentId?: string;
	env?: Partial<EnvInfo>;
	now?: () => number;
	initial?: Partial<IncidentState>;
	/** The config's redactor (default: the built-in rules), for the text the sources and actions bring in. */
	redact?: Redactor;
}
/**
 * Text from outside as the store keeps it for the screen: control characters shown as symbols,
 * secrets masked (redact.ts), once per data change. Free text only (error messages, response bodies,
 * summaries, output and log lines, labels as shown): names stay as they are, since they identify
 * what an action targets, and are made safe where they are drawn (text/display.ts).
 */
class Scrubber implements Scrub {
	constructor(private readonly redact: Redactor) {}

	text = (text: string): string => scrubText(text, this.redact);

	optional(text: string | undefined): string | undefined {
		return text === undefined ? undefined : this.text(text);
	}

	/** Lines of a dialog: a line that holds line breaks (an event's message, a body) becomes several. */
	lines(lines: readonly string[]): string[] {
		return redactLines(
			lines.flatMap(line => (line.includes('\n') || line.includes('\r') ? cleanLines(line) : [line])),
			this.text,
		);
	}

	/** A runbook's text as shown (titles, sections, prose); its commands, queries and variables stay as written. */
	runbook(runbook: Runbook): Runbook {
		const steps = runbook.steps.map(step => {
			const title = this.text(step.title);
			const section = this.optional(step.section);
			const text = step.text.map(this.text);
			return title === step.title && section === step.section && text.every((line, i) => line === step.text[i]) ? step : {...step, title, section, text};
		});
		const title = this.text(runbook.title);
		return title === runbook.title && steps.every((step, i) => step === runbook.steps[i]) ? runbook : {...runbook, title, steps};
	}

	runbooks(runbooks: Runbook[]): Runbook[] {
		const out = runbooks.map(runbook => this.runbook(runbook));
		return out.every((runbook, i) => runbook === runbooks[i]) ? runbooks : out;
	}

	dialog(dialog: Dialog): Dialog {
		if (dialog.kind === 'details') {
			const shown = {...dialog, title: this.text(dialog.title), lines: this.lines(dialog.lines)};
			// The parts a live dialog redraws from: their fixed lines too (a step's prose, a command's text).
			if (dialog.parts) shown.parts = dialog.parts.map(part => ('lines' in part ? {...part, lines: this.lines(part.lines)} : part.otherwise ? {...part, otherwise: this.lines(part.otherwise)} : part));
			return shown;
		}
		if (dialog.kind === 'pick') return {...dialog, title: this.text(dialog.title), items: dialog.items.map(item => ({...item, label: this.text(item.label), ...(item.description === undefined ? {} : {description: this.text(item.description)})}))};
		if (dialog.kind === 'confirm') {
			// What the confirmation shows: a command's text can hold what its author pasted into it. The
			// request still runs what it was prepared with (its params, and a command's run kept by the controller), not this text.
			const {request} = dialog;
			const shown = {change: this.text(request.change), kubectl: this.optional(request.kubectl), details: this.lines(request.details), warnings: request.warnings.map(this.text), ...(request.notes ? {notes: request.notes.map(this.text)} : {})};
			return {...dialog, request: {...request, ...shown}};
		}
		return dialog;
	}
}

const defaultEnv: EnvInfo = {demo: false, readonly: false, context: '', namespace: 'default', production: false};

/**
 * The picker's list always offers the active runbook, even before the directories have been listed
 * or when it came from a file outside them (a directory's runbook of the same id does not replace it).
 */
function withActive(runbooks: Runbook[], active: Runbook | null): Runbook[] {
	return !active || runbooks.some(r => r.id === active.id) ? runbooks : [active, ...runbooks];
}

type Setter = StoreApi<IncidentState & IncidentActions>['setState'];
type Getter = StoreApi<IncidentState & IncidentActions>['getState'];
/** What the store's actions share: its clock and its scrubber. */
interface Slice {
	set: Setter;
	get: Getter;
	now: () => number;
	scrub: Scrubber;
	/** The incident before any event: what a replay in time order starts from (eventsAppended). */
	blank: IncidentInfo;
}

/** A slot's value as the store keeps it: its free text scrubbed. */
function scrubbed<T>(slot: DataSlot<T>, value: T, scrub: Scrubber): T {
	return slot.scrub ? slot.scrub(value, scrub) : value;
}

/** The feeds with `slot`'s feed (if it has one) answered at `at`. */
function answered(feeds: IncidentState['feeds'], slot: {feed?: string}, at: number): IncidentState['feeds'] {
	return slot.feed ? {...feeds, [slot.feed]: {status: 'ok', lastOkAt: at, lastAttemptAt: at}} : feeds;
}

type SourceActions = Pick<IncidentActions, 'feedLoading' | 'feedFailed' | 'feedIdle' | 'feedRecovered' | 'signalPending' | 'signalSettled' | 'dataReceived' | 'dataUpdated' | 'dataShown' | 'clusterConnected'>;

/** What the kinds' sources tell the store: their feeds' state, the signals they write, their data. */
function sourceActions({set, now, scrub}: Slice): SourceActions {
	return {
		feedLoading(feed) {
			set(s => ({feeds: {...s.feeds, [feed]: {...s.feeds[feed], status: s.feeds[feed]?.lastOkAt ? s.feeds[feed].status : 'loading', lastAttemptAt: now()}}}));
		},
		feedFailed(feed, error, at = now(), failure = 'error') {
			set(s => {
				const before = s.feeds[feed];
				// Failing since the first failure after the last success (a restart's `loading` in between keeps it).
				const failingSince = before?.status !== 'ok' && before?.failingSince !== undefined ? before.failingSince : at;
				return {feeds: {...s.feeds, [feed]: {...before, status: 'error', error: scrub.text(error), failure, failingSince, lastAttemptAt: at}}};
			});
		},
		feedIdle(feed) {
			set(s => ({feeds: {...s.feeds, [feed]: {status: 'idle'}}}));
		},
		feedRecovered(feed, at = now()) {
			set(s => ({feeds: {...s.feeds, [feed]: {status: 'ok', lastOkAt: at, lastAttemptAt: at}}}));
		},
		signalPending(signal) {
			set(s => ({pendingSignals: [...s.pendingSignals, signal]}));
		},
		signalSettled(signal) {
			set(s => (s.pendingSignals.includes(signal) ? {pendingSignals: s.pendingSignals.filter(p => p !== signal)} : s));
		},
		dataReceived(slot, value, at = now()) {
			set(s => ({data: {...s.data, [slot.id]: scrubbed(slot, value, scrub)}, feeds: answered(s.feeds, slot, at)}));
		},
		dataUpdated(slot, update, at = now()) {
			set(s => ({data: {...s.data, [slot.id]: scrubbed(slot, update(slot.of(s)), scrub)}, feeds: answered(s.feeds, slot, at)}));
		},
		dataShown(slot, value) {
			set(s => ({data: {...s.data, [slot.id]: scrubbed(slot, value, scrub)}}));
		},
		clusterConnected(context, namespace, settings, allNamespaces = false) {
			const same = (e: EnvInfo) => e.context === context && e.namespace === namespace && Boolean(e.allNamespaces) === allNamespaces;
			set(s => (same(s.env) && (!settings || (s.env.readonly === settings.readonly && s.env.production === settings.production)) ? s : {env: {...s.env, context, namespace, ...settings, allNamespaces: allNamespaces || undefined}}));
		},
	};
}

type IncidentEvents = Pick<IncidentActions, 'eventsAppended' | 'runbookLoaded' | 'runbooksAvailable' | 'doneWhenChanged'>;

/** The timeline and the runbooks: the incident is a replay of its events. */
function incidentActions({set, get, scrub, blank}: Slice): IncidentEvents {
	return {
		eventsAppended(events) {
			const {timeline} = get();
			const known = new Set(timeline.map(e => e.id));
			const fresh = events.filter(e => !known.has(e.id));
			if (fresh.length === 0) return;
			let {incident} = get();
			for (const event of fresh) incident = applyEvent(incident, event);
			let next = [...timeline, ...fresh];
			// Journals from two operators interleave: keep the list in time order.
			const late = timeline.length > 0 && fresh.some(e => e.at < timeline.at(-1)!.at);
			if (late) next.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
			// An event from before the newest (another host's, pulled late): severity, status, ticks and pins
			// are replayed in time order, as every host replays them, while the list holds every event.
			if (late && next.length <= limits.timelineEvents) incident = next.reduce(applyEvent, blank);
			next = keepLast(next, limits.timelineEvents);
			set({timeline: next, incident});
		},
		runbookLoaded(loaded) {
			const runbook = loaded && scrub.runbook(loaded);
			set(s => ({runbook, runbooks: withActive(s.runbooks, runbook)}));
		},
		runbooksAvailable(runbooks) {
			set(s => ({runbooks: withActive(scrub.runbooks(runbooks), s.runbook)}));
		},
		doneWhenChanged(stepId, since) {
			set(s => {
				if ((s.doneWhenHeld[stepId] ?? null) === since) return s;
				const doneWhenHeld = {...s.doneWhenHeld};
				if (since === null) delete doneWhenHeld[stepId];
				else doneWhenHeld[stepId] = since;
				return {doneWhenHeld};
			});
		},
	};
}

type UiActions = Pick<IncidentActions, 'focusChanged' | 'selectionMoved' | 'selectionSet' | 'filterChanged' | 'sortChanged' | 'dialogOpened' | 'dialogClosed' | 'helpToggled' | 'flashed'>;

/** The screen's state: focus, selections and filters by kind, the dialog, the help, the flash. */
function uiActions({set, now, scrub}: Slice): UiActions {
	return {
		focusChanged(kind) {
			set(s => ({ui: {...s.ui, focus: kind}}));
		},
		selectionMoved(kind, delta, rows, unmoved = {index: 0}) {
			set(s => {
				const current = s.ui.selected[kind] ?? unmoved;
				const next = selectionAt(rows, selectionIndex(rows, current) + delta, delta < 0 ? -1 : 1);
				return next.index === current.index && next.key === current.key ? s : {ui: {...s.ui, selected: {...s.ui.selected, [kind]: next}}};
			});
		},
		selectionSet(kind, index, rows) {
			set(s => ({ui: {...s.ui, selected: {...s.ui.selected, [kind]: selectionAt(rows, index)}}}));
		},
		filterChanged(kind, filter) {
			set(s => ({ui: {...s.ui, filter: {...s.ui.filter, [kind]: filter}, selected: {...s.ui.selected, [kind]: {index: 0}}}}));
		},
		sortChanged(kind, sort) {
			set(s => ({ui: {...s.ui, sort: {...s.ui.sort, [kind]: sort}}}));
		},
		dialogOpened(dialog) {
			set(s => ({ui: {...s.ui, dialog: scrub.dialog(dialog), help: false}}));
		},
		dialogClosed() {
			set(s => ({ui: {...s.ui, dialog: null}}));
		},
		helpToggled(show) {
			set(s => ({ui: {...s.ui, help: show ?? !s.ui.help}}));
		},
		flashed(text, tone = 'info') {
			set(s => ({ui: {...s.ui, flash: {text: scrub.text(text), tone, at: now()}}}));
		},
	};
}

type ActivityActions = Pick<IncidentActions, 'actionStarted' | 'actionOutput' | 'actionFinished' | 'logFollowed' | 'logOpened' | 'logLines' | 'logEnded' | 'logClosed' | 'warned' | 'syncReported'>;

/** What runs: the action and its output, the followed log, the warnings, the sync's status. */
function activityActions({set, now, scrub}: Slice): ActivityActions {
	return {
		actionStarted(actionId, title) {
			set({activity: {running: {actionId, title, startedAt: now(), output: []}}});
		},
		actionOutput(actionId, line) {
			set(s => {
				const running = s.activity.running;
				if (running?.actionId !== actionId) return s;
				const output = [...running.output, scrub.text(line)];
				return {activity: {running: {...running, output: keepLast(output, limits.outputLines)}}};
			});
		},
		actionFinished(actionId) {
			set(s => (s.activity.running?.actionId === actionId ? {activity: {}} : s));
		},
		logFollowed(id, pod, tailLines) {
			set({followedLog: {id, pod, tailLines, lines: []}});
		},
		logOpened(id, container) {
			set(s => (s.followedLog?.id === id ? {followedLog: {...s.followedLog, container}} : s));
		},
		logLines(id, lines) {
			set(s => {
				const log = s.followedLog;
				if (log?.id !== id || lines.length === 0) return s;
				return {followedLog: {...log, lines: keepLast([...log.lines, ...lines.map(scrub.text)], limits.logLines)}};
			});
		},
		logEnded(id, why) {
			set(s => (s.followedLog?.id === id ? {followedLog: {...s.followedLog, ended: scrub.text(why)}} : s));
		},
		logClosed() {
			set({followedLog: null});
		},
		warned(message) {
			set(s => ({warnings: keepLast([...s.warnings, scrub.text(message)], limits.warnings)}));
		},
		syncReported(status) {
			set({sync: status});
		},
	};
}

/** A fresh store per cockpit (and per test), with its own RowCache: nothing is module-global. Usable without React. */
export function createIncidentStore(options: StoreOptions = {}): IncidentStore {
	const now = options.now ?? Date.now;
	const scrub = new Scrubber(options.redact ?? createRedactor());
	/** The incident before any event: what a replay in time order starts from (eventsAppended). */
	const blank = options.initial?.incident ?? emptyIncident(options.incidentId ?? 'incident', new Date(now()).toISOString());
	const store = createStore<IncidentState & IncidentActions>()((set, get) => {
		const slice: Slice = {set, get, now, scrub, blank};
		return {
			env: {...defaultEnv, ...options.env},
			incident: blank,
			timeline: [],
			feeds: {},
			pendingSignals: [],
			data: {},
			runbook: null,
			doneWhenHeld: {},
			runbooks: [],
			ui: {focus: null, selected: {}, filter: {}, dialog: null, help: false},
			activity: {},
			followedLog: null,
			warnings: [],
			sync: null,
			...options.initial,
			...sourceActions(slice),
			...incidentActions(slice),
			...uiActions(slice),
			...activityActions(slice),
		};
	});
	return Object.assign(store, {cache: new RowCache()});
}
