/**
 * The Cluster port: what the cockpit needs from Kubernetes, in compact rows rather than whole API
 * objects. Implemented on @kubernetes/client-node (source/clients/kube/cluster.ts) and by the demo's
 * simulated cluster (source/demo/cluster.ts). Semantics follow kubectl:
 *  - undo:    `kubectl rollout undo` restores the pod template of the previous (or chosen) revision's ReplicaSet;
 *  - scale:   `kubectl scale` goes through the scale subresource;
 *  - restart: `kubectl rollout restart` sets the kubectl.kubernetes.io/restartedAt template annotation.
 */

export interface PodInfo {
	name: string;
	namespace: string;
	/** The kubeconfig context it was read from, when the cluster watches several (kubernetes.contexts). */
	context?: string;
	/** Owning deployment, resolved through the pod's ReplicaSet owner (name minus pod-template-hash). */
	deployment?: string;
	phase: string;
	ready: number;
	containers: number;
	restarts: number;
	/** Current waiting reason of a container, e.g. CrashLoopBackOff, ImagePullBackOff. */
	waitingReason?: string;
	/** Last termination reason of a container, e.g. OOMKilled, Error. */
	lastTerminationReason?: string;
	node?: string;
	/** ISO time the pod was created. */
	createdAt: string;
	/** True when the pod has a deletionTimestamp. */
	terminating?: boolean;
}

export interface DeploymentInfo {
	name: string;
	namespace: string;
	/** The kubeconfig context it was read from, when the cluster watches several (kubernetes.contexts). */
	context?: string;
	/** deployment.kubernetes.io/revision annotation. */
	revision: number;
	/** spec.replicas */
	replicas: number;
	readyReplicas: number;
	updatedReplicas: number;
	availableReplicas: number;
	images: string[];
	generation: number;
	observedGeneration: number;
	/** True when the rollout has finished: observed, all replicas updated and available, none old. */
	rolloutComplete: boolean;
	createdAt: string;
}

export interface RevisionInfo {
	revision: number;
	replicaSet: string;
	images: string[];
	createdAt: string;
	changeCause?: string;
}

/** A deletion names the object: its name, and its namespace and context where the cluster knows them (names repeat across namespaces). */
export type ClusterChange =
	| {kind: 'pod'; type: 'upsert'; pod: PodInfo}
	| {kind: 'pod'; type: 'delete'; name: string; namespace?: string; context?: string}
	| {kind: 'deployment'; type: 'upsert'; deployment: DeploymentInfo}
	| {kind: 'deployment'; type: 'delete'; name: string; namespace?: string; context?: string};

/** Where an object is: the namespace and context of the row it was chosen from. */
export interface ObjectPlace {
	namespace?: string;
	context?: string;
}

/** Where a cluster client watches (per context), and why, when it is narrower than it was asked to. */
export interface WatchScope {
	context: string;
	/** 'all': every namespace at once (cluster scope); else these namespaces. */
	namespaces: 'all' | readonly string[];
	/** Why it differs from what was asked, e.g. the cluster-scoped list was refused (403) and only the namespaces the user may read are watched. */
	note?: string;
}

/** How one context of a cluster is connected: loading its first lists, ok, or failing (and retrying, or given up). */
export interface ContextState {
	context: string;
	status: 'loading' | 'ok' | 'failing';
	/** The last error, while failing. */
	error?: string;
	/** When it will try again; null when it gave up (403). */
	retryInMs?: number | null;
}

/**
 * Whether two compact rows show the same thing. Most watch events only touch status fields a row
 * does not keep (kubelet's probe heartbeats), and their rows compare equal.
 */
export function sameRow(a: object | undefined, b: object): boolean {
	if (!a) return false;
	const left = a as Record<string, unknown>;
	const right = b as Record<string, unknown>;
	const keys = Object.keys(right);
	if (keys.length !== Object.keys(left).length) return false;
	for (const key of keys) {
		const x = left[key];
		const y = right[key];
		if (x === y) continue;
		if (Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((v, i) => v === y[i])) continue;
		return false;
	}
	return true;
}

