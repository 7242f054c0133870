/**
 * The Alerts pane's rows: the alerts as Alertmanager groups them (a heading per group of several),
 * problems first: firing (critical first), then pending, silenced, inhibited. Each row says its
 * state, severity, age, name, the labels that tell it from the others of its group, and its summary.
 */
import type {Labels} from '../../ports/metrics.js';
import type {RowCache} from '../../store/memo.js';
import type {IncidentState} from '../../store/types.js';
import {cleanText} from '../../text/clean.js';
import type {Tone} from '../../text/format.js';
import type {Cell, Row, Toned} from '../types.js';
import {alertKey, alertsData, alertState, type Alert} from './data.js';
import {alertLevel} from './source.js';

/** Lower is a worse problem: firing critical, firing warning, firing info, pending, silenced, inhibited, anything else. */
export function problemRank(alert: Alert): number {
	const state = alertState(alert);
	if (state === 'firing') return firingRank[alertLevel(alert)] ?? 1;
	return stateRank[state] ?? 6;
}

const firingRank: Readonly<Record<string, number>> = {crit: 0, warn: 1, info: 2};
const stateRank: Readonly<Record<string, number>> = {pending: 3, silenced: 4, inhibited: 5};

function stateTone(alert: Alert): Tone {
	const state = alertState(alert);
	if (state === 'firing') return alertLevel(alert) === 'info' ? 'info' : alertLevel(alert);
	return state === 'pending' ? 'warn' : 'muted';
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Oldest first; an alert whose start is not known last. */
function started(alert: Alert): number {
	const at = alert.activeAt ? Date.parse(alert.activeAt) : Number.NaN;
	return Number.isNaN(at) ? Number.POSITIVE_INFINITY : at;
}

/** The alerts of each group, problems first within it, and the groups with the worst problem first. */
export function groupAlerts(alerts: readonly Alert[]): Array<{key: string; labels: Labels; alerts: Alert[]}> {
	const groups = new Map<string, {key: string; labels: Labels; alerts: Alert[]}>();
	for (const alert of alerts) {
		const key = alert.group?.key ?? `name:${alert.name}`;
		const group = groups.get(key) ?? {key, labels: alert.group?.labels ?? {alertname: alert.name}, alerts: []};
		group.alerts.push(alert);
		groups.set(key, group);
	}
	const inGroup = (a: Alert, b: Alert) => problemRank(a) - problemRank(b) || started(a) - started(b) || byText(alertKey(a), alertKey(b));
	const sorted = [...groups.values()].map(group => ({...group, alerts: group.alerts.sort(inGroup)}));
	return sorted.sort((a, b) => problemRank(a.alerts[0]!) - problemRank(b.alerts[0]!) || byText(a.alerts[0]!.name, b.alerts[0]!.name) || byText(a.key, b.key));
}

/** The labels whose values differ between the alerts of a group (those it is grouped by, and alertname, are the same in all). */
export function differingLabels(alerts: readonly Alert[]): string[] {
	const names = new Set(alerts.flatMap(alert => Object.keys(alert.labels)));
	return [...names].filter(name => name !== 'alertname' && new Set(alerts.map(alert => alert.labels[name] ?? '')).size > 1).sort(byText);
}

function labelsText(alert: Alert, names: readonly string[]): string {
	return names.map(name => `${name}=${alert.labels[name] ?? ''}`).join(' ');
}

function alertRow(alert: Alert, labelNames: readonly string[]): Row {
	const labels = cleanText(labelsText(alert, labelNames));
	const summary = alert.summary ?? '';
	const state = alertState(alert);
	const tone = stateTone(alert);
	return {
		key: `a:${alertKey(alert)}`,
		tone,
		ref: {kind: 'alerts', key: alertKey(alert), name: alert.name},
		...(alert.activeAt ? {createdAt: alert.activeAt} : {}),
		// `/` finds it by any of its labels, not only those shown.
		search: `${state} ${alert.name} ${cleanText(labelsText(alert, Object.keys(alert.labels)))} ${summary}`.toLowerCase(),
		cells: [
			{text: state, width: 9, tone},
			{text: cleanText(alert.labels.severity ?? ''), width: 8, tone: state === 'firing' ? tone : 'muted'},
			{text: '', width: 6, clock: true},
			{text: alert.name, width: 22, bold: state === 'firing'},
			{text: [labels, summary].filter(Boolean).join(' · '), tone: state === 'firing' ? undefined : 'muted'} satisfies Cell,
		],
	};
}

function headingRow(group: {key: string; labels: Labels; alerts: Alert[]}): Row {
	const labels = cleanText(Object.entries(group.labels).map(([k, v]) => `${k}=${v}`).join(' ')) || '(one group)';
	const counts = new Map<string, number>();
	for (const alert of group.alerts) counts.set(alertState(alert), (counts.get(alertState(alert)) ?? 0) + 1);
	const text = `${labels} · ${[...counts].map(([state, n]) => `${n} ${state}`).join(', ')}`;
	return {key: `g:${group.key}`, tone: 'info', heading: true, ref: {kind: 'alerts', key: `group/${group.key}`}, search: text.toLowerCase(), cells: [{text, bold: true, tone: 'info'}]};
}

/** A heading per group of several alerts (a group of one is its alert's row), then its alerts. */
export function buildAlertRows(alerts: readonly Alert[]): Row[] {
	const rows: Row[] = [];
	for (const group of groupAlerts(alerts)) {
		if (group.alerts.length > 1) rows.push(headingRow(group));
		// An alert alone in its group has no label to tell it apart: its summary says it (enter shows them all).
		const names = group.alerts.length > 1 ? differingLabels(group.alerts) : [];
		for (const alert of group.alerts) rows.push(alertRow(alert, names));
	}
	return rows;
}

export function alertRows(state: IncidentState, cache: RowCache): readonly Row[] {
	return cache.memo(buildAlertRows)(alertsData.of(state));
}

/** The title's summary: how many fire (the worst first), and how many are pending, silenced or inhibited. */
export function alertsSummary(alerts: readonly Alert[]): Toned {
	if (alerts.length === 0) return {text: 'none active', tone: 'ok'};
	const count = (state: string) => alerts.filter(alert => alertState(alert) === state).length;
	const firing = alerts.filter(alert => alertState(alert) === 'firing');
	const parts = [firing.length ? `${firing.length} firing` : '', ...['pending', 'silenced', 'inhibited'].map(state => (count(state) ? `${count(state)} ${state}` : ''))].filter(Boolean);
	const tone: Tone = firing.some(alert => alertLevel(alert) === 'crit') ? 'crit' : firing.length || count('pending') ? 'warn' : 'muted';
	return {text: parts.join(' · ') || `${alerts.length} active`, tone};
}
