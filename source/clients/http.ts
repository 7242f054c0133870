/**
 * HTTP GET with a hard deadline, a body cap, and errors a tired operator can read.
 *
 * Built on node:http / node:https rather than fetch: a custom CA file and skip-verify are plain
 * request options there (undici would need its own Agent package), and a socket that accepts and
 * then never answers, or trickles bytes, is cut by one timer covering the whole exchange.
 */
import http from 'node:http';
import https from 'node:https';
import {readFile} from 'node:fs/promises';

export type HttpErrorKind = 'timeout' | 'refused' | 'dns' | 'tls' | 'reset' | 'http' | 'body' | 'aborted';

export class HttpError extends Error {
	constructor(
		readonly kind: HttpErrorKind,
		message: string,
		readonly url: string,
		readonly status?: number,
	) {
		super(message);
		this.name = 'HttpError';
	}
}

export interface HttpGetOptions {
	timeoutMs: number;
	/** Another method than GET (Alertmanager's POST /api/v2/silences, DELETE /api/v2/silence/{id}). */
	method?: 'POST' | 'DELETE';
	/** The request's body (with `method`), sent as it is; say its type in `headers`. */
	body?: string;
	signal?: AbortSignal;
	headers?: Record<string, string>;
	/** Path to a PEM CA bundle. */
	ca?: string;
	/** Where `ca` is read from: the session's kept reads (see CaFiles); without it, the file is read for this request. */
	caFiles?: CaFiles;
	insecureSkipVerify?: boolean;
	bearerToken?: string;
	basicAuth?: {username: string; password: string};
	/** Body size cap in bytes (default 8 MiB). */
	maxBytes?: number;
	/**
	 * Keep the connection open for the next request to the same server (see `reusingAgents`). Off by
	 * default: a health check opens a new connection each time, as kubelet probes and the blackbox
	 * exporter do, so it sees what a new client would (refused connections, TLS certificates, the
	 * time to connect), not a connection that was set up minutes ago.
	 */
	keepAlive?: boolean;
}

export interface HttpResponse {
	status: number;
	statusText: string;
	body: string;
	latencyMs: number;
	contentType?: string;
}

export const defaultMaxBytes = 8 * 1024 * 1024;

/** Strips credentials from a URL before it appears in a message. */
export function displayUrl(url: string): string {
	try {
		const u = new URL(url);
		if (u.username || u.password) {
			u.username = '';
			u.password = '';
		}
		return u.toString();
	} catch {
		return url;
	}
}

function sizeText(bytes: number): string {
	return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MiB` : bytes >= 1024 ? `${Math.round(bytes / 1024)} KiB` : `${bytes} bytes`;
}

const tlsCodes = /^(CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_TLS|ERR_SSL|HOSTNAME_MISMATCH|ERR_OSSL)/;

/** Turns a socket-level error into a short classified message. */
export function classifyError(error: unknown, url: string): HttpError {
	if (error instanceof HttpError) return error;
	const err = error as NodeJS.ErrnoException & {hostname?: string; address?: string; port?: number};
	const shown = displayUrl(url);
	let host = '';
	let hostPort = '';
	try {
		const u = new URL(url);
		host = u.hostname;
		hostPort = `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
	} catch {
		// keep empty
	}
	const code = err?.code ?? '';
	if (code === 'ECONNREFUSED') return new HttpError('refused', `connection refused (${hostPort})`, url);
	if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new HttpError('refused', `host unreachable (${hostPort})`, url);
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL' || code === 'EAI_NONAME') {
		return new HttpError('dns', `DNS lookup failed for ${host}`, url);
	}
	if (code === 'ECONNRESET' || code === 'EPIPE' || err?.message === 'socket hang up') {
		return new HttpError('reset', `connection reset by ${hostPort} (${shown})`, url);
	}
	if (code === 'ETIMEDOUT') return new HttpError('timeout', `connection timed out (${hostPort})`, url);
	if (tlsCodes.test(code)) return new HttpError('tls', `TLS error for ${host}: ${err.message} (set ca: or insecureSkipVerify: in the config)`, url);
	return new HttpError('reset', `request to ${shown} failed: ${err?.message ?? String(error)}`, url);
}

/**
 * Agents for `keepAlive` requests (the Prometheus API, scrape targets). Node's global agent keeps an
 * idle connection for only 5 s, which a 5 s refresh just misses, so every query opened a new
 * connection (and over HTTPS made a new TLS handshake). These keep idle connections for a minute,
 * or until a second before the timeout a server announces in its Keep-Alive header (Node does that
 * part). A server may still close an idle connection just as a request goes out on it: `httpGet`
 * then retries once on a new connection (see `staleReuse`).
 */
const reusingAgents = {
	http: new http.Agent({keepAlive: true, timeout: 60_000, scheduling: 'lifo'}),
	https: new https.Agent({keepAlive: true, timeout: 60_000, scheduling: 'lifo'}),
};

/** A request that failed on a reused connection before any answer: the server had closed it meanwhile. */
function staleReuse(request: http.ClientRequest, error: NodeJS.ErrnoException, answered: boolean): boolean {
	return request.reusedSocket && !answered && (error.code === 'ECONNRESET' || error.code === 'EPIPE' || error.message === 'socket hang up');
}

/**
 * The CA bundles of one session's requests, each file read once, on first use, and kept by whoever
 * holds this: an endpoint (clients/prometheus.ts Endpoint), a scrape backend, a run of the health
 * checks. Nothing is kept in the module: a cockpit started after a CA file changed reads the new
 * one, and two sessions in one process (tests, the demo beside a real one) never share a read. A
 * file that could not be read is not kept: it may appear before the next request.
 */
export class CaFiles {
	readonly #read = new Map<string, Promise<string>>();

