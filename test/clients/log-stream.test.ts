import type {ServerResponse} from 'node:http';
import {afterEach, describe, expect, it} from 'vitest';
import {maxLogLineChars, openLogStream} from '../../source/clients/log-stream.js';
import {waitFor} from '../support/wait.js';
import {expectRefusal, refuseWith, startServer, type LocalServer} from './local-server.js';

let server: LocalServer | undefined;
afterEach(async () => {
	await server?.close();
	server = undefined;
});

/** Serves one log response written by `respond`, follows it, and records what the reader hands on. */
async function follow(respond: (res: ServerResponse) => void) {
	server = await startServer((_req, res) => respond(res));
	const seen = {lines: [] as string[], done: [] as Array<Error | null>};
	const close = openLogStream(new URL(`${server.url}/api/v1/namespaces/shop/pods/api-1/log?follow=true`), {}, {line: text => seen.lines.push(text), done: error => seen.done.push(error)});
	return {...seen, close};
}

describe('openLogStream', () => {
	it('hands on whole lines, however the chunks split them, without their line ends', async () => {
		const seen = await follow(res => {
			res.writeHead(200, {'content-type': 'text/plain'});
			res.write('starting\r\nlisten');
			setImmediate(() => {
				res.write('ing on :8080\n\nGET /health');
				setImmediate(() => res.end(' 200'));
			});
		});
		await waitFor(() => seen.done.length === 1, {message: 'the end of the log'});
		expect(seen.lines).toEqual(['starting', 'listening on :8080', '', 'GET /health 200']);
		expect(seen.done).toEqual([null]);
	});

	it('cuts a line longer than it shows, and goes on with the next', async () => {
		const seen = await follow(res => {
			res.writeHead(200);
			res.end(`${'x'.repeat(maxLogLineChars * 3)}\nnext\n`);
		});
		await waitFor(() => seen.done.length === 1, {message: 'the end of the log'});
		expect(seen.lines.map(line => line.length)).toEqual([maxLogLineChars, 4]);
		expect(seen.lines[1]).toBe('next');
	});

	it('gives a refusal its status and the Status body the server sent', async () => {
		const status = {kind: 'Status', status: 'Failure', code: 400, reason: 'BadRequest', message: 'container "api" in pod "api-1" is waiting to start: CrashLoopBackOff'};
		const seen = await follow(refuseWith(status));
		await waitFor(() => seen.done.length === 1, {message: 'the refusal'});
		expectRefusal(seen.done[0], status);
		expect(seen.lines).toEqual([]);
	});

	it('says when the connection broke in the middle, and close() ends it without a word', async () => {
		const broken = await follow(res => {
			res.writeHead(200);
			res.write('one\n');
			setImmediate(() => res.destroy());
		});
		await waitFor(() => broken.done.length === 1, {message: 'the break'});
		expect(broken.lines).toEqual(['one']);
		expect(broken.done[0]?.message).toBe('the connection closed in the middle of the log');
		await server!.close();

		const closed = await follow(res => {
			res.writeHead(200);
			res.write('one\n');
		});
		await waitFor(() => closed.lines.length === 1, {message: 'the first line'});
		closed.close();
		await waitFor(() => server!.requests[0]!.socket.destroyed, {message: 'the request ended'});
		expect(closed.done).toEqual([]);
	});
});
