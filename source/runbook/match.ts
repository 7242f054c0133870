import type {AlertInfo} from '../ports/metrics.js';
import type {AlertMatcher, Runbook} from './model.js';
import {resolveVariables} from './library.js';

export interface RunbookMatch {
	runbook: Runbook;
	alert: AlertInfo;
	/** Which of the runbook's matchers answered the alert, and how specifically. */
	reason: MatchReason;
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

/**
 * How specifically `matcher` names an alert: 1 for the alert's name, 2 for each label it requires
 * equal, 1 for each label pattern. `HighErrorRate{namespace="shop"}` (3) beats `HighErrorRate` (1).
 */
export function specificity(matcher: AlertMatcher): number {
	return 1 + 2 * Object.keys(matcher.labels ?? {}).length + Object.keys(matcher.labelsRegex ?? {}).length;
}

/** Why a runbook answers an alert: the most specific of its matchers that matches. */
export interface MatchReason {
	alert: AlertInfo;
	matcher: AlertMatcher;
	specificity: number;
}

function bestReason(runbook: Runbook, alert: AlertInfo): MatchReason | null {
	let best: MatchReason | null = null;
	for (const matcher of runbook.alerts) {
		if (!matcherMatches(matcher, alert)) continue;
		const score = specificity(matcher);
		if (!best || score > best.specificity) best = {alert, matcher, specificity: score};
	}
	return best;
}

/**
 * The runbooks that answer `alert`, best first: the most specific match, then the highest
 * `priority` (default 0), then the library's order (the configured directories first, then the
 * built-ins, each by file name).
 */
export function rankRunbooks(alert: AlertInfo, runbooks: readonly Runbook[]): Array<{runbook: Runbook; reason: MatchReason}> {
	return runbooks
		.map((runbook, order) => ({runbook, reason: bestReason(runbook, alert), order}))
		.filter((c): c is {runbook: Runbook; reason: MatchReason; order: number} => c.reason !== null)
		.sort((a, b) => b.reason.specificity - a.reason.specificity || (b.runbook.priority ?? 0) - (a.runbook.priority ?? 0) || a.order - b.order)
		.map(({runbook, reason}) => ({runbook, reason}));
}

/** `HighErrorRate{namespace="shop",job=~"api.*"}`: the matcher as PromQL writes a selector. */
export function matcherText(matcher: AlertMatcher): string {
	const labels = [
		...Object.entries(matcher.labels ?? {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`),
		...Object.entries(matcher.labelsRegex ?? {}).map(([k, v]) => `${k}=~${JSON.stringify(v)}`),
	];
	return labels.length > 0 ? `${matcher.name}{${labels.join(',')}}` : matcher.name;
}

/** `HighErrorRate{namespace="shop"}: name + 1 label, priority 10`: why the picker offers a runbook where it does. */
export function describeReason(reason: MatchReason, runbook: Runbook): string {
	const labels = Object.keys(reason.matcher.labels ?? {}).length + Object.keys(reason.matcher.labelsRegex ?? {}).length;
	const how = labels === 0 ? 'name only' : `name + ${labels} label${labels === 1 ? '' : 's'}`;
	return `${matcherText(reason.matcher)}: ${how}${runbook.priority ? `, priority ${runbook.priority}` : ''}`;
}

/** Every (alert, runbook) pair that matches, in the order the cockpit should offer them (see rankRunbooks). */
export function matchAll(alerts: AlertInfo[], runbooks: Runbook[]): RunbookMatch[] {
	const out: RunbookMatch[] = [];
	for (const alert of orderAlerts(alerts)) {
		for (const {runbook, reason} of rankRunbooks(alert, runbooks)) {
			const {values} = resolveVariables(runbook, {alertLabels: alert.labels});
			const section = runbook.sections.find(s => s.alerts?.includes(alert.name))?.title;
			out.push({runbook, alert, reason, variables: values, ...(section ? {section} : {})});
		}
	}
	return out;
}

/** The runbook for the most severe, oldest firing alert that any runbook answers; null when none does. */
export function matchRunbook(alerts: AlertInfo[], runbooks: Runbook[]): RunbookMatch | null {
	return matchAll(alerts, runbooks)[0] ?? null;
}

export interface RunbookChoice {
	runbook: Runbook;
	/** Why it is offered where it is: the firing alert it answers and how; absent for the others. */
	why?: string;
}

/**
 * The runbook picker's list: the runbooks that answer a firing alert first, in the order the
 * cockpit chooses (the first one is what an alert picks, matchRunbook), each with why; then every
 * other, in the library's order.
 */
export function runbookChoices(alerts: AlertInfo[], runbooks: Runbook[]): RunbookChoice[] {
	const choices: RunbookChoice[] = [];
	const seen = new Set<string>();
	for (const match of matchAll(alerts, runbooks)) {
		if (seen.has(match.runbook.id)) continue;
		seen.add(match.runbook.id);
		choices.push({runbook: match.runbook, why: describeReason(match.reason, match.runbook)});
	}
	for (const runbook of runbooks) if (!seen.has(runbook.id)) choices.push({runbook});
	return choices;
}
