import http from 'node:http';
import {expect} from 'vitest';
import {StreamRefused} from '../../source/clients/watch-stream.js';
import type {AddressInfo} from 'node:net';

export interface LocalServer {
	url: string;
	port: number;
	/** Requests seen so far. */
	requests: http.IncomingMessage[];
	close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 and a free port; close() also drops open (hanging) connections. */
export async function startServer(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<LocalServer> {
	const requests: http.IncomingMessage[] = [];
	const server = http.createServer((req, res) => {
		requests.push(req);
		handler(req, res);
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		requests,
		close: () =>
			new Promise<void>(resolve => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
	const server = http.createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	await new Promise<void>(resolve => server.close(() => resolve()));
	return port;
}

/** Answers every request with `status` (a Kubernetes Status) as the API server refuses one. */
export function refuseWith(status: {code: number}): (res: http.ServerResponse) => void {
	return res => {
		res.writeHead(status.code, {'content-type': 'application/json'});
		res.end(JSON.stringify(status));
	};
}

/** `error` is the StreamRefused of `status`: its code, and the Status body as the server sent it. */
export function expectRefusal(error: Error | null | undefined, status: {code: number}): void {
	expect(error).toBeInstanceOf(StreamRefused);
	expect((error as StreamRefused).statusCode).toBe(status.code);
	expect(JSON.parse((error as StreamRefused).body)).toEqual(status);
}
