/**
 * Several kubeconfig contexts watched together (`kubernetes.contexts: [prod-eu, prod-us]`): one
 * KubeCluster per context behind one Cluster port. Rows carry their context (PodInfo.context); a
 * reset from one context is merged with the others' last rows, so what one shows never blanks
 * another's; each context's connection is reported on its own (ClusterWatcher.contextState), and its
 * errors name it. Calls that name no context act on the first; `at({context, namespace})` acts where a
 * row is, and a context not watched is refused.
 */
import type {
	Cluster,
	ClusterChange,
	ClusterWatcher,
	CommandEnvironment,
	DeploymentInfo,
	EventInfo,
	EventSubject,
	LogFollower,
	MutationResult,
	NamespaceList,
	ObjectPlace,
	PodInfo,
	PodLogTail,
	PodNow,
	RevisionInfo,
	WatchScope,
} from '../../ports/cluster.js';
import {KubeError} from '../kube-errors.js';
import {createKubeCluster, type KubeCluster} from './cluster.js';
import type {KubeClusterOptions} from './config.js';

/** The contexts' clients, in the order they were named; the first is the default. */
export class ContextsCluster implements Cluster {
	readonly context: string;
	readonly namespace: string;
	readonly contexts: readonly string[];
	readonly namespaces?: 'all' | readonly string[];
	private readonly first: KubeCluster;

	constructor(private readonly members: readonly KubeCluster[]) {
		if (members.length === 0) throw new Error('ContextsCluster needs at least one context');
		this.first = members[0]!;
		this.context = this.first.context;
		this.namespace = this.first.namespace;
		this.contexts = members.map(m => m.context);
		if (this.first.namespaces) this.namespaces = this.first.namespaces;
	}

	/** The client of `place.context` (default the first) acting in `place.namespace`. */
	at(place: ObjectPlace): Cluster {
		const member = place.context === undefined ? this.first : this.members.find(m => m.context === place.context);
		if (!member) throw new KubeError(`context ${place.context} is not watched (watched: ${this.contexts.join(', ')}): nothing sent`, undefined, 'WrongContext');
		return member.at({...(place.namespace ? {namespace: place.namespace} : {})});
	}

	async watch(watcher: ClusterWatcher, signal: AbortSignal): Promise<void> {
		const merged = new MergedWatch(watcher, this.contexts);
		await Promise.all(this.members.map(member => merged.watchMember(member, signal)));
		// One first reset with every context's rows (a reader of the first reset, like status, sees them all).
		if (!signal.aborted) merged.started();
	}

	history(deployment: string, signal?: AbortSignal): Promise<RevisionInfo[]> {
		return this.first.history(deployment, signal);
	}

	undo(deployment: string, toRevision?: number, signal?: AbortSignal): Promise<MutationResult> {
		return this.first.undo(deployment, toRevision, signal);
	}

	scale(deployment: string, replicas: number, signal?: AbortSignal): Promise<MutationResult> {
		return this.first.scale(deployment, replicas, signal);
	}

	restart(deployment: string, signal?: AbortSignal): Promise<MutationResult> {
		return this.first.restart(deployment, signal);
	}

	events(kind: EventSubject, name: string, signal?: AbortSignal): Promise<EventInfo[]> {
		return this.first.events(kind, name, signal);
	}

	podLog(pod: string, tailLines: number, signal?: AbortSignal): Promise<PodLogTail> {
		return this.first.podLog(pod, tailLines, signal);
	}

	podNow(pod: string, signal?: AbortSignal): Promise<PodNow> {
		return this.first.podNow(pod, signal);
	}

	followLog(pod: string, tailLines: number, follower: LogFollower, signal: AbortSignal): Promise<string> {
		return this.first.followLog(pod, tailLines, follower, signal);
	}

	autoscalerFor(deployment: string, signal?: AbortSignal): Promise<string | null> {
		return this.first.autoscalerFor(deployment, signal);
	}

	commandEnvironment(namespace?: string): CommandEnvironment | null {
		return this.first.commandEnvironment(namespace);
	}

	/** The first context's namespaces (the one calls without a place act on). */
	listNamespaces(signal?: AbortSignal): Promise<NamespaceList> {
		return this.first.listNamespaces(signal);
	}
}

/** Where a context's row is kept: namespace/name. */
function keyOf(row: {namespace?: string; name: string}): string {
	return `${row.namespace ?? ''}/${row.name}`;
}