	/** The PEM text of the CA file at `path`, read on the first request that names it. */
	read(path: string): Promise<string> {
		let pending = this.#read.get(path);
		if (!pending) {
			pending = readFile(path, 'utf8');
			this.#read.set(path, pending);
			pending.catch(() => this.#read.delete(path));
		}
		return pending;
	}
}

/** The CA file's text, kept in `caFiles` when given (else read for this request alone), or an HttpError that names the file. */
async function loadCa(path: string, url: string, caFiles: CaFiles | undefined): Promise<string> {
	try {
		return await (caFiles ? caFiles.read(path) : readFile(path, 'utf8'));
	} catch (error) {
		throw new HttpError('tls', `cannot read CA file ${path}: ${(error as Error).message}`, url);
	}
}

/**
 * GET `url`. Resolves for every HTTP status (callers decide what a 503 means; see `assertOk`);
 * rejects with an `HttpError` for timeouts, network, TLS and body-size failures.
 */
export async function httpGet(url: string, options: HttpGetOptions): Promise<HttpResponse> {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw new HttpError('http', `not a valid URL: ${url}`, url);
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new HttpError('http', `unsupported URL scheme ${parsed.protocol} (${url})`, url);
	const isHttps = parsed.protocol === 'https:';
	const ca = isHttps && options.ca ? await loadCa(options.ca, url, options.caFiles) : undefined;
	const maxBytes = options.maxBytes ?? defaultMaxBytes;
	const shown = displayUrl(url);

	const headers: Record<string, string> = {'user-agent': 'incident-tui', ...options.headers};
	if (options.bearerToken) headers.authorization = `Bearer ${options.bearerToken}`;
	else if (options.basicAuth) headers.authorization = `Basic ${Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString('base64')}`;
	else if (parsed.username) headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')}`;

	if (options.signal?.aborted) throw new HttpError('aborted', `request cancelled (${shown})`, url);

	return new Promise<HttpResponse>((resolve, reject) => {
		const started = performance.now();
		let settled = false;
		const requestOptions: https.RequestOptions = {method: options.method ?? 'GET', headers};
		if (isHttps) {
			if (ca) requestOptions.ca = ca;
			if (options.insecureSkipVerify) requestOptions.rejectUnauthorized = false;
		}
		let req: http.ClientRequest;

		const finish = (error: HttpError | null, response?: HttpResponse) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			options.signal?.removeEventListener('abort', onAbort);
			if (error) {
				req.destroy();
				reject(error);
			} else {
				resolve(response!);
			}
		};
		const onAbort = () => finish(new HttpError('aborted', `request cancelled (${shown})`, url));
		// One deadline for connect + headers + whole body: a server that accepts and never answers, or trickles, is cut here.
		const timer = setTimeout(() => finish(new HttpError('timeout', `timeout after ${options.timeoutMs} ms (${shown})`, url)), options.timeoutMs);
		options.signal?.addEventListener('abort', onAbort, {once: true});

		const send = (agent: http.Agent | false) => {
			let answered = false;
			const request = (isHttps ? https : http).request(parsed, {...requestOptions, agent});
			req = request;
			// `request`, not `req`: after a retry `req` is the new request, and this handler the old one's.
			request.on('error', (error: NodeJS.ErrnoException) => {
				if (settled) return;
				// A pooled connection the server had closed: sent again on a new one, unless it changes something.
				if (staleReuse(request, error, answered) && !options.method) send(false);
				else finish(classifyError(error, url));
			});
			request.on('response', res => {
				answered = true;
				receive(res);
			});
			request.end(options.body);
		};
		const receive = (res: http.IncomingMessage) => {
			const declared = Number(res.headers['content-length']);
			if (Number.isFinite(declared) && declared > maxBytes) {
				finish(new HttpError('body', `response body too large: ${sizeText(declared)} > limit ${sizeText(maxBytes)} (${shown})`, url, res.statusCode));
				return;
			}
			const chunks: Buffer[] = [];
			let size = 0;
			res.on('data', (chunk: Buffer) => {
				size += chunk.length;
				if (size > maxBytes) {
					finish(new HttpError('body', `response body too large: more than ${sizeText(maxBytes)} (${shown})`, url, res.statusCode));
					return;
				}
				chunks.push(chunk);
			});
			res.on('error', error => finish(classifyError(error, url)));
			res.on('aborted', () => finish(new HttpError('reset', `connection closed mid-body by ${parsed.host} (${shown})`, url)));
			res.on('end', () => {
				if (!res.complete) {
					finish(new HttpError('reset', `connection closed mid-body by ${parsed.host} (${shown})`, url));
					return;
				}
				const status = res.statusCode ?? 0;
				finish(null, {
					status,
					statusText: res.statusMessage || http.STATUS_CODES[status] || '',
					body: Buffer.concat(chunks).toString('utf8'),
					latencyMs: Math.round(performance.now() - started),
					contentType: res.headers['content-type'],
				});
			});
		};
		// A fresh connection is `agent: false` (closed after the answer); reused ones come from the pool.
		send(options.keepAlive ? reusingAgents[isHttps ? 'https' : 'http'] : false);
	});
}

/** "HTTP 503 Service Unavailable" */
export function statusLine(status: number, statusText?: string): string {
	const text = statusText || http.STATUS_CODES[status] || '';
	return `HTTP ${status}${text ? ` ${text}` : ''}`;
}

/** Throws an `HttpError` of kind 'http' unless the status is 2xx. */
export function assertOk(response: HttpResponse, url: string): HttpResponse {
	if (response.status >= 200 && response.status < 300) return response;
	throw new HttpError('http', `${statusLine(response.status, response.statusText)} (${displayUrl(url)})`, url, response.status);
}