export interface ClusterWatcher {
	/** A full list arrived (first list, or a relist after 410 Gone or a reconnect). Replaces everything. */
	reset(pods: PodInfo[], deployments: DeploymentInfo[]): void;
	/** One object changed. Its row may still compare equal (`sameRow`) to the last one: not every cluster filters. */
	change(change: ClusterChange): void;
	/** The watch broke; it will retry after `retryInMs` (null when it gave up, e.g. 403 Forbidden). */
	error(error: Error, retryInMs: number | null): void;
	/** Every watch that broke is open again, resumed where it was (no relist needed): what was shown is current. */
	resumed?(): void;
	/** Where a context is watched, once its first lists are in; with a note when it is narrower than asked (403 at cluster scope). */
	scope?(scope: WatchScope): void;
	/** A context's connection changed (clusters of several contexts report each one). */
	contextState?(state: ContextState): void;
}

export interface MutationResult {
	/** What changed, for the timeline: e.g. "revision 3 -> 2" or "replicas 4 -> 6". */
	summary: string;
	before: string;
	after: string;
}

/** The kinds of object whose events the details show. */
export type EventSubject = 'Pod' | 'Deployment' | 'ReplicaSet';

/** One event about an object, as `kubectl describe` lists them. */
export interface EventInfo {
	/** Normal or Warning. */
	type: string;
	reason: string;
	message: string;
	count: number;
	/** When it last happened (RFC 3339). */
	lastSeen: string;
}

/** One container of a pod, as `kubectl describe pod` shows it. */
export interface ContainerStatusInfo {
	name: string;
	/** An init container: it runs to completion before the others start. */
	init?: boolean;
	ready: boolean;
	restarts: number;
	/** "running", "waiting: CrashLoopBackOff", "terminated: Error (exit 1)". */
	state: string;
	/** How its previous run ended, when it restarted. */
	lastTermination?: {reason: string; exitCode?: number; finishedAt?: string; message?: string};
}

/** A pod read at once, for its details: the row and its containers agree, being from one read. */
export interface PodNow {
	pod: PodInfo;
	containers: ContainerStatusInfo[];
}

/** What a followed log is given: its lines as they come, then why it ended. */
export interface LogFollower {
	line(text: string): void;
	/** Called once: null when the log ended (the container stopped), else why it stopped. Never after the abort. */
	done(error: Error | null): void;
}

/** The end of a container's log. */
export interface PodLogTail {
	container: string;
	/** From the container's previous run, the one that ended in its last restart (`kubectl logs --previous`). */
	previous: boolean;
	lines: string[];
}

