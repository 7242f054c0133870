/**
 * Health checks: one GET per configured service, with its status code, latency and, when the
 * body is a JSON deep-health document, one sub-row per dependency.
 */
import {httpGet, statusLine, type CaFiles} from '../../clients/http.js';
import type {ServiceConfig} from '../../config/schema.js';
import {formatValue, toneFor, worstTone, type Tone} from '../../text/format.js';
import type {DependencyRow, HealthRow} from './data.js';

const okWords = new Set(['ok', 'okay', 'healthy', 'up', 'pass', 'passed', 'passing', 'green', 'good', 'available', 'running', 'serving', 'success', 'true', 'alive', 'ready']);
const warnWords = new Set(['degraded', 'warn', 'warning', 'yellow', 'partial', 'partially_healthy', 'out_of_service_partial']);

/** ok / warn / crit for a status word from a deep-health body. */
export function statusTone(status: string): Tone {
	const word = status.trim().toLowerCase().replace(/[\s-]+/g, '_');
	if (okWords.has(word)) return 'ok';
	if (warnWords.has(word)) return 'warn';
	return 'crit';
}

const containerKeys = ['services', 'checks', 'dependencies', 'components', 'details', 'entries', 'results'] as const;
const nameKeys = ['name', 'id', 'component', 'service', 'componentId', 'key'] as const;
const statusKeys = ['status', 'state', 'health', 'result'] as const;
const latencyKeys = [
	'latency_ms',
	'latencyMs',
	'latency',
	'responseTime',
	'response_time',
	'response_time_ms',
	'responseTimeMs',
	'duration_ms',
	'durationMs',
	'duration',
	'time_ms',
	'timeMs',
	'elapsed_ms',
	'observedValue',
] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A number of milliseconds from 12, "12", "12ms", "1.5s" or a .NET-style "00:00:00.0123". */
export function parseLatency(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	const clock = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(text);
	if (clock) return Math.round(((Number(clock[1]) * 60 + Number(clock[2])) * 60 + Number(clock[3])) * 1000 * 1000) / 1000;
	const unit = /^(\d+(?:\.\d+)?)\s*(ms|s|us|\u00B5s|ns)?$/i.exec(text);
	if (!unit) return undefined;
	const n = Number(unit[1]);
	switch ((unit[2] ?? 'ms').toLowerCase()) {
		case 's':
			return n * 1000;
		case 'us':
		case 'µs':
			return n / 1000;
		case 'ns':
			return n / 1e6;
		default:
			return n;
	}
}

function statusOf(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'boolean') return value ? 'up' : 'down';
	if (!isRecord(value)) return undefined;
	for (const key of statusKeys) {
		const v = value[key];
		if (typeof v === 'string') return v;
		if (typeof v === 'boolean') return v ? 'up' : 'down';
		if (isRecord(v) && typeof v.status === 'string') return v.status;
	}
	for (const key of ['healthy', 'ok', 'up'] as const) if (typeof value[key] === 'boolean') return value[key] ? 'up' : 'down';
	return undefined;
}

function latencyOf(value: unknown): number | undefined {
	if (!isRecord(value)) return undefined;
	for (const key of latencyKeys) {
		const ms = parseLatency(value[key]);
		if (ms !== undefined) return ms;
	}
	if (isRecord(value.details)) return latencyOf(value.details);
	return undefined;
}

function row(name: string, value: unknown): DependencyRow | undefined {
	// RFC-draft health+json: `checks: {"db:responseTime": [{status, observedValue}]}`
	const item: unknown = Array.isArray(value) ? (value as unknown[])[0] : value;
	const status = statusOf(item);
	if (status === undefined) return undefined;
	const tone = statusTone(status);
	const latencyMs = latencyOf(item);
	return {name, status, ok: tone !== 'crit', tone, ...(latencyMs === undefined ? {} : {latencyMs})};
}

/**
 * Dependencies from a deep-health body. Accepts the common shapes:
 *  - `{status, services|checks|dependencies|components|details|entries: {name: {status, latency_ms|latencyMs|responseTime|duration...}}}`
 *  - the same with an array of `{name, status, latency}` instead of a map, or a bare such array;
 *  - Spring Boot actuator `{status: 'UP', components: {db: {status: 'UP', details: {...}}}}`;
 *  - ASP.NET `{status, entries: {name: {status, duration: '00:00:00.01'}}}`;
 *  - map values that are plain strings (`{"db": "ok"}`) or booleans.
 * Returns [] for anything else (a plain "OK" body is fine: the status code decides).
 */
export function parseDeepHealth(body: unknown): DependencyRow[] {
	let container: unknown = body;
	if (isRecord(body)) {
		container = undefined;
		for (const key of containerKeys) {
			if (isRecord(body[key]) || Array.isArray(body[key])) {
				container = body[key];
				break;
			}
		}
		if (container === undefined) return [];
	}
	const rows: DependencyRow[] = [];
	if (Array.isArray(container)) {
		for (const item of container) {
			if (!isRecord(item)) continue;
			const nameKey = nameKeys.find(k => typeof item[k] === 'string');
			if (!nameKey) continue;
			const r = row(item[nameKey] as string, item);
			if (r) rows.push(r);
		}
	} else if (isRecord(container)) {
		for (const [name, value] of Object.entries(container)) {
			const r = row(name, value);
			if (r) rows.push(r);
		}
	}
	return rows;
}

