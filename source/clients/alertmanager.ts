/**
 * Alertmanager's API v2: its active alerts as it groups them, with what it knows that Prometheus
 * does not (silences, inhibitions); its silences, created and expired. Errors are left as they are:
 * the source and `status` report them per source.
 */
import {createHash} from 'node:crypto';
import {displayUrl, HttpError, type HttpResponse} from './http.js';
import type {AlertInfo, Labels} from '../ports/metrics.js';
import {Endpoint, type EndpointOptions} from './prometheus.js';
import type {Matcher} from '../model/matcher.js';

/** The group an alert is in: Alertmanager's (`/api/v2/alerts/groups`), or its name's when only Prometheus knows it. */
export interface AlertGroup {
	/** Tells one group from another: its receiver and its labels. */
	key: string;
	/** The labels the route groups by (`group_by`); {alertname} for a Prometheus alert. */
	labels: Labels;
	receiver?: string;
}

/** An active alert: what the runbooks match on (AlertInfo), and what its details show. */
export interface Alert extends AlertInfo {
	annotations?: Record<string, string>;
	generatorURL?: string;
	/** When Alertmanager ends it unless it is sent again (ISO time). */
	endsAt?: string;
	group?: AlertGroup;
	/** Where it was read: `alertmanager` or `prometheus`. */
	from?: string;
}

// One matcher of a silence, as Alertmanager's API writes it: plain data of source/model, said here too for the client's callers.
export type {Matcher};

