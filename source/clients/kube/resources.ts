/**
 * The three resources a cluster client watches, and what each does with its objects: pods and
 * deployments become compact rows (a (re)list replaces them all, a watch event upserts or deletes
 * one), ReplicaSets only feed the index that maps a pod to its deployment.
 *
 * Each is watched in one scope: a namespace, or every namespace at once (cluster scope: `-A`). Rows
 * and the index are kept by `namespace/name` (names repeat across namespaces), and a (re)list
 * replaces only the rows of its own scope, so several namespaces' resources share one set of rows.
 */
import {sameRow, type ClusterChange, type ClusterWatcher, type DeploymentInfo, type PodInfo} from '../../ports/cluster.js';
import type {KubeApi} from './api.js';
import type {Interner} from './intern.js';
import {objectKey, replicaSetDeployment, toDeploymentInfo, toPodInfo, type RawDeployment, type RawMeta, type RawPod, type RawReplicaSet} from './convert.js';

export interface Page<Raw> {
	items: Raw[];
	metadata?: {resourceVersion?: string; _continue?: string};
}

export interface ListParams {
	limit?: number;
	_continue?: string;
	watch?: boolean;
	resourceVersion?: string;
	timeoutSeconds?: number;
}

/** A (re)list under way: its pages are converted as they come, and replace everything on commit. */
export interface Listing<Raw> {
	add(items: Raw[]): void;
	commit(): void;
}

/** One watched resource: how to list it, where to watch it, what to do with its objects. */
export interface Resource<Raw> {
	readonly plural: string;
	/** The namespace it is watched in; null at cluster scope (every namespace). */
	readonly scope: string | null;
	/** The API path of its collection in the namespace, or at cluster scope. */
	readonly path: string;
	list(params: ListParams, signal: AbortSignal): Promise<Page<Raw>>;
	startList(): Listing<Raw>;
	/** One watch event (ADDED, MODIFIED, DELETED). */
	apply(type: string, object: Raw): void;
	/** Where the next watch starts: the list's, then each event's and bookmark's. */
	resourceVersion?: string;
	/** Whether the list succeeded at least once since the last 410 Gone. */
	listed: boolean;
}

/** What the resources write into: the rows and index of one watch, and the watcher told of changes. */
export interface WatchedState {
	readonly pods: Map<string, PodInfo>;
	readonly deployments: Map<string, DeploymentInfo>;
	readonly replicaSetOwners: Map<string, string>;
	readonly watcher: ClusterWatcher;
	/** The context each row names, when the client is one of several (kubernetes.contexts). */
	readonly rowContext: string | undefined;
	/** One copy of each string rows repeat. */
	readonly strings: Interner;
	/** A (re)list of pods or deployments was committed. */
	rowsListed(): void;
}

/** The API path of `plural` under `prefix` (`/api/v1`, `/apis/apps/v1`) in `scope`, or at cluster scope. */
function collectionPath(prefix: string, plural: string, scope: string | null): string {
	return scope === null ? `${prefix}/${plural}` : `${prefix}/namespaces/${encodeURIComponent(scope)}/${plural}`;
}

/** Replaces the entries of `map` in `scope` (all of them at cluster scope) with `next`. */
function replaceScope<V>(map: Map<string, V>, scope: string | null, next: Map<string, V>): void {
	if (scope === null) map.clear();
	else {
		const prefix = `${scope}/`;
		for (const key of map.keys()) if (key.startsWith(prefix)) map.delete(key);
	}
	for (const [key, value] of next) map.set(key, value);
}

/** How one kind of row is made and announced. */
interface RowKind<Raw, Row> {
	plural: string;
	path: string;
	list(params: ListParams, signal: AbortSignal): Promise<Page<Raw>>;
	rows: Map<string, Row>;
	toRow(raw: Raw): Row;
	change(row: Row | null, name: string, namespace: string): ClusterChange;
}

/** Pods and deployments are watched the same way: pages become rows that replace the known set on commit; events upsert or delete one row. */
class RowResource<Raw extends {metadata?: RawMeta}, Row extends {name: string; namespace: string}> implements Resource<Raw> {
	readonly plural: string;
	readonly path: string;
	resourceVersion?: string;
	listed = false;

	constructor(
		private readonly kind: RowKind<Raw, Row>,
		private readonly state: WatchedState,
		readonly scope: string | null,
	) {
		this.plural = kind.plural;
		this.path = kind.path;
	}

	list(params: ListParams, signal: AbortSignal): Promise<Page<Raw>> {
		return this.kind.list(params, signal);
	}

	startList(): Listing<Raw> {
		const {kind, state, scope} = this;
		const next = new Map<string, Row>();
		return {
			add(items) {
				for (const item of items) {
					const row = kind.toRow(item);
					next.set(objectKey(row.namespace, row.name), row);
				}
			},
			commit() {
				replaceScope(kind.rows, scope, next);
				state.rowsListed();
			},
		};
	}

