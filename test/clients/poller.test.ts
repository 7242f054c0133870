import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {startPoller} from '../../source/clients/poller.js';

beforeEach(() => {
	vi.useFakeTimers();
});
afterEach(() => {
	vi.useRealTimers();
});

function deferred() {
	let resolve!: () => void;
	const promise = new Promise<void>(r => (resolve = r));
	return {promise, resolve};
}

describe('startPoller', () => {
	it('runs at once, then every interval', async () => {
		const controller = new AbortController();
		let runs = 0;
		startPoller({name: 't', intervalMs: 100, signal: controller.signal, run: async () => void runs++});
		await vi.advanceTimersByTimeAsync(0);
		expect(runs).toBe(1);
		await vi.advanceTimersByTimeAsync(100);
		expect(runs).toBe(2);
		await vi.advanceTimersByTimeAsync(300);
		expect(runs).toBe(5);
		controller.abort();
	});

	it('never overlaps: ticks that fall during a run are skipped', async () => {
		const controller = new AbortController();
		let active = 0;
		let maxActive = 0;
		let runs = 0;
		let gate = deferred();
		startPoller({
			name: 't',
			intervalMs: 100,
			signal: controller.signal,
			run: async () => {
				runs++;
				active++;
				maxActive = Math.max(maxActive, active);
				await gate.promise;
				active--;
			},
		});
		await vi.advanceTimersByTimeAsync(550);
		expect(runs).toBe(1);
		gate.resolve();
		gate = deferred();
		gate.resolve();
		await vi.advanceTimersByTimeAsync(0);
		expect(runs).toBe(1);
		// The next run is on the interval grid (600 ms), not five queued runs.
		await vi.advanceTimersByTimeAsync(50);
		expect(runs).toBe(2);
		expect(maxActive).toBe(1);
		controller.abort();
	});

	it('backs off exponentially on errors up to the ceiling, and resets after a success', async () => {
		const controller = new AbortController();
		const delays: number[] = [];
		let fail = true;
		let runs = 0;
		startPoller({
			name: 't',
			intervalMs: 100,
			maxBackoffMs: 500,
			signal: controller.signal,
			onError: (error, retryInMs) => {
				expect(error.message).toBe('boom');
				delays.push(retryInMs);
			},
			run: async () => {
				runs++;
				if (fail) throw new Error('boom');
			},
		});
		await vi.advanceTimersByTimeAsync(0);
		expect(delays).toEqual([200]);
		await vi.advanceTimersByTimeAsync(199);
		expect(runs).toBe(1);
		await vi.advanceTimersByTimeAsync(1);
		expect(runs).toBe(2);
		expect(delays).toEqual([200, 400]);
		await vi.advanceTimersByTimeAsync(400 + 500);
		expect(delays).toEqual([200, 400, 500, 500]);
		fail = false;
		await vi.advanceTimersByTimeAsync(500);
		const before = runs;
		await vi.advanceTimersByTimeAsync(100);
		expect(runs).toBe(before + 1);
		controller.abort();
	});

	it('stop() aborts the running poll and prevents further runs', async () => {
		const controller = new AbortController();
		let runSignal: AbortSignal | undefined;
		let runs = 0;
		const stop = startPoller({
			name: 't',
			intervalMs: 100,
			signal: controller.signal,
			run: async signal => {
				runs++;
				runSignal = signal;
				await new Promise<void>(resolve => signal.addEventListener('abort', () => resolve()));
			},
		});
		await vi.advanceTimersByTimeAsync(0);
		expect(runSignal?.aborted).toBe(false);
		stop();
		expect(runSignal?.aborted).toBe(true);
		await vi.advanceTimersByTimeAsync(1000);
		expect(runs).toBe(1);
		expect(vi.getTimerCount()).toBe(0);
	});

	it('aborting the context signal stops it too, and an error after stop is not reported', async () => {
		const controller = new AbortController();
		const onError = vi.fn();
		let runs = 0;
		startPoller({
			name: 't',
			intervalMs: 100,
			signal: controller.signal,
			onError,
			run: async signal => {
				runs++;
				await new Promise<void>((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
			},
		});
		await vi.advanceTimersByTimeAsync(0);
		controller.abort();
		await vi.advanceTimersByTimeAsync(1000);
		expect(runs).toBe(1);
		expect(onError).not.toHaveBeenCalled();
		expect(vi.getTimerCount()).toBe(0);
	});

	it('does nothing with an already aborted signal', async () => {
		const run = vi.fn(async () => {});
		startPoller({name: 't', intervalMs: 100, signal: AbortSignal.abort(), run});
		await vi.advanceTimersByTimeAsync(500);
		expect(run).not.toHaveBeenCalled();
	});
});
