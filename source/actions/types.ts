import type {Matcher} from '../clients/alertmanager.js';
import type {Config} from '../config/schema.js';
import type {Cluster, RevisionInfo} from '../ports/cluster.js';
import type {CommandRun} from './command-run.js';
import type {ActionTarget, AppendEvent} from '../timeline/events.js';
import type {EnvInfo} from '../store/types.js';

/** What an action made from values (ActionDef.fromValues) is prepared with: the config, the cockpit's environment, ids and the clock. */
export interface ValuesContext {
	config: Config;
	env: EnvInfo;
	newId: () => string;
	now: () => number;
}

export type ActionKind = 'rollback' | 'scale' | 'restart' | 'command' | 'silence' | 'expire-silence';

export interface ActionContext {
	env: EnvInfo;
	cluster: Cluster | null;
	/** The config: where actions that are not the cluster's act (the Alertmanager a silence is made in). */
	config?: Config;
	append: AppendEvent;
	/** Called with each line of streamed output (commands). */
	onOutput?: (stream: 'stdout' | 'stderr', line: string) => void;
	signal: AbortSignal;
	/**
	 * A command's prepared run (commands only): what it runs, its masking and environment, kept by
	 * whoever prepared it, never in the store (its argv holds the secret values it masks).
	 */
	command?: CommandRun;
}

export interface ActionOutcome {
	/** One line: "revision 3 -> 2", "replicas 4 -> 6", "exit 0". */
	summary: string;
	exitCode?: number;
	/** Redacted, capped output excerpt for the timeline. */
	output?: string;
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

/** "Scale deployment/cart", "Roll back deployment/checkout", "Run logs": the action and its object, once. */
export function actionName(request: Pick<ActionRequest, 'title' | 'target'>): string {
	const {title} = request;
	const {object} = request.target;
	if (title.includes(object)) return title;
	const kind = object.split('/')[0] ?? '';
	if (title.endsWith(` ${kind}`)) return `${title.slice(0, -kind.length)}${object}`;
	return kind === 'command' ? title : `${title}: ${object}`;
}

/**
 * `request` with `notes` shown before its own warnings, kept on the requests it leads to (another
 * revision with ←/→, a typed replica count: registry.ts editAction puts `notes` first again): what
 * the cockpit knows beyond the action, such as a runbook step that is already done.
 */
export function withWarnings(request: ActionRequest, notes: readonly string[]): ActionRequest {
	if (notes.length === 0) return request;
	return {...request, notes: [...notes, ...(request.notes ?? [])], warnings: [...notes, ...request.warnings]};
}

/** A change the operator makes in a confirmation: another target (←/→), or the value typed (scale's replicas). */
export type ActionEdit = {type: 'target'; direction: 'older' | 'newer'} | {type: 'input'; value: string};

/**
 * An action in the registry (registry.ts): its kind, its title, whether it is dangerous (read-only
 * mode refuses it; said here once), how a confirmation is edited and checked, and how it runs. Each
 * action's module also has its `prepare`, which reads what the confirmation shows (a history, an
 * autoscaler) into the request's plain `params`.
 */
export interface ActionDef {
	kind: ActionKind;
	title: string;
	dangerous: boolean;
	/** The request after the operator's change (another revision, a typed count); undefined when there is no such change. */
	edit?(request: ActionRequest, change: ActionEdit): ActionRequest | undefined;
	/** Why the request cannot run as it stands (an invalid replica count); null when it can. */
	validate?(request: ActionRequest): string | null;
	/**
	 * The request made from values a kind's key or form gives (a silence's matchers, duration and
	 * comment); a message `field: why` when they cannot make one. See ActionFlow.requestAction.
	 */
	fromValues?(values: Readonly<Record<string, string>>, ctx: ValuesContext): ActionRequest | string;
	run(request: ActionRequest, ctx: ActionContext): Promise<ActionOutcome>;
}
