/**
 * One Kubernetes watch request, read as newline-delimited JSON events.
 *
 * Written here instead of using client-node's Watch because of what that costs at rest: it pipes
 * the response through node-fetch, a PassThrough and readline before JSON.parse, and with 200 pod
 * events per second that plumbing cost the cockpit more than parsing the events did (bench/README.md
 * has the measurements). This reads the response's text once, splits it on newlines and parses each
 * line. Everything else (server URL, TLS, credentials, proxies, exec plugins) still comes from
 * client-node's KubeConfig, which fills in the request options and the agent.
 *
 * It can also read in batches (on a `BatchClock`): the socket is paused, and every tick it is resumed
 * until the data the kernel holds has been read, then paused again. A busy watch then wakes the
 * process a few times a second instead of once per event: with 200 pod events a second, a bare
 * process reading and parsing them used 1.9% of a core reading as they came, 1.1% reading every
 * 250 ms (bench/README.md). The kernel's socket buffer holds what arrives meanwhile (~40 KB per
 * 250 ms at that rate, within the default 128 KB); while more than `burstBytes` arrives per
 * interval (a rollout of thousands of pods) the socket is left flowing, so a burst never backs up
 * into the API server, which closes watchers that fall behind. The interval stays short for the same
 * reason: kube-apiserver gives each watcher a queue of about one second of the resource's events and
 * closes the watch when it stays full, so a batch must come well within that second (every 1000 ms
 * would save a bare reader another 0.3% of a core, and was not taken).
 *
 * A quiet watch leaves the timer: when an interval brought nothing, the socket is left flowing, and
 * the next data that comes is read at once and starts the batches again. A cockpit on a quiet
 * namespace is then not woken four times a second for nothing (at rest with no pod changes, health
 * checks or queries: 5 -> 1 wake-ups a second, 0.63-0.67% -> 0.53-0.60% of a core; bench/README.md).
 */
import {request as httpRequest, type ClientRequest, type IncomingMessage} from 'node:http';
import type {Socket} from 'node:net';
import {request as httpsRequest, type RequestOptions} from 'node:https';

/** A watch or log stream that the server refused (any status but 200), with the Status body it sent. */
export class StreamRefused extends Error {
	constructor(
		readonly statusCode: number,
		readonly body: string,
	) {
		super(`HTTP ${statusCode}`);
		this.name = 'StreamRefused';
	}
}

/** The stream broke the watch protocol: a line that is not a JSON event, or a line without end. */
export class MalformedWatch extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'MalformedWatch';
	}
}

/** The server accepted the request and did not start its answer (a status line) in time. */
export class NoAnswer extends Error {
	constructor(readonly afterMs: number) {
		super(`no answer in ${afterMs / 1000} s`);
		this.name = 'NoAnswer';
	}
}

export interface WatchOptions {
	/** Read the stream in batches, at this clock's ticks; without one (default) it is read as data arrives. */
	batches?: BatchClock;
	/** How long the server has to start its answer (the status line); none by default. */
	answerTimeoutMs?: number;
}

export interface WatchHandlers {
	/** One event as the server sent it (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR). */
	event(type: string, object: unknown): void;
	/** Called once: null when the server ended the watch, else why it stopped. Never after close(). */
	done(error: Error | null): void;
	/** The server accepted the watch (200): events follow. */
	open?(): void;
}

/** A longer line than this is not a Kubernetes object (etcd refuses objects over 1.5 MB). */
const maxLineChars = 16 * 1024 * 1024;
/** Arriving faster than this per interval, a batched watch reads as data comes (see above). */
const burstBytes = 256 * 1024;
/** How much of a refusal's body is kept for the message. */
const maxRefusalChars = 64 * 1024;

