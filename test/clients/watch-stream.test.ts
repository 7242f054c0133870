import type {ServerResponse} from 'node:http';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {BatchClock, MalformedWatch, openWatch, StreamRefused, type WatchOptions} from '../../source/clients/watch-stream.js';
import {waitFor} from '../support/wait.js';
import {expectRefusal, refuseWith, startServer, type LocalServer} from './local-server.js';

let server: LocalServer | undefined;
afterEach(async () => {
	await server?.close();
	server = undefined;
});

interface Seen {
	events: Array<[string, unknown]>;
	/** The names of the events' objects, in order. */
	names: string[];
	done: Array<Error | null>;
}

/** Serves one watch response written by `respond`, opens it, and records what the reader hands on. */
async function watchOf(respond: (res: ServerResponse) => void, watchOptions: WatchOptions = {}): Promise<Seen & {close: () => void}> {
	server = await startServer((_req, res) => respond(res));
	const seen: Seen = {events: [], names: [], done: []};
	const close = openWatch(
		new URL(`${server.url}/api/v1/namespaces/shop/pods?watch=true`),
		{},
		{
			event: (type, object) => {
				seen.events.push([type, object]);
				seen.names.push((object as {metadata: {name: string}}).metadata.name);
			},
			done: error => seen.done.push(error),
		},
		watchOptions,
	);
	return {...seen, close};
}

const event = (type: string, name: string) => `${JSON.stringify({type, object: {metadata: {name}}})}\n`;

describe('openWatch', () => {
	it('hands on every event in order, however the stream is cut, and ends with done(null)', async () => {
		// Cut into 7-byte writes: lines and a two-byte UTF-8 character are split across chunks.
		const text = event('ADDED', 'api-1') + event('MODIFIED', 'caf\u00e9-2') + JSON.stringify({type: 'DELETED', object: {metadata: {name: 'api-3'}}});
		const bytes = Buffer.from(text);
		const seen = await watchOf(res => {
			res.writeHead(200, {'content-type': 'application/json'});
			const write = (at: number) => {
				if (at >= bytes.length) return res.end();
				res.write(bytes.subarray(at, at + 7), () => setImmediate(() => write(at + 7)));
			};
			write(0);
		});
		await waitFor(() => seen.done.length === 1, {message: 'watch ended'});
		expect(seen.done).toEqual([null]);
		expect(seen.events).toEqual([
			['ADDED', {metadata: {name: 'api-1'}}],
			['MODIFIED', {metadata: {name: 'caf\u00e9-2'}}],
			// The last event had no line end.
			['DELETED', {metadata: {name: 'api-3'}}],
		]);
	});

	it('stops at a line that is not JSON and names it', async () => {
		const seen = await watchOf(res => {
			res.writeHead(200);
			res.write(event('ADDED', 'api-1'));
			res.write('<html>proxy error</html>\n');
			res.write(event('ADDED', 'api-2'));
		});
		await waitFor(() => seen.done.length === 1, {message: 'watch stopped'});
		expect(seen.names).toEqual(['api-1']);
		expect(seen.done[0]).toBeInstanceOf(MalformedWatch);
		expect(seen.done[0]!.message).toBe('an event that is not JSON: "<html>proxy error</html>"');
	});

	it('stops at JSON that is not a watch event', async () => {
		const seen = await watchOf(res => {
			res.writeHead(200);
			res.end('{"kind":"PodList","items":[]}\n');
		});
		await waitFor(() => seen.done.length === 1, {message: 'watch stopped'});
		expect(seen.done[0]).toBeInstanceOf(MalformedWatch);
		expect(seen.done[0]!.message).toMatch(/^a line that is not a watch event: /);
	});

	it('gives a refusal its status code and Status body', async () => {
		const status = {kind: 'Status', status: 'Failure', message: 'pods is forbidden: User "viewer" cannot watch resource "pods"', reason: 'Forbidden', code: 403};
		const seen = await watchOf(refuseWith(status));
		await waitFor(() => seen.done.length === 1, {message: 'refusal reported'});
		expectRefusal(seen.done[0], status);
		expect(seen.events).toEqual([]);
	});

	it('reports a connection cut in the middle of the watch as an error, not as its end', async () => {
		const seen = await watchOf(res => {
			res.writeHead(200);
			res.write(event('ADDED', 'api-1'), () => res.socket?.destroy());
		});
		await waitFor(() => seen.done.length === 1, {message: 'cut reported'});
		expect(seen.done[0]).toBeInstanceOf(Error);
		expect(seen.events).toHaveLength(1);
	});

	it('after close() hands on nothing more and never calls done', async () => {
		let response: ServerResponse | undefined;
		const seen = await watchOf(res => {
			response = res;
			res.writeHead(200);
			res.write(event('ADDED', 'api-1'));
		});
		await waitFor(() => seen.events.length === 1, {message: 'first event'});
		seen.close();
		await waitFor(() => response?.destroyed || response?.socket?.destroyed, {message: 'server saw the close'});
		expect(seen.done).toEqual([]);
		expect(seen.events).toHaveLength(1);
	});
});

