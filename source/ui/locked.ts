/**
 * Why the keys that act (rollback, scale, restart, commands) are disabled on this cockpit, if they
 * are: read-only mode, or this responder is an observer in the incident (a role set on any host,
 * replayed from the timeline). The footer, the help and the keys say which.
 */
import type {RowCache} from '../store/memo.js';
import type {IncidentState} from '../store/types.js';
import {roleOf} from '../sync/roles.js';
import {rolesOf} from './header-people.js';

export type Lock = 'read-only' | 'observer';

export function actionsLocked(state: Pick<IncidentState, 'env' | 'timeline'>, cache: RowCache): Lock | null {
	if (state.env.readonly) return 'read-only';
	const me = state.env.author;
	return me && roleOf(rolesOf(state, cache), me) === 'observer' ? 'observer' : null;
}

/** What the footer adds to a disabled key's hint. */
export const lockMark: Record<Lock, string> = {'read-only': '(ro)', observer: '(observer)'};

/** What the help adds to a disabled key's line. */
export const lockHelp: Record<Lock, string> = {'read-only': 'read-only', observer: 'you are an observer; R takes another role'};

/** The flash when a disabled key is pressed: "read-only mode: roll back ... is disabled". */
export function lockedText(lock: Lock, what: string): string {
	return lock === 'read-only' ? `read-only mode: ${what} is disabled` : `you are an observer in this incident: ${what} is disabled (R takes another role)`;
}