function describeLine(line: string): string {
	return JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}...` : line);
}

/**
 * The timer that batched watches read at. Watches given the same clock share its one timer, so a
 * cluster client's pods, deployments and ReplicaSets watches wake the process once per interval, not
 * three times at moments a few ms apart (each wake-up of an otherwise idle node process costs
 * ~0.15 ms of CPU on the 2-core bench VM: bench/README.md). The first reader starts the timer, the
 * last to leave stops it. Each cluster client owns its clock: nothing is shared between clients.
 */
export class BatchClock {
	private readonly readers = new Set<() => void>();
	private timer: ReturnType<typeof setInterval> | undefined;

	constructor(readonly intervalMs: number) {}

	/** Calls `read` at every tick until the returned function is called. */
	join(read: () => void): () => void {
		this.readers.add(read);
		this.timer ??= setInterval(() => this.tick(), this.intervalMs);
		return () => this.leave(read);
	}

	private tick(): void {
		for (const reader of this.readers) reader();
	}

	private leave(read: () => void): void {
		if (!this.readers.delete(read) || this.readers.size > 0) return;
		clearInterval(this.timer);
		this.timer = undefined;
	}
}

/**
 * Opens `url` (with `?watch=true` already in it) using `options` from KubeConfig.applyToHTTPSOptions.
 * Returns close(), which ends the request without calling done.
 */
export function openWatch(url: URL, options: RequestOptions, handlers: WatchHandlers, watchOptions: WatchOptions = {}): () => void {
	const stream = new WatchStream(url, options, handlers, watchOptions);
	return () => stream.close();
}

/** One watch request: its response split into lines, each line parsed and handed on as an event. */
class WatchStream {
	private readonly request: ClientRequest;
	private closed = false;
	/** The text after the last line end, waiting for the rest of its line. */
	private partial = '';
	private ended = false;
	/** Characters read since the last tick (batched reading only). */
	private received = 0;
	/** The socket that batched reading pauses and resumes. */
	private socket: Socket | undefined;
	/** Leaves the batch clock; set while on it. */
	private leaveClock: (() => void) | undefined;

	constructor(
		url: URL,
		options: RequestOptions,
		private readonly handlers: WatchHandlers,
		private readonly watchOptions: WatchOptions,
	) {
		const requestOptions: RequestOptions = {...options, headers: {...options.headers, accept: 'application/json'}};
		// A paused socket goes on reading until its buffer reaches the high-water mark (16 KB, ~100 ms of
		// this stream at 200 events/s); a small one makes the pause take hold at once. Agents pass it to
		// net.connect and tls.connect (a proxy agent's own socket keeps the default: batches then hold less).
		if (watchOptions.batches) (requestOptions as RequestOptions & {highWaterMark: number}).highWaterMark = 1024;
		this.request = requestStream(url, requestOptions, error => this.finish(error), watchOptions.answerTimeoutMs, response => this.read(response));
	}

	close(): void {
		this.closed = true;
		this.leaveClock?.();
		this.request.destroy();
	}

	private finish(error: Error | null): void {
		if (this.closed) return;
		this.close();
		this.handlers.done(error);
	}

	/** The server accepted the watch: read its events until it ends. */
	private read(response: IncomingMessage): void {
		this.handlers.open?.();
		if (this.watchOptions.batches) {
			this.socket = response.socket;
			this.batchAgain(-1);
		}
		response.on('data', (chunk: string) => this.data(chunk));
		response.on('end', () => {
			this.ended = true;
			// A last event without its line end still counts.
			if (!this.closed && this.partial) this.handleLine(this.partial);
		});
		response.on('error', error => this.finish(error));
		response.on('close', () => this.finish(this.ended ? null : new Error('the connection closed in the middle of the watch')));
	}

	/**
	 * Joins the batch clock and pauses the socket once drained. Paused from a setImmediate, never
	 * synchronously: http resumes the socket from the stream's own reads, which it schedules with
	 * process.nextTick, so a pause made before those would be undone; after them, nothing reads until
	 * the tick resumes it. Resumed, the socket is read in the event loop's poll phase; it is paused
	 * again after a poll phase that brought nothing, so each batch empties what the kernel held.
	 */
	private batchAgain(seen = this.received): void {
		this.leaveClock = this.watchOptions.batches!.join(this.onTick);
		setImmediate(this.pauseWhenDrained, seen);
	}

	private readonly pauseWhenDrained = (seen: number): void => {
		if (this.closed) return;
		if (this.received === seen) this.socket!.pause();
		else setImmediate(this.pauseWhenDrained, this.received);
	};

	private readonly onTick = (): void => {
		const busy = this.received > burstBytes;
		const quiet = this.received === 0;
		this.received = 0;
		this.socket!.resume();
		if (quiet) {
			// Flowing, off the clock, until data comes (see `data`).
			this.leaveClock?.();
			this.leaveClock = undefined;
		} else if (!busy) {
			setImmediate(this.pauseWhenDrained, this.received);
		}
	};

	private data(chunk: string): void {
		if (this.closed) return;
		this.received += chunk.length;
		// Data on a quiet watch, off the clock: read at once, and batches start again.
		if (this.socket && !this.leaveClock) this.batchAgain();
		let newline = chunk.indexOf('\n');
		if (newline < 0) {
			this.partial += chunk;
			if (this.partial.length > maxLineChars) this.finish(new MalformedWatch(`an event longer than ${maxLineChars / 1024 / 1024} MB without a line end`));
			return;
		}
		let text = chunk;
		if (this.partial) {
			text = this.partial + chunk;
			newline += this.partial.length;
			this.partial = '';
		}
		let start = 0;
		for (; newline >= 0; newline = text.indexOf('\n', start)) {
			const line = text.slice(start, newline);
			start = newline + 1;
			if (!this.handleLine(line)) return;
		}
		if (start < text.length) this.partial = text.slice(start);
	}

	/** Parses one line and hands its event on; false when the stream must stop. */
	private handleLine(line: string): boolean {
		if (line.trim() === '') return true;
		let event: {type?: unknown; object?: unknown};
		try {
			event = JSON.parse(line) as {type?: unknown; object?: unknown};
		} catch {
			this.finish(new MalformedWatch(`an event that is not JSON: ${describeLine(line)}`));
			return false;
		}
		if (typeof event?.type !== 'string' || typeof event.object !== 'object' || event.object === null) {
			this.finish(new MalformedWatch(`a line that is not a watch event: ${describeLine(line)}`));
			return false;
		}
		this.handlers.event(event.type, event.object);
		return !this.closed;
	}
}

/**
 * GETs `url` as a long-lived stream (a watch, a followed log) with `options`: a 200 response goes to
 * `onStream` as text; any other ends in `finish` with a StreamRefused holding the Status body the
 * server sent; a request that fails ends in `finish` with its error, and one whose answer has not
 * started within `answerTimeoutMs` (when given) with a NoAnswer. TCP keep-alive probes find a
 * connection that died silently (a NAT that forgot it).
 */
export function requestStream(
	url: URL,
	options: RequestOptions,
	finish: (error: Error) => void,
	answerTimeoutMs: number | undefined,
	onStream: (response: IncomingMessage) => void,
): ClientRequest {
	const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
	// A server (or a proxy) that accepts and never answers must not hold the stream forever.
	const deadline =
		answerTimeoutMs === undefined
			? undefined
			: setTimeout(() => {
					finish(new NoAnswer(answerTimeoutMs));
					request.destroy();
				}, answerTimeoutMs);
	const request = send(url, {...options, method: 'GET'}, (response: IncomingMessage) => {
		clearTimeout(deadline);
		response.setEncoding('utf8');
		if (response.statusCode === 200) return onStream(response);
		let body = '';
		response.on('data', (chunk: string) => {
			if (body.length < maxRefusalChars) body += chunk;
		});
		response.on('end', () => finish(new StreamRefused(response.statusCode ?? 0, body.slice(0, maxRefusalChars))));
		response.on('error', finish);
	});
	request.on('socket', socket => socket.setKeepAlive(true, 30_000));
	request.on('error', finish);
	request.on('close', () => clearTimeout(deadline));
	request.end();
	return request;
}
