import {describe, expect, it} from 'vitest';
import {replay} from '../../source/timeline/incident.js';
import type {AnyTimelineEvent, EventData, EventType} from '../../source/timeline/events.js';

let seq = 0;
function ev<T extends EventType>(time: string, type: T, data: EventData[T]): AnyTimelineEvent {
	return {v: 1, id: `e${++seq}`, at: `2026-11-22T${time}Z`, by: 'alice@bastion-1', type, data} as AnyTimelineEvent;
}

const target = {context: 'prod', namespace: 'shop', object: 'deployment/checkout'};

describe('replay: runbook steps', () => {
	const events = [
		ev('03:00:00.000', 'incident.opened', {title: 'Checkout 5xx', severity: 'SEV2'}),
		ev('03:01:00.000', 'runbook.selected', {id: 'first', title: 'First', source: 'builtin:first'}),
		ev('03:02:00.000', 'step.checked', {runbookId: 'first', stepId: 'triage', title: 'Triage'}),
		ev('03:03:00.000', 'runbook.selected', {id: 'second', title: 'Second', source: 'builtin:second'}),
		ev('03:04:00.000', 'step.checked', {runbookId: 'second', stepId: 'scale', title: 'Scale'}),
	];

	it('keeps each runbook’s ticks; the checklist on screen is the active runbook’s only', () => {
		const incident = replay('i', events);
		expect(incident.runbookId).toBe('second');
		expect(incident.checkedSteps).toEqual({scale: true});
		expect(Object.keys(incident.stepTicks)).toEqual(['first', 'second']);
		expect(incident.stepTicks['first']!['triage']).toEqual({at: '2026-11-22T03:02:00.000Z', by: 'alice@bastion-1', data: {runbookId: 'first', stepId: 'triage', title: 'Triage'}});
		const back = replay('i', [...events, ev('03:05:00.000', 'runbook.selected', {id: 'first', title: 'First', source: 'builtin:first'})]);
		expect(back.checkedSteps).toEqual({triage: true});
		const unticked = replay('i', [...events, ev('03:05:00.000', 'step.unchecked', {runbookId: 'first', stepId: 'triage', title: 'Triage'})]);
		expect(unticked.stepTicks['first']).toEqual({});
		expect(unticked.checkedSteps).toEqual({scale: true});
	});

	it('remembers the last action of each kind done on each object', () => {
		const base = {kind: 'rollback', target, change: 'revision 3 -> 2'};
		const incident = replay('i', [
			...events,
			ev('03:05:00.000', 'action.confirmed', {actionId: 'a1', ...base}),
			ev('03:05:01.000', 'action.succeeded', {actionId: 'a1', ...base, durationMs: 900}),
			ev('03:06:00.000', 'action.failed', {actionId: 'a2', ...base, durationMs: 900, error: 'forbidden'}),
		]);
		expect(incident.actionsDone).toEqual({'rollback deployment/checkout': {actionId: 'a1', at: '2026-11-22T03:05:01.000Z'}});
	});
});
