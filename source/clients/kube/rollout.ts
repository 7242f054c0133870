/**
 * What kubectl does to a Deployment, with its semantics and its patch content types:
 *  - history: `kubectl rollout history`, from the ReplicaSets the deployment controls;
 *  - undo:    `kubectl rollout undo [--to-revision=N]`, a JSON patch restoring that ReplicaSet's pod
 *             template, refused if the spec changed since it was read (a `test` of the generation);
 *  - scale:   `kubectl scale`, a merge patch of the scale subresource;
 *  - restart: `kubectl rollout restart`, a strategic merge patch of the restartedAt template annotation.
 * Each mutation passes KubeApi.assertWritable first, and names the incident as its field manager.
 */
import {isDeepStrictEqual} from 'node:util';
import type {MutationResult, RevisionInfo} from '../../ports/cluster.js';
import {KubeError, statusCodeOf} from '../kube-errors.js';
import type {KubeApi} from './api.js';
import {
	changeCauseAnnotation,
	imagesOf,
	records,
	iso,
	podTemplateHashLabel,
	restartedAtAnnotation,
	revisionAnnotation,
	revisionOf,
	type RawDeployment,
	type RawReplicaSet,
	type RawTemplate,
} from './convert.js';

/** Annotations `kubectl rollout undo` leaves as they are on the deployment instead of copying them from the ReplicaSet. */
const undoSkippedAnnotations = new Set([
	'kubectl.kubernetes.io/last-applied-configuration',
	revisionAnnotation,
	'deployment.kubernetes.io/revision-history',
	'deployment.kubernetes.io/desired-replicas',
	'deployment.kubernetes.io/max-replicas',
	'deprecated.deployment.rollback.to',
]);

function ownedBy(rs: RawReplicaSet, uid: string | undefined): boolean {
	return Boolean(uid) && records(rs.metadata?.ownerReferences).some(o => o.controller && o.uid === uid);
}

/** The kubectl rollout history rows for the ReplicaSets a deployment (uid) controls, newest first. */
export function revisionsOf(replicaSets: readonly RawReplicaSet[], deploymentUid: string | undefined): RevisionInfo[] {
	const rows: RevisionInfo[] = [];
	for (const rs of replicaSets) {
		if (!ownedBy(rs, deploymentUid)) continue;
		const revision = revisionOf(rs.metadata);
		if (revision <= 0) continue;
		const row: RevisionInfo = {
			revision,
			replicaSet: rs.metadata?.name ?? '',
			images: imagesOf(rs.spec?.template),
			createdAt: iso(rs.metadata?.creationTimestamp),
		};
		const cause = rs.metadata?.annotations?.[changeCauseAnnotation];
		if (cause) row.changeCause = cause;
		rows.push(row);
	}
	return rows.sort((a, b) => b.revision - a.revision);
}

/** `kubectl rollout undo` picks the ReplicaSet to restore: the given revision, else the highest below the latest. */
export function pickRollbackTarget(
	replicaSets: readonly RawReplicaSet[],
	deployment: string,
	toRevision: number | undefined,
): {target: RawReplicaSet; revision: number} {
	if (toRevision !== undefined && toRevision > 0) {
		const found = replicaSets.find(rs => revisionOf(rs.metadata) === toRevision);
		if (!found) throw new KubeError(`unable to find specified revision ${toRevision} in history of deployment/${deployment}`, undefined, 'NotFound');
		return {target: found, revision: toRevision};
	}
	let latest = -1;
	let previous = -1;
	let previousRs: RawReplicaSet | undefined;
	let latestRs: RawReplicaSet | undefined;
	for (const rs of replicaSets) {
		const v = revisionOf(rs.metadata);
		if (v > latest) {
			previous = latest;
			previousRs = latestRs;
			latest = v;
			latestRs = rs;
		} else if (v > previous && v < latest) {
			previous = v;
			previousRs = rs;
		}
	}
	if (previous <= 0 || !previousRs) throw new KubeError(`no rollout history found for deployment/${deployment} (no previous revision to roll back to)`, undefined, 'NotFound');
	return {target: previousRs, revision: previous};
}

