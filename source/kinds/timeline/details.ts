/** enter on the Timeline pane: an event as a person reads it. */
import {stringify} from 'yaml';
import type {IncidentState} from '../../store/types.js';
import {describeEvent, hhmmss} from '../../timeline/describe.js';
import type {AnyTimelineEvent} from '../../timeline/events.js';
import type {Details, DetailsContext, RowRef} from '../types.js';
import {formatAge} from '../../text/format.js';
import {lateMark} from './rows.js';

/** An event's details: its line whole, when and who, its data, and an action's output. */
export function eventDetails(ref: RowRef, {state}: DetailsContext): Details {
	const event = state.timeline.find(e => e.id === ref.key);
	if (!event) return {title: ref.key, lines: ['(gone)']};
	return {title: `Event at ${hhmmss(event.at)} UTC`, lines: eventDetailLines(event, state)};
}

/**
 * A timeline event as a person reads it: the line the Timeline pane shows, whole; when and who; its
 * data as YAML (not JSON: no quotes or braces to read past); and an action's output as it was
 * printed, a line per line, after the rest.
 */
function eventDetailLines(event: AnyTimelineEvent, state: IncidentState): string[] {
	const {output, ...data} = event.data as {output?: unknown};
	const lines = [
		describeEvent(event, Number.POSITIVE_INFINITY).text,
		'',
		`time      ${event.at.slice(0, 23).replace('T', ' ')} UTC`,
		...lateLines(event, state),
		`by        ${event.by}`,
		`type      ${event.type}${state.incident.pinned[event.id] ? ' (pinned)' : ''}`,
		'',
		'data:',
		...yamlLines(data),
	];
	if (typeof output === 'string') lines.push('', 'output:', ...output.replace(/\n$/, '').split('\n').map(line => `  ${line}`));
	return lines;
}

/** When an event that reached the others late did: "reached    2026-11-22 03:12:44.120 UTC (8m07s after it happened: its host was offline)". */
function lateLines(event: AnyTimelineEvent, state: IncidentState): string[] {
	const reachedAt = state.sync?.late?.[event.id];
	if (!reachedAt) return [];
	const after = formatAge(Date.parse(reachedAt) - Date.parse(event.at));
	return [`reached   ${reachedAt.slice(0, 23).replace('T', ' ')} UTC (${lateMark(reachedAt)}, ${after} after it happened: its host was offline)`];
}

function yamlLines(data: unknown): string[] {
	return stringify(data, {lineWidth: 0})
		.replace(/\n$/, '')
		.split('\n')
		.map(line => `  ${line}`);
}
