import type {Config} from '../config/schema.js';
import type {ActionEdit, ActionKind, ActionRequest, ActionSubject} from '../model/action-request.js';
import type {EnvInfo} from '../model/env.js';
import type {Cluster} from '../ports/cluster.js';
import type {AppendEvent} from '../timeline/events.js';
import type {CommandRun} from './command-run.js';

// The request as plain data is below the store and the actions (model/action-request.ts); said here too for the actions' modules.
export type {ActionEdit, ActionKind, ActionParams, ActionRequest, ActionSubject, DeploymentParams} from '../model/action-request.js';

/** What an action made from values (ActionDef.fromValues) is prepared with: the config, the cockpit's environment, ids and the clock. */
export interface ValuesContext {
	config: Config;
	env: EnvInfo;
	newId: () => string;
	now: () => number;
}

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

/** What an action's `request` prepares with, beside its subject: the session's environment and where it acts. */
export interface PrepareContext {
	env: EnvInfo;
	/** The cluster where the subject is (its namespace and context, when it says), for an action that acts on the cluster; else null. */
	cluster: Cluster | null;
	/** The subject's deployment's replica count as the cockpit knows it now (the Pods pane's); undefined when unknown. */
	replicas?: number;
	newId: () => string;
}

export interface ActionOutcome {
	/** One line: "revision 3 -> 2", "replicas 4 -> 6", "exit 0". */
	summary: string;
	exitCode?: number;
	/** Redacted, capped output excerpt for the timeline. */
	output?: string;
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
	/** It acts on the cluster: refused while none is connected, and prepared where its subject is. */
	cluster?: boolean;
	/**
	 * Prepares a request on `subject` for a key that names the action (kinds/types.ts KeyBinding.action)
	 * or a runbook step's `action:`: reads what the confirmation shows, never changes anything. Absent:
	 * the action is not asked for on a row (a command is prepared from its step or the config).
	 */
	request?(subject: ActionSubject, ctx: PrepareContext): Promise<ActionRequest>;
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
