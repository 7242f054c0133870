/**
 * What every kind's source shares: a poller that feeds one store feed (clients/poller.ts is the loop),
 * and the signals a source writes to the timeline, each once.
 */

import type {IncidentStore} from '../store/store.js';
import type {PendingSignal} from '../store/types.js';
import type {AppendEvent, EventData} from '../timeline/events.js';
import {startPoller, type PollerOptions} from '../clients/poller.js';
import {failureOf} from './failure.js';

/**
 * A poller that feeds one store feed: marks it loading, and records a failed run on the feed (with
 * the error, keeping the last good data) so the pane shows it as stale.
 */
export function startFeedPoller(
	ctx: {store: IncidentStore; signal: AbortSignal; now?: () => number},
	feed: string,
	intervalMs: number,
	run: (signal: AbortSignal) => Promise<void>,
	options: Pick<PollerOptions, 'maxBackoffMs'> = {},
): () => void {
	const now = ctx.now ?? Date.now;
	ctx.store.getState().feedLoading(feed);
	return startPoller({name: feed, intervalMs, signal: ctx.signal, onError: error => ctx.store.getState().feedFailed(feed, error.message, now(), failureOf(error)), run, ...options});
}

/** The timeline's view of a source's earlier signals: subject -> the latest signal's kind and level. */
export interface PreviousSignal {
	kind: string;
	level: string;
}

/**
 * The last signal of each subject among `kinds` already in the incident's timeline, so a restarted
 * cockpit (which replays its journal) does not write the same flip or alert again; `pending`, the
 * signals being written (recordSignal), count as the latest.
 */
export function previousSignals(
	timeline: ReadonlyArray<{type: string; data: unknown}>,
	kinds: readonly string[],
	pending: readonly PendingSignal[] = [],
): Map<string, PreviousSignal> {
	const out = new Map<string, PreviousSignal>();
	for (const event of timeline) {
		if (event.type !== 'signal') continue;
		const data = event.data as {kind: string; level: string; subject?: string};
		if (data.subject !== undefined && kinds.includes(data.kind)) out.set(data.subject, {kind: data.kind, level: data.level});
	}
	for (const signal of pending) if (kinds.includes(signal.kind)) out.set(signal.subject, {kind: signal.kind, level: signal.level});
	return out;
}

/**
 * What a source has recorded, by subject: the store's timeline and the signals still being written.
 * Read at each poll, never kept by the source: a source restarted meanwhile (a runbook chosen by an
 * alert restarts them all) must not record the same signal again.
 */
export function recordedSignals(store: IncidentStore, kinds: readonly string[]): Map<string, PreviousSignal> {
	const state = store.getState();
	return previousSignals(state.timeline, kinds, state.pendingSignals);
}

/**
 * Writes a signal to the journal, known as pending in the store until it is in the timeline (see
 * recordedSignals); a failure to write is a warning.
 */
export function recordSignal(ctx: {store: IncidentStore; append: AppendEvent}, data: EventData['signal'] & {subject: string}): void {
	const pending: PendingSignal = {kind: data.kind, level: data.level, subject: data.subject};
	const store = ctx.store;
	store.getState().signalPending(pending);
	ctx
		.append('signal', data)
		.catch((error: Error) => store.getState().warned(`timeline: could not record "${data.message}": ${error.message}`))
		.finally(() => store.getState().signalSettled(pending));
}

/** An event a source or a watcher decided on that the journal did not take: said in the footer and kept in the warnings, with why (never a silent loss). */
export function notRecorded(store: IncidentStore, what: string, error: unknown): void {
	const text = `${what} not written to the journal: ${error instanceof Error ? error.message : String(error)}`;
	store.getState().warned(text);
	store.getState().flashed(text, 'crit');
}
