/**
 * u, s and r: roll back, scale or restart the deployment of the selected row. Kinds whose rows name
 * a deployment (`RowRef.deployment`) list these keys and say why a row names none.
 */
import {actions} from '../actions/registry.js';
import type {ObjectPlace} from '../ports/cluster.js';
import type {KeyBinding, KeyContext, KindController, KindKey, Row} from './types.js';

/** The keys of the three actions; whether each is dangerous (read-only mode refuses it) is the action registry's. */
const bindings = {
	rollback: {keys: ['u'], label: 'u', help: 'Roll back the deployment (rollout undo)', short: 'rollback', dangerous: actions.rollback.dangerous},
	scale: {keys: ['s'], label: 's', help: 'Scale the deployment', short: 'scale', dangerous: actions.scale.dangerous},
	restart: {keys: ['r'], label: 'r', help: 'Restart the deployment (rollout restart)', short: 'restart', dangerous: actions.restart.dangerous},
} satisfies Record<string, KeyBinding>;

/** Where the row is, when it says (several namespaces or contexts watched): the action acts there. */
function placeOf(row: Row): ObjectPlace | undefined {
	const {namespace, context} = row.ref;
	if (namespace === undefined && context === undefined) return undefined;
	return {...(namespace === undefined ? {} : {namespace}), ...(context === undefined ? {} : {context})};
}

/** Asks for the action on the row's deployment, where the row is when it says. */
function requestOnRow(action: 'rollback' | 'scale' | 'restart', row: Row, controller: KindController): void {
	const place = placeOf(row);
	if (place) controller.requestDeploymentAction(action, row.ref.deployment!, {place});
	else controller.requestDeploymentAction(action, row.ref.deployment!);
}

/**
 * The three keys; `missing` is what the footer says when the selected row (or none) names no
 * deployment; `borrowed` where they are a convenience of a kind whose rows may name none (KindKey.borrowed).
 */
export function deploymentKeys(missing: (row: Row | undefined, ctx: KeyContext) => string, borrowed?: string): KindKey[] {
	return (['rollback', 'scale', 'restart'] as const).map(action => ({
		id: action,
		binding: bindings[action],
		...(borrowed ? {borrowed} : {}),
		disabled: (row, ctx) => (row?.ref.deployment ? null : missing(row, ctx)),
		run: (row, controller) => requestOnRow(action, row, controller),
	}));
}
