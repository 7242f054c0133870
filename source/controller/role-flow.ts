/**
 * Setting one's role in a shared incident (incident commander, scribe, responder, observer): the role
 * picker's choice is recorded as role.assigned; taking the commander role from someone who has it asks
 * first (a dialog naming them) and records the hand-over. Roles are replayed from the timeline
 * (sync/roles.ts), so a role set on any host counts. One instance per session.
 */
import {roleRequest, replayRoles, type RoleRequest} from '../sync/roles.js';
import type {IncidentStore} from '../store/store.js';
import type {EnvInfo} from '../store/types.js';
import type {AppendEvent, Role} from '../timeline/events.js';

export interface RolePorts {
	store: IncidentStore;
	env: EnvInfo;
	/** Writes an event to the journal (fsynced), then to the store. */
	append: AppendEvent;
}

const roleWords: Record<Role, string> = {commander: 'the incident commander', scribe: 'the scribe', responder: 'a responder', observer: 'an observer (actions are read-only)'};

export class RoleFlow {
	constructor(private readonly ports: RolePorts) {}

	/** What `role` for this cockpit's author would record now, from the timeline as it is. */
	#request(role: Role): RoleRequest | null {
		const {store, env} = this.ports;
		return roleRequest(replayRoles(store.getState().timeline), env.author!, role);
	}

	#flash(text: string, tone: 'info' | 'ok' | 'warn' | 'crit'): void {
		this.ports.store.getState().flashed(text, tone);
	}

	/** The role picker's choice: recorded at once, or, for the commander role someone else has, asked first. */
	setRole(role: Role): void {
		const request = this.#request(role);
		if (!request) return this.#flash(`you are already ${roleWords[role]}`, 'info');
		if (request.confirm && request.data.handover) return this.#ask(request.confirm, request.data.handover.from);
		this.#record(request);
	}

	/**
	 * "Yes" in the hand-over dialog that named `from`. If the commander changed while it was open
	 * (someone else took over, on any host), it asks again, naming the new one; it never takes the role
	 * from someone it did not name.
	 */
	takeCommand(from: string): void {
		this.ports.store.getState().dialogClosed();
		const request = this.#request('commander');
		if (!request) return this.#flash(`you are already ${roleWords.commander}`, 'info');
		const holder = request.data.handover?.from;
		if (request.confirm && holder && holder !== from) return this.#ask(request.confirm, holder);
		this.#record(request);
	}

	#ask(text: string, from: string): void {
		this.ports.store.getState().dialogOpened({kind: 'handover', title: 'Take over as incident commander?', text, from});
	}

	#record(request: RoleRequest): void {
		const {role, handover} = request.data;
		this.ports
			.append('role.assigned', request.data)
			.then(() => this.#flash(`you are now ${roleWords[role]}${handover ? `, taking over from ${handover.from}` : ''}`, 'ok'))
			.catch((error: unknown) => this.#flash(error instanceof Error ? error.message : String(error), 'crit'));
	}
}