/** A silence as Alertmanager holds it (`GET /api/v2/silences`). */
export interface Silence {
	id: string;
	matchers: Matcher[];
	startsAt: string;
	endsAt: string;
	createdBy: string;
	comment: string;
	/** `active`, `pending` (starts later) or `expired`. */
	state: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringRecord(value: unknown): Record<string, string> {
	if (!isRecord(value)) return {};
	return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function stringList(value: unknown): string[] {
	return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * Alertmanager's active alerts. State: 'firing' (active), 'suppressed' (silenced or inhibited, with
 * the silences' ids in silencedBy and the inhibiting alerts' fingerprints in inhibitedBy) or
 * 'pending' (not processed yet).
 */
export async function fetchAlertmanagerAlerts(cfg: EndpointOptions, signal: AbortSignal): Promise<AlertInfo[]> {
	const endpoint = new Endpoint(cfg, 'Alertmanager');
	const {status, json} = await endpoint.getJson('/api/v2/alerts', {active: 'true'}, signal);
	const where = displayUrl(endpoint.urlFor('/api/v2/alerts'));
	if (status < 200 || status >= 300) {
		const text = isRecord(json) && typeof json.message === 'string' ? `: ${json.message}` : '';
		throw new HttpError('http', `Alertmanager at ${where} answered HTTP ${status}${text}`, where, status);
	}
	if (!Array.isArray(json)) throw new Error(`Alertmanager at ${where} did not return a list of alerts; is the URL right?`);
	return json.filter(isRecord).map(alertOf);
}

/** An alert of Alertmanager's answer (a GettableAlert) as the runbooks match it. */
function alertOf(a: Record<string, unknown>): AlertInfo {
	const labels = stringRecord(a.labels);
	const annotations = stringRecord(a.annotations);
	const raw = isRecord(a.status) && typeof a.status.state === 'string' ? a.status.state : 'active';
	const state = raw === 'active' ? 'firing' : raw === 'unprocessed' ? 'pending' : raw;
	const alert: AlertInfo = {name: labels.alertname ?? 'unnamed', state, labels};
	if (typeof a.startsAt === 'string') alert.activeAt = a.startsAt;
	const summary = annotations.summary ?? annotations.description;
	if (summary) alert.summary = summary;
	const silencedBy = isRecord(a.status) ? stringList(a.status.silencedBy) : [];
	const inhibitedBy = isRecord(a.status) ? stringList(a.status.inhibitedBy) : [];
	if (silencedBy.length > 0) alert.silencedBy = silencedBy;
	if (inhibitedBy.length > 0) alert.inhibitedBy = inhibitedBy;
	if (typeof a.fingerprint === 'string') alert.fingerprint = a.fingerprint;
	return alert;
}

/** An alert of Alertmanager's answer with what its details show: its annotations, where it comes from, when it ends. */
function detailedAlertOf(a: Record<string, unknown>): Alert {
	const alert: Alert = {...alertOf(a), from: 'alertmanager'};
	const annotations = stringRecord(a.annotations);
	if (Object.keys(annotations).length > 0) alert.annotations = annotations;
	if (typeof a.generatorURL === 'string' && a.generatorURL) alert.generatorURL = a.generatorURL;
	if (typeof a.endsAt === 'string') alert.endsAt = a.endsAt;
	return alert;
}

/** Alertmanager's answer when it is not 2xx: an error that names it, the status and its message. */
function refused(status: number, json: unknown, where: string, what: string): HttpError {
	const text = isRecord(json) && typeof json.message === 'string' ? `: ${json.message}` : typeof json === 'string' && json ? `: ${json}` : '';
	return new HttpError('http', `Alertmanager at ${where} answered HTTP ${status} to ${what}${text}`, where, status);
}

/** A group's identity, from its receiver and labels: a digest, as the labels are text from outside, shown (scrubbed) from `labels` only. */
export function groupKey(receiver: string, labels: Labels): string {
	const sorted = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	return createHash('sha256').update(JSON.stringify([receiver, sorted])).digest('hex').slice(0, 16);
}

/**
 * Alertmanager's active alerts as its routes group them (`GET /api/v2/alerts/groups`: firing,
 * silenced and inhibited), each alert with its group. An alert two routes send is in two groups:
 * it is listed once, in the first.
 */
export async function fetchAlertmanagerGroups(cfg: EndpointOptions, signal: AbortSignal): Promise<Alert[]> {
	const endpoint = new Endpoint(cfg, 'Alertmanager');
	const {status, json} = await endpoint.getJson('/api/v2/alerts/groups', {}, signal);
	const where = displayUrl(endpoint.urlFor('/api/v2/alerts/groups'));
	if (status < 200 || status >= 300) throw refused(status, json, where, 'the alert groups');
	if (!Array.isArray(json)) throw new Error(`Alertmanager at ${where} did not return a list of alert groups; is the URL right?`);
	const seen = new Set<string>();
	const alerts: Alert[] = [];
	for (const group of json.filter(isRecord)) {
		const labels = stringRecord(group.labels);
		const receiver = isRecord(group.receiver) && typeof group.receiver.name === 'string' ? group.receiver.name : undefined;
		const key = groupKey(receiver ?? '', labels);
		for (const raw of Array.isArray(group.alerts) ? group.alerts.filter(isRecord) : []) {
			const alert = detailedAlertOf(raw);
			const id = alert.fingerprint ?? JSON.stringify(alert.labels);
			if (seen.has(id)) continue;
			seen.add(id);
			alerts.push({...alert, group: {key, labels, ...(receiver === undefined ? {} : {receiver})}});
		}
	}
	return alerts;
}

function matcherOf(value: unknown): Matcher | undefined {
	if (!isRecord(value) || typeof value.name !== 'string' || typeof value.value !== 'string') return undefined;
	return {name: value.name, value: value.value, isRegex: value.isRegex === true, isEqual: value.isEqual !== false};
}

/** Alertmanager's silences that are active or pending (`GET /api/v2/silences`), the expired left out. */
export async function fetchSilences(cfg: EndpointOptions, signal: AbortSignal): Promise<Silence[]> {
	const endpoint = new Endpoint(cfg, 'Alertmanager');
	const {status, json} = await endpoint.getJson('/api/v2/silences', {}, signal);
	const where = displayUrl(endpoint.urlFor('/api/v2/silences'));
	if (status < 200 || status >= 300) throw refused(status, json, where, 'the silences');
	if (!Array.isArray(json)) throw new Error(`Alertmanager at ${where} did not return a list of silences; is the URL right?`);
	const silences: Silence[] = [];
	for (const s of json.filter(isRecord)) {
		const state = isRecord(s.status) && typeof s.status.state === 'string' ? s.status.state : 'unknown';
		if (typeof s.id !== 'string' || state === 'expired') continue;
		const matchers = Array.isArray(s.matchers) ? s.matchers.map(matcherOf).filter((m): m is Matcher => m !== undefined) : [];
		const text = (value: unknown) => (typeof value === 'string' ? value : '');
		silences.push({id: s.id, matchers, startsAt: text(s.startsAt), endsAt: text(s.endsAt), createdBy: text(s.createdBy), comment: text(s.comment), state});
	}
	return silences.sort((a, b) => a.endsAt.localeCompare(b.endsAt) || a.id.localeCompare(b.id));
}

/** What a silence is made of: its matchers, until when, by whom and why. */
export interface NewSilence {
	matchers: Matcher[];
	startsAt: string;
	endsAt: string;
	createdBy: string;
	comment: string;
}

function parsed(response: HttpResponse): unknown {
	try {
		return JSON.parse(response.body) as unknown;
	} catch {
		return response.body.replace(/\s+/g, ' ').trim().slice(0, 120);
	}
}

/** Creates a silence (`POST /api/v2/silences`); resolves to its id. */
export async function createSilence(cfg: EndpointOptions, silence: NewSilence, signal: AbortSignal): Promise<string> {
	const endpoint = new Endpoint(cfg, 'Alertmanager');
	const where = displayUrl(endpoint.urlFor('/api/v2/silences'));
	const response = await endpoint.send('POST', '/api/v2/silences', silence, signal);
	const json = parsed(response);
	if (response.status < 200 || response.status >= 300) throw refused(response.status, json, where, 'the new silence');
	if (!isRecord(json) || typeof json.silenceID !== 'string') throw new Error(`Alertmanager at ${where} answered without a silenceID; is the URL right?`);
	return json.silenceID;
}

/** Expires a silence (`DELETE /api/v2/silence/{id}`): the alerts it silenced fire again. */
export async function expireSilence(cfg: EndpointOptions, id: string, signal: AbortSignal): Promise<void> {
	const endpoint = new Endpoint(cfg, 'Alertmanager');
	const path = `/api/v2/silence/${encodeURIComponent(id)}`;
	const response = await endpoint.send('DELETE', path, undefined, signal);
	if (response.status < 200 || response.status >= 300) throw refused(response.status, parsed(response), displayUrl(endpoint.urlFor(path)), `the expiry of silence ${id}`);
}