/** The overall status word of a deep-health body, if it has one. */
function overallStatus(body: unknown): string | undefined {
	return isRecord(body) ? statusOf(body) : undefined;
}

/**
 * A dependency's latency against its thresholds: its own from the config (`dependencies: {name:
 * {warnMs, criticalMs}}`), else the service's. Over one, its tone is at least that bad, and it says so.
 */
export function gradeLatency(dep: DependencyRow, service: Pick<ServiceConfig, 'warnMs' | 'criticalMs' | 'dependencies'>): DependencyRow {
	const own = service.dependencies?.[dep.name];
	const latencyTone = toneFor(dep.latencyMs, {warn: own?.warnMs ?? service.warnMs, critical: own?.criticalMs ?? service.criticalMs});
	if (latencyTone !== 'warn' && latencyTone !== 'crit') return dep;
	return {...dep, tone: worstTone([dep.tone, latencyTone]), detail: `slow: ${formatValue(dep.latencyMs, 'ms')}`};
}

/**
 * A check's row, with what an earlier one knew where this one knows nothing: when the service did
 * not answer, the time of its last answer; when it is unhealthy and names no dependencies (no
 * answer, a proxy's error page), the last dependency rows, marked stale with the time they were read.
 */
export function withLastKnown(row: HealthRow, previous: HealthRow | undefined): HealthRow {
	if (!previous) return row;
	let next = row;
	if (row.status === undefined && previous.lastAnswerAt !== undefined) next = {...next, lastAnswerAt: previous.lastAnswerAt};
	if (!row.ok && row.dependencies.length === 0 && previous.dependencies.length > 0) {
		const dependencies = previous.dependencies.map(d => (d.stale ? d : {...d, tone: 'muted' as const, stale: true as const, checkedAt: previous.checkedAt}));
		next = {...next, dependencies};
	}
	return next;
}

/**
 * Checks one service once. Never throws: a failure is a row that says what went wrong. `caFiles`
 * keeps the CA files the checks of one run read (the health source's); without it each check reads its own.
 */
export async function checkService(service: ServiceConfig, signal: AbortSignal, now: () => number = Date.now, caFiles?: CaFiles): Promise<HealthRow> {
	const url = service.health ?? '';
	const base = {name: service.name, url, ...(service.deployment ? {deployment: service.deployment} : {}), dependencies: [] as DependencyRow[]};
	try {
		// A new connection for every check (httpGet's default; see HttpGetOptions.keepAlive).
		const res = await httpGet(url, {
			timeoutMs: service.timeoutMs ?? 2000,
			signal,
			headers: {accept: 'application/json, text/plain;q=0.9, */*;q=0.5', ...service.headers},
			...(service.ca ? {ca: service.ca, ...(caFiles ? {caFiles} : {})} : {}),
			insecureSkipVerify: service.insecureSkipVerify ?? false,
			maxBytes: 1024 * 1024,
		});
		let body: unknown;
		if (/json/i.test(res.contentType ?? '') || /^\s*[[{]/.test(res.body)) {
			try {
				body = JSON.parse(res.body);
			} catch {
				body = undefined;
			}
		}
		const dependencies = body === undefined ? [] : parseDeepHealth(body).map(dep => gradeLatency(dep, service));
		const overall = overallStatus(body);
		const overallTone = overall === undefined ? 'ok' : statusTone(overall);
		const httpOk = res.status >= 200 && res.status < 300;
		const ok = httpOk && overallTone !== 'crit';
		const latencyTone = toneFor(res.latencyMs, {warn: service.warnMs, critical: service.criticalMs});
		// A failing dependency behind a 200 is at least a warning on the service row.
		const depTone = worstTone(dependencies.map(d => d.tone)) === 'crit' ? 'warn' : worstTone(dependencies.map(d => d.tone));
		const tone: Tone = ok ? worstTone(['ok', latencyTone, overallTone, depTone]) : 'crit';
		let detail: string | undefined;
		if (!httpOk) detail = statusLine(res.status, res.statusText);
		else if (overallTone !== 'ok') detail = `status ${overall}`;
		else if (latencyTone === 'crit' || latencyTone === 'warn') detail = `slow: ${formatValue(res.latencyMs, 'ms')}`;
		else {
			const bad = dependencies.filter(d => d.tone !== 'ok');
			if (bad.length > 0) detail = `${bad.map(d => `${d.name} ${statusTone(d.status) === 'ok' && d.detail ? d.detail : d.status}`).join(', ')}`;
		}
		const checkedAt = now();
		return {...base, ok, status: res.status, latencyMs: res.latencyMs, tone, dependencies, checkedAt, lastAnswerAt: checkedAt, ...(detail ? {detail} : {})};
	} catch (error) {
		return {...base, ok: false, tone: 'crit', detail: (error as Error).message, checkedAt: now()};
	}
}

/** Checks every service with a health URL, all at once. */
export async function checkAll(services: readonly ServiceConfig[], signal: AbortSignal, now?: () => number, caFiles?: CaFiles): Promise<HealthRow[]> {
	return Promise.all(services.filter(s => s.health).map(s => checkService(s, signal, now, caFiles)));
}
