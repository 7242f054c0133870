import type {AnyTimelineEvent} from '../timeline/events.js';
import type {IncidentInfo} from './types.js';

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
			return {...incident, status: event.data.to, milestones};
		}
		case 'event.pinned': {
			const pinned = {...incident.pinned};
			if (event.data.pinned) pinned[event.data.eventId] = true;
			else delete pinned[event.data.eventId];
			return {...incident, pinned};
		}
		case 'step.checked': {
			return {...incident, checkedSteps: {...incident.checkedSteps, [event.data.stepId]: true}};
		}
		case 'step.unchecked': {
			const checkedSteps = {...incident.checkedSteps};
			delete checkedSteps[event.data.stepId];
			return {...incident, checkedSteps};
		}
		case 'runbook.selected': {
			return {...incident, runbookId: event.data.id};
		}
		default: {
			return incident;
		}
	}
}

export function replay(id: string, events: readonly AnyTimelineEvent[]): IncidentInfo {
	let incident = emptyIncident(id, events[0]?.at);
	for (const event of events) incident = applyEvent(incident, event);
	return incident;
}
