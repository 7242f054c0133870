import type {ClusterChange, DeploymentInfo, PodInfo} from '../../ports/cluster.js';

/**
 * The cluster slice of the store, kept so that a watch flush costs what changed, not what exists:
 * with 10,000 pods, copying one flat record and regrouping every pod on each flush was most of the
 * cost of a refresh. Pods are grouped by owning deployment; a flush rebuilds only the groups that
 * one of its pods left, joined or changed in, so the pods pane re-derives rows for those groups alone.
 * A changed pod is found in its old group by binary search (groups are sorted by name). The index by
 * name (`pods`) is a view over the groups, built on first use: a flush used to copy a 10,000-entry
 * Map for it, a fifth of what an idle cockpit allocated (bench/README.md), for a lookup that only a
 * details dialog makes.
 */

export interface ClusterData {
	/** Every pod, by `objectKey` (its name; `[context/]namespace/name` when `wide`): a view over `podGroups`, its map built on first use. */
	pods: ReadonlyMap<string, PodInfo>;
	/**
	 * The same pods grouped by owning deployment, keyed by `podGroupKey` (`''`: owned by none), each
	 * group sorted by name. A group is a new array only when one of its pods changed (see cluster-data.ts).
	 */
	podGroups: Readonly<Record<string, readonly PodInfo[]>>;
	/** Deployments by `objectKey`. */
	deployments: Record<string, DeploymentInfo>;
	/**
	 * Watching several namespaces or contexts (-A, kubernetes.namespaces, kubernetes.contexts): names
	 * repeat across them, so every key carries the object's context and namespace. Else keys are names.
	 */
	wide?: boolean;
}

/** Where an object is and what it is called: a pod, a deployment, or a deletion naming one. */
export interface Placed {
	name: string;
	namespace?: string;
	context?: string;
}

/** `[context/]namespace/` of an object: the start of its keys when watching wide. */
export function placeOf(object: {namespace?: string; context?: string}): string {
	return `${object.context === undefined ? '' : `${object.context}/`}${object.namespace ?? ''}/`;
}

/** An object's key in `pods` and `deployments`: its name, or where it is and its name when watching wide. */
export function objectKey(wide: boolean | undefined, object: Placed): string {
	return wide ? `${placeOf(object)}${object.name}` : object.name;
}

/** The group a pod is listed under: its deployment (`''` for pods no deployment owns), in its namespace and context when wide. */
export function podGroupKey(pod: PodInfo, wide?: boolean): string {
	return wide ? `${placeOf(pod)}${pod.deployment ?? ''}` : (pod.deployment ?? '');
}

