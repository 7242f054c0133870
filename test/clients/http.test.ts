import {afterEach, describe, expect, it} from 'vitest';
import {assertOk, HttpError, httpGet} from '../../source/clients/http.js';
import {closedPort, startServer, type LocalServer} from './local-server.js';

let server: LocalServer | undefined;
afterEach(async () => {
	await server?.close();
	server = undefined;
});

async function failure(promise: Promise<unknown>): Promise<HttpError> {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(HttpError);
	return error as HttpError;
}

describe('httpGet', () => {
	it('returns status, body, content type and latency', async () => {
		server = await startServer((req, res) => {
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({path: req.url, auth: req.headers.authorization ?? null}));
		});
		const res = await httpGet(`${server.url}/health?x=1`, {timeoutMs: 2000, bearerToken: 'abc'});
		expect(res.status).toBe(200);
		expect(res.contentType).toBe('application/json');
		expect(JSON.parse(res.body)).toEqual({path: '/health?x=1', auth: 'Bearer abc'});
		expect(res.latencyMs).toBeGreaterThanOrEqual(0);
	});

	it('sends basic auth', async () => {
		server = await startServer((req, res) => res.end(req.headers.authorization ?? ''));
		const res = await httpGet(server.url, {timeoutMs: 2000, basicAuth: {username: 'u', password: 'p w'}});
		expect(Buffer.from(res.body.replace('Basic ', ''), 'base64').toString()).toBe('u:p w');
	});

	it('times out on a server that accepts and never answers', async () => {
		server = await startServer(() => {});
		const error = await failure(httpGet(`${server.url}/never`, {timeoutMs: 150}));
		expect(error.kind).toBe('timeout');
		expect(error.message).toBe(`timeout after 150 ms (${server.url}/never)`);
	});

	it('times out on a server that answers too slowly', async () => {
		server = await startServer((_req, res) => {
			const timer = setTimeout(() => res.end('late'), 2000);
			res.on('close', () => clearTimeout(timer));
		});
		const error = await failure(httpGet(server.url, {timeoutMs: 100}));
		expect(error.kind).toBe('timeout');
	});

	it('times out on a server that sends headers and then trickles the body', async () => {
		server = await startServer((_req, res) => {
			res.writeHead(200, {'content-type': 'text/plain'});
			const timer = setInterval(() => res.write('.'), 20);
			res.on('close', () => clearInterval(timer));
		});
		const error = await failure(httpGet(server.url, {timeoutMs: 200}));
		expect(error.kind).toBe('timeout');
	});

	it('reports connection refused with host and port', async () => {
		const port = await closedPort();
		const error = await failure(httpGet(`http://127.0.0.1:${port}/health`, {timeoutMs: 2000}));
		expect(error.kind).toBe('refused');
		expect(error.message).toBe(`connection refused (127.0.0.1:${port})`);
	});

	it('reports a DNS failure with the host name', async () => {
		const error = await failure(httpGet('http://nonexistent.invalid/health', {timeoutMs: 5000}));
		expect(error.kind).toBe('dns');
		expect(error.message).toBe('DNS lookup failed for nonexistent.invalid');
	});

	it('resolves non-2xx answers; assertOk turns them into "HTTP 503 Service Unavailable"', async () => {
		server = await startServer((_req, res) => {
			res.statusCode = 503;
			res.end('down');
		});
		const res = await httpGet(server.url, {timeoutMs: 2000});
		expect(res.status).toBe(503);
		expect(res.body).toBe('down');
		let error: unknown;
		try {
			assertOk(res, server.url);
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(HttpError);
		expect((error as HttpError).kind).toBe('http');
		expect((error as HttpError).message).toMatch(/^HTTP 503 Service Unavailable/);
	});

	it('caps a huge body with a declared length', async () => {
		server = await startServer((_req, res) => {
			res.setHeader('content-length', String(10 * 1024 * 1024));
			res.write('x'.repeat(1024));
		});
		const error = await failure(httpGet(server.url, {timeoutMs: 2000, maxBytes: 64 * 1024}));
		expect(error.kind).toBe('body');
		expect(error.message).toContain('too large');
	});

	it('caps a huge streamed body without a declared length', async () => {
		server = await startServer((_req, res) => {
			const chunk = 'y'.repeat(16 * 1024);
			const write = () => {
				while (res.write(chunk)) {
					// keep writing until the socket pushes back
				}
			};
			res.on('drain', write);
			write();
		});
		const error = await failure(httpGet(server.url, {timeoutMs: 5000, maxBytes: 100 * 1024}));
		expect(error.kind).toBe('body');
	});

	it('reports a connection closed mid-body', async () => {
		server = await startServer((_req, res) => {
			res.writeHead(200, {'content-length': '100'});
			res.write('partial');
			setImmediate(() => res.socket?.destroy());
		});
		const error = await failure(httpGet(server.url, {timeoutMs: 2000}));
		expect(error.kind).toBe('reset');
	});

	it('stops when the caller aborts', async () => {
		server = await startServer(() => {});
		const controller = new AbortController();
		const pending = httpGet(server.url, {timeoutMs: 10_000, signal: controller.signal});
		controller.abort();
		const error = await failure(pending);
		expect(error.kind).toBe('aborted');
	});

	it('says which CA file it cannot read', async () => {
		const error = await failure(httpGet('https://127.0.0.1:1/', {timeoutMs: 1000, ca: '/nonexistent/ca.pem'}));
		expect(error.kind).toBe('tls');
		expect(error.message).toContain('/nonexistent/ca.pem');
	});
});

