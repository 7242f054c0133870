/**
 * The runbook's own severity scale: its levels (P0–P4, SEV1–5, Severity 1–5, Critical/High/
 * Medium/Low), each with its criteria, response time and escalation, read from headings, lists and
 * table rows; and which of the cockpit's levels (SEV1–SEV4) each one stands beside in the severity
 * dialog.
 */

import type {Runbook, SeverityLevel} from './model.js';

const NAMED: Record<string, number> = {emergency: 0, critical: 0, blocker: 0, major: 1, high: 1, urgent: 1, medium: 2, moderate: 2, normal: 2, warning: 2, low: 3, minor: 3, info: 4, informational: 4, trivial: 4};

export interface LevelToken {
	/** As written, normalised: `P0`, `SEV1`, `Severity 1`, `Critical`. */
	level: string;
	name?: string;
	rank: number;
	/** The text after the token and its separator. */
	rest: string;
}

const NUMBERED = /^\W{0,3}(p|sev(?:erity)?|priority|pri)[\s-]?([0-5])\b\W{0,3}\s*(?:[-\u2013\u2014:|/]\s*)?(.*)$/i;
const NAME_ONLY = /^\W{0,3}(emergency|critical|blocker|major|high|urgent|medium|moderate|normal|warning|low|minor|info|informational|trivial)\b\W{0,3}\s*(?:[-\u2013\u2014:|/]\s*)?(.*)$/i;

/** A severity level at the start of `text` (`P0: Critical`, `SEV-2 (High)`, `Severity 3`, `Low`), or null. */
export function levelToken(text: string): LevelToken | null {
	const numbered = NUMBERED.exec(text.trim());
	if (numbered) {
		const scale = numbered[1]!.toLowerCase();
		const n = Number(numbered[2]);
		const level = scale === 'p' ? `P${n}` : scale.startsWith('sev') ? (scale === 'severity' ? `Severity ${n}` : `SEV${n}`) : `Priority ${n}`;
		const rest = numbered[3]!.trim();
		const name = /^\(?\s*([A-Za-z]+)\s*\)?/.exec(rest)?.[1];
		// P0 is the top of a P scale; SEV1 and Severity 1 the top of theirs (a SEV0 sorts above it).
		const rank = scale === 'p' ? n : n - 1;
		return {level, rank, rest, ...(name && NAMED[name.toLowerCase()] !== undefined ? {name} : {})};
	}
	const named = NAME_ONLY.exec(text.trim());
	if (named) return {level: named[1]!, name: named[1]!, rank: NAMED[named[1]!.toLowerCase()]!, rest: named[2]!.trim()};
	return null;
}

/** A heading that introduces a severity scale: "Severity Levels", "Incident Priorities", "SEV definitions". */
export function namesSeverityScale(text: string): boolean {
	if (levelToken(text)) return false;
	const t = text.replace(/[^\w\s-]/g, ' ').replace(/\s+/g, ' ').trim();
	return (
		/\b(?:severit(?:y|ies)|priorit(?:y|ies)|sev)\b.*\b(?:levels?|definitions?|scales?|matrix|classes|classification|tiers?|table)\b/i.test(t) ||
		/\b(?:levels?|definitions?|classification) of (?:incident )?(?:severity|priority)\b/i.test(t) ||
		/^(?:incident )?(?:severit(?:y|ies)|priorit(?:y|ies))$/i.test(t)
	);
}

/** A new level from a heading, item or row: `P0: Critical`. */
export function newLevel(token: LevelToken, line: number | undefined): SeverityLevel {
	return {level: token.level, ...(token.name ? {name: token.name} : {}), criteria: [], rank: token.rank, ...(line ? {line} : {})};
}

/** Adds one line of a level's description: `Response Time: < 5 minutes`, `Escalation: …`, `Examples: …`, or a criterion. */
export function addToLevel(level: SeverityLevel, line: string): void {
	const text = line.replace(/\s+/g, ' ').trim();
	if (!text) return;
	const field = /^([A-Za-z][A-Za-z /-]{0,40}?)\s*:\s*(.+)$/.exec(text);
	const key = field?.[1]!.toLowerCase() ?? '';
	const value = field?.[2]!.trim() ?? '';
	if (field && /^(?:response(?: time)?|respond(?: within)?|time to (?:respond|acknowledge|ack)|ack(?:nowledge(?:ment)?)?(?: time)?|sla)$/.test(key)) level.responseTime ??= value;
	else if (field && /^escalat/.test(key)) level.escalation ??= value;
	else if (field && /^examples?$/.test(key)) (level.examples ??= []).push(value);
	else if (field && /^(?:definition|description|criteria|impact|meaning|when|condition)s?$/.test(key)) level.criteria.push(value);
	else level.criteria.push(text);
}

