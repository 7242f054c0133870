/**
 * Follows a container's log (`GET pods/NAME/log?follow=true`), a line at a time, as `kubectl logs -f`
 * prints it.
 *
 * Written here instead of using client-node's `Log`: that one drops the Status body of a refusal, so
 * a 403 would say only "Error occurred in log request" instead of which permission is missing (and
 * a 400 would not say the container is waiting to start), and it turns every network error into a
 * 500. The request options still come from client-node's KubeConfig (server, TLS, credentials,
 * proxies, exec plugins), as for watches (watch-stream.ts).
 */
import type {IncomingMessage} from 'node:http';
import type {RequestOptions} from 'node:https';
import {requestStream} from './watch-stream.js';

export interface LogHandlers {
	/** One line of the log, without its line end. */
	line(text: string): void;
	/** Called once: null when the server ended the log (the container stopped), else why it stopped. Never after close(). */
	done(error: Error | null): void;
}

/** A longer line is cut here and the rest dropped: a log line of megabytes is one nobody reads on a screen. */
export const maxLogLineChars = 16 * 1024;
/**
 * Opens `url` (a pods/NAME/log URL with `follow=true`) using `options` from
 * KubeConfig.applyToHTTPSOptions. Returns close(), which ends the request without calling done.
 */
export function openLogStream(url: URL, options: RequestOptions, handlers: LogHandlers): () => void {
	let closed = false;
	const stop = () => {
		closed = true;
		request.destroy();
	};
	const finish = (error: Error | null) => {
		if (closed) return;
		stop();
		handlers.done(error);
	};
	const request = requestStream(url, {...options, headers: {...options.headers, accept: '*/*'}}, finish, undefined, (response: IncomingMessage) => {
		let partial = '';
		let ended = false;
		const emit = (line: string) => {
			if (closed) return;
			handlers.line((line.endsWith('\r') ? line.slice(0, -1) : line).slice(0, maxLogLineChars));
		};
		response.on('data', (chunk: string) => {
			const lines = (partial + chunk).split('\n');
			partial = lines.pop()!;
			// An endless line is cut, not held: the stream goes on with the next one.
			if (partial.length > maxLogLineChars) partial = partial.slice(0, maxLogLineChars);
			for (const line of lines) emit(line);
		});
		response.on('end', () => {
			ended = true;
			if (partial) emit(partial);
			finish(null);
		});
		// A response that breaks says only "aborted": say what that means here.
		const broken = () => finish(ended ? null : new Error('the connection closed in the middle of the log'));
		response.on('error', broken);
		response.on('close', broken);
	});
	return stop;
}
