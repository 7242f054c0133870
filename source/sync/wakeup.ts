import type {DbConnection} from './db.js';

/** The sync worker's waiting (worker.ts): for a connection unless stopped, and for the next thing to do. */

/**
 * `connecting` unless `signal` aborts first (then undefined); a connection that comes after that is
 * closed at once.
 */
export async function untilAborted(connecting: Promise<DbConnection>, signal: AbortSignal): Promise<DbConnection | undefined> {
	if (signal.aborted) {
		connecting.then(db => db.close(), () => undefined);
		return undefined;
	}
	let onAbort: () => void = () => {};
	const aborted = new Promise<undefined>(resolve => {
		onAbort = () => resolve(undefined);
		signal.addEventListener('abort', onAbort, {once: true});
	});
	try {
		const db = await Promise.race([connecting, aborted]);
		if (!db) connecting.then(late => late.close(), () => undefined);
		return db;
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}

/** Something that can be awaited once and triggered many times; each trigger wakes the current waiter. */
export class Wakeup {
	private resolve: (() => void) | undefined;
	private pending = false;

	wake(): void {
		this.pending = true;
		this.resolve?.();
	}

	/** Resolves at the next wake (at once when one came since the last wait), or after `ms`. */
	async wait(ms: number, signal: AbortSignal): Promise<void> {
		if (this.pending || signal.aborted) {
			this.pending = false;
			return;
		}
		let timer: NodeJS.Timeout | undefined;
		const onAbort = () => this.resolve?.();
		signal.addEventListener('abort', onAbort, {once: true});
		await new Promise<void>(resolve => {
			this.resolve = resolve;
			timer = setTimeout(resolve, ms);
		});
		clearTimeout(timer);
		signal.removeEventListener('abort', onAbort);
		this.resolve = undefined;
		this.pending = false;
	}
}

