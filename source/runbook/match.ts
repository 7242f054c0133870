import type {AlertInfo} from '../ports/metrics.js';
import type {AlertMatcher, Runbook} from './model.js';
import {resolveVariables} from './library.js';

export interface RunbookMatch {
	runbook: Runbook;
	alert: AlertInfo;
	/** Variables filled from the alert's labels (and the runbook's defaults). */
	variables: Record<string, string>;
	/** The section that answers this alert, for Markdown runbooks with one section per alert. */
	section?: string;
}

const SEVERITY_RANK: Record<string, number> = {
	critical: 0, page: 0, p0: 0, sev1: 0, emergency: 0, fatal: 0,
	high: 1, error: 1, major: 1, p1: 1, sev2: 1,
	warning: 2, warn: 2, medium: 2, minor: 2, p2: 2, sev3: 2,
	info: 3, low: 3, p3: 3, sev4: 3, none: 4,
};

function severityRank(alert: AlertInfo): number {
	const severity = (alert.labels.severity ?? alert.labels.priority ?? '').toLowerCase().replace(/[\s_-]/g, '');
	return SEVERITY_RANK[severity] ?? 5;
}

function activeAt(alert: AlertInfo): number {
	const at = alert.activeAt ? Date.parse(alert.activeAt) : Number.NaN;
	return Number.isNaN(at) ? Number.POSITIVE_INFINITY : at;
}

/** Firing alerts, most severe first, then the oldest, then by name and labels (deterministic). */
export function orderAlerts(alerts: AlertInfo[]): AlertInfo[] {
	const key = (a: AlertInfo) => `${a.name}\u0000${JSON.stringify(Object.entries(a.labels).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))}`;
	return alerts
		.filter(alert => alert.state === 'firing')
		.sort((a, b) => severityRank(a) - severityRank(b) || activeAt(a) - activeAt(b) || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export function matcherMatches(matcher: AlertMatcher, alert: AlertInfo): boolean {
	if (matcher.name !== alert.name) return false;
	for (const [label, value] of Object.entries(matcher.labels ?? {})) if ((alert.labels[label] ?? '') !== value) return false;
	for (const [label, pattern] of Object.entries(matcher.labelsRegex ?? {})) {
		let re: RegExp;
		try {
			re = new RegExp(`^(?:${pattern})$`);
		} catch {
			return false;
		}
		if (!re.test(alert.labels[label] ?? '')) return false;
	}
	return true;
}

/** Every (alert, runbook) pair that matches, in the order the cockpit should offer them. */
export function matchAll(alerts: AlertInfo[], runbooks: Runbook[]): RunbookMatch[] {
	const out: RunbookMatch[] = [];
	for (const alert of orderAlerts(alerts)) {
		for (const runbook of runbooks) {
			if (!runbook.alerts.some(matcher => matcherMatches(matcher, alert))) continue;
			const {values} = resolveVariables(runbook, {alertLabels: alert.labels});
			const section = runbook.sections.find(s => s.alerts?.includes(alert.name))?.title;
			out.push({runbook, alert, variables: values, ...(section ? {section} : {})});
		}
	}
	return out;
}

/** The runbook for the most severe, oldest firing alert that any runbook answers; null when none does. */
export function matchRunbook(alerts: AlertInfo[], runbooks: Runbook[]): RunbookMatch | null {
	return matchAll(alerts, runbooks)[0] ?? null;
}
