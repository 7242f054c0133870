/** The Pods kind's part of `incident-tui status`: the deployments, and the pods that need a look. */
import type {Cluster, DeploymentInfo, PodInfo} from '../../ports/cluster.js';
import {sourceState} from '../status-table.js';
import {statusTable} from '../status-table.js';
import type {StatusContext, StatusPart} from '../types.js';

/** Each deployment and pod says where it is: its namespace, and its context when several are watched (kubernetes.contexts). */
export interface PodsStatus {
	deployments: Array<{name: string; namespace: string; context?: string; revision: number; replicas: number; ready: number}>;
	pods: Array<{name: string; namespace: string; context?: string; deployment: string | null; phase: string; ready: string; restarts: number; reason: string | null}>;
}

/** Where a row is, for the report: its namespace, and its context when it names one. */
function placeOf(object: {namespace: string; context?: string}): {namespace: string; context?: string} {
	return {namespace: object.namespace, ...(object.context ? {context: object.context} : {})};
}

/** By context, then namespace, then name: kubectl -A's order. */
function byPlace(a: {name: string; namespace: string; context?: string}, b: {name: string; namespace: string; context?: string}): number {
	return (a.context ?? '').localeCompare(b.context ?? '') || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);
}

/** The place columns of a table: CONTEXT when any row names one, then NAMESPACE. */
function placeCells(rows: ReadonlyArray<{namespace: string; context?: string}>): {header: string[]; cells: (row: {namespace: string; context?: string}) => string[]} {
	const contexts = rows.some(row => row.context);
	return {header: contexts ? ['CONTEXT', 'NAMESPACE'] : ['NAMESPACE'], cells: row => (contexts ? [row.context ?? '-', row.namespace] : [row.namespace])};
}

/** A pod that needs a look: not running/succeeded, not ready, or waiting with a reason. */
export function isUnhealthyPod(pod: PodInfo): boolean {
	if (pod.phase === 'Succeeded') return false;
	if (pod.phase !== 'Running') return true;
	return pod.ready < pod.containers || Boolean(pod.waitingReason) || pod.lastTerminationReason === 'OOMKilled';
}

/**
 * Resolves with the first full list from the cluster's watch, and the errors of what it could not
 * list (reported with that list: a 500 on pods while deployments listed), then stops the watch.
 */
export async function clusterSnapshot(cluster: Cluster, signal: AbortSignal): Promise<{pods: PodInfo[]; deployments: DeploymentInfo[]; errors: Error[]}> {
	const watch = new AbortController();
	const stop = () => watch.abort();
	signal.addEventListener('abort', stop, {once: true});
	// What the server said while it was retried: at the deadline, that is the answer, not "no answer".
	const errors: Error[] = [];
	try {
		return await new Promise((resolve, reject) => {
			signal.addEventListener(
				'abort',
				() => reject(errors.at(-1) ?? new Error(`no answer from the cluster (context ${cluster.context}, namespace ${cluster.namespace}) in time`)),
				{once: true},
			);
			cluster
				.watch(
					{
						// The errors of the resources the first list missed come right after it.
						reset: (pods, deployments) => void setImmediate(() => resolve({pods, deployments, errors: [...new Map(errors.map(e => [e.message, e])).values()]})),
						change: () => {},
						error: (error, retryInMs) => {
							// A retrying watch may still answer in time; a final error ends the wait.
							if (retryInMs === null) reject(error);
							else errors.push(error);
						},
					},
					watch.signal,
				)
				.catch(reject);
		});
	} finally {
		signal.removeEventListener('abort', stop);
		watch.abort();
	}
}

function message(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** The cluster's first full list, or why it could not be read (reported as the `kubernetes` source). */
async function collectPods(ctx: StatusContext): Promise<PodsStatus> {
	const none: PodsStatus = {deployments: [], pods: []};
	if (ctx.clusterError !== undefined) {
		ctx.error('kubernetes', ctx.clusterError);
		ctx.source({source: 'kubernetes', state: sourceState(ctx.clusterError), error: ctx.clusterError});
		return none;
	}
	if (!ctx.cluster) return none;
	try {
		const {pods, deployments, errors} = await clusterSnapshot(ctx.cluster, ctx.deadline);
		// A list that failed while the others answered (a 500 on pods): its error, and the source unread.
		for (const error of errors) ctx.error('kubernetes', message(error));
		const first = errors[0];
		ctx.source(first ? {source: 'kubernetes', state: sourceState(first), error: message(first)} : {source: 'kubernetes', state: 'ok'});
		return {
			deployments: deployments.map(d => ({name: d.name, ...placeOf(d), revision: d.revision, replicas: d.replicas, ready: d.readyReplicas})).sort(byPlace),
			pods: pods
				.filter(isUnhealthyPod)
				.map(p => ({
					name: p.name,
					...placeOf(p),
					deployment: p.deployment ?? null,
					phase: p.terminating ? 'Terminating' : p.phase,
					ready: `${p.ready}/${p.containers}`,
					restarts: p.restarts,
					reason: p.waitingReason ?? p.lastTerminationReason ?? null,
				}))
				.sort(byPlace),
		};
	} catch (error) {
		ctx.error('kubernetes', message(error));
		ctx.source({source: 'kubernetes', state: sourceState(error), error: message(error)});
		return none;
	}
}

export const podsStatus: StatusPart<PodsStatus> = {
	id: 'kubernetes',
	collect: collectPods,
	table(report) {
		if (report.deployments.length === 0 && report.pods.length === 0) return [];
		const place = placeCells([...report.deployments, ...report.pods]);
		const out = [
			'DEPLOYMENTS',
			...statusTable([[...place.header, 'NAME', 'REVISION', 'READY'], ...report.deployments.map(d => [...place.cells(d), d.name, String(d.revision), `${d.ready}/${d.replicas}`])]),
			'',
			'UNHEALTHY PODS',
		];
		if (report.pods.length === 0) return [...out, '  (none)'];
		return [
			...out,
			...statusTable([[...place.header, 'NAME', 'DEPLOYMENT', 'PHASE', 'READY', 'RESTARTS', 'REASON'], ...report.pods.map(p => [...place.cells(p), p.name, p.deployment ?? '-', p.phase, p.ready, String(p.restarts), p.reason ?? ''])]),
		];
	},
	critical: report => report.deployments.some(d => d.replicas > 0 && d.ready === 0),
};
