/** What the controller is built from: the session's ports and state (session/cockpit.ts builds them). */
import type {Config} from '../config/schema.js';
import type {Cluster, ClusterSwitcher, ContextSettingsNow} from '../ports/cluster.js';
import type {Metrics} from '../ports/metrics.js';
import type {IncidentStore} from '../store/store.js';
import type {EnvInfo} from '../store/types.js';
import type {AnyTimelineEvent, AppendEvent} from '../timeline/events.js';
import type {DrillInput} from '../timeline/drill.js';
import type {Redactor} from '../timeline/redact.js';
import type {RunbookState} from './runbook-state.js';

export interface ControllerPorts {
	config: Config;
	/** The cockpit's environment: its context, namespace, read-only and production change once the cluster names its context. */
	env: EnvInfo;
	store: IncidentStore;
	/** Writes an event to the journal (fsynced), then to the store. */
	append: AppendEvent;
	redact: Redactor;
	now: () => number;
	metrics: Metrics | null;
	incidentId: string;
	journalPath: string;
	/** Where `E` writes the post-mortem draft (default: the working directory). */
	exportDir?: string;
	onQuit?: () => void;
	/** Aborts when the session ends. */
	lifetime: AbortSignal;
	runbook: RunbookState;
	/** The cluster once connected. */
	cluster(): Cluster | null;
	/** Makes clients of another context or namespace (the pickers); null when there is no kubeconfig to switch in (the demo). */
	switcher: ClusterSwitcher | null;
	/**
	 * The cockpit now watches and acts through `cluster`, with `settings` (its context's read-only and
	 * production): the old watches stop and their rows go, the new ones start (kinds/start.ts).
	 */
	switchedTo(cluster: Cluster, settings: ContextSettingsNow): void;
	/** The kube context is not known yet: its read-only and production settings are not either (SessionOptions.settingsForContext). */
	contextPending(): boolean;
	/** The operator chose a runbook: a firing alert no longer chooses one. */
	runbookChosen(): void;
	/** Starts the kinds' sources again (with the runbook now active). */
	restartSources(): void;
	/** A demo incident's drill, scored in its post-mortem (demo/resume.ts); absent outside the demo. */
	drill?: (events: readonly AnyTimelineEvent[]) => DrillInput | undefined;
}

/** What a flash says of an error: its message. */
export function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
