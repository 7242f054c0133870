/** The Alerts kind's part of `incident-tui status`: Prometheus's and Alertmanager's alerts, merged as in the cockpit, and Alertmanager's silences. */
import type {Labels} from '../../ports/metrics.js';
import {labelText, sourceState, statusTable} from '../status-table.js';
import type {StatusPart} from '../types.js';
import {alertState, type Alert, type Silence} from './data.js';
import {matchersText} from '../../actions/silence.js';
import {alertBackends, alertLevel, mergeAlerts} from './source.js';

export interface AlertsStatus {
	/** `state` as the APIs say it (firing, pending, suppressed); `silencedBy` and `inhibitedBy` say why one is suppressed. */
	alerts: Array<{name: string; state: string; labels: Labels; silencedBy?: string[]; inhibitedBy?: string[]}>;
	/** Alertmanager's active and pending silences (absent without an Alertmanager, or when it did not answer). */
	silences?: Array<Pick<Silence, 'id' | 'matchers' | 'endsAt' | 'createdBy' | 'comment' | 'state'>>;
}

function reportedAlert(alert: Alert): AlertsStatus['alerts'][number] {
	return {
		name: alert.name,
		state: alert.state,
		labels: alert.labels,
		...(alert.silencedBy ? {silencedBy: alert.silencedBy} : {}),
		...(alert.inhibitedBy ? {inhibitedBy: alert.inhibitedBy} : {}),
	};
}

function reportedSilence(silence: Silence): NonNullable<AlertsStatus['silences']>[number] {
	const {id, matchers, endsAt, createdBy, comment, state} = silence;
	return {id, matchers, endsAt, createdBy, comment, state};
}

export const alertsStatus: StatusPart<AlertsStatus> = {
	id: 'alerts',
	sourceRank: 0,
	async collect(ctx) {
		const backends = alertBackends({config: ctx.config, metrics: ctx.metrics});
		const results = await Promise.allSettled(backends.map(b => b.fetch(ctx.deadline)));
		const lists: Alert[][] = [];
		// Alertmanager knows silences and inhibitions: its view of an alert wins, as in the cockpit.
		let authoritative: Alert[] = [];
		let silences: AlertsStatus['silences'];
		for (const [i, r] of results.entries()) {
			const backend = backends[i]!;
			if (r.status === 'fulfilled') {
				if (backend.authoritative) authoritative = r.value;
				else lists.push(r.value);
				ctx.source({source: backend.id, state: 'ok'});
				if (backend.silences) silences = (await backend.silences(ctx.deadline).catch(() => undefined))?.map(reportedSilence);
			} else {
				const message = r.reason instanceof Error ? r.reason.message : String(r.reason);
				ctx.error(backend.id, message);
				ctx.source({source: backend.id, state: sourceState(r.reason), error: message});
			}
		}
		const alerts = mergeAlerts(lists, authoritative).map(reportedAlert);
		return silences ? {alerts, silences} : {alerts};
	},
	table(report) {
		const out = ['ALERTS'];
		// "none" only from alert sources that answered: an Alertmanager that is down has not said there are none.
		const alertSources = report.sources.filter(s => s.source === 'prometheus' || s.source === 'alertmanager');
		const unread = alertSources.filter(s => s.state !== 'ok').map(s => s.source);
		const labels = (a: AlertsStatus['alerts'][number]) => labelText(Object.fromEntries(Object.entries(a.labels).filter(([k]) => k !== 'alertname')));
		if (report.alerts.length > 0) out.push(...statusTable(report.alerts.map(a => [alertState(a), a.name, labels(a)])));
		if (unread.length > 0) out.push(`  (${report.alerts.length === 0 ? 'unknown: ' : 'incomplete: '}${unread.join(' and ')} could not be read)`);
		else if (report.alerts.length === 0) out.push(alertSources.length === 0 ? '  (no alert source configured)' : '  (none)');
		if (report.silences?.length) out.push('', 'SILENCES', ...statusTable(report.silences.map(s => [s.state, s.id, matchersText(s.matchers), `until ${s.endsAt}`, s.createdBy, s.comment])));
		return out;
	},
	critical: report => report.alerts.some(a => a.state === 'firing' && alertLevel({name: a.name, state: a.state, labels: a.labels}) === 'crit'),
};
