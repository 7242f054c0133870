/**
 * A prepared action as plain data: what the store keeps in a confirmation (store/types.ts Dialog) and
 * what the action registry (actions/registry.ts) describes, edits and runs. It lives here, below the
 * store and the actions, so that neither imports the other.
 */
import type {RevisionInfo} from '../ports/cluster.js';
import type {ActionTarget} from '../timeline/events.js';
import type {ActionKind} from './action-ids.js';
import type {Matcher} from './matcher.js';

export type {ActionKind} from './action-ids.js';

/**
 * What a key or a runbook step asks an action to act on, as plain data: the selected row's facets
 * (kinds/types.ts RowRef has them) or the step's. The action's `request` (actions/types.ts ActionDef)
 * reads what it needs of it.
 */
export interface ActionSubject {
	/** The Kubernetes deployment it names. */
	deployment?: string;
	/** Where it is, when several namespaces or contexts are watched: the action acts there. */
	namespace?: string;
	context?: string;
	/** A runbook step's rollback: the revision to restore (default the previous one). */
	toRevision?: number;
	/** A runbook step's scale: the replica count to propose (default the current one). */
	replicas?: number;
	/**
	 * The values a kind's key or form gives an action made from values (ActionDef.fromValues: a
	 * silence's matchers, duration and comment; the silence an expiry names), by field name.
	 */
	values?: Readonly<Record<string, string>>;
}

/** What a rollback, scale or restart read when it was prepared: its confirmation is rebuilt from it alone. */
export interface DeploymentParams {
	deployment: string;
	/** Where it acts: the cluster's context and namespace when it was prepared. */
	where: {context: string; namespace: string};
	/** The context is marked production: the confirmation asks for the deployment's name. */
	production: boolean;
}

/**
 * What an action acts on and what was read to describe it, as plain data: the store keeps it in the
 * confirmation, and the action registry (registry.ts) describes, edits and runs a request from it.
 */
export type ActionParams =
	| (DeploymentParams & {kind: 'rollback'; toRevision: number; history: RevisionInfo[]; now: number})
	| (DeploymentParams & {kind: 'scale'; current?: number; value: string; autoscaler: string | null; autoscalerUnknown?: string})
	| (DeploymentParams & {kind: 'restart'; replicas?: number})
	| {kind: 'command'; commandId: string}
	| {kind: 'silence'; matchers: Matcher[]; durationMs: number; comment: string; createdBy: string}
	| {kind: 'expire-silence'; silenceId: string};

/**
 * A prepared action as its confirmation shows it: plain data, no function, described by core
 * (source/actions), drawn by UI (source/ui/dialogs/confirm-dialog.tsx). How it runs is its kind's in
 * the action registry (registry.ts runAction).
 */
export interface ActionRequest {
	/** Unique per request; links the requested/confirmed/succeeded events. */
	id: string;
	kind: ActionKind;
	title: string;
	dangerous: boolean;
	target: ActionTarget;
	/** "before -> after", e.g. "revision 3 (api:1.4.0) -> revision 2 (api:1.3.2)". */
	change: string;
	/**
	 * What `action.requested` records instead of `change` when the change is not decided until the
	 * confirmation (scale: the operator types the count): "replicas 4 -> ? (typed in the confirmation;
	 * 6 proposed)". A record of the request must not read as a change nobody confirmed.
	 */
	proposal?: string;
	/** Equivalent kubectl command, or the exact command text for command actions. */
	kubectl?: string;
	/** Extra preview lines (images that change, when each revision was created, HPA warnings). */
	details: string[];
	warnings: string[];
	/** Those of `warnings` the cockpit added (a step already done, another namespace): first, and kept when the request is edited. */
	notes?: string[];
	/** When set, the user must type this exact text to confirm (production rollback/scale). */
	typeToConfirm?: string;
	/** For scale: the editable replica count, checked by the registry's `validate`. */
	input?: {label: string; value: string};
	/** The other targets the confirmation can switch to with ← and → (rollback: an older or a newer revision). */
	alternatives?: {older: boolean; newer: boolean};
	timeoutMs: number;
	params: ActionParams;
	/**
	 * A runbook command as written, each value put in it a part of its own with where it came from
	 * (runbook/variables.ts markedCommand; secret values masked): what the confirmation marks.
	 */
	marked?: Array<{text: string} | {variable: string; value: string; source: string; secret: boolean}>;
}

/** A change the operator makes in a confirmation: another target (←/→), or the value typed (scale's replicas). */
export type ActionEdit = {type: 'target'; direction: 'older' | 'newer'} | {type: 'input'; value: string};
