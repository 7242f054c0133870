/** `l`: a pod's log followed in the log dialog (`kubectl logs -f`), one at a time, masked as it comes. */
import type {Cluster} from '../ports/cluster.js';
import type {IncidentStore} from '../store/store.js';
import {createLineRedactor, type Redactor} from '../timeline/redact.js';

/** Lines of a followed log shown from before it was opened (`kubectl logs -f --tail=100`). */
export const logTailLines = 100;

export class LogFollower {
	/** The follow in progress; `#follows` numbers them (their ids in the store). */
	#following: AbortController | null = null;
	#follows = 0;

	constructor(
		private readonly store: IncidentStore,
		private readonly redact: Redactor,
		private readonly lifetime: AbortSignal,
	) {}

	/** Follows `pod`'s log, replacing any log followed before. */
	follow(cluster: Cluster | null, pod: string): void {
		this.#following?.abort();
		if (!cluster) {
			this.store.getState().flashed('no cluster to read the log from', 'warn');
			return;
		}
		const abort = new AbortController();
		this.#following = abort;
		const signal = AbortSignal.any([abort.signal, this.lifetime]);
		const id = ++this.#follows;
		this.store.getState().logFollowed(id, pod, logTailLines);
		this.store.getState().dialogOpened({kind: 'log'});
		const lines = new LineBatch(this.store, id, signal, createLineRedactor(this.redact));
		cluster
			.followLog(pod, logTailLines, {line: text => lines.add(text), done: error => lines.end(error)}, signal)
			.then(
				container => this.store.getState().logOpened(id, container),
				(error: unknown) => {
					if (!signal.aborted) this.store.getState().logEnded(id, (error as Error).message);
				},
			);
	}

	/** The log dialog closed: the follow stops. */
	stop(): void {
		this.#following?.abort();
		this.#following = null;
		this.store.getState().logClosed();
	}

	/** The session ends. */
	abort(): void {
		this.#following?.abort();
	}
}

/**
 * Lines that come together (the tail, a burst) reach the store once, not once each; masked like
 * everything the cockpit shows from the cluster, a private key's lines between its BEGIN and END
 * lines too.
 */
class LineBatch {
	#pending: string[] = [];

	constructor(
		private readonly store: IncidentStore,
		private readonly id: number,
		private readonly signal: AbortSignal,
		private readonly redactLine: Redactor,
	) {}

	add(text: string): void {
		if (this.#pending.length === 0) setImmediate(() => this.flush());
		this.#pending.push(this.redactLine(text));
	}

	flush(): void {
		const lines = this.#pending;
		this.#pending = [];
		if (!this.signal.aborted) this.store.getState().logLines(this.id, lines);
	}

	end(error: Error | null): void {
		this.flush();
		if (!this.signal.aborted) this.store.getState().logEnded(this.id, error ? error.message : 'the log ended: the container stopped or restarted');
	}
}
