/**
 * Pods: the namespace's pods grouped by deployment, with revision, ready/desired and rollout
 * progress; u/s/r act on the selected row's deployment, l follows a pod's log.
 */
import {deploymentKeys} from '../deployment-keys.js';
import {podsStatus} from './status.js';
import type {Kind} from '../types.js';
import {podsData} from './data.js';
import {podDetails} from './details.js';
import {followLogKey, sortKey} from './kind.js';
import {filterPodRows, podColumns, podRows, podSortOf, podsSummary} from './rows.js';
import {startKubernetesSource} from './source.js';

export const podsKind: Kind = {
	id: 'pods',
	title: 'Pods',
	layout: {weight: 4, column: 'left'},
	feed: 'cluster',
	start: ctx => (ctx.cluster ? startKubernetesSource(ctx, ctx.cluster) : () => {}),
	rows: podRows,
	// A deployment's header row stays when any of its pods matches.
	filter: (rows, filter, cache) => cache.memo(filterPodRows)(rows, filter),
	summary: (state, _now, cache) => {
		const {podGroups, deployments} = podsData.of(state);
		return cache.memo(podsSummary)(podGroups, deployments, cache);
	},
	extra: state => `${state.env.context || '-'}/${state.env.allNamespaces ? 'all namespaces' : state.env.namespace}  ${podSortOf(state) === 'name' ? 'by name' : 'problems first'}`,
	columns: podColumns,
	empty: state => {
		const feed = state.feeds.cluster;
		return !feed || feed.status === 'idle' ? 'no cluster configured (kubernetes: in config)' : feed.lastOkAt === undefined ? 'no answer yet' : 'no pods';
	},
	details: podDetails,
	keys: [...deploymentKeys(() => 'select a deployment or one of its pods first'), followLogKey, sortKey],
	status: [podsStatus],
};
