/**
 * The conflict warning of a confirmation, checked twice: when it opens (others' recent request,
 * confirmation or outcome of the same action on the same object: sync/conflicts.ts), and again when it
 * is confirmed. Another responder may confirm the same rollback while this dialog is open; then the
 * confirm does not go through silently: the dialog opens again with the new warning, and the next
 * confirm, with it read, does. One instance per session; what each open confirmation has shown is
 * kept here by request id, not in the store.
 */
import {withWarnings, type ActionRequest} from '../actions/types.js';
import {recentConflictingActions, type ConflictingAction} from '../sync/conflicts.js';
import type {IncidentStore} from '../store/store.js';

export interface ConflictPorts {
	store: IncidentStore;
	/** This cockpit's author (user@host): one's own request is not a conflict. */
	me: string;
	now: () => number;
}

export class ConflictRecheck {
	/** Request id -> the events its confirmation has warned of. */
	readonly #shown = new Map<string, Set<string>>();

	constructor(private readonly ports: ConflictPorts) {}

	#conflicts(request: ActionRequest): ConflictingAction[] {
		return recentConflictingActions(this.ports.store.getState().timeline, request, {me: this.ports.me, nowMs: this.ports.now()});
	}

	/** The warnings of a confirmation that opens now; remembered, so the confirm can tell what is new. */
	opened(request: ActionRequest): string[] {
		const conflicts = this.#conflicts(request);
		this.#shown.set(request.id, new Set(conflicts.map(c => c.eventId)));
		return conflicts.map(other => `${other.text}: check the timeline before doing it again.`);
	}

	/**
	 * At confirm: `request` with a warning for each conflicting event that arrived while its dialog was
	 * open, to show again instead of running it; null when there is none (it may run).
	 */
	recheck(request: ActionRequest): ActionRequest | null {
		const shown = this.#shown.get(request.id) ?? new Set<string>();
		const fresh = this.#conflicts(request).filter(c => !shown.has(c.eventId));
		if (fresh.length === 0) {
			this.#shown.delete(request.id);
			return null;
		}
		for (const c of fresh) shown.add(c.eventId);
		this.#shown.set(request.id, shown);
		return withWarnings(request, fresh.map(other => `${other.text}, while this confirmation was open: check the timeline before doing it again.`));
	}

	/** The confirmation was cancelled. */
	closed(request: ActionRequest): void {
		this.#shown.delete(request.id);
	}
}