/** The watches of every context, merged into one watcher. */
class MergedWatch {
	/**
	 * Each context's rows now (its last reset and the changes since), by namespace/name: a reset of one
	 * context is merged with these. The same row objects the watcher was given, not copies.
	 */
	private readonly rows = new Map<string, {pods: Map<string, PodInfo>; deployments: Map<string, DeploymentInfo>}>();
	/** Contexts whose watch is broken and retrying: the merged watch has resumed when none is. */
	private readonly failing = new Set<string>();
	/** Every context's first lists are in (or failed): resets go through from then on. */
	private startedAll = false;

	constructor(
		private readonly watcher: ClusterWatcher,
		contexts: readonly string[],
	) {
		for (const context of contexts) watcher.contextState?.({context, status: 'loading'});
	}

	/** Watches one context until `signal` aborts; resolves once its first lists are in (or failed). */
	async watchMember(member: KubeCluster, signal: AbortSignal): Promise<void> {
		const {context} = member;
		try {
			await member.watch(new ContextWatcher(this, context), signal);
		} catch (error) {
			this.failed(context, error instanceof Error ? error : new Error(String(error)), null);
		}
	}

	reset(context: string, pods: PodInfo[], deployments: DeploymentInfo[]): void {
		this.rows.set(context, {pods: new Map(pods.map(p => [keyOf(p), p])), deployments: new Map(deployments.map(d => [keyOf(d), d]))});
		const allPods: PodInfo[] = [];
		const allDeployments: DeploymentInfo[] = [];
		for (const rows of this.rows.values()) {
			for (const pod of rows.pods.values()) allPods.push(pod);
			for (const d of rows.deployments.values()) allDeployments.push(d);
		}
		if (this.startedAll) this.watcher.reset(allPods, allDeployments);
		this.ok(context);
	}

	/** Every context's first lists are in: one reset with all their rows, when any listed. */
	started(): void {
		this.startedAll = true;
		const listed = [...this.rows.keys()];
		if (listed.length > 0) this.reset(listed[0]!, [...this.rows.get(listed[0]!)!.pods.values()], [...this.rows.get(listed[0]!)!.deployments.values()]);
	}

	change(context: string, change: ClusterChange): void {
		const rows = this.rows.get(context);
		if (rows) {
			if (change.kind === 'pod') {
				if (change.type === 'upsert') rows.pods.set(keyOf(change.pod), change.pod);
				else rows.pods.delete(keyOf(change));
			} else if (change.type === 'upsert') rows.deployments.set(keyOf(change.deployment), change.deployment);
			else rows.deployments.delete(keyOf(change));
		}
		this.watcher.change(change);
	}

	failed(context: string, error: Error, retryInMs: number | null): void {
		if (retryInMs !== null) this.failing.add(context);
		this.watcher.contextState?.({context, status: 'failing', error: error.message, retryInMs});
		const named = error.message.includes(`context ${context}`) ? error.message : `context ${context}: ${error.message}`;
		const said = new KubeError(named, (error as Partial<KubeError>).code, (error as Partial<KubeError>).reason);
		this.watcher.error(said, retryInMs);
	}

	ok(context: string): void {
		this.watcher.contextState?.({context, status: 'ok'});
		if (this.failing.delete(context) && this.failing.size === 0) this.watcher.resumed?.();
	}

	scope(scope: WatchScope): void {
		this.watcher.scope?.(scope);
	}
}

/** What one context's watch tells: passed to the merged watch with the context named. */
class ContextWatcher implements ClusterWatcher {
	constructor(
		private readonly merged: MergedWatch,
		private readonly context: string,
	) {}

	reset(pods: PodInfo[], deployments: DeploymentInfo[]): void {
		this.merged.reset(this.context, pods, deployments);
	}

	change(change: ClusterChange): void {
		this.merged.change(this.context, change);
	}

	error(error: Error, retryInMs: number | null): void {
		this.merged.failed(this.context, error, retryInMs);
	}

	resumed(): void {
		this.merged.ok(this.context);
	}

	scope(scope: WatchScope): void {
		this.merged.scope(scope);
	}
}

/**
 * The clients of `contexts`, each made as createKubeCluster makes one (its own kubeconfig context,
 * its own namespace unless `options.namespace` names one), with rows naming their context.
 * `readonlyOf` gives each context's read-only setting (kubernetes.contexts entries).
 */
export async function createContextsCluster(options: KubeClusterOptions, contexts: readonly string[], readonlyOf: (context: string) => boolean = () => options.readonly): Promise<ContextsCluster> {
	const members = await Promise.all(contexts.map(context => createKubeCluster({...options, context, readonly: readonlyOf(context), rowsNameContext: true})));
	return new ContextsCluster(members);
}
