/**
 * Turns what @kubernetes/client-node throws (ApiException with a Status body, node-fetch errors)
 * and what a refused watch carries (its HTTP status and Status body) into one-line messages an operator can act on:
 * the API server's own Status.message (which names verb and resource on 403), plus context and
 * namespace. Pure: no client-node import, so it costs nothing at startup.
 */
import {STATUS_CODES} from 'node:http';

/** The part of a Kubernetes metav1.Status we use. */
export interface KubeStatus {
	kind?: string;
	status?: string;
	message?: string;
	reason?: string;
	code?: number;
	details?: {name?: string; group?: string; kind?: string};
}

export interface KubeErrorContext {
	context: string;
	namespace: string;
	/** API server URL, named when it cannot be reached. */
	server?: string;
	/** What we were doing, e.g. "watch pods", "roll back deployment/api". */
	doing?: string;
}

/** An error from the API server or the way to it, with the HTTP status when there was one. */
export class KubeError extends Error {
	constructor(
		message: string,
		readonly code: number | undefined,
		readonly reason: string | undefined,
	) {
		super(message);
		this.name = 'KubeError';
	}
}

export function isStatus(value: unknown): value is KubeStatus {
	return typeof value === 'object' && value !== null && ((value as KubeStatus).kind === 'Status' || typeof (value as KubeStatus).message === 'string');
}

/** Parses a response body that may be a Status (JSON text or an object already parsed). */
export function parseStatus(body: unknown): KubeStatus | undefined {
	if (typeof body === 'string') {
		try {
			const parsed: unknown = JSON.parse(body);
			return isStatus(parsed) ? parsed : undefined;
		} catch {
			return undefined;
		}
	}
	return isStatus(body) ? body : undefined;
}

/** HTTP status code of anything client-node throws (ApiException.code, Status.code) or a refused watch's .statusCode. */
export function statusCodeOf(error: unknown): number | undefined {
	if (error instanceof KubeError) return error.code;
	if (typeof error !== 'object' || error === null) return undefined;
	const record = error as {code?: unknown; statusCode?: unknown; body?: unknown};
	if (typeof record.statusCode === 'number') return record.statusCode;
	if (typeof record.code === 'number') return record.code;
	return parseStatus(record.body)?.code;
}

const httpReasons: Record<number, string> = {
	401: 'Unauthorized: the credentials in the kubeconfig were rejected (expired token or certificate?)',
	403: 'Forbidden',
	404: 'Not found',
	409: 'Conflict: the object changed meanwhile; try again',
	410: 'Gone: resource version too old',
	415: 'Unsupported media type',
	422: 'Invalid',
	429: 'Too many requests',
	500: 'Internal server error',
	503: 'Service unavailable',
};

/** "context X, namespace Y": where a Kubernetes error happened, as every message says it. */
export function where(ctx: KubeErrorContext): string {
	// A cluster-scoped request (every namespace, -A) has no namespace.
	return `context ${ctx.context || '(none)'}, ${ctx.namespace ? `namespace ${ctx.namespace}` : 'all namespaces'}`;
}

/** How much of a body that is not a Status a message quotes. */
const maxBodyChars = 200;

/** A response body that is not a Status, as one short line: tags, control characters and runs of spaces dropped. */
export function bodyText(body: unknown): string {
	if (typeof body !== 'string') return '';
	// Control characters are what is removed.
	const text = body.replace(/<[^>]*>/g, ' ').replace(/[\u0000-\u001F\u007F-\u009F]/g, ' ').replace(/\s+/g, ' ').trim();
	return text.length > maxBodyChars ? `${text.slice(0, maxBodyChars)}…` : text;
}

/** One-line description of a Kubernetes client error, with the context that helps act on it. */
export function describeKubeError(error: unknown, ctx: KubeErrorContext): KubeError {
	if (error instanceof KubeError) return error;
	const code = statusCodeOf(error);
	const status = typeof error === 'object' && error !== null ? parseStatus((error as {body?: unknown}).body) : undefined;
	const doing = ctx.doing ? `${ctx.doing}: ` : '';
	if (status?.message) {
		return new KubeError(`${doing}${status.message} (${where(ctx)})`, code ?? status.code, status.reason);
	}
	if (code !== undefined) {
		// Not a Status: a proxy's or load balancer's own answer. Say what it said, with the status.
		const said = bodyText(typeof error === 'object' && error !== null ? (error as {body?: unknown}).body : undefined);
		if (said) return new KubeError(`${doing}HTTP ${code}${STATUS_CODES[code] ? ` ${STATUS_CODES[code]}` : ''}: ${said} (${where(ctx)})`, code, undefined);
		const reason = httpReasons[code] ?? `HTTP ${code}`;
		return new KubeError(`${doing}${reason} (HTTP ${code}, ${where(ctx)})`, code, undefined);
	}
	const raw = error instanceof Error ? error.message : String(error);
	const sysCode = typeof error === 'object' && error !== null ? (error as {code?: unknown}).code : undefined;
	const detail = typeof sysCode === 'string' && !raw.includes(sysCode) ? `${sysCode}: ${raw}` : raw;
	const server = ctx.server ? ` ${ctx.server}` : '';
	return new KubeError(`${doing}cannot reach the API server${server} (${where(ctx)}): ${detail}`, undefined, 'Unreachable');
}
