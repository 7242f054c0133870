/**
 * The header's people in a shared incident: the incident commander and one's own role (replayed from
 * role.assigned events: sync/roles.ts), and who else is in the incident now with when each was last
 * seen (the sync's presence: sync/presence.ts). Without sync, the others are the authors of recent
 * events (timeline/presence.ts), as before.
 */
import React from 'react';
import {Text} from 'ink';
import {formatAge, type Tone} from '../text/format.js';
import {displayText} from '../text/display.js';
import {presenceTimeoutMs, type Presence} from '../sync/presence.js';
import {replayRoles, roleOf, type RoleState} from '../sync/roles.js';
import type {RowCache} from '../store/memo.js';
import type {IncidentState} from '../store/types.js';
import type {Role} from '../timeline/events.js';
import {otherOperators} from '../timeline/presence.js';
import {useIncident, useNow, useStoreApi, useTheme} from './context.js';

export const roleNames: Record<Role, string> = {commander: 'incident commander', scribe: 'scribe', responder: 'responder', observer: 'observer'};

/** The incident's roles now, replayed once per timeline change (the store's cache). */
export function rolesOf(state: Pick<IncidentState, 'timeline'>, cache: RowCache): RoleState {
	return cache.memo(replayRoles)(state.timeline);
}

/**
 * "IC alice@bastion-1, you: scribe", "you: incident commander", "no IC, you: responder": shown once
 * the incident is shared (sync) or a role was ever set; null otherwise.
 */
export function rolesText(roles: RoleState, me: string | undefined, shared: boolean): {text: string; tone: Tone} | null {
	if (!shared && Object.keys(roles.holders).length === 0) return null;
	const mine = me ? roleOf(roles, me) : undefined;
	const commander = roles.commander === undefined ? 'no IC' : roles.commander === me ? undefined : `IC ${roles.commander}`;
	const you = mine ? `you: ${roleNames[mine]}` : undefined;
	const text = [commander, you].filter(Boolean).join(', ');
	return text ? {text, tone: mine === 'observer' ? 'warn' : 'info'} : null;
}

/**
 * The others in the incident now, with when each was last seen ("bob@bastion-2 (seen 12s ago)"):
 * those who left, or were not seen for `timeoutMs` (a cockpit killed without saying so), are gone.
 * The list the sync gave is re-checked against the clock: it may be minutes old while offline.
 */
export function presentOthers(present: readonly Presence[], me: string | undefined, now: number, timeoutMs = presenceTimeoutMs): string[] {
	return present.filter(p => p.present && p.user !== me && now - Date.parse(p.lastSeen) <= timeoutMs).map(p => `${p.user} (seen ${formatAge(now - Date.parse(p.lastSeen))} ago)`);
}

/** "[IC alice@bastion-1, you: scribe] ", before the title. */
export function HeaderRoles() {
	const theme = useTheme();
	const store = useStoreApi();
	const timeline = useIncident(s => s.timeline);
	const me = useIncident(s => s.env.author);
	const shared = useIncident(s => s.sync !== null);
	const roles = rolesText(rolesOf({timeline}, store.cache), me, shared);
	if (!roles) return null;
	return <Text color={theme.colorOf(roles.tone)}>{displayText(`[${roles.text}] `)}</Text>;
}

/** "  with bob@bastion-2 (seen 12s ago)", after the title: someone else is on this incident, before anyone acts twice. */
export function HeaderPresence() {
	const theme = useTheme();
	const now = useNow();
	const me = useIncident(s => s.env.author);
	const present = useIncident(s => s.sync?.present);
	const timeline = useIncident(s => s.timeline);
	const others = present ? presentOthers(present, me, now) : otherOperators(timeline, me, now);
	if (others.length === 0) return null;
	return <Text color={theme.colorOf('warn')}>{displayText(`  with ${others.join(', ')}`)}</Text>;
}
