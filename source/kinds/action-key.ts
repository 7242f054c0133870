/**
 * A kind's key that asks for an action of the registry (actions/registry.ts) on the selected row. Its
 * binding names the action, and the registry says whether the action is dangerous (read-only mode,
 * the help and the footer read it from the binding); pressing it takes the controller's one path for
 * every action, requestAction(action, row.ref). A new action on a key is its module in source/actions,
 * its line in the registry, and one `actionKey` in the kind's keys: no controller method.
 */
import {actions} from '../actions/registry.js';
import type {ActionKind} from '../model/action-ids.js';
import type {KeyBinding, KindKey} from './types.js';

/** A binding that names `action`: dangerous as the registry declares it, said there once. */
export type ActionBinding = KeyBinding & {action: ActionKind};

export function actionBinding(action: ActionKind, binding: Omit<KeyBinding, 'action' | 'dangerous'>): ActionBinding {
	return {...binding, action, dangerous: actions[action].dangerous};
}

/**
 * The key of `binding`'s action (its id the action's unless given): `disabled` says why a row does
 * not take it, `borrowed` where it is a convenience of another kind (KindKey.borrowed).
 */
export function actionKey(binding: ActionBinding, key: Pick<KindKey, 'disabled' | 'borrowed'> & {id?: string} = {}): KindKey {
	const {id, ...rest} = key;
	return {id: id ?? binding.action, binding, ...rest, run: (row, controller) => controller.requestAction(binding.action, row.ref)};
}
