/**
 * The Alerts kind's source: active alerts from Prometheus (/api/v1/alerts, through the Metrics port)
 * and from Alertmanager (/api/v2/alerts/groups, with its silences) when configured; Alertmanager's
 * view of an alert wins, as it knows silences and inhibitions. Each change of an alert writes one
 * timeline signal: firing, silenced, inhibited, unsilenced (or uninhibited), resolved; a silenced
 * alert is never recorded as resolved.
 */
import {displayUrl} from '../../clients/http.js';
import {Endpoint} from '../../clients/prometheus.js';
import type {Config} from '../../config/schema.js';
import type {AlertInfo, Metrics} from '../../ports/metrics.js';
import type {AnyTimelineEvent, SignalLevel} from '../../timeline/events.js';
import {failureOf, SourceError, worstFailure} from '../failure.js';
import {recordedSignals, recordSignal, startFeedPoller} from '../feed-poller.js';
import type {KindContext} from '../types.js';
import {fetchAlertmanagerGroups, fetchSilences, groupKey} from '../../clients/alertmanager.js';
import {alertKey, alertsData, silencesData, type Alert, type Silence} from './data.js';

/** Timeline level for a firing alert, from its `severity` label. */
export function alertLevel(alert: AlertInfo): SignalLevel {
	const severity = (alert.labels.severity ?? '').toLowerCase();
	if (['critical', 'crit', 'page', 'error', 'sev1', 'p1'].includes(severity)) return 'crit';
	if (['info', 'none', 'informational'].includes(severity)) return 'info';
	return 'warn';
}

/** Whether `am` (Alertmanager's copy) is `alert`: the same name, and every label of it (Prometheus adds external labels when it sends). */
function sameAlert(alert: AlertInfo, am: AlertInfo): boolean {
	return alert.name === am.name && Object.entries(alert.labels).every(([k, v]) => am.labels[k] === v);
}

const stateOrder = (a: AlertInfo) => (a.state === 'firing' ? 0 : a.state === 'suppressed' ? 1 : 2);

/**
 * Merges the alert lists of several backends, one entry per alert, firing first. `authoritative`,
 * when given, is Alertmanager's list: it knows silences and inhibitions, so its view of an alert
 * wins over Prometheus's (which goes on saying "firing" for a silenced alert).
 */
export function mergeAlerts<A extends AlertInfo>(lists: ReadonlyArray<readonly A[]>, authoritative: readonly A[] = []): A[] {
	const byKey = new Map<string, A>();
	// An alert Alertmanager has not processed yet (`pending`) tells nothing of silences: the others' view stands.
	const decided = authoritative.filter(am => am.state !== 'pending');
	const others = lists.flat();
	for (const alert of others) {
		if (decided.some(am => sameAlert(alert, am))) continue;
		const key = alertKey(alert);
		const existing = byKey.get(key);
		// Prefer the firing view when backends that know no silences disagree.
		if (!existing || (existing.state !== 'firing' && alert.state === 'firing')) byKey.set(key, alert);
	}
	for (const alert of authoritative) {
		if (alert.state === 'pending' && others.some(other => sameAlert(other, alert))) continue;
		byKey.set(alertKey(alert), alert);
	}
	return [...byKey.values()].sort((a, b) => stateOrder(a) - stateOrder(b) || a.name.localeCompare(b.name));
}

export interface AlertBackend {
	id: string;
	/** Names the server in a failure whose message does not ("Alertmanager at http://…/api/v2/alerts/groups"). */
	where?: string;
	/** Knows silences and inhibitions (Alertmanager): its view of an alert wins. */
	authoritative?: boolean;
	fetch(signal: AbortSignal): Promise<Alert[]>;
	/** The silences it holds (Alertmanager). */
	silences?: (signal: AbortSignal) => Promise<Silence[]>;
}

/** The alert backends a config and a metrics backend offer. */
export function alertBackends(ctx: {config: Config; metrics?: Metrics | null}): AlertBackend[] {
	const backends: AlertBackend[] = [];
	const metrics = ctx.metrics;
	if (metrics?.alerts) backends.push({id: 'prometheus', fetch: signal => prometheusAlerts(metrics, signal)});
	const am = ctx.config.alertmanager;
	if (am) {
		const where = `Alertmanager at ${alertmanagerUrl(ctx.config)}`;
		backends.push({id: 'alertmanager', where, authoritative: true, fetch: signal => fetchAlertmanagerGroups(am, signal), silences: signal => fetchSilences(am, signal)});
	}
	return backends;
}

