/**
 * The Alerts kind's data: the active alerts, merged from Prometheus and Alertmanager, each with the
 * group Alertmanager puts it in; and the silences Alertmanager holds.
 */
import type {Alert, Silence} from '../../clients/alertmanager.js';
import type {AlertInfo} from '../../ports/metrics.js';
import {DataSlot, type Scrub} from '../../store/data.js';

/**
 * An alert's shown text scrubbed (control characters shown, secrets masked): its name (the pane,
 * runbooks' alert names), summary, annotations and generator URL. The labels stay as they are: they fill runbook
 * variables and a silence's matchers, and are cleaned where they are drawn (rows.ts, details.ts).
 */
function scrubAlerts(alerts: Alert[], scrub: Scrub): Alert[] {
	return alerts.map(alert => {
		const name = scrub.text(alert.name);
		const summary = scrub.optional(alert.summary);
		const annotations = alert.annotations && scrubRecord(alert.annotations, scrub);
		const generatorURL = scrub.optional(alert.generatorURL);
		// Its group's labels are only shown (the heading): scrubbed as well.
		const groupLabels = alert.group && scrubRecord(alert.group.labels, scrub);
		const group = alert.group && groupLabels !== alert.group.labels ? {...alert.group, labels: groupLabels!} : alert.group;
		if (name === alert.name && summary === alert.summary && annotations === alert.annotations && generatorURL === alert.generatorURL && group === alert.group) return alert;
		return {...alert, name, summary, annotations, generatorURL, group};
	});
}

/** Every value of a record scrubbed; the same record when none changed. */
function scrubRecord(record: Record<string, string>, scrub: Scrub): Record<string, string> {
	const entries = Object.entries(record).map(([key, value]) => [key, scrub.text(value)] as const);
	return entries.every(([key, value]) => record[key] === value) ? record : Object.fromEntries(entries);
}

/** The active alerts, merged from Prometheus and Alertmanager (source.ts startAlertsSource). */
export const alertsData = new DataSlot<Alert[]>('alerts', [], 'alerts', scrubAlerts);

/** A silence's comment and author scrubbed; its matchers stay (they are what it silences). */
function scrubSilences(silences: Silence[], scrub: Scrub): Silence[] {
	return silences.map(silence => {
		const comment = scrub.text(silence.comment);
		const createdBy = scrub.text(silence.createdBy);
		return comment === silence.comment && createdBy === silence.createdBy ? silence : {...silence, comment, createdBy};
	});
}

/** Alertmanager's silences that are active or pending (source.ts), read with the alerts. */
export const silencesData = new DataSlot<Silence[]>('silences', [], undefined, scrubSilences);

export type {Alert, AlertGroup, Matcher, Silence} from '../../clients/alertmanager.js';

/** Stable identity of an alert: its name plus its sorted labels. */
export function alertKey(alert: AlertInfo): string {
	const labels = Object.entries(alert.labels)
		.filter(([k]) => k !== 'alertname')
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
		.map(([k, v]) => `${k}=${v}`)
		.join(',');
	return labels ? `${alert.name}{${labels}}` : alert.name;
}

/** How an alert stands, in the pane's words: firing, pending, silenced, inhibited (or the server's word for another state, as it says it). */
export function alertState(alert: AlertInfo): string {
	if (alert.state !== 'suppressed') return alert.state;
	return alert.silencedBy?.length ? 'silenced' : 'inhibited';
}
