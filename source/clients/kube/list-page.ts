/**
 * One page of a list (limit/continue), read as plain JSON by hand, with node's HTTP client as the
 * watches read their events (watch-stream.ts), instead of through client-node's generated clients. Those turn every
 * item into its typed model (each field of each pod walked, timestamps made Dates) before we keep a
 * compact row of it: listing 50,000 pods took 1.0–1.6 s of CPU that way against 0.4–0.5 s for the
 * same pages parsed as JSON (bench/README.md). The rows are made from the raw objects either way
 * (convert.ts reads watch events, which are raw JSON, with the same code).
 *
 * Credentials are applied per request (an exec plugin may have renewed them), as for watches. An
 * answer other than 200 is a StreamRefused with the server's body, which kube-errors.ts reads as it
 * reads client-node's errors (statusCodeOf, the Status message on 403). Only GETs leave here, so the
 * read-only gate of callOptions has nothing to stop.
 */
import {request as httpRequest, type IncomingMessage} from 'node:http';
import {request as httpsRequest} from 'node:https';
import {createGunzip} from 'node:zlib';
import {StreamRefused} from '../watch-stream.js';
import type {KubeApi} from './api.js';

/** Which page: its size, and the token of the page before (resources.ts's ListParams). */
export interface PageParams {
	limit?: number;
	_continue?: string;
}

/** One page's items, and where the list stands (resources.ts's Page). */
export interface ListedPage<Raw> {
	items: Raw[];
	metadata?: {resourceVersion?: string; _continue?: string};
}

/** How much of a refusal's body is kept: enough for its Status. */
const maxRefusalChars = 64 * 1024;

/** What a list answer holds that we read. */
interface ListAnswer<Raw> {
	items?: Raw[] | null;
	metadata?: {resourceVersion?: string; continue?: string};
}

/** A list answer that is not a JSON list: said with where it came from. */
export class MalformedList extends Error {
	constructor(url: URL, why: string) {
		super(`the API server's answer to GET ${url.pathname} is not a list (${why})`);
		this.name = 'MalformedList';
	}
}

/** The URL of one page of `path`'s list: `limit` and the `continue` token of the page before. */
export function listPageUrl(server: string, path: string, params: PageParams): URL {
	const url = new URL(server + path);
	if (params.limit !== undefined) url.searchParams.set('limit', String(params.limit));
	if (params._continue) url.searchParams.set('continue', params._continue);
	return url;
}

/** GETs one page of `path`'s list (see the file's comment); aborts with `signal` (the caller's deadline). */
export async function listPage<Raw>(api: KubeApi, path: string, params: PageParams, signal: AbortSignal): Promise<ListedPage<Raw>> {
	const options = await api.requestOptions();
	signal.throwIfAborted();
	const url = listPageUrl(api.target.server, path, params);
	return new Promise<ListedPage<Raw>>((resolve, reject) => {
		let settled = false;
		const settle = (error: Error | undefined, page?: ListedPage<Raw>) => {
			if (settled) return;
			settled = true;
			signal.removeEventListener('abort', aborted);
			if (page) resolve(page);
			else reject(error ?? new Error(`the list of ${path} ended with neither a page nor an error`));
		};
		const aborted = () => {
			request.destroy();
			// The caller's reason (its deadline's TimeoutError, its AbortError) when it gave an Error, as a promise's rejection must be.
			const reason: unknown = signal.reason;
			settle(reason instanceof Error ? reason : new Error(`the list of ${path} was aborted`));
		};
		const read = (response: IncomingMessage) => {
			// Compressed when the server compresses (kube-apiserver does for large lists, as it does for
			// client-node's requests): a page of 500 real pods is megabytes of JSON.
			const body = response.headers['content-encoding'] === 'gzip' ? response.pipe(createGunzip()) : response;
			body.setEncoding('utf8');
			const ok = response.statusCode === 200;
			const chunks: string[] = [];
			let kept = 0;
			body.on('data', (chunk: string) => {
				// A refusal's body is read for its Status only: kept up to a limit.
				if (!ok && kept > maxRefusalChars) return;
				chunks.push(chunk);
				kept += chunk.length;
			});
			body.on('error', settle);
			response.on('error', settle);
			body.on('end', () => {
				const text = chunks.join('');
				if (!ok) {
					settle(new StreamRefused(response.statusCode ?? 0, text.slice(0, maxRefusalChars)));
					return;
				}
				let answer: ListAnswer<Raw>;
				try {
					answer = JSON.parse(text) as ListAnswer<Raw>;
				} catch (error) {
					settle(new MalformedList(url, error instanceof Error ? error.message : String(error)));
					return;
				}
				if (typeof answer !== 'object' || answer === null || (answer.items !== undefined && answer.items !== null && !Array.isArray(answer.items))) {
					settle(new MalformedList(url, 'no items'));
					return;
				}
				const {resourceVersion, continue: token} = answer.metadata ?? {};
				settle(undefined, {items: answer.items ?? [], metadata: {...(typeof resourceVersion === 'string' ? {resourceVersion} : {}), ...(typeof token === 'string' && token ? {_continue: token} : {})}});
			});
		};
		const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
		const request = send(url, {...options, method: 'GET', headers: {...options.headers, accept: 'application/json', 'accept-encoding': 'gzip'}}, read);
		request.on('error', settle);
		request.end();
		signal.addEventListener('abort', aborted, {once: true});
	});
}