describe('openWatch: a line without end', () => {
	it('stops with MalformedWatch once a line passes 16 MB, and the events before it still count', async () => {
		const piece = Buffer.alloc(1024 * 1024, 'x');
		let written = 0;
		const seen = await watchOf(res => {
			res.writeHead(200);
			res.write(event('ADDED', 'api-1'));
			const more = () => {
				// 17 MB of one line, a megabyte at a time, unless the client has gone.
				if (written++ < 17 && !res.destroyed) res.write(piece, more);
			};
			more();
		});
		await waitFor(() => seen.done.length === 1, {message: 'watch stopped'});
		expect(seen.names).toEqual(['api-1']);
		expect(seen.done[0]).toBeInstanceOf(MalformedWatch);
		expect((seen.done[0] as Error).message).toBe('an event longer than 16 MB without a line end');
	});
});

describe('openWatch reading in batches', () => {
	afterEach(() => {
		vi.useRealTimers();
	});

	/** Writes on the server and resolves once the bytes are in the client's socket buffer (loopback). */
	const written = (res: ServerResponse, text: string) => new Promise<void>(resolve => res.write(text, () => resolve()));
	/** Lets the event loop pass its poll phase a few times: a socket that is reading has read by then. */
	const turns = async (n = 3) => {
		for (let i = 0; i < n; i++) await new Promise(resolve => setImmediate(resolve));
	};

	async function batchedWatch(readEveryMs: number) {
		vi.useFakeTimers({toFake: ['setInterval', 'clearInterval']});
		let response: ServerResponse | undefined;
		const {names, close} = await watchOf(res => {
			response = res;
			res.writeHead(200);
			res.flushHeaders();
		}, {batches: new BatchClock(readEveryMs)});
		const res = await waitFor(() => response, {message: 'watch request'});
		return {res, names, close};
	}

	it('holds events in the socket until the interval comes, then reads them all at once', async () => {
		const {res, names, close} = await batchedWatch(250);
		try {
			await turns();
			await written(res, event('ADDED', 'api-1') + event('ADDED', 'api-2'));
			await written(res, event('MODIFIED', 'api-1'));
			await turns();
			expect(names).toEqual([]);
			vi.advanceTimersByTime(250);
			await waitFor(() => names.length === 3, {message: 'batch read'});
			expect(names).toEqual(['api-1', 'api-2', 'api-1']);
			// Paused again after the batch.
			await written(res, event('DELETED', 'api-2'));
			await turns();
			expect(names).toHaveLength(3);
			vi.advanceTimersByTime(250);
			await waitFor(() => names.length === 4, {message: 'second batch read'});
		} finally {
			close();
		}
	});

	it('leaves the timer while the watch is quiet, reads the next event as it comes, then batches again', async () => {
		const {res, names, close} = await batchedWatch(250);
		try {
			await turns();
			expect(vi.getTimerCount()).toBe(1);
			// An interval that brought nothing: off the clock, the socket flowing.
			vi.advanceTimersByTime(250);
			expect(vi.getTimerCount()).toBe(0);
			await written(res, event('ADDED', 'api-1'));
			await waitFor(() => names.length === 1, {message: 'read as it came'});
			// That event started the batches again: the next one waits for the interval.
			expect(vi.getTimerCount()).toBe(1);
			await turns();
			await written(res, event('MODIFIED', 'api-1'));
			await turns();
			expect(names).toEqual(['api-1']);
			vi.advanceTimersByTime(250);
			await waitFor(() => names.length === 2, {message: 'batch read'});
			expect(names).toEqual(['api-1', 'api-1']);
		} finally {
			close();
		}
		expect(vi.getTimerCount()).toBe(0);
	});

	it('reads as data comes while a burst lasts, and batches again after it', async () => {
		const {res, names, close} = await batchedWatch(250);
		try {
			await turns();
			// About 300 KB in one interval: more than a batch should hold back.
			const padding = 'x'.repeat(1000);
			let burst = '';
			for (let i = 0; i < 300; i++) burst += `${JSON.stringify({type: 'MODIFIED', object: {metadata: {name: `api-${i}`}, padding}})}\n`;
			await written(res, burst);
			vi.advanceTimersByTime(250);
			await waitFor(() => names.length === 300, {message: 'burst read'});
			// The next interval sees the burst and leaves the socket flowing.
			vi.advanceTimersByTime(250);
			await written(res, event('ADDED', 'api-live'));
			await waitFor(() => names.at(-1) === 'api-live', {message: 'read while flowing'});
			// A quiet interval: batching again.
			vi.advanceTimersByTime(250);
			await turns();
			await written(res, event('ADDED', 'api-held'));
			await turns();
			expect(names.at(-1)).toBe('api-live');
			vi.advanceTimersByTime(250);
			await waitFor(() => names.at(-1) === 'api-held', {message: 'batched again'});
		} finally {
			close();
		}
	});
});

