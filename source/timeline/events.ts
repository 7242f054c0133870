/**
 * Timeline events: one JSON line each in the incident's journal. The journal is the source of truth;
 * the incident on screen is a replay of it (source/store/incident.ts).
 */

export const severities = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type Severity = (typeof severities)[number];

export const statuses = ['investigating', 'identified', 'mitigated', 'resolved'] as const;
export type IncidentStatus = (typeof statuses)[number];

export type SignalLevel = 'ok' | 'warn' | 'crit' | 'info';

/** A responder's part in a shared incident (source/sync/roles.ts replays them). */
export const roles = ['commander', 'scribe', 'responder', 'observer'] as const;
export type Role = (typeof roles)[number];

export interface ActionTarget {
	context: string;
	namespace: string;
	/** e.g. "deployment/api" or "command" */
	object: string;
}

/** A scope the cockpit watched: a context, and a namespace or (`allNamespaces`) every one. */
export interface SwitchedScope {
	context: string;
	namespace: string;
	allNamespaces?: boolean;
}

/** What every action event names: which action, on what, and the change. */
export interface ActionEventBase {
	actionId: string;
	kind: string;
	target: ActionTarget;
	change: string;
	kubectl?: string;
}

/**
 * Why the cockpit ticked a runbook step: the step's action was done (`action`), or its done-when
 * condition held (`condition`). A condition that held says nothing of the step's action, so that
 * cause also says whether the action was done from the cockpit in this incident before the tick.
 */
export type StepCheckCause =
	| {
			type: 'action';
			/** The action.* events' `actionId`. */
			actionId: string;
			/** "rollback of deployment/checkout" */
			action: string;
	  }
	| {
			type: 'condition';
			/** The done-when condition in words: "5xx ratio < 1% for 2m", "the checkout health check passes". */
			condition: string;
			/** The query's value when it ticked, as shown ("0.43%"). */
			value?: string;
			/**
			 * The step's own action, when it has one; `actionId` and `at` only when that action succeeded from
			 * the cockpit in this incident before the tick.
			 */
			stepAction?: {kind: string; object: string; actionId?: string; at?: string};
	  };

export interface ActionResult {
	durationMs: number;
	exitCode?: number;
	output?: string;
}

export interface EventData {
	/** `launch`: what the cockpit was launched with (launch.ts: `demo`, or the config file's path), so a later launch with the same can offer to resume it. */
	'incident.opened': {title: string; severity: Severity; demo?: boolean; context?: string; namespace?: string; launch?: string};
	'incident.closed': {summary?: string};
	'severity.changed': {from: Severity; to: Severity};
	'status.changed': {from: IncidentStatus; to: IncidentStatus};
	'note.added': {text: string};
	'event.pinned': {eventId: string; pinned: boolean};
	/** `variables`: the values its titles and commands were filled with (secret ones left out), so an export can fill them too. */
	'runbook.selected': {id: string; title: string; source: string; reason?: string; variables?: Record<string, string>};
	/**
	 * `auto`: ticked by the cockpit, not by a person; `cause`: why (absent when a person ticked it);
	 * `doneBy`: the action that did the step ("rollback of deployment/checkout"), kept beside `cause`
	 * for journals and tools that know only it.
	 */
	'step.checked': {runbookId: string; stepId: string; title: string; auto?: boolean; doneBy?: string; cause?: StepCheckCause};
	'step.unchecked': {runbookId: string; stepId: string; title: string};
	/** Values the operator entered in the variables form before running a step (secret ones as [REDACTED]). */
	'variables.entered': {runbookId: string; stepId: string; values: Record<string, string>};
	/** Values a step's command set for later steps (`POD=$(…)`), read after it ran (secret ones as [REDACTED]). */
	'variables.captured': {runbookId: string; stepId: string; commandId: string; values: Record<string, string>};
	'action.requested': ActionEventBase;
	'action.confirmed': ActionEventBase;
	'action.cancelled': Omit<ActionEventBase, 'kubectl'>;
	/** `outcome`: what the cluster or the command reported doing ("replicas 4 -> 6", "exit 0"); `change` is what was confirmed. */
	'action.succeeded': ActionEventBase & ActionResult & {outcome?: string};
	'action.failed': ActionEventBase & ActionResult & {error: string};
	'command.output': {actionId: string; stream: 'stdout' | 'stderr'; text: string; truncated?: boolean};
	/**
	 * Presence in a shared incident (source/sync/presence.ts): a cockpit opened the incident, is
	 * still there (a heartbeat while its sync is online), or closed it. `by` is who.
	 */
	'presence.joined': {version?: string};
	'presence.seen': Record<string, never>;
	'presence.left': {reason?: string};
	/**
	 * `user` (user@host) takes `role`; `by` set it. `previous`: the role `user` had. `handover`: taking
	 * the commander role from `from`, who had it when the taker confirmed (source/sync/roles.ts).
	 */
	'role.assigned': {user: string; role: Role; previous?: Role; handover?: {from: string}};
	/**
	 * The operator switched the cockpit to another context or namespace (the context and namespace
	 * pickers); `by` is who. From then on the panes, actions and commands are the new scope's.
	 */
	'cluster.switched': {from: SwitchedScope; to: SwitchedScope};
	/** Something the cockpit observed by itself. */
	signal: {
		kind:
			| 'health.flip'
			| 'threshold.crossed'
			| 'alert.firing'
			| 'alert.resolved'
			/** Alertmanager silenced a firing alert, or inhibited it (another alert mutes it); never "resolved". */
			| 'alert.silenced'
			| 'alert.inhibited'
			/** Its silence or inhibition ended while it still fires. */
			| 'alert.unsilenced'
			| 'alert.uninhibited'
			| 'pod.oomkilled'
			| 'pod.crashloop'
			| 'rollout.started'
			| 'rollout.finished'
			| 'escalation.due'
			| 'recovery.verified'
			| 'recovery.failed';
		level: SignalLevel;
		/** One line for the timeline. */
		message: string;
		subject?: string;
		value?: number;
	};
}

export type EventType = keyof EventData;

export interface TimelineEvent<T extends EventType = EventType> {
	v: 1;
	id: string;
	/** ISO-8601 time */
	at: string;
	/** user@host */
	by: string;
	type: T;
	data: EventData[T];
}

export type AnyTimelineEvent = {[K in EventType]: TimelineEvent<K>}[EventType];

/** Appends an event: resolves only once the event is on disk (fsynced). */
export type AppendEvent = <T extends EventType>(type: T, data: EventData[T]) => Promise<TimelineEvent<T>>;