/** A pod template without its pod-template-hash label: how kubectl compares and restores templates. */
function withoutHash(template: RawTemplate | undefined): RawTemplate {
	const copy = structuredClone<RawTemplate>(template ?? {});
	if (copy.metadata?.labels) delete copy.metadata.labels[podTemplateHashLabel];
	return copy;
}

/**
 * The JSON patch of a rollback to `target`'s `template`. Like kubectl: the deployment's own bookkeeping
 * annotations stay, the rest come from the ReplicaSet; and it is refused if someone changed the spec
 * since we read it (status updates do not bump the generation).
 */
export function rollbackPatch(deployment: RawDeployment, target: RawReplicaSet, template: RawTemplate): unknown[] {
	const annotations: Record<string, string> = {};
	for (const [key, value] of Object.entries(deployment.metadata?.annotations ?? {})) {
		if (undoSkippedAnnotations.has(key)) annotations[key] = value;
	}
	for (const [key, value] of Object.entries(target.metadata?.annotations ?? {})) {
		if (!undoSkippedAnnotations.has(key)) annotations[key] = value;
	}
	const patch: unknown[] = [];
	if (deployment.metadata?.generation !== undefined) patch.push({op: 'test', path: '/metadata/generation', value: deployment.metadata.generation});
	patch.push({op: 'replace', path: '/spec/template', value: template});
	patch.push({op: deployment.metadata?.annotations ? 'replace' : 'add', path: '/metadata/annotations', value: annotations});
	return patch;
}

function selectorOf(d: RawDeployment): string | undefined {
	const labels = d.spec?.selector?.matchLabels;
	if (!labels || Object.keys(labels).length === 0) return undefined;
	return Object.entries(labels)
		.map(([k, v]) => `${k}=${v}`)
		.join(',');
}

/** The deployment as the server has it (raw JSON, every field kept) and the ReplicaSets it controls. */
async function ownedReplicaSets(api: KubeApi, name: string, signal?: AbortSignal): Promise<{deployment: RawDeployment; replicaSets: RawReplicaSet[]}> {
	const {apps, namespace} = api;
	const deployment = await api.readRaw<RawDeployment>(`read deployment/${name}`, opts => apps.readNamespacedDeployment({name, namespace}, opts), signal);
	const labelSelector = selectorOf(deployment);
	const list = await api.readRaw<{items?: RawReplicaSet[]}>(
		`list replicasets of deployment/${name}`,
		opts => apps.listNamespacedReplicaSet({namespace, ...(labelSelector ? {labelSelector} : {})}, opts),
		signal,
	);
	const uid = deployment.metadata?.uid;
	return {deployment, replicaSets: records(list.items).filter(rs => ownedBy(rs, uid))};
}

function refuseIfPaused(deployment: RawDeployment, name: string, then: string): void {
	if (deployment.spec?.paused) {
		throw new KubeError(`deployment/${name} is paused: resume it first (kubectl rollout resume deployment/${name}), then ${then}`, undefined, 'Paused');
	}
}

/** `kubectl rollout history deployment/NAME`, newest first. */
export async function rolloutHistory(api: KubeApi, name: string, signal?: AbortSignal): Promise<RevisionInfo[]> {
	try {
		const {deployment, replicaSets} = await ownedReplicaSets(api, name, signal);
		return revisionsOf(replicaSets, deployment.metadata?.uid);
	} catch (error) {
		throw api.fail(error, `rollout history of deployment/${name}`);
	}
}