/** The configured Alertmanager's alert groups URL, credentials removed, as messages and confirmations name it. */
export function alertmanagerUrl(config: Config, path = '/api/v2/alerts/groups'): string {
	return config.alertmanager ? displayUrl(new Endpoint(config.alertmanager, 'Alertmanager').urlFor(path)) : '';
}

/** Prometheus's alerts, each in a group of its name (Prometheus does not group them). */
async function prometheusAlerts(metrics: Metrics, signal: AbortSignal): Promise<Alert[]> {
	const alerts = await metrics.alerts!(signal);
	return alerts.map(alert => ({...alert, from: 'prometheus', group: {key: groupKey('prometheus', {alertname: alert.name}), labels: {alertname: alert.name}}}));
}

/** What the timeline last said of an alert: firing, muted (silenced or inhibited), or nothing (resolved, or never seen). */
type Recorded = 'firing' | 'silenced' | 'inhibited' | undefined;

const alertKinds = ['alert.firing', 'alert.resolved', 'alert.silenced', 'alert.inhibited', 'alert.unsilenced', 'alert.uninhibited'] as const;
type AlertKind = (typeof alertKinds)[number];

const recordedBy: Record<AlertKind, Recorded> = {
	'alert.firing': 'firing',
	'alert.unsilenced': 'firing',
	'alert.uninhibited': 'firing',
	'alert.silenced': 'silenced',
	'alert.inhibited': 'inhibited',
	'alert.resolved': undefined,
};

/** How an active alert stands now, as the timeline would record it (undefined: pending, nothing to say yet). */
function standing(alert: AlertInfo): Recorded {
	if (alert.state === 'firing') return 'firing';
	if (alert.state !== 'suppressed') return undefined;
	return alert.silencedBy?.length ? 'silenced' : 'inhibited';
}

function withSummary(alert: AlertInfo): string {
	return `alert ${alert.name} firing${alert.summary ? `: ${alert.summary}` : ''}`;
}

/** The inhibiting alerts by name where the list knows them ("CheckoutDown"), else by fingerprint. */
function inhibitors(alert: AlertInfo, all: readonly AlertInfo[]): string {
	return (alert.inhibitedBy ?? []).map(fp => all.find(a => a.fingerprint === fp)?.name ?? `alert ${fp}`).join(', ');
}

/**
 * The signal for an alert moving from what the timeline last said (`before`) to how it stands (`now`);
 * null when nothing changed. `previous`: the alert as the last poll saw it, for the silence that ended.
 */
export function alertTransition(
	alert: AlertInfo,
	before: Recorded,
	all: readonly AlertInfo[] = [],
	previous?: AlertInfo,
): {kind: AlertKind; level: SignalLevel; message: string} | null {
	const now = standing(alert);
	if (now === undefined || now === before) return null;
	const silences = (alert.silencedBy ?? []).join(', ');
	switch (now) {
		case 'firing': {
			const ended = previous?.silencedBy?.length ? ` (silence ${previous.silencedBy.join(', ')})` : '';
			if (before === 'silenced') return {kind: 'alert.unsilenced', level: alertLevel(alert), message: `alert ${alert.name} unsilenced: its silence${ended} ended, firing again`};
			if (before === 'inhibited') return {kind: 'alert.uninhibited', level: alertLevel(alert), message: `alert ${alert.name} no longer inhibited, firing again`};
			return {kind: 'alert.firing', level: alertLevel(alert), message: withSummary(alert)};
		}
		case 'silenced':
			return {kind: 'alert.silenced', level: 'info', message: `alert ${alert.name} silenced in Alertmanager (silence ${silences})${before === undefined ? ', already when first seen' : ''}`};
		case 'inhibited':
			return {kind: 'alert.inhibited', level: 'info', message: `alert ${alert.name} inhibited by ${inhibitors(alert, all)} in Alertmanager${before === undefined ? ', already when first seen' : ''}`};
	}
}

/**
 * Polls alerts (and Alertmanager's silences) into the store, and once more right after a silence is
 * made or expired from the cockpit, so the alert shows as silenced at once. A backend that fails
 * keeps its last list (so its alerts are not reported as resolved) and marks the feed with the
 * error: the feed is ok only when every backend answered. Signals follow each alert: firing,
 * silenced, inhibited, unsilenced, resolved; what was already recorded is read from the store at
 * each poll (recordedSignals), so a restarted source never writes the same signal twice.
 */