describe('openWatch: batched watches on one clock share its timer', () => {
	afterEach(() => {
		vi.useRealTimers();
	});

	it('wakes once per interval for all open watches, and the timer stops with the last one', async () => {
		vi.useFakeTimers({toFake: ['setInterval', 'clearInterval']});
		const responses: ServerResponse[] = [];
		server = await startServer((_req, res) => {
			res.writeHead(200);
			res.flushHeaders();
			responses.push(res);
		});
		const names: string[][] = [[], []];
		const clock = new BatchClock(250);
		const open = (index: number) =>
			openWatch(new URL(`${server!.url}/api/v1/namespaces/shop/pods?watch=true&n=${index}`), {}, {event: (_type, object) => names[index]!.push((object as {metadata: {name: string}}).metadata.name), done: () => {}}, {batches: clock});
		const closeFirst = open(0);
		const closeSecond = open(1);
		try {
			await waitFor(() => responses.length === 2, {message: 'both watch requests'});
			expect(vi.getTimerCount()).toBe(1);
			await Promise.all(responses.map((res, i) => new Promise<void>(resolve => res.write(event('ADDED', `api-${i}`), () => resolve()))));
			vi.advanceTimersByTime(250);
			await waitFor(() => names[0]!.length === 1 && names[1]!.length === 1, {message: 'one tick read both watches'});
			closeFirst();
			expect(vi.getTimerCount()).toBe(1);
			await new Promise<void>(resolve => responses[1]!.write(event('MODIFIED', 'api-1'), () => resolve()));
			vi.advanceTimersByTime(250);
			await waitFor(() => names[1]!.length === 2, {message: 'the other watch still reads'});
			closeSecond();
			expect(vi.getTimerCount()).toBe(0);
		} finally {
			closeFirst();
			closeSecond();
		}
	});

	it('keeps watches on different clocks apart: each clock has its own timer', async () => {
		vi.useFakeTimers({toFake: ['setInterval', 'clearInterval']});
		const responses: ServerResponse[] = [];
		server = await startServer((_req, res) => {
			res.writeHead(200);
			res.flushHeaders();
			responses.push(res);
		});
		const open = (index: number, clock: BatchClock) =>
			openWatch(new URL(`${server!.url}/api/v1/namespaces/shop/pods?watch=true&n=${index}`), {}, {event: () => {}, done: () => {}}, {batches: clock});
		const closeFirst = open(0, new BatchClock(250));
		const closeSecond = open(1, new BatchClock(250));
		try {
			await waitFor(() => responses.length === 2, {message: 'both watch requests'});
			expect(vi.getTimerCount()).toBe(2);
			closeFirst();
			expect(vi.getTimerCount()).toBe(1);
		} finally {
			closeFirst();
			closeSecond();
		}
		expect(vi.getTimerCount()).toBe(0);
	});
});
