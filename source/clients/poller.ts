/**
 * The refresh loop every source uses: run now, then every interval; never two runs at once (a
 * tick that falls while a run is still going is skipped); exponential backoff after failures;
 * everything stops when the signal aborts or the returned function is called.
 */

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
		// tick() turns every failure of `run` into onError and a retry: it does not reject.
		timer = setTimeout(() => void tick(), Math.max(0, delayMs));
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
	// As above: tick() does not reject.
	void tick();
	return stop;
}
