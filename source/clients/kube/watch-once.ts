/**
 * One watch request of one resource, from its resourceVersion until the server ends it (after
 * timeoutSeconds), says 410 Gone, breaks, or the caller aborts. Every event moves the resource's
 * resourceVersion on (bookmarks too), so the next request resumes where this one stopped.
 *
 * Back-pressure: events are not made into rows one by one as they are parsed. They wait in a map by
 * object (namespace/name), where a later event of the same object replaces the one before (the latest
 * state wins, as in client-go's DeltaFIFO compressed to the last delta), and the whole map is applied
 * once the read that brought them is over (setImmediate: after the poll phase, so a batch read on the
 * watch's BatchClock is one drain). When events come faster than rows are built, an object updated
 * many times in a batch is built once; what waits is bounded by the number of objects, never by the
 * number of events. The resourceVersion moves on only with the drain, so a watch resumed after a break
 * never skips an event that was not applied.
 */
import {KubeError, parseStatus, where, type KubeStatus} from '../kube-errors.js';
import {MalformedWatch, NoAnswer, openWatch, type BatchClock, type WatchHandlers} from '../watch-stream.js';
import type {KubeApi} from './api.js';
import type {RawMeta} from './convert.js';
import type {Resource} from './resources.js';

/** How a watch ended: the server closed it, it is gone (410: relist), or the caller aborted. */
export type WatchEnd = 'ended' | 'gone' | 'aborted';

export interface WatchRound {
	end: WatchEnd;
	/** Events applied (bookmarks not counted). */
	events: number;
}

export interface WatchOnceOptions {
	/** Server-side timeout; default 290-350 s, spread so that watches do not all end together. */
	timeoutSeconds?: number;
	/** The client's batch clock, when its watches read in batches. */
	batches?: BatchClock;
	/** The server accepted the watch (200). */
	opened(): void;
}

/** Watches `resource` once; rejects with a KubeError (or a request's error) when the watch broke. */
export function watchOnce<Raw extends {metadata?: RawMeta}>(api: KubeApi, resource: Resource<Raw>, options: WatchOnceOptions, signal: AbortSignal): Promise<WatchRound> {
	return new Promise((resolve, reject) => new OneWatch(api, resource, options, signal, resolve, reject).start());
}

class OneWatch<Raw extends {metadata?: RawMeta}> implements WatchHandlers {
	private finished = false;
	private closeStream: (() => void) | undefined;
	private events = 0;
	/** The Status of an ERROR event: the watch ends with it. */
	private errorStatus: KubeStatus | undefined;
	private watchdog: ReturnType<typeof setTimeout> | undefined;
	private readonly timeoutSeconds: number;
	/** Events not applied yet, one per object: the latest wins. */
	private readonly pending = new Map<string, {type: string; raw: Raw}>();
	/** The resourceVersion of the last event or bookmark not applied yet. */
	private pendingVersion: string | undefined;
	private drainScheduled = false;

	constructor(
		private readonly api: KubeApi,
		private readonly resource: Resource<Raw>,
		private readonly options: WatchOnceOptions,
		private readonly signal: AbortSignal,
		private readonly resolve: (round: WatchRound) => void,
		private readonly reject: (error: unknown) => void,
	) {
		this.timeoutSeconds = options.timeoutSeconds ?? 290 + Math.floor(Math.random() * 60);
	}

	start(): void {
		const silentSeconds = this.timeoutSeconds + 30;
		// The server ends the watch after timeoutSeconds; a connection silent well beyond that is dead.
		this.watchdog = setTimeout(() => this.fail(new Error(`watch ${this.resource.plural}: no answer for ${silentSeconds} s`)), silentSeconds * 1000);
		this.signal.addEventListener('abort', this.onAbort, {once: true});
		if (this.signal.aborted) return this.onAbort();
		this.api.requestOptions().then(
			requestOptions => {
				if (this.finished) return;
				const streamOptions = {answerTimeoutMs: this.api.settings.requestTimeoutMs, ...(this.options.batches ? {batches: this.options.batches} : {})};
				this.closeStream = openWatch(this.url(), requestOptions, this, streamOptions);
			},
			(error: unknown) => this.fail(error),
		);
	}

	private url(): URL {
		const url = new URL(this.api.target.server + this.resource.path);
		url.searchParams.set('watch', 'true');
		url.searchParams.set('allowWatchBookmarks', 'true');
		url.searchParams.set('timeoutSeconds', String(this.timeoutSeconds));
		if (this.resource.resourceVersion) url.searchParams.set('resourceVersion', this.resource.resourceVersion);
		return url;
	}

	open(): void {
		this.options.opened();
	}

	event(type: string, object: unknown): void {
		if (type === 'ERROR') {
			this.errorStatus = parseStatus(object) ?? {message: JSON.stringify(object)};
			return;
		}
		const raw = object as Raw;
		const meta = raw.metadata;
		if (type !== 'BOOKMARK') {
			this.events++;
			const key = `${meta?.namespace ?? ''}/${meta?.name ?? ''}`;
			// Deleted first, so the map's order is that of each object's latest event.
			this.pending.delete(key);
			this.pending.set(key, {type, raw});
		}
		if (meta?.resourceVersion) this.pendingVersion = meta.resourceVersion;
		if (!this.drainScheduled) {
			this.drainScheduled = true;
			setImmediate(this.drain);
		}
	}

	/** Applies the waiting events, each object's latest, and moves the resourceVersion on to the last one's. */
	private readonly drain = (): void => {
		this.drainScheduled = false;
		if (this.signal.aborted) return;
		for (const {type, raw} of this.pending.values()) this.resource.apply(type, raw);
		this.pending.clear();
		if (this.pendingVersion) this.resource.resourceVersion = this.pendingVersion;
		this.pendingVersion = undefined;
	};

	/** The stream ended: as the server ended it, or why it broke, said as a KubeError. */
	done(error: Error | null): void {
		const {plural} = this.resource;
		const at = `(${where(this.api.target)})`;
		const status = this.errorStatus;
		// What came before the end is applied: the next watch resumes after it.
		this.drain();
		if (status?.code === 410) this.succeed('gone');
		else if (status) this.fail(new KubeError(`watch ${plural}: ${status.message ?? status.reason ?? 'error'} ${at}`, status.code, status.reason));
		else if (error instanceof NoAnswer) this.fail(this.api.noAnswer(`watch ${plural}`));
		else if (error instanceof MalformedWatch) this.fail(new KubeError(`watch ${plural}: the API server sent ${error.message} ${at}`, undefined, 'MalformedWatch'));
		else if (error) this.fail(error);
		else this.succeed('ended');
	}

	private readonly onAbort = (): void => this.succeed('aborted');

	/** Ends the watch once; false when it had already ended. */
	private stop(): boolean {
		if (this.finished) return false;
		this.finished = true;
		clearTimeout(this.watchdog);
		this.signal.removeEventListener('abort', this.onAbort);
		this.closeStream?.();
		return true;
	}

	private succeed(end: WatchEnd): void {
		if (this.stop()) this.resolve({end, events: this.events});
	}

	private fail(error: unknown): void {
		if (this.stop()) this.reject(error);
	}
}
