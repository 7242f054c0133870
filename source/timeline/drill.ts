/**
 * The drill's score, in the post-mortem of a demo incident: how long the responder took to react, to
 * act on the cluster and to see the service recover, and how many of the runbook's steps were done.
 * Read from the journal alone (what was recorded, never what the screen held); a moment that did not
 * happen is absent, never estimated.
 */
import {formatDuration, oneLine} from './describe.js';
import type {AnyTimelineEvent} from './events.js';

export interface DrillMoment {
	at: string;
	/** Milliseconds since the drill started (the incident opened). */
	sinceStartMs: number;
	/** What happened then, in one line. */
	what: string;
}

export interface DrillScore {
	startedAt: string;
	/** The responder's first reaction: a note, a step ticked by hand, a status or severity change, a pin, an action asked for. */
	detected?: DrillMoment;
	/** The first change made to the cluster that succeeded (rollback, scale, restart; from the cockpit or a runbook command). */
	acted?: DrillMoment;
	/** After that change: the cockpit verified the recovery, or the runbook's main query went back under its thresholds. */
	recovered?: DrillMoment;
	steps: {followed: number; total: number; notFollowed: string[]};
	definition: string;
}

/** What the export is given to score a drill: the first change the demo's cluster saw (source/demo/resume.ts reads it). */
export interface DrillInput {
	firstChange?: {at: string; what: string};
	/** The runbook's main query (its id), whose return under threshold counts as recovery when no recovery was verified. */
	primaryQuery?: string;
}

export const drillDefinition =
	"The drill's clock starts when the incident opened (the bad deploy was already out). Detect: the responder's first reaction " +
	'(a note, a step ticked by hand, a status or severity change, a pin, an action asked for). Act: the first change to the cluster that succeeded. ' +
	"Recover: after it, the cockpit's verified recovery, or the runbook's main query back under its thresholds.";

const reactions = new Set(['note.added', 'step.checked', 'status.changed', 'severity.changed', 'event.pinned', 'action.requested']);

function reaction(event: AnyTimelineEvent): string | undefined {
	if (!reactions.has(event.type)) return undefined;
	switch (event.type) {
		case 'note.added':
			return `note: ${oneLine(event.data.text, 80)}`;
		case 'step.checked':
			return event.data.auto ? undefined : `step checked: ${oneLine(event.data.title, 80)}`;
		case 'status.changed':
			return `status ${event.data.from} -> ${event.data.to}`;
		case 'severity.changed':
			return `severity ${event.data.from} -> ${event.data.to}`;
		case 'action.requested':
			return `asked for: ${oneLine(event.data.change, 80)} (${event.data.target.object})`;
		default:
			return 'pinned an event';
	}
}

function recovery(event: AnyTimelineEvent, primaryQuery: string | undefined): string | undefined {
	if (event.type !== 'signal') return undefined;
	if (event.data.kind === 'recovery.verified') return event.data.message;
	if (event.data.kind === 'threshold.crossed' && event.data.level === 'ok' && primaryQuery && event.data.subject === primaryQuery) return event.data.message;
	return undefined;
}

/** The drill's score from its journal and checklist (the steps of the runbook it used, ticked or not). */
export function scoreDrill(events: readonly AnyTimelineEvent[], checklist: ReadonlyArray<{title: string; checked: boolean}>, input: DrillInput): DrillScore {
	const startedAt = events.find(e => e.type === 'incident.opened')?.at ?? events[0]?.at ?? new Date(0).toISOString();
	const start = Date.parse(startedAt);
	const moment = (at: string, what: string): DrillMoment => ({at, sinceStartMs: Date.parse(at) - start, what});
	let detected: DrillMoment | undefined;
	for (const event of events) {
		const what = reaction(event);
		if (what) {
			detected = moment(event.at, what);
			break;
		}
	}
	const acted = input.firstChange ? moment(input.firstChange.at, input.firstChange.what) : undefined;
	let recovered: DrillMoment | undefined;
	if (acted) {
		for (const event of events) {
			const what = Date.parse(event.at) >= Date.parse(acted.at) ? recovery(event, input.primaryQuery) : undefined;
			if (what) {
				recovered = moment(event.at, what);
				break;
			}
		}
	}
	return {
		startedAt,
		...(detected ? {detected} : {}),
		...(acted ? {acted} : {}),
		...(recovered ? {recovered} : {}),
		steps: {followed: checklist.filter(s => s.checked).length, total: checklist.length, notFollowed: checklist.filter(s => !s.checked).map(s => s.title)},
		definition: drillDefinition,
	};
}

/** The drill's section of the Markdown post-mortem; `cell` makes a table cell of a text. */
export function drillMarkdown(drill: DrillScore, cell: (text: string) => string): string[] {
	const row = (name: string, m: DrillMoment | undefined, missing: string) => `| ${name} | ${m ? formatDuration(m.sinceStartMs) : '-'} | ${cell(m ? m.what : missing)} |`;
	const {followed, total, notFollowed} = drill.steps;
	return [
		'## Drill score',
		'',
		drill.definition,
		'',
		'| | Time | What |',
		'|---|---|---|',
		row('Time to detect', drill.detected, 'no reaction was recorded'),
		row('Time to act', drill.acted, 'no change was made to the cluster'),
		row('Time to recover', drill.recovered, drill.acted ? 'no recovery was recorded after the change' : 'nothing was done to recover'),
		`| Steps followed | ${followed} of ${total} | ${cell(notFollowed.length === 0 ? 'every step' : `not done: ${notFollowed.join('; ')}`)} |`,
		'',
	];
}
