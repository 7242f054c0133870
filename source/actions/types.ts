import type {Cluster} from '../ports/cluster.js';
import type {ActionTarget, AppendEvent} from '../timeline/events.js';
import type {EnvInfo} from '../store/types.js';

export type ActionKind = 'rollback' | 'scale' | 'restart' | 'command';

export interface ActionContext {
	env: EnvInfo;
	cluster: Cluster | null;
	append: AppendEvent;
	/** Called with each line of streamed output (commands). */
	onOutput?: (stream: 'stdout' | 'stderr', line: string) => void;
	signal: AbortSignal;
}

export interface ActionOutcome {
	/** One line: "revision 3 -> 2", "replicas 4 -> 6", "exit 0". */
	summary: string;
	exitCode?: number;
	/** Redacted, capped output excerpt for the timeline. */
	output?: string;
}

/**
 * A prepared action: everything the confirmation dialog must show, plus how to run it.
 * Described by core (source/actions), drawn by UI (source/ui/dialogs/confirm-dialog.tsx).
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
	/** When set, the user must type this exact text to confirm (production rollback/scale). */
	typeToConfirm?: string;
	/** For scale: the editable replica count, validated by `validateInput`. */
	input?: {label: string; value: string};
	validateInput?: (value: string) => string | null;
	/** Returns a new request with the input applied (scale recomputes change and kubectl). */
	withInput?: (value: string) => ActionRequest;
	/**
	 * The same action on another target, for the confirmation to switch to (rollback: an older or a
	 * newer revision, with ← and →); undefined past the last one. Same id: it is one request, edited.
	 */
	alternative?: (direction: 'older' | 'newer') => ActionRequest | undefined;
	timeoutMs: number;
	run(ctx: ActionContext): Promise<ActionOutcome>;
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
 * `request` with `warnings` shown before its own, kept on the requests it leads to (another revision
 * with ←/→, a typed replica count): what the cockpit knows beyond the action, such as a runbook step
 * that is already done.
 */
export function withWarnings(request: ActionRequest, warnings: readonly string[]): ActionRequest {
	if (warnings.length === 0) return request;
	const {alternative, withInput} = request;
	return {
		...request,
		warnings: [...warnings, ...request.warnings],
		...(alternative
			? {
					alternative: (direction: 'older' | 'newer') => {
						const next = alternative(direction);
						return next && withWarnings(next, warnings);
					},
				}
			: {}),
		...(withInput ? {withInput: (value: string) => withWarnings(withInput(value), warnings)} : {}),
	};
}
