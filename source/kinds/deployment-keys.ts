/**
 * u, s and r: roll back, scale or restart the deployment of the selected row. Kinds whose rows name
 * a deployment (`RowRef.deployment`) list these keys and say why a row names none.
 */
import {actionBinding, actionKey} from './action-key.js';
import type {KeyContext, KindKey, Row} from './types.js';

/** The keys of the three actions; whether each is dangerous (read-only mode refuses it) is the action registry's. */
const bindings = [
	actionBinding('rollback', {keys: ['u'], label: 'u', help: 'Roll back the deployment (rollout undo)', short: 'rollback'}),
	actionBinding('scale', {keys: ['s'], label: 's', help: 'Scale the deployment', short: 'scale'}),
	actionBinding('restart', {keys: ['r'], label: 'r', help: 'Restart the deployment (rollout restart)', short: 'restart'}),
];

/**
 * The three keys; `missing` is what the footer says when the selected row (or none) names no
 * deployment; `borrowed` where they are a convenience of a kind whose rows may name none (KindKey.borrowed).
 * Each asks for its action on the row's deployment, where the row is when it says (its namespace and context).
 */
export function deploymentKeys(missing: (row: Row | undefined, ctx: KeyContext) => string, borrowed?: string): KindKey[] {
	return bindings.map(binding =>
		actionKey(binding, {
			...(borrowed ? {borrowed} : {}),
			disabled: (row, ctx) => (row?.ref.deployment ? null : missing(row, ctx)),
		}),
	);
}
