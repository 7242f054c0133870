import type {AnyTimelineEvent, EventData, IncidentStatus, Severity} from './events.js';

/**
 * The incident as its journal tells it: a fold of its events (`applyEvent`), so restarting the
 * program (or a second operator opening the same incident) resumes exactly.
 */

export interface IncidentInfo {
	id: string;
	title: string;
	severity: Severity;
	status: IncidentStatus;
	/** ISO time the incident opened. */
	openedAt: string;
	closedAt?: string;
	/** When each status was first reached. */
	milestones: Partial<Record<IncidentStatus, string>>;
	/** When the status last changed (a reopened incident resolved again: the later resolve). */
	statusAt?: string;
	pinned: Record<string, true>;
	/** Checked steps of the active runbook (`runbookId`) by step id. */
	checkedSteps: Record<string, true>;
	/**
	 * Every runbook's ticked steps, by runbook id then step id: the step.checked events that ticked
	 * them. Switching runbooks keeps them (the post-mortem lists them); `checkedSteps` follows the
	 * active runbook.
	 */
	stepTicks: Record<string, Record<string, StepTick>>;
	/** The last action of each kind that succeeded on each object, by `actionDoneKey` ("rollback deployment/checkout"). */
	actionsDone: Record<string, {actionId: string; at: string}>;
	runbookId?: string;
}

/** The key of `IncidentInfo.actionsDone`: an action's kind and object. */
export function actionDoneKey(kind: string, object: string): string {
	return `${kind} ${object}`;
}

/** A ticked step: when, by whom, and the step.checked event's data (its cause). */
export interface StepTick {
	at: string;
	by: string;
	data: EventData['step.checked'];
}


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
