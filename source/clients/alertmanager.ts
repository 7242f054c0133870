/**
 * Alertmanager's API v2: its active alerts, with what it knows that Prometheus does not (silences,
 * inhibitions). Errors are left as they are: `status` reports them per source.
 */
import {displayUrl, HttpError} from './http.js';
import type {AlertInfo} from '../ports/metrics.js';
import {Endpoint, type EndpointOptions} from './prometheus.js';

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
	return json.filter(isRecord).map(a => {
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
	});
}
