/** enter on an alert: every label and annotation, where it comes from, its silences, and the runbook that answers it and why. */
import {rankRunbooks, describeReason} from '../../runbook/match.js';
import type {IncidentState} from '../../store/types.js';
import {cleanText} from '../../text/clean.js';
import type {Details, DetailsContext, RowRef} from '../types.js';
import {alertKey, alertsData, alertState, silencesData, type Alert} from './data.js';
import {matchersText} from '../../actions/silence.js';

/** `  name  value` lines of a label or annotation set, names padded to one column; values cleaned of control characters. */
function pairs(record: Readonly<Record<string, string>>): string[] {
	const width = Math.max(0, ...Object.keys(record).map(name => name.length));
	return Object.entries(record)
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
		.map(([name, value]) => `  ${cleanText(name).padEnd(width)}  ${cleanText(value)}`);
}

/** The runbook that answers the alert, and why; the others that also would; or why none does. */
function runbookLines(alert: Alert, state: IncidentState): string[] {
	const ranked = rankRunbooks(alert, state.runbooks);
	if (ranked.length === 0) {
		const url = alert.annotations?.runbook_url;
		return [`runbook   none of the ${state.runbooks.length} runbooks known answers ${alert.name}${url ? '; its runbook_url is among its annotations below' : ''}`];
	}
	const [best, ...others] = ranked;
	const active = state.runbook?.id === best!.runbook.id ? ' (the active runbook)' : '';
	return [
		`runbook   ${best!.runbook.title} (${best!.runbook.id})${active}`,
		`  why     ${describeReason(best!.reason, best!.runbook)}${others.length ? `; the best of ${ranked.length} that answer it` : ''}`,
		...others.map(other => `  also    ${other.runbook.title} (${other.runbook.id}): ${describeReason(other.reason, other.runbook)}`),
	];
}

/** What silences it: each silence's id, matchers, end and author, as far as the silences read know them. */
function silenceLines(alert: Alert, state: IncidentState): string[] {
	const silences = silencesData.of(state);
	return (alert.silencedBy ?? []).map(id => {
		const silence = silences.find(s => s.id === id);
		return silence ? `  ${id}  ${matchersText(silence.matchers)} until ${silence.endsAt} by ${silence.createdBy}: ${silence.comment}` : `  ${id}`;
	});
}

/** An alert's details: its state and since when, its labels and annotations whole, its generator URL, silences and runbook. */
export function alertDetails(ref: RowRef, {state}: DetailsContext): Details {
	const alert = alertsData.of(state).find(a => alertKey(a) === ref.key);
	if (!alert) return {title: ref.key, lines: ['(no longer active)']};
	const silences = silenceLines(alert, state);
	return {
		title: `Alert: ${alert.name}`,
		lines: [
			`state     ${alertState(alert)}${alert.activeAt ? ` since ${alert.activeAt}` : ''}${alert.endsAt && alertState(alert) !== 'pending' ? `, ends ${alert.endsAt} unless sent again` : ''}`,
			`from      ${alert.from === 'prometheus' ? 'Prometheus (/api/v1/alerts: no silences, no annotations beyond the summary)' : 'Alertmanager'}`,
			...(alert.group && Object.keys(alert.group.labels).length ? [`group     ${cleanText(Object.entries(alert.group.labels).map(([k, v]) => `${k}=${v}`).join(' '))}${alert.group.receiver ? ` → ${cleanText(alert.group.receiver)}` : ''}`] : []),
			`source    ${alert.generatorURL ? cleanText(alert.generatorURL) : '(no generator URL)'}`,
			...(silences.length ? ['silenced by', ...silences] : []),
			...(alert.inhibitedBy?.length ? [`inhibited by ${alert.inhibitedBy.map(fp => alertsData.of(state).find(a => a.fingerprint === fp)?.name ?? fp).join(', ')}`] : []),
			...runbookLines(alert, state),
			'',
			'labels',
			...pairs(alert.labels),
			'',
			'annotations',
			...(alert.annotations ? pairs(alert.annotations) : alert.summary ? [`  summary  ${alert.summary}`] : ['  (none)']),
		],
	};
}
