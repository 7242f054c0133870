/** The Pods kind's own keys: o changes the order; l follows a pod's log, or the log of the pod `kubectl logs deployment/NAME` picks. */
import type {PodInfo} from '../../ports/cluster.js';
import type {IncidentState} from '../../store/types.js';
import type {KindKey, RowRef} from '../types.js';
import {objectKey} from './cluster-data.js';
import {podsData} from './data.js';
import {podSortOf} from './rows.js';

/** Pod phases in the order kubectl prefers them for a log: running, then unknown, then pending. */
const logPhaseRank: Record<string, number> = {Running: 0, Unknown: 1, Pending: 2};

/**
 * The pod whose log `l` follows for a selected row: a pod row's own pod, or for a deployment the pod
 * `kubectl logs deployment/NAME` picks (kubectl's podutils.ByLogging): one on a node, running, ready,
 * with the most restarts, the oldest. (kubectl also prefers the pod ready the longest; rows do not
 * keep when a pod became ready, so age stands in for it.)
 */
export function logPodOf(state: IncidentState, ref: RowRef | undefined): string | undefined {
	if (ref?.pod) return ref.pod;
	if (!ref?.deployment) return undefined;
	const ready = (pod: PodInfo) => pod.phase === 'Running' && pod.ready === pod.containers && !pod.waitingReason;
	const {podGroups, wide} = podsData.of(state);
	const ranked = [...(podGroups[objectKey(wide, {...ref, name: ref.deployment})] ?? [])].sort(
		(a, b) =>
			Number(!a.node) - Number(!b.node) ||
			(logPhaseRank[a.phase] ?? 3) - (logPhaseRank[b.phase] ?? 3) ||
			Number(ready(b)) - Number(ready(a)) ||
			b.restarts - a.restarts ||
			a.createdAt.localeCompare(b.createdAt),
	);
	return ranked[0]?.name;
}

export const followLogKey: KindKey = {
	id: 'followLog',
	binding: {keys: ['l'], label: 'l', help: 'Follow the pod’s log (logs -f), or one pod’s of the deployment', short: 'logs'},
	disabled: (row, {state}) => {
		if (logPodOf(state, row?.ref)) return null;
		return row?.ref.deployment && !row.ref.pod ? `deployment ${row.ref.deployment} has no pods to read a log from` : 'select a pod or a deployment first';
	},
	run: (row, controller, {state}) => controller.followLog(logPodOf(state, row.ref)!),
};

export const sortKey: KindKey = {
	id: 'sort',
	binding: {keys: ['o'], label: 'o', help: 'Sort the pods: problems first (crash-looping, OOMKilled, not ready, pending), or by name', short: 'sort'},
	run: (_row, _controller, {state, sortChanged}) => sortChanged('pods', podSortOf(state) === 'problems' ? 'name' : 'problems'),
};