export function startAlertsSource(ctx: KindContext): () => void {
	const backends = alertBackends(ctx);
	if (backends.length === 0) return () => {};
	const lastLists = new Map<string, Alert[]>();
	// One poll at a time, the poller's and a refresh's: each waits for the one before.
	let previous: Promise<void> = Promise.resolve();
	const poll = (signal: AbortSignal): Promise<void> => {
		const next = previous.catch(() => {}).then(() => pollAlerts(ctx, backends, lastLists, signal));
		previous = next;
		return next;
	};
	const stopPolling = startFeedPoller(ctx, 'alerts', ctx.config.refresh.alertsMs, poll);
	const stopWatching = ctx.store.subscribe((state, before) => {
		if (state.timeline === before.timeline || ctx.signal.aborted || !silenceChanged(state.timeline, before.timeline)) return;
		poll(ctx.signal).catch((error: Error) => ctx.store.getState().feedFailed('alerts', error.message, ctx.now(), failureOf(error)));
	});
	return () => {
		stopWatching();
		stopPolling();
	};
}

/** Whether the events appended since `before` include a silence made or expired from a cockpit (actions/silence.ts). */
function silenceChanged(timeline: readonly AnyTimelineEvent[], before: readonly AnyTimelineEvent[]): boolean {
	const last = before.at(-1);
	for (let i = timeline.length - 1; i >= 0 && timeline[i] !== last; i--) {
		const event = timeline[i]!;
		if (event.type === 'action.succeeded' && (event.data.kind === 'silence' || event.data.kind === 'expire-silence')) return true;
	}
	return false;
}

/** One poll: every backend's alerts and the silences, merged into the store; throws (the feed's error) when a backend did not answer. */
async function pollAlerts(ctx: KindContext, backends: readonly AlertBackend[], lastLists: Map<string, Alert[]>, signal: AbortSignal): Promise<void> {
	const {store, now} = ctx;
	const [results, silences] = await Promise.all([Promise.allSettled(backends.map(b => b.fetch(signal))), readSilences(backends, signal)]);
	if (signal.aborted) return;
	const errors: unknown[] = [];
	const messages: string[] = [];
	results.forEach((result, i) => {
		const {id, where} = backends[i]!;
		if (result.status === 'fulfilled') return void lastLists.set(id, result.value);
		errors.push(result.reason);
		// httpGet's own messages (connection refused, a timeout) do not say which server it was.
		const text = result.reason instanceof Error ? result.reason.message : String(result.reason);
		messages.push(where && !text.includes(where) ? `${where}: ${text}` : text);
	});
	if (silences) store.getState().dataShown(silencesData, silences);
	if (lastLists.size > 0) {
		const authoritative = backends.find(b => b.authoritative && lastLists.has(b.id));
		const others = backends.filter(b => b !== authoritative && lastLists.has(b.id)).map(b => lastLists.get(b.id)!);
		const alerts = mergeAlerts(others, authoritative ? lastLists.get(authoritative.id) : undefined);
		// Signals first: they are pending in the store before the alerts are, so a source restarted by
		// what the alerts cause (a runbook chosen) sees them.
		recordAlertSignals(ctx, alerts, errors.length === 0);
		// Some server did not answer: the alerts change, and the feed is left for the failure below.
		if (errors.length === 0) store.getState().dataReceived(alertsData, alerts, now());
		else store.getState().dataShown(alertsData, alerts);
	}
	if (errors.length > 0) throw new SourceError(messages.join('; '), worstFailure(errors.map(failureOf)));
}

/** The silences of the backend that holds them; undefined when none does or it did not answer (the last ones stay). */
async function readSilences(backends: readonly AlertBackend[], signal: AbortSignal): Promise<Silence[] | undefined> {
	const read = backends.find(b => b.silences)?.silences;
	if (!read) return undefined;
	try {
		return await read(signal);
	} catch {
		// Its alerts' failure says why; the silences shown are the last read.
		return undefined;
	}
}

/** Writes the signal of each alert whose standing changed; resolutions only when every backend answered (`complete`), or an outage would look like recovery. */
function recordAlertSignals(ctx: KindContext, alerts: readonly AlertInfo[], complete: boolean): void {
	const recorded = recordedSignals(ctx.store, alertKinds);
	// The alerts as the last poll saw them (still in the store): what silenced one whose silence ended.
	const previous = new Map(alertsData.of(ctx.store.getState()).map(alert => [alertKey(alert), alert]));
	const active = new Set<string>();
	for (const alert of alerts) {
		const key = alertKey(alert);
		active.add(key);
		const transition = alertTransition(alert, recordedBy[(recorded.get(key)?.kind ?? 'alert.resolved') as AlertKind], alerts, previous.get(key));
		if (transition) recordSignal(ctx, {...transition, subject: key});
	}
	if (!complete) return;
	for (const [key, last] of recorded) {
		if (active.has(key) || recordedBy[last.kind as AlertKind] === undefined) continue;
		recordSignal(ctx, {kind: 'alert.resolved', level: 'ok', message: `alert ${key} resolved`, subject: key});
	}
}
