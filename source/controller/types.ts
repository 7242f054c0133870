/**
 * The controller's interface: what the UI may ask for (ui/controller.ts re-exports it for the
 * components; controller/controller.ts implements it).
 */
import type {ActionRequest} from '../actions/types.js';
import type {KindController, RowRef} from '../kinds/types.js';
import type {IncidentStatus, Role, Severity} from '../timeline/events.js';

/**
 * What the UI may ask for. Components never do I/O: they call these, and the controller
 * (source/controller/controller.ts) does the work, writes the journal, and updates the store.
 */
export interface CockpitController extends KindController {
	quit(): void;
	toggleStep(stepId: string): void;
	/**
	 * Prepares the step's built-in action or command and opens its confirmation; a step with several
	 * commands first opens a picker of them, unless `commandIndex` names one.
	 */
	requestStep(stepId: string, commandIndex?: number): void;
	/**
	 * The variables form was submitted: valid values are recorded in the timeline and the step's
	 * command is prepared; otherwise the form opens again and says which value was refused and why.
	 */
	enterVariables(stepId: string, commandIndex: number | undefined, values: Record<string, string>): void;
	/** Opens a picker of the config's `commands`, or, given an id, that command's confirmation. */
	requestConfigCommand(id?: string): void;
	/** Runs a confirmed request. `input` is the typed value (replicas for scale). */
	confirm(request: ActionRequest, input?: string): void;
	cancel(request: ActionRequest): void;
	/** Cancels the command that is running now (esc). */
	cancelRunning(): void;
	addNote(text: string): void;
	togglePin(eventId: string): void;
	setSeverity(severity: Severity): void;
	setStatus(status: IncidentStatus): void;
	selectRunbook(id: string): void;
	/** R: this cockpit's role in the incident; the commander role someone else has asks first. */
	setRole(role: Role): void;
	/** Yes in the hand-over dialog that named `from`, the commander then. */
	takeCommand(from: string): void;
	/** Opens a details view of a row. */
	showDetails(ref: RowRef): void;
	/** Writes the post-mortem draft (Markdown, from the journal) and says where. */
	exportPostmortem(): void;
	/** Follows a pod's log in the log dialog (`kubectl logs -f`), replacing any log followed before. */
	followLog(pod: string): void;
	/** Stops following the log (its dialog closed). */
	stopLog(): void;
	/** Opens the picker of the kubeconfig's contexts (k9s's `:ctx`). */
	pickContext(): void;
	/** Opens the picker of the context's namespaces, and all namespaces (k9s's `:ns`). */
	pickNamespace(): void;
	/** Watches and acts in another context, namespace, or every namespace from now on (recorded in the timeline). */
	switchScope(choice: {context: string} | {namespace: string} | {allNamespaces: true}): void;
}