/** `kubectl rollout undo deployment/NAME [--to-revision=N]`: the chosen ReplicaSet's template, restored with a JSON patch. */
export async function rollBack(api: KubeApi, name: string, toRevision?: number, signal?: AbortSignal): Promise<MutationResult> {
	api.assertWritable(`rollback of deployment/${name}`);
	const {deployment, replicaSets} = await ownedReplicaSets(api, name, signal);
	refuseIfPaused(deployment, name, 'roll back');
	let picked: ReturnType<typeof pickRollbackTarget>;
	try {
		picked = pickRollbackTarget(replicaSets, name, toRevision);
	} catch (error) {
		throw new KubeError(`${(error as Error).message} (${api.where()})`, undefined, 'NotFound');
	}
	const {target, revision} = picked;
	const current = revisionOf(deployment.metadata) || Math.max(0, ...replicaSets.map(rs => revisionOf(rs.metadata)));
	const template = withoutHash(target.spec?.template);
	if (isDeepStrictEqual(withoutHash(deployment.spec?.template), template)) {
		const summary = `skipped rollback (current template already matches revision ${revision})`;
		return {summary, before: `revision ${current}`, after: `revision ${current}`};
	}
	const body = rollbackPatch(deployment, target, template);
	const {apps, namespace, fieldManager} = api;
	await api.patch(`roll back deployment/${name} to revision ${revision}`, 'JsonPatch', opts => apps.patchNamespacedDeployment({name, namespace, body, fieldManager}, opts), signal);
	return {summary: `revision ${current} -> ${revision}`, before: `revision ${current}`, after: `revision ${revision}`};
}

/** `kubectl scale deployment/NAME --replicas=N`: a merge patch of the scale subresource. */
export async function scaleDeployment(api: KubeApi, name: string, replicas: number, signal?: AbortSignal): Promise<MutationResult> {
	api.assertWritable(`scale of deployment/${name}`);
	if (!Number.isInteger(replicas) || replicas < 0) throw new KubeError(`replicas must be a whole number >= 0, got ${replicas}`, undefined, 'Invalid');
	const {apps, namespace, fieldManager} = api;
	const current = await api.read(`read scale of deployment/${name}`, opts => apps.readNamespacedDeploymentScale({name, namespace}, opts), signal);
	const before = current.spec?.replicas ?? 0;
	const body = {spec: {replicas}};
	await api.patch(`scale deployment/${name} to ${replicas}`, 'MergePatch', opts => apps.patchNamespacedDeploymentScale({name, namespace, body, fieldManager}, opts), signal);
	return {summary: `replicas ${before} -> ${replicas}`, before: String(before), after: String(replicas)};
}

/** `kubectl rollout restart deployment/NAME`: a strategic merge patch of the template's restartedAt annotation. */
export async function restartDeployment(api: KubeApi, name: string, signal?: AbortSignal): Promise<MutationResult> {
	api.assertWritable(`restart of deployment/${name}`);
	const {apps, namespace, fieldManager} = api;
	const deployment = await api.read(`read deployment/${name}`, opts => apps.readNamespacedDeployment({name, namespace}, opts), signal);
	refuseIfPaused(deployment, name, 'restart');
	const previous = deployment.spec?.template?.metadata?.annotations?.[restartedAtAnnotation];
	// kubectl writes RFC 3339 without fractional seconds.
	const at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
	const body = {spec: {template: {metadata: {annotations: {[restartedAtAnnotation]: at}}}}};
	await api.patch(`restart deployment/${name}`, 'StrategicMergePatch', opts => apps.patchNamespacedDeployment({name, namespace, body, fieldManager}, opts), signal);
	return {summary: `restarted (restartedAt ${at})`, before: previous ? `restartedAt ${previous}` : 'never restarted', after: `restartedAt ${at}`};
}

/** Name of a HorizontalPodAutoscaler targeting the deployment, or null (also when RBAC hides them). */
export async function autoscalerFor(api: KubeApi, name: string, signal?: AbortSignal): Promise<string | null> {
	const {autoscaling, namespace} = api;
	try {
		const list = await api.read('list horizontalpodautoscalers', opts => autoscaling.listNamespacedHorizontalPodAutoscaler({namespace}, opts), signal);
		const hpa = list.items.find(h => h.spec?.scaleTargetRef?.kind === 'Deployment' && h.spec.scaleTargetRef.name === name);
		return hpa?.metadata?.name ?? null;
	} catch (error) {
		const code = statusCodeOf(error);
		if (code === 403 || code === 404) return null;
		throw api.fail(error, 'list horizontalpodautoscalers');
	}
}
