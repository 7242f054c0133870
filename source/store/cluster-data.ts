import type {ClusterChange, DeploymentInfo, PodInfo} from '../ports/cluster.js';
import type {ClusterData} from './types.js';

/**
 * The cluster slice of the store, kept so that a watch flush costs what changed, not what exists:
 * with 10,000 pods, copying one flat record and regrouping every pod on each flush was most of the
 * cost of a refresh. Pods are grouped by owning deployment; a flush copies the pods map (a Map copy
 * is about four times cheaper than spreading a 10,000-key object) and rebuilds only the groups that
 * one of its pods left, joined or changed in, so the pods pane re-derives rows for those groups alone.
 */

/** The group a pod is listed under: its deployment's name, or `''` for pods no deployment owns. */
export function podGroupKey(pod: PodInfo): string {
	return pod.deployment ?? '';
}

/** Orders rows and pods by name (plain code-unit order, as kubectl lists them). */
export function byName(a: {name: string}, b: {name: string}): number {
	return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export const emptyCluster: ClusterData = {pods: new Map(), podGroups: {}, deployments: {}};

export function clusterData(pods: readonly PodInfo[], deployments: readonly DeploymentInfo[]): ClusterData {
	const byPodName = new Map<string, PodInfo>();
	const groups: Record<string, PodInfo[]> = {};
	for (const pod of pods) {
		byPodName.set(pod.name, pod);
		(groups[podGroupKey(pod)] ??= []).push(pod);
	}
	for (const group of Object.values(groups)) group.sort(byName);
	return {pods: byPodName, podGroups: groups, deployments: Object.fromEntries(deployments.map(d => [d.name, d]))};
}

export function applyClusterChanges(data: ClusterData, changes: readonly ClusterChange[]): ClusterData {
	let pods: Map<string, PodInfo> | undefined;
	let deployments: Record<string, DeploymentInfo> | undefined;
	/** For each group to rebuild, the names that may now belong to it. */
	const touched = new Map<string, Set<string>>();
	const touch = (key: string, name: string) => {
		let names = touched.get(key);
		if (!names) touched.set(key, (names = new Set(data.podGroups[key]?.map(p => p.name))));
		names.add(name);
	};
	for (const change of changes) {
		if (change.kind === 'pod') {
			pods ??= new Map(data.pods);
			const name = change.type === 'upsert' ? change.pod.name : change.name;
			const previous = pods.get(name);
			if (previous) touch(podGroupKey(previous), name);
			if (change.type === 'upsert') {
				pods.set(name, change.pod);
				touch(podGroupKey(change.pod), name);
			} else {
				pods.delete(name);
			}
		} else {
			deployments ??= {...data.deployments};
			if (change.type === 'upsert') deployments[change.deployment.name] = change.deployment;
			else delete deployments[change.name];
		}
	}
	let podGroups = data.podGroups;
	if (pods && touched.size > 0) {
		const groups: Record<string, readonly PodInfo[]> = {...data.podGroups};
		for (const [key, names] of touched) {
			const members: PodInfo[] = [];
			for (const name of names) {
				const pod = pods.get(name);
				if (pod && podGroupKey(pod) === key) members.push(pod);
			}
			if (members.length === 0) delete groups[key];
			else groups[key] = members.sort(byName);
		}
		podGroups = groups;
	}
	return {pods: pods ?? data.pods, podGroups, deployments: deployments ?? data.deployments};
}
