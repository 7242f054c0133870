/**
 * The refresh loop every source uses: run now, then every interval; never two runs at once (a
 * tick that falls while a run is still going is skipped); exponential backoff after failures;
 * everything stops when the signal aborts or the returned function is called.
 */

import type {IncidentStore} from '../store/store.js';
import type {PendingSignal} from '../store/types.js';
import type {AppendEvent, EventData} from '../timeline/events.js';
import {failureOf} from './failure.js';

export interface PollerOptions {
	/** For messages only. */
	name: string;
	intervalMs: number;
	/** One poll. Its signal aborts when the poller stops. */
	run: (signal: AbortSignal) => Promise<void>;
	/** Called after a failed run with the delay before the next attempt. */
	onError?: (error: Error, retryInMs: number) => void;
	/** Ceiling for the backoff (default: max(intervalMs, 60 s)). */
	maxBackoffMs?: number;
	signal: AbortSignal;
}

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

/** Delay before the next attempt after `failures` consecutive failures (1, 2, ...). */
export function backoffDelay(intervalMs: number, failures: number, maxBackoffMs: number): number {
	return Math.min(maxBackoffMs, intervalMs * 2 ** Math.min(failures, 30));
}

export function startPoller(options: PollerOptions): () => void {
	const {intervalMs, run, onError, signal} = options;
	const maxBackoffMs = Math.max(intervalMs, options.maxBackoffMs ?? 60_000);
	const runs = new AbortController();
	let timer: ReturnType<typeof setTimeout> | undefined;
	let stopped = false;
	let failures = 0;

	const stop = () => {
		if (stopped) return;
		stopped = true;
		if (timer) clearTimeout(timer);
		timer = undefined;
		runs.abort(new Error(`${options.name} poller stopped`));
		signal.removeEventListener('abort', stop);
	};

	const schedule = (delayMs: number) => {
		if (stopped) return;
		timer = setTimeout(tick, Math.max(0, delayMs));
	};

	const tick = async () => {
		timer = undefined;
		if (stopped) return;
		const started = Date.now();
		try {
			await run(runs.signal);
			if (stopped) return;
			failures = 0;
			// Skip the ticks that fell while this run was going: the next one is on the interval grid.
			const elapsed = Date.now() - started;
			schedule(intervalMs - (elapsed % intervalMs));
		} catch (error) {
			if (stopped) return;
			failures++;
			const retryInMs = backoffDelay(intervalMs, failures, maxBackoffMs);
			try {
				onError?.(error instanceof Error ? error : new Error(String(error)), retryInMs);
			} catch {
				// An error handler must not break the loop.
			}
			schedule(retryInMs);
		}
	};

	if (signal.aborted) {
		stopped = true;
		return () => {};
	}
	signal.addEventListener('abort', stop, {once: true});
	void tick();
	return stop;
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
