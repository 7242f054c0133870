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
	/** Every pod, by name: a view over `podGroups`, its map built on first use (see cluster-data.ts). */
	pods: ReadonlyMap<string, PodInfo>;
	/**
	 * The same pods grouped by owning deployment (`''`: owned by none), each group sorted by name. A
	 * group is a new array only when one of its pods changed (see cluster-data.ts).
	 */
	podGroups: Readonly<Record<string, readonly PodInfo[]>>;
	deployments: Record<string, DeploymentInfo>;
}


/** The group a pod is listed under: its deployment's name, or `''` for pods no deployment owns. */
export function podGroupKey(pod: PodInfo): string {
	return pod.deployment ?? '';
}

/** Orders rows and pods by name (plain code-unit order, as kubectl lists them). */
export function byName(a: {name: string}, b: {name: string}): number {
	return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

type PodGroups = Readonly<Record<string, readonly PodInfo[]>>;

/** Every pod by name, read from the groups; the map behind it is built on first use. */
class PodIndex implements ReadonlyMap<string, PodInfo> {
	#byName: Map<string, PodInfo> | undefined;

	constructor(private readonly groups: PodGroups) {}

	#map(): Map<string, PodInfo> {
		if (!this.#byName) {
			this.#byName = new Map();
			for (const group of Object.values(this.groups)) for (const pod of group) this.#byName.set(pod.name, pod);
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

export function clusterData(pods: readonly PodInfo[], deployments: readonly DeploymentInfo[]): ClusterData {
	const groups: Record<string, PodInfo[]> = {};
	for (const pod of pods) (groups[podGroupKey(pod)] ??= []).push(pod);
	for (const group of Object.values(groups)) group.sort(byName);
	return {pods: new PodIndex(groups), podGroups: groups, deployments: Object.fromEntries(deployments.map(d => [d.name, d]))};
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

/** The pod called `name` in any group, looking in group `likely` first (where a pod stays). */
function findPod(groups: PodGroups, name: string, likely: string | undefined): PodInfo | undefined {
	const found = likely === undefined ? undefined : findIn(groups[likely], name);
	if (found) return found;
	for (const key in groups) {
		if (key === likely) continue;
		const pod = findIn(groups[key], name);
		if (pod) return pod;
	}
	return undefined;
}

export function applyClusterChanges(data: ClusterData, changes: readonly ClusterChange[]): ClusterData {
	let deployments: Record<string, DeploymentInfo> | undefined;
	/** For each group to rebuild, its pods that changed: the new row, or null when it left the group. */
	const edits = new Map<string, Map<string, PodInfo | null>>();
	/** Pods changed earlier in this batch: the latest row, or null when deleted. */
	const changed = new Map<string, PodInfo | null>();
	const edit = (key: string, name: string, pod: PodInfo | null) => {
		let named = edits.get(key);
		if (!named) edits.set(key, (named = new Map()));
		named.set(name, pod);
	};
	for (const change of changes) {
		if (change.kind === 'pod') {
			const name = change.type === 'upsert' ? change.pod.name : change.name;
			const previous = changed.has(name) ? changed.get(name) : findPod(data.podGroups, name, change.type === 'upsert' ? podGroupKey(change.pod) : undefined);
			if (previous) edit(podGroupKey(previous), name, null);
			if (change.type === 'upsert') edit(podGroupKey(change.pod), name, change.pod);
			changed.set(name, change.type === 'upsert' ? change.pod : null);
		} else {
			deployments ??= {...data.deployments};
			if (change.type === 'upsert') deployments[change.deployment.name] = change.deployment;
			else delete deployments[change.name];
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
	return {pods: podGroups === data.podGroups ? data.pods : new PodIndex(podGroups), podGroups, deployments: deployments ?? data.deployments};
}