/** The cells of a severity table's row, by their header (`Response Time`, `Description`, `Examples`). */
export function levelFromRow(headers: readonly string[], cells: readonly string[], line: number | undefined): SeverityLevel | null {
	const column = headers.findIndex(h => /sever|level|priorit|^sev|class|^p$/i.test(h));
	const index = column >= 0 ? column : 0;
	const token = levelToken(cells[index] ?? '');
	if (!token) return null;
	const level = newLevel(token, line);
	if (!level.name && token.rest) level.name = token.rest;
	headers.forEach((header, i) => {
		if (i === index) return;
		const value = (cells[i] ?? '').trim();
		if (!value) return;
		const name = header.trim();
		if (/^name$/i.test(name) && !level.name) level.name = value;
		else if (/response|respond|ack|sla/i.test(name)) level.responseTime ??= value;
		else if (/escalat|notify|page|who/i.test(name)) level.escalation ??= value;
		else if (/example/i.test(name)) (level.examples ??= []).push(value);
		else if (/descr|defin|criteri|impact|meaning|condition|when/i.test(name)) level.criteria.push(value);
		else level.criteria.push(`${name}: ${value}`);
	});
	return level;
}

/** The cockpit's levels, most severe first. */
export const COCKPIT_LEVELS = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type CockpitLevel = (typeof COCKPIT_LEVELS)[number];

/**
 * Which cockpit level each of the runbook's levels stands beside: for a scale of names, by the name
 * (Critical, High, Medium, Low); else by rank, the most severe beside SEV1, the next beside SEV2…, any below the fourth beside SEV4 (P0–P3 → SEV1–SEV4; SEV1–5 → SEV1–4,
 * SEV5 with SEV4).
 */
export function cockpitLevel(runbook: Pick<Runbook, 'severityGuidance'>, level: SeverityLevel): CockpitLevel {
	const levels = runbook.severityGuidance ?? [];
	// Names say where they stand whatever else the scale holds: `Low` is beside SEV4 even with only `Critical` above it.
	if (levels.length > 0 && levels.every(l => !/\d$/.test(l.level))) return COCKPIT_LEVELS[Math.min(level.rank, COCKPIT_LEVELS.length - 1)]!;
	const ranks = [...new Set(levels.map(l => l.rank))].sort((a, b) => a - b);
	const index = Math.max(0, ranks.indexOf(level.rank));
	return COCKPIT_LEVELS[Math.min(index, COCKPIT_LEVELS.length - 1)]!;
}

/** The runbook's guidance beside one cockpit level (the `S` dialog's line for it); empty when it has none. */
export function severityGuidanceFor(runbook: Pick<Runbook, 'severityGuidance'>, cockpit: CockpitLevel): SeverityLevel[] {
	return (runbook.severityGuidance ?? []).filter(level => cockpitLevel(runbook, level) === cockpit);
}

/** One line for a level: `P0 Critical · respond < 5 minutes · Service down; Data loss`. */
export function levelSummary(level: SeverityLevel): string {
	const head = level.name && level.name !== level.level ? `${level.level} ${level.name}` : level.level;
	const parts = [head];
	if (level.responseTime) parts.push(`respond ${level.responseTime}`);
	if (level.criteria.length > 0) parts.push(level.criteria.join('; '));
	if (level.escalation) parts.push(`escalate: ${level.escalation}`);
	return parts.join(' \u00B7 ');
}

/** The guidance in order, most severe first, levels written twice merged into the first. */
export function orderGuidance(levels: readonly SeverityLevel[]): SeverityLevel[] {
	const byLevel = new Map<string, SeverityLevel>();
	for (const level of levels) {
		const key = level.level.toLowerCase();
		const seen = byLevel.get(key);
		if (!seen) {
			byLevel.set(key, level);
			continue;
		}
		seen.criteria.push(...level.criteria);
		seen.responseTime ??= level.responseTime;
		seen.escalation ??= level.escalation;
		if (level.examples) (seen.examples ??= []).push(...level.examples);
	}
	return [...byLevel.values()].sort((a, b) => a.rank - b.rank);
}