	apply(type: string, object: Raw): void {
		const {kind, state} = this;
		const name = object.metadata?.name ?? '';
		if (type === 'DELETED') {
			const namespace = object.metadata?.namespace ?? '';
			kind.rows.delete(objectKey(namespace, name));
			state.watcher.change(kind.change(null, name, namespace));
			return;
		}
		const row = kind.toRow(object);
		const key = objectKey(row.namespace, row.name);
		// Most events (kubelet's status heartbeats) change nothing a row shows. The row already held
		// stays, so the new one dies young: kept, it would outlive the next scavenges and be promoted,
		// and the old generation would fill with copies of unchanged rows (bench/README.md).
		if (sameRow(kind.rows.get(key), row)) return;
		kind.rows.set(key, row);
		state.watcher.change(kind.change(row, name, row.namespace));
	}
}

/** ReplicaSets are watched only to know which deployment owns a pod's ReplicaSet. */
class ReplicaSetResource implements Resource<RawReplicaSet> {
	readonly plural = 'replicasets';
	readonly path: string;
	resourceVersion?: string;
	listed = false;

	constructor(
		private readonly api: KubeApi,
		private readonly owners: Map<string, string>,
		readonly scope: string | null,
		private readonly strings: Interner,
	) {
		this.path = collectionPath('/apis/apps/v1', 'replicasets', scope);
	}

	list(params: ListParams, signal: AbortSignal): Promise<Page<RawReplicaSet>> {
		const {api, scope} = this;
		const options = api.callOptions(signal);
		return (scope === null ? api.apps.listReplicaSetForAllNamespaces(params, options) : api.apps.listNamespacedReplicaSet({namespace: scope, ...params}, options));
	}

	startList(): Listing<RawReplicaSet> {
		const {owners, scope, strings} = this;
		const next = new Map<string, string>();
		return {
			add(items) {
				for (const item of items) {
					const owner = replicaSetDeployment(item);
					if (owner) next.set(objectKey(item.metadata?.namespace, item.metadata?.name), strings.get(owner));
				}
			},
			commit() {
				replaceScope(owners, scope, next);
			},
		};
	}

	apply(type: string, object: RawReplicaSet): void {
		const key = objectKey(object.metadata?.namespace, object.metadata?.name);
		const owner = replicaSetDeployment(object);
		if (type === 'DELETED' || !owner) this.owners.delete(key);
		else if (this.owners.get(key) !== owner) this.owners.set(key, this.strings.get(owner));
	}
}

/** `{context}` of a deletion, when rows name their context. */
function contextOf(state: WatchedState): {context?: string} {
	return state.rowContext === undefined ? {} : {context: state.rowContext};
}

/** The pods of `scope` (a namespace, or null: every namespace). */
export function podResource(api: KubeApi, state: WatchedState, scope: string | null): Resource<RawPod> {
	const {core} = api;
	return new RowResource<RawPod, PodInfo>(
		{
			plural: 'pods',
			path: collectionPath('/api/v1', 'pods', scope),
			list: (params, signal) =>
				(scope === null ? core.listPodForAllNamespaces(params, api.callOptions(signal)) : core.listNamespacedPod({namespace: scope, ...params}, api.callOptions(signal))) as Promise<Page<RawPod>>,
			rows: state.pods,
			toRow: raw => toPodInfo(raw, state.replicaSetOwners, state.rowContext, state.strings),
			change: (pod, name, namespace) => (pod ? {kind: 'pod', type: 'upsert', pod} : {kind: 'pod', type: 'delete', name, namespace, ...contextOf(state)}),
		},
		state,
		scope,
	);
}

/** The deployments of `scope` (a namespace, or null: every namespace). */
export function deploymentResource(api: KubeApi, state: WatchedState, scope: string | null): Resource<RawDeployment> {
	const {apps} = api;
	return new RowResource<RawDeployment, DeploymentInfo>(
		{
			plural: 'deployments',
			path: collectionPath('/apis/apps/v1', 'deployments', scope),
			list: (params, signal) =>
				(scope === null
					? apps.listDeploymentForAllNamespaces(params, api.callOptions(signal))
					: apps.listNamespacedDeployment({namespace: scope, ...params}, api.callOptions(signal))),
			rows: state.deployments,
			toRow: raw => toDeploymentInfo(raw, state.rowContext, state.strings),
			change: (deployment, name, namespace) =>
				deployment ? {kind: 'deployment', type: 'upsert', deployment} : {kind: 'deployment', type: 'delete', name, namespace, ...contextOf(state)},
		},
		state,
		scope,
	);
}

/** The ReplicaSets of `scope` (a namespace, or null: every namespace). */
export function replicaSetResource(api: KubeApi, state: WatchedState, scope: string | null): Resource<RawReplicaSet> {
	return new ReplicaSetResource(api, state.replicaSetOwners, scope, state.strings);
}
