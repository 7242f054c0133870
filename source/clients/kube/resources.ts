/**
 * The three resources a cluster client watches, and what each does with its objects: pods and
 * deployments become compact rows (a (re)list replaces them all, a watch event upserts or deletes
 * one), ReplicaSets only feed the index that maps a pod to its deployment.
 */
import {sameRow, type ClusterChange, type ClusterWatcher, type DeploymentInfo, type PodInfo} from '../../ports/cluster.js';
import type {KubeApi} from './api.js';
import {replicaSetDeployment, toDeploymentInfo, toPodInfo, type RawDeployment, type RawMeta, type RawPod, type RawReplicaSet} from './convert.js';

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
	/** The API path of its collection in the namespace. */
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
	/** A (re)list of pods or deployments was committed. */
	rowsListed(): void;
}

/** How one kind of row is made and announced. */
interface RowKind<Raw, Row> {
	plural: string;
	path: string;
	list(params: ListParams, signal: AbortSignal): Promise<Page<Raw>>;
	rows: Map<string, Row>;
	toRow(raw: Raw): Row;
	change(row: Row | null, name: string): ClusterChange;
}

/** Pods and deployments are watched the same way: pages become rows that replace the known set on commit; events upsert or delete one row. */
class RowResource<Raw extends {metadata?: RawMeta}, Row extends {name: string}> implements Resource<Raw> {
	readonly plural: string;
	readonly path: string;
	resourceVersion?: string;
	listed = false;

	constructor(
		private readonly kind: RowKind<Raw, Row>,
		private readonly state: WatchedState,
	) {
		this.plural = kind.plural;
		this.path = kind.path;
	}

	list(params: ListParams, signal: AbortSignal): Promise<Page<Raw>> {
		return this.kind.list(params, signal);
	}

	startList(): Listing<Raw> {
		const {kind, state} = this;
		const next = new Map<string, Row>();
		return {
			add(items) {
				for (const item of items) {
					const row = kind.toRow(item);
					next.set(row.name, row);
				}
			},
			commit() {
				kind.rows.clear();
				for (const [name, row] of next) kind.rows.set(name, row);
				state.rowsListed();
			},
		};
	}

	apply(type: string, object: Raw): void {
		const {kind, state} = this;
		const name = object.metadata?.name ?? '';
		if (type === 'DELETED') {
			kind.rows.delete(name);
			state.watcher.change(kind.change(null, name));
			return;
		}
		const row = kind.toRow(object);
		// Most events (kubelet's status heartbeats) change nothing a row shows. The row already held
		// stays, so the new one dies young: kept, it would outlive the next scavenges and be promoted,
		// and the old generation would fill with copies of unchanged rows (bench/README.md).
		if (sameRow(kind.rows.get(name), row)) return;
		kind.rows.set(name, row);
		state.watcher.change(kind.change(row, name));
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
	) {
		this.path = `/apis/apps/v1/namespaces/${encodeURIComponent(api.namespace)}/replicasets`;
	}

	list(params: ListParams, signal: AbortSignal): Promise<Page<RawReplicaSet>> {
		const {api} = this;
		return api.apps.listNamespacedReplicaSet({namespace: api.namespace, ...params}, api.callOptions(signal)) as Promise<Page<RawReplicaSet>>;
	}

	startList(): Listing<RawReplicaSet> {
		const {owners} = this;
		const next = new Map<string, string>();
		return {
			add(items) {
				for (const item of items) {
					const owner = replicaSetDeployment(item);
					if (owner) next.set(item.metadata?.name ?? '', owner);
				}
			},
			commit() {
				owners.clear();
				for (const [name, owner] of next) owners.set(name, owner);
			},
		};
	}

	apply(type: string, object: RawReplicaSet): void {
		const name = object.metadata?.name ?? '';
		const owner = replicaSetDeployment(object);
		if (type === 'DELETED' || !owner) this.owners.delete(name);
		else if (this.owners.get(name) !== owner) this.owners.set(name, owner);
	}
}

export function podResource(api: KubeApi, state: WatchedState): Resource<RawPod> {
	const {core, namespace} = api;
	return new RowResource<RawPod, PodInfo>(
		{
			plural: 'pods',
			path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
			list: (params, signal) => core.listNamespacedPod({namespace, ...params}, api.callOptions(signal)) as Promise<Page<RawPod>>,
			rows: state.pods,
			toRow: raw => toPodInfo(raw, state.replicaSetOwners),
			change: (pod, name) => (pod ? {kind: 'pod', type: 'upsert', pod} : {kind: 'pod', type: 'delete', name}),
		},
		state,
	);
}

export function deploymentResource(api: KubeApi, state: WatchedState): Resource<RawDeployment> {
	const {apps, namespace} = api;
	return new RowResource<RawDeployment, DeploymentInfo>(
		{
			plural: 'deployments',
			path: `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments`,
			list: (params, signal) => apps.listNamespacedDeployment({namespace, ...params}, api.callOptions(signal)) as Promise<Page<RawDeployment>>,
			rows: state.deployments,
			toRow: toDeploymentInfo,
			change: (deployment, name) => (deployment ? {kind: 'deployment', type: 'upsert', deployment} : {kind: 'deployment', type: 'delete', name}),
		},
		state,
	);
}

export function replicaSetResource(api: KubeApi, state: WatchedState): Resource<RawReplicaSet> {
	return new ReplicaSetResource(api, state.replicaSetOwners);
}