describe('httpGet: connections', () => {
	/** The client port of each request's connection, as the server saw it: equal ports mean one connection. */
	let ports: Array<number | undefined> = [];
	const serve = (handler: Parameters<typeof startServer>[0]) => {
		ports = [];
		return startServer((req, res) => {
			ports.push(req.socket.remotePort);
			handler(req, res);
		});
	};

	it('opens a new connection for every request by default (health checks), and reuses one with keepAlive', async () => {
		server = await serve((_req, res) => res.end('ok'));
		for (let i = 0; i < 3; i++) expect((await httpGet(server.url, {timeoutMs: 2000})).body).toBe('ok');
		expect(new Set(ports).size).toBe(3);
		expect(server.requests.every(req => req.headers.connection === 'close')).toBe(true);

		await server.close();
		server = await serve((_req, res) => res.end('ok'));
		for (let i = 0; i < 3; i++) expect((await httpGet(server.url, {timeoutMs: 2000, keepAlive: true})).body).toBe('ok');
		expect(new Set(ports).size).toBe(1);
	});

	it('retries once on a new connection when the server closed the kept one as the request went out', async () => {
		const seenOn = new WeakMap<object, number>();
		server = await serve((req, res) => {
			const count = (seenOn.get(req.socket) ?? 0) + 1;
			seenOn.set(req.socket, count);
			// A server whose idle timeout ran out just as the second request arrived on the kept connection.
			if (count === 2) req.socket.destroy();
			else res.end(`answer ${server!.requests.length}`);
		});
		expect((await httpGet(server.url, {timeoutMs: 2000, keepAlive: true})).body).toBe('answer 1');
		const second = await httpGet(server.url, {timeoutMs: 2000, keepAlive: true});
		expect(second.status).toBe(200);
		expect(second.body).toBe('answer 3');
		expect(ports).toHaveLength(3);
		expect(ports[1]).toBe(ports[0]);
		expect(ports[2]).not.toBe(ports[0]);
	});

	it('does not retry a new connection that the server resets: that is the answer', async () => {
		server = await startServer(req => req.socket.destroy());
		const error = await failure(httpGet(server.url, {timeoutMs: 2000, keepAlive: true}));
		expect(error.kind).toBe('reset');
		expect(server.requests).toHaveLength(1);
	});
});
