/**
 * The actions, as data: each is {kind, title, dangerous, edit?, validate?, run} (types.ts ActionDef),
 * and every request is plain data (types.ts ActionRequest) that names its kind. Read-only mode, the
 * keys that trigger an action and the confirmation dialog all read "dangerous" here, declared once.
 * Adding an action is its module (prepare, edit, run) and one line below.
 */
import {commandAction} from './command.js';
import {restartAction} from './restart.js';
import {rollbackAction} from './rollback.js';
import {scaleAction} from './scale.js';
import {expireSilenceAction, silenceAction} from './silence.js';
import type {ActionContext, ActionDef, ActionEdit, ActionKind, ActionOutcome, ActionRequest, ValuesContext} from './types.js';

export const actions: Readonly<Record<ActionKind, ActionDef>> = {
	rollback: rollbackAction,
	scale: scaleAction,
	restart: restartAction,
	command: commandAction,
	silence: silenceAction,
	'expire-silence': expireSilenceAction,
};

/** The request after the operator's change, its notes kept first; undefined when the change leads nowhere (no older revision). */
export function editAction(request: ActionRequest, change: ActionEdit): ActionRequest | undefined {
	const edited = actions[request.kind].edit?.(request, change);
	if (!edited) return undefined;
	const notes = request.notes ?? [];
	return notes.length === 0 ? edited : {...edited, notes, warnings: [...notes, ...edited.warnings]};
}

/** Why the request cannot run as it stands; null when it can. */
export function validateAction(request: ActionRequest): string | null {
	return actions[request.kind].validate?.(request) ?? null;
}

/** Runs a confirmed request through its kind (perform.ts journals around this). */
export function runAction(request: ActionRequest, ctx: ActionContext): Promise<ActionOutcome> {
	return actions[request.kind].run(request, ctx);
}

/** The request the action `kind` makes from values (a kind's key or form); a message (`field: why`) when it cannot, or when no such action takes values. */
export function actionFromValues(kind: string, values: Readonly<Record<string, string>>, ctx: ValuesContext): ActionRequest | string {
	const action = Object.hasOwn(actions, kind) ? actions[kind as ActionKind] : undefined;
	if (!action?.fromValues) return `no action '${kind}' is made from values`;
	return action.fromValues(values, ctx);
}
