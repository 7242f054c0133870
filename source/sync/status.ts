import type {Presence} from './presence.js';

/**
 * What the sync says about itself, for the header and the details the UI shows (later): plain data.
 *
 * - `connecting`: reaching the database (the first time, or again after a failure);
 * - `online`: connected; this host's events are pushed as they are written and others' arrive live;
 * - `offline`: the database did not answer or refused (`lastError` says how); the cockpit works as
 *   without sync, `waiting` counts this host's events not yet shared, and it tries again by itself;
 * - `standby`: another cockpit on this host has the same journal open and syncs it for both.
 */
export type SyncState = 'connecting' | 'online' | 'offline' | 'standby';

export interface SyncStatus {
	state: SyncState;
	/** Since when (ISO time). */
	since: string;
	/** `postgres://user@host:port/db`: never the password. */
	database: string;
	/** This host's events not on the server yet. */
	waiting: number;
	/** Events the server refused (data it cannot store); they stay in this host's journal. */
	refused: number;
	/** Why the last attempt failed (secrets masked). */
	lastError?: string;
	/** When everything was last pushed and pulled (ISO time). */
	lastSyncAt?: string;
	/** Who is in the incident, present ones first. */
	present: Presence[];
	/** Events that reached the others late (id -> when they reached the server, ISO): late.ts. */
	late?: Readonly<Record<string, string>>;
	/** The process that syncs for this host, in standby. */
	syncedByPid?: number;
}

/** The header's words for the sync: "sync: offline, 12 events waiting" (no colour: the UI adds the tone). */
export function syncSummary(status: SyncStatus): {text: string; tone: 'ok' | 'warn' | 'crit' | 'muted'} {
	const waiting = status.waiting > 0 ? `, ${status.waiting} event${status.waiting === 1 ? '' : 's'} waiting` : '';
	const here = status.present.filter(p => p.present).length;
	switch (status.state) {
		case 'online': {
			return {text: `sync: online${waiting}${here > 1 ? ` · ${here} present` : ''}`, tone: status.refused > 0 ? 'warn' : 'ok'};
		}
		case 'connecting': {
			return {text: `sync: connecting${waiting}`, tone: 'muted'};
		}
		case 'standby': {
			return {text: `sync: by another cockpit on this host${status.syncedByPid ? ` (pid ${status.syncedByPid})` : ''}`, tone: 'muted'};
		}
		case 'offline': {
			return {text: `sync: offline${waiting}`, tone: 'warn'};
		}
	}
}
