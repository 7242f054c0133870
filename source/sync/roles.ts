import type {AnyTimelineEvent, EventData, Role} from '../timeline/events.js';

/**
 * Roles in a shared incident, replayed from role.assigned events in the shared order
 * (order.ts): incident commander (one at a time), scribe, responder (everyone's role until set), and
 * observer (read-only for actions). Pure.
 *
 * Taking the commander role from someone who has it is a hand-over: the key asks first
 * (`roleRequest`), and the event records from whom. Two responders who take it at once, each unaware
 * of the other (offline, or within the same seconds), are not settled silently by whoever came last:
 * the replay lists the conflict, and the later one in the shared order holds the role.
 */

export const defaultRole: Role = 'responder';

export interface RoleHolder {
	role: Role;
	/** When it was set, and by whom. */
	since: string;
	setBy: string;
	eventId: string;
}

export interface RoleConflict {
	eventId: string;
	/** Who took the commander role, from whom they believed they took it, and who had it then. */
	user: string;
	believedFrom?: string;
	actualHolder: string;
	at: string;
}

export interface RoleState {
	/** user@host -> their role; users not listed are responders. */
	holders: Readonly<Record<string, RoleHolder>>;
	commander?: string;
	handovers: ReadonlyArray<{from: string; to: string; at: string; eventId: string}>;
	conflicts: readonly RoleConflict[];
}

export const noRoles: RoleState = {holders: {}, handovers: [], conflicts: []};

export function applyRole(state: RoleState, event: AnyTimelineEvent): RoleState {
	if (event.type !== 'role.assigned') return state;
	const {user, role, handover} = event.data;
	const holders: Record<string, RoleHolder> = {...state.holders, [user]: {role, since: event.at, setBy: event.by, eventId: event.id}};
	let {commander, handovers, conflicts} = state;
	if (role === 'commander') {
		const previous = commander && commander !== user ? commander : undefined;
		if (previous) {
			// The one who had it becomes a responder; the hand-over is on record.
			holders[previous] = {role: defaultRole, since: event.at, setBy: event.by, eventId: event.id};
			if (handover?.from === previous) handovers = [...handovers, {from: previous, to: user, at: event.at, eventId: event.id}];
			else conflicts = [...conflicts, {eventId: event.id, user, ...(handover ? {believedFrom: handover.from} : {}), actualHolder: previous, at: event.at}];
		}
		commander = user;
	} else if (commander === user) {
		commander = undefined;
	}
	return {holders, commander, handovers, conflicts};
}

/** Replays the role events of `events`, which must be in the shared order (order.ts orderEvents). */
export function replayRoles(events: readonly AnyTimelineEvent[]): RoleState {
	return events.reduce(applyRole, noRoles);
}

export function roleOf(state: RoleState, user: string): Role {
	return state.holders[user]?.role ?? defaultRole;
}

/** Why `user` may not act (rollback, scale, restart, commands): observers watch. Null when they may. */
export function actionRefusal(state: RoleState, user: string): string | null {
	return roleOf(state, user) === 'observer' ? `you (${user}) are an observer in this incident: actions are read-only; take another role to act` : null;
}

export interface RoleRequest {
	/** What to append once confirmed (or at once, when `confirm` is absent). */
	data: EventData['role.assigned'];
	/** The question to ask first: taking the commander role from whoever has it. */
	confirm?: string;
}

/**
 * What `by` asking for `role` for `user` (themselves, usually) records, and whether it asks first.
 * Null when `user` already has that role.
 */
export function roleRequest(state: RoleState, user: string, role: Role): RoleRequest | null {
	const previous = roleOf(state, user);
	if (previous === role && (role !== 'commander' || state.commander === user)) return null;
	const data: EventData['role.assigned'] = {user, role, ...(previous === role ? {} : {previous})};
	if (role === 'commander' && state.commander && state.commander !== user) {
		const holder = state.holders[state.commander]!;
		return {
			data: {...data, handover: {from: state.commander}},
			confirm: `${state.commander} is the incident commander (since ${holder.since.slice(11, 19)} UTC). Take over as commander? They become a responder, and the hand-over is recorded.`,
		};
	}
	return {data};
}