export interface Cluster {
	/** The context acted on when a call names none (the first of several). */
	readonly context: string;
	/** The namespace acted on when a call names none. */
	readonly namespace: string;
	/** Every context watched, when there are several (kubernetes.contexts). */
	readonly contexts?: readonly string[];
	/** Where it watches: 'all' namespaces (-A), or these; absent: `namespace` alone. */
	readonly namespaces?: 'all' | readonly string[];
	/**
	 * The same cluster acting where a row is: its namespace and context. Every method of the view acts
	 * there, and its `context` and `namespace` name it (for confirmations). A context the cluster does
	 * not watch is refused (throws) rather than acted on elsewhere. Absent: one namespace only.
	 */
	at?(place: ObjectPlace): Cluster;
	/** List then watch pods and deployments. Resolves once the watch is running; stops when signal aborts. */
	watch(watcher: ClusterWatcher, signal: AbortSignal): Promise<void>;
	/** Rollout history from the deployment's ReplicaSets, newest first. */
	history(deployment: string, signal?: AbortSignal): Promise<RevisionInfo[]>;
	/** `kubectl rollout undo deployment/NAME [--to-revision=N]` */
	undo(deployment: string, toRevision?: number, signal?: AbortSignal): Promise<MutationResult>;
	/** `kubectl scale deployment/NAME --replicas=N` */
	scale(deployment: string, replicas: number, signal?: AbortSignal): Promise<MutationResult>;
	/** `kubectl rollout restart deployment/NAME` */
	restart(deployment: string, signal?: AbortSignal): Promise<MutationResult>;
	/** An object's recent events, oldest first (`kubectl describe`, Events). */
	events(kind: EventSubject, name: string, signal?: AbortSignal): Promise<EventInfo[]>;
	/**
	 * The last `tailLines` lines of a container's log: of the container that last restarted, from before
	 * that restart (`kubectl logs POD -c C --previous --tail=N`), else of the first container as it runs.
	 */
	podLog(pod: string, tailLines: number, signal?: AbortSignal): Promise<PodLogTail>;
	/**
	 * The pod as it is now, in one read: its row (fresher than the watch's last flush to the pane)
	 * and each container's state, restarts and how its last run ended (exit code, message).
	 */
	podNow(pod: string, signal?: AbortSignal): Promise<PodNow>;
	/**
	 * Follows a container's log from its last `tailLines` lines on, as `kubectl logs -f --tail=N` does:
	 * the container that last restarted (its run now, not the one before), else the first. Resolves
	 * with that container's name once the log is open; lines then come to `follower` until `signal`
	 * aborts or the log ends.
	 */
	followLog(pod: string, tailLines: number, follower: LogFollower, signal: AbortSignal): Promise<string>;
	/** Name of a HorizontalPodAutoscaler targeting the deployment, or null. */
	autoscalerFor(deployment: string, signal?: AbortSignal): Promise<string | null>;
	/**
	 * Every namespace's name, sorted (`kubectl get namespaces`), for the namespace picker; or, when RBAC
	 * does not let the user list them (403), what the API server said. Other failures throw. Absent
	 * where the cluster has no namespaces to offer (the demo).
	 */
	listNamespaces?(signal?: AbortSignal): Promise<NamespaceList>;
	/**
	 * The environment runbook commands run with, so kubectl and other Kubernetes tools in them act on
	 * this context and namespace (`namespace`, default the cluster's) (source/clients/kube-pin.ts); null when there is nothing to pin.
	 */
	commandEnvironment?(namespace?: string): CommandEnvironment | null;
}

export interface CommandEnvironment {
	/** Variables added to the command's environment (KUBECONFIG). */
	env: Record<string, string>;
	/** One line for the confirmation: what the Kubernetes tools in the command will act on. */
	note: string;
}

/** Where the cockpit watches and acts: a context, and a namespace or every namespace. */
export interface ClusterScope {
	context: string;
	/** The namespace acted on by default (and watched, unless `allNamespaces`). */
	namespace: string;
	/** Every namespace is watched (as -A); actions act in their row's. */
	allNamespaces?: boolean;
}

/** A context of the kubeconfig, as the context picker lists it. */
export interface KubeContextInfo {
	name: string;
	/** The namespace the kubeconfig gives it, if any. */
	namespace?: string;
	/** Its API server, when the kubeconfig names a known cluster. */
	server?: string;
}

/** A context's settings from the config (`kubernetes.contexts`, `kubernetes`, --readonly). */
export interface ContextSettingsNow {
	readonly: boolean;
	production: boolean;
}

/**
 * Switching the cockpit to another context or namespace at run time (the `:ctx` and `:ns` of k9s):
 * the kubeconfig's contexts, and a new cluster client for a scope. Nothing of the cluster the cockpit
 * watches now changes until the new one is connected.
 */
export interface ClusterSwitcher {
	/** The kubeconfig's contexts, in its order. */
	contexts(): Promise<KubeContextInfo[]>;
	/** The read-only and production settings of `context` (the config's, with --readonly always). */
	settingsOf(context: string): ContextSettingsNow;
	/** A cluster client of `scope`, read-only when the context's settings say so. Throws what loading the kubeconfig said. */
	connect(scope: {context: string; namespace?: string; allNamespaces?: boolean}): Promise<Cluster>;
}

/** The namespaces of a context, or why they may not be listed (403 Forbidden: the API server's message). */
export type NamespaceList = {names: string[]} | {forbidden: string};
