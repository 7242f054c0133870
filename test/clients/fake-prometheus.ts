import type http from 'node:http';
import {startServer, type LocalServer} from './local-server.js';

export type Reply = {status?: number; contentType?: string; body: unknown} | 'hang';

/**
 * A stand-in for the Prometheus HTTP API on 127.0.0.1: `reply(path, params)` decides each answer.
 * Object bodies are sent as JSON; strings as they are.
 */
export async function startFakePrometheus(reply: (path: string, params: URLSearchParams, req: http.IncomingMessage) => Reply): Promise<LocalServer> {
	return startServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://x');
		const answer = reply(url.pathname, url.searchParams, req);
		if (answer === 'hang') return;
		res.statusCode = answer.status ?? 200;
		const isText = typeof answer.body === 'string';
		res.setHeader('content-type', answer.contentType ?? (isText ? 'text/plain' : 'application/json'));
		res.end(isText ? (answer.body as string) : JSON.stringify(answer.body));
	});
}

export function vector(samples: Array<{metric?: Record<string, string>; value: string}>, time = 1700000000) {
	return {status: 'success', data: {resultType: 'vector', result: samples.map(s => ({metric: s.metric ?? {}, value: [time, s.value]}))}};
}

export function matrix(series: Array<{metric?: Record<string, string>; values: Array<[number, string]>}>) {
	return {status: 'success', data: {resultType: 'matrix', result: series.map(s => ({metric: s.metric ?? {}, values: s.values}))}};
}