/** Orders rows and pods by name (plain code-unit order, as kubectl lists them). */
export function byName(a: {name: string}, b: {name: string}): number {
	return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

type PodGroups = Readonly<Record<string, readonly PodInfo[]>>;

/** Every pod by name, read from the groups; the map behind it is built on first use. */
class PodIndex implements ReadonlyMap<string, PodInfo> {
	#byName: Map<string, PodInfo> | undefined;

	constructor(
		private readonly groups: PodGroups,
		private readonly wide?: boolean,
	) {}

	#map(): Map<string, PodInfo> {
		if (!this.#byName) {
			this.#byName = new Map();
			for (const group of Object.values(this.groups)) for (const pod of group) this.#byName.set(objectKey(this.wide, pod), pod);
		}
		return this.#byName;
	}

	get size() {
		return this.#map().size;
	}

	get(name: string) {
		return this.#map().get(name);
	}

	has(name: string) {
		return this.#map().has(name);
	}

	forEach(callback: (pod: PodInfo, name: string, map: ReadonlyMap<string, PodInfo>) => void, thisArg?: unknown) {
		for (const [name, pod] of this.#map()) callback.call(thisArg, pod, name, this);
	}

	entries() {
		return this.#map().entries();
	}

	keys() {
		return this.#map().keys();
	}

	values() {
		return this.#map().values();
	}

	[Symbol.iterator]() {
		return this.#map()[Symbol.iterator]();
	}
}

export const emptyCluster: ClusterData = {pods: new PodIndex({}), podGroups: {}, deployments: {}};

export function clusterData(pods: readonly PodInfo[], deployments: readonly DeploymentInfo[], wide?: boolean): ClusterData {
	const groups: Record<string, PodInfo[]> = {};
	for (const pod of pods) (groups[podGroupKey(pod, wide)] ??= []).push(pod);
	for (const group of Object.values(groups)) group.sort(byName);
	return {pods: new PodIndex(groups, wide), podGroups: groups, deployments: Object.fromEntries(deployments.map(d => [objectKey(wide, d), d])), ...(wide ? {wide} : {})};
}

/** The pod called `name` in `group` (sorted by name), by binary search. */
function findIn(group: readonly PodInfo[] | undefined, name: string): PodInfo | undefined {
	if (!group) return undefined;
	let low = 0;
	let high = group.length - 1;
	while (low <= high) {
		const middle = (low + high) >>> 1;
		const candidate = group[middle]!;
		if (candidate.name === name) return candidate;
		if (candidate.name < name) low = middle + 1;
		else high = middle - 1;
	}
	return undefined;
}

/**
 * The pod called `name` in any group, looking in group `likely` first (where a pod stays). When
 * watching wide, only the groups of `place` (`[context/]namespace/`): names repeat across namespaces.
 */
function findPod(groups: PodGroups, name: string, likely: string | undefined, place: string | undefined): PodInfo | undefined {
	const found = likely === undefined ? undefined : findIn(groups[likely], name);
	if (found) return found;
	for (const key in groups) {
		if (key === likely || (place !== undefined && !key.startsWith(place))) continue;
		const pod = findIn(groups[key], name);
		if (pod) return pod;
	}
	return undefined;
}

export function applyClusterChanges(data: ClusterData, changes: readonly ClusterChange[]): ClusterData {
	const {wide} = data;
	let deployments: Record<string, DeploymentInfo> | undefined;
	/** For each group to rebuild, its pods that changed: the new row, or null when it left the group. */
	const edits = new Map<string, Map<string, PodInfo | null>>();
	/** Pods changed earlier in this batch: the latest row, or null when deleted. */
	const changed = new Map<string, PodInfo | null>();
	const edit = (key: string, name: string, pod: PodInfo | null) => {
		let named = edits.get(key);
		if (!named) edits.set(key, (named = new Map<string, PodInfo | null>()));
		named.set(name, pod);
	};
	for (const change of changes) {
		if (change.kind === 'pod') {
			const placed: Placed = change.type === 'upsert' ? change.pod : change;
			const {name} = placed;
			const key = objectKey(wide, placed);
			const previous = changed.has(key)
				? changed.get(key)
				: findPod(data.podGroups, name, change.type === 'upsert' ? podGroupKey(change.pod, wide) : undefined, wide ? placeOf(placed) : undefined);
			if (previous) edit(podGroupKey(previous, wide), name, null);
			if (change.type === 'upsert') edit(podGroupKey(change.pod, wide), name, change.pod);
			changed.set(key, change.type === 'upsert' ? change.pod : null);
		} else {
			deployments ??= {...data.deployments};
			if (change.type === 'upsert') deployments[objectKey(wide, change.deployment)] = change.deployment;
			else delete deployments[objectKey(wide, change)];
		}
	}
	let podGroups = data.podGroups;
	if (edits.size > 0) {
		const groups: Record<string, readonly PodInfo[]> = {...data.podGroups};
		for (const [key, named] of edits) {
			const old = data.podGroups[key] ?? [];
			const members: PodInfo[] = [];
			for (const pod of old) {
				const next = named.get(pod.name);
				if (next === undefined) members.push(pod);
				else if (next !== null) members.push(next);
			}
			// Pods that joined the group: appended, then the group sorted again.
			let joined = false;
			for (const [name, pod] of named) {
				if (pod !== null && !findIn(old, name)) {
					members.push(pod);
					joined = true;
				}
			}
			if (joined) members.sort(byName);
			if (members.length === 0) delete groups[key];
			else groups[key] = members;
		}
		podGroups = groups;
	}
	return {pods: podGroups === data.podGroups ? data.pods : new PodIndex(podGroups, wide), podGroups, deployments: deployments ?? data.deployments, ...(wide ? {wide} : {})};
}
