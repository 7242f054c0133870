/**
 * Active alerts, from Prometheus (/api/v1/alerts, through the Metrics port) and from Alertmanager
 * (/api/v2/alerts) when configured. A firing alert and a resolved one each write a timeline signal.
 */
import {displayUrl} from '../clients/http.js';
import type {AlertInfo, Metrics} from '../ports/metrics.js';
import type {SignalLevel} from '../timeline/events.js';
import {previousSignals, startFeedPoller} from './poller.js';
import {Endpoint, type EndpointOptions} from './prometheus.js';
import type {SourceContext} from './registry.js';

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringRecord(value: unknown): Record<string, string> {
	if (!isRecord(value)) return {};
	return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** Alertmanager's active alerts. State: 'firing' (active), 'suppressed' (silenced/inhibited) or 'pending' (unprocessed). */
export async function fetchAlertmanagerAlerts(cfg: EndpointOptions, signal: AbortSignal): Promise<AlertInfo[]> {
	const endpoint = new Endpoint(cfg, 'Alertmanager');
	const {status, json} = await endpoint.getJson('/api/v2/alerts', {active: 'true'}, signal);
	const where = displayUrl(endpoint.urlFor('/api/v2/alerts'));
	if (status < 200 || status >= 300) {
		const text = isRecord(json) && typeof json.message === 'string' ? `: ${json.message}` : '';
		throw new Error(`Alertmanager at ${where} answered HTTP ${status}${text}`);
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
		return alert;
	});
}

/** Stable identity of an alert: its name plus its sorted labels. */
export function alertKey(alert: AlertInfo): string {
	const labels = Object.entries(alert.labels)
		.filter(([k]) => k !== 'alertname')
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
		.map(([k, v]) => `${k}=${v}`)
		.join(',');
	return labels ? `${alert.name}{${labels}}` : alert.name;
}

/** Timeline level for a firing alert, from its `severity` label. */
export function alertLevel(alert: AlertInfo): SignalLevel {
	const severity = (alert.labels.severity ?? '').toLowerCase();
	if (['critical', 'crit', 'page', 'error', 'sev1', 'p1'].includes(severity)) return 'crit';
	if (['info', 'none', 'informational'].includes(severity)) return 'info';
	return 'warn';
}

/** Merges alert lists from several backends, dropping duplicates (same name and labels). */
export function mergeAlerts(lists: ReadonlyArray<readonly AlertInfo[]>): AlertInfo[] {
	const byKey = new Map<string, AlertInfo>();
	for (const list of lists) {
		for (const alert of list) {
			const key = alertKey(alert);
			const existing = byKey.get(key);
			// Prefer the firing view when backends disagree.
			if (!existing || (existing.state !== 'firing' && alert.state === 'firing')) byKey.set(key, alert);
		}
	}
	return [...byKey.values()].sort((a, b) => (a.state === b.state ? a.name.localeCompare(b.name) : a.state === 'firing' ? -1 : b.state === 'firing' ? 1 : 0));
}

export interface AlertBackend {
	id: string;
	fetch(signal: AbortSignal): Promise<AlertInfo[]>;
}

/** The alert backends a config and a metrics backend offer. */
export function alertBackends(ctx: Pick<SourceContext, 'config'> & {metrics?: Metrics | null}): AlertBackend[] {
	const backends: AlertBackend[] = [];
	const metrics = ctx.metrics;
	if (metrics?.alerts) backends.push({id: 'prometheus', fetch: signal => metrics.alerts!(signal)});
	const am = ctx.config.alertmanager;
	if (am) backends.push({id: 'alertmanager', fetch: signal => fetchAlertmanagerAlerts(am, signal)});
	return backends;
}

/**
 * Polls alerts into the store. A backend that fails keeps its last list (so its alerts are not
 * reported as resolved) and marks the feed with the error.
 */
export function startAlertsSource(ctx: SourceContext & {metrics?: Metrics | null}): () => void {
	const backends = alertBackends(ctx);
	if (backends.length === 0) return () => {};
	const now = ctx.now ?? Date.now;
	const store = ctx.store;
	const lastLists = new Map<string, AlertInfo[]>();
	const firing = new Set<string>();
	for (const [subject, last] of previousSignals(store.getState().timeline, ['alert.firing', 'alert.resolved'])) {
		if (last.kind === 'alert.firing') firing.add(subject);
	}

	return startFeedPoller(ctx, 'alerts', ctx.config.refresh.alertsMs, async signal => {
		const results = await Promise.allSettled(backends.map(b => b.fetch(signal)));
		if (signal.aborted) return;
		const errors: string[] = [];
		results.forEach((result, i) => {
			const id = backends[i]!.id;
			if (result.status === 'fulfilled') lastLists.set(id, result.value);
			else errors.push((result.reason as Error).message);
		});
		// Only report resolutions when every backend answered, or an outage would look like recovery.
		if (lastLists.size > 0) {
			const alerts = mergeAlerts([...lastLists.values()]);
			store.getState().alertsReceived(alerts, now());
			const nowFiring = new Map(alerts.filter(a => a.state === 'firing').map(a => [alertKey(a), a]));
			for (const [key, alert] of nowFiring) {
				if (firing.has(key)) continue;
				firing.add(key);
				const text = `alert ${alert.name} firing${alert.summary ? `: ${alert.summary}` : ''}`;
				ctx.append('signal', {kind: 'alert.firing', level: alertLevel(alert), message: text, subject: key}).catch((error: Error) => store.getState().warned(`timeline: ${error.message}`));
			}
			if (errors.length === 0) {
				for (const key of [...firing]) {
					if (nowFiring.has(key)) continue;
					firing.delete(key);
					ctx.append('signal', {kind: 'alert.resolved', level: 'ok', message: `alert ${key} resolved`, subject: key}).catch((error: Error) => store.getState().warned(`timeline: ${error.message}`));
				}
			}
		}
		if (errors.length > 0) throw new Error(errors.join('; '));
	});
}
