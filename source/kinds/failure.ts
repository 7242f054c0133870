/**
 * What kind of failure an error is, for a feed's state (store/types.ts FeedFailure): a source that
 * could not be reached, one that refused the credentials, or one that answered with an error.
 */
import {HttpError} from '../clients/http.js';
import {KubeError} from '../clients/kube-errors.js';
import type {FeedFailure} from '../store/types.js';

/** An error that already knows its kind of failure (a source that tried several servers, say). */
export class SourceError extends Error {
	constructor(
		message: string,
		readonly failure: FeedFailure,
	) {
		super(message);
		this.name = 'SourceError';
	}
}

const unreachableHttp = new Set<HttpError['kind']>(['timeout', 'refused', 'dns', 'tls', 'reset']);

export function failureOf(error: unknown): FeedFailure {
	if (error instanceof SourceError) return error.failure;
	if (error instanceof HttpError) {
		if (error.status === 401 || error.status === 403) return 'unauthorized';
		return unreachableHttp.has(error.kind) ? 'unreachable' : 'error';
	}
	if (error instanceof KubeError) {
		if (error.code === 401 || error.code === 403) return 'unauthorized';
		return error.reason === 'Unreachable' || error.reason === 'Timeout' ? 'unreachable' : 'error';
	}
	return 'error';
}

/** The worst of several failures, for one feed fed by several servers: unauthorized, then unreachable. */
export function worstFailure(failures: readonly FeedFailure[]): FeedFailure {
	if (failures.includes('unauthorized')) return 'unauthorized';
	if (failures.includes('unreachable')) return 'unreachable';
	return 'error';
}
