/** R: the role picker, each role with what it means and who has it now. */
import type {IncidentStore} from '../store/store.js';
import {roleOf} from '../sync/roles.js';
import {roles, type Role} from '../timeline/events.js';
import {roleNames, rolesOf} from './header-people.js';

const meaning: Record<Role, string> = {
	commander: 'runs the incident, one at a time',
	scribe: 'keeps the record',
	responder: 'investigates and acts',
	observer: 'watches: actions are read-only',
};

export function openRolePicker(store: IncidentStore): void {
	const state = store.getState();
	const current = rolesOf(state, store.cache);
	const me = state.env.author;
	const mine = me ? roleOf(current, me) : undefined;
	const label = (role: Role) => {
		const now = role === 'commander' && current.commander && current.commander !== me ? ` (now ${current.commander}: asks first)` : '';
		return `${roleNames[role]}: ${meaning[role]}${now}`;
	};
	state.dialogOpened({
		kind: 'pick',
		purpose: 'role',
		title: `Your role${me ? ` (${me})` : ''}${mine ? `, now ${roleNames[mine]}` : ''}`,
		items: roles.map(role => ({label: label(role), value: role})),
		current: mine,
	});
}
