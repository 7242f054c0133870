/**
 * The form and values path of the one action path (action-flow.ts ActionFlow.requestAction): an
 * action made from values a kind's key or form gives (ActionDef.fromValues: a silence's matchers,
 * duration and comment), and the form opened again on a value it refuses.
 */
import {actionFromValues} from '../actions/registry.js';
import type {ActionKind, ActionRequest} from '../actions/types.js';
import type {FormDialog} from '../store/types.js';
import {newEventId} from '../timeline/ids.js';
import type {ControllerPorts} from './ports.js';

/**
 * The request the action `id` makes from `values`, the form it came from closed; undefined when a
 * value is refused: the form opens again on the values given, saying why (without a form, a flash says it).
 */
export function requestFromValues(ports: Pick<ControllerPorts, 'config' | 'env' | 'now' | 'store'>, id: ActionKind, values: Readonly<Record<string, string>>, form?: FormDialog): ActionRequest | undefined {
	const {store} = ports;
	const made = actionFromValues(id, values, {config: ports.config, env: ports.env, newId: newEventId, now: ports.now});
	if (typeof made === 'string') {
		if (form) store.getState().dialogOpened({...form, fields: form.fields.map(field => ({...field, value: values[field.name] ?? field.value})), problem: made});
		else store.getState().flashed(made, 'warn');
		return undefined;
	}
	if (form) store.getState().dialogClosed();
	return made;
}
