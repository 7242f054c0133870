import type {AnyTimelineEvent} from '../timeline/events.js';
import {actionDoneKey, type IncidentInfo, type StepTick} from './types.js';

/** A blank incident before its journal's first event. */
export function emptyIncident(id: string, openedAt = new Date().toISOString()): IncidentInfo {
	return {
		id,
		title: 'Untitled incident',
		severity: 'SEV3',
		status: 'investigating',
		openedAt,
		milestones: {investigating: openedAt},
		pinned: {},
		checkedSteps: {},
		stepTicks: {},
		actionsDone: {},
	};
}

/**
 * The incident's state is a fold of its journal: replaying the same events gives the same state,
 * so restarting the program (or a second operator opening the same incident) resumes exactly.
 * Pure: returns a new object when something changed, the same object otherwise.
 */
export function applyEvent(incident: IncidentInfo, event: AnyTimelineEvent): IncidentInfo {
	switch (event.type) {
		case 'incident.opened': {
			return {
				...incident,
				title: event.data.title,
				severity: event.data.severity,
				openedAt: event.at,
				milestones: {...incident.milestones, investigating: incident.milestones.investigating && incident.milestones.investigating < event.at ? incident.milestones.investigating : event.at},
			};
		}
		case 'incident.closed': {
			return {...incident, closedAt: event.at};
		}
		case 'severity.changed': {
			return {...incident, severity: event.data.to};
		}
		case 'status.changed': {
			const milestones = {...incident.milestones};
			milestones[event.data.to] ??= event.at;
			return {...incident, status: event.data.to, statusAt: event.at, milestones};
		}
		case 'event.pinned': {
			const pinned = {...incident.pinned};
			if (event.data.pinned) pinned[event.data.eventId] = true;
			else delete pinned[event.data.eventId];
			return {...incident, pinned};
		}
		case 'step.checked': {
			const {runbookId, stepId} = event.data;
			const stepTicks = {...incident.stepTicks, [runbookId]: {...incident.stepTicks[runbookId], [stepId]: {at: event.at, by: event.by, data: event.data}}};
			if (!isActive(incident, runbookId)) return {...incident, stepTicks};
			return {...incident, stepTicks, checkedSteps: {...incident.checkedSteps, [stepId]: true}};
		}
		case 'step.unchecked': {
			const {runbookId, stepId} = event.data;
			const ticks = {...incident.stepTicks[runbookId]};
			delete ticks[stepId];
			const stepTicks = {...incident.stepTicks, [runbookId]: ticks};
			if (!isActive(incident, runbookId)) return {...incident, stepTicks};
			const checkedSteps = {...incident.checkedSteps};
			delete checkedSteps[stepId];
			return {...incident, stepTicks, checkedSteps};
		}
		case 'action.succeeded': {
			const key = actionDoneKey(event.data.kind, event.data.target.object);
			return {...incident, actionsDone: {...incident.actionsDone, [key]: {actionId: event.data.actionId, at: event.at}}};
		}
		case 'runbook.selected': {
			// The checklist on screen is the chosen runbook's own: its ticks from before, none of another's.
			if (event.data.id === incident.runbookId) return incident;
			return {...incident, runbookId: event.data.id, checkedSteps: checkedOf(incident.stepTicks[event.data.id])};
		}
		default: {
			return incident;
		}
	}
}

/** A step event of `runbookId` ticks the screen's checklist: the active runbook's, or any before one is chosen. */
function isActive(incident: IncidentInfo, runbookId: string): boolean {
	return incident.runbookId === undefined || incident.runbookId === runbookId;
}

function checkedOf(ticks: Record<string, StepTick> | undefined): Record<string, true> {
	return Object.fromEntries(Object.keys(ticks ?? {}).map(stepId => [stepId, true as const]));
}

export function replay(id: string, events: readonly AnyTimelineEvent[]): IncidentInfo {
	let incident = emptyIncident(id, events[0]?.at);
	for (const event of events) incident = applyEvent(incident, event);
	return incident;
}
