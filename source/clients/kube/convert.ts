/**
 * Raw Kubernetes objects to the compact rows the cockpit keeps (PodInfo, DeploymentInfo, and a
 * ReplicaSet -> Deployment name map), never whole API objects. The converters accept both
 * client-node's typed models (Dates) and raw watch JSON, and read a field of the wrong type as absent.
 */
import type {DeploymentInfo, PodInfo} from '../../ports/cluster.js';
import type {Interner} from './intern.js';

export const revisionAnnotation = 'deployment.kubernetes.io/revision';
export const changeCauseAnnotation = 'kubernetes.io/change-cause';
export const restartedAtAnnotation = 'kubectl.kubernetes.io/restartedAt';
export const podTemplateHashLabel = 'pod-template-hash';

export type Time = string | Date | undefined | null;

export interface RawOwner {
	kind?: string;
	name?: string;
	uid?: string;
	controller?: boolean;
}

export interface RawMeta {
	name?: string;
	namespace?: string;
	uid?: string;
	resourceVersion?: string;
	generation?: number;
	creationTimestamp?: Time;
	deletionTimestamp?: Time;
	labels?: Record<string, string>;
	annotations?: Record<string, string>;
	ownerReferences?: RawOwner[];
}

export interface RawTermination {
	reason?: string;
	exitCode?: number;
	finishedAt?: string;
	message?: string;
}

export interface RawContainerStatus {
	name?: string;
	ready?: boolean;
	restartCount?: number;
	state?: {running?: {startedAt?: string}; waiting?: {reason?: string}; terminated?: RawTermination};
	lastState?: {terminated?: RawTermination};
}

export interface RawPod {
	metadata?: RawMeta;
	spec?: {nodeName?: string; containers?: unknown[]};
	status?: {phase?: string; containerStatuses?: RawContainerStatus[]; initContainerStatuses?: RawContainerStatus[]};
}

export interface RawTemplate {
	metadata?: {labels?: Record<string, string>; annotations?: Record<string, string>};
	spec?: {containers?: Array<{name?: string; image?: string}>};
}

export interface RawDeployment {
	metadata?: RawMeta;
	spec?: {replicas?: number; paused?: boolean; template?: RawTemplate; selector?: {matchLabels?: Record<string, string>}};
	status?: {
		observedGeneration?: number;
		replicas?: number;
		updatedReplicas?: number;
		readyReplicas?: number;
		availableReplicas?: number;
		conditions?: Array<{type?: string; reason?: string}>;
	};
}

export interface RawReplicaSet {
	metadata?: RawMeta;
	spec?: {template?: RawTemplate};
}

/**
 * A timestamp as the API server writes it (RFC 3339, whole seconds). Lists come through client-node,
 * which turns them into Dates, watch events as the server's text: both must give the same string, or
 * every pod's first event after a list would look like a change.
 */
export function iso(time: Time): string {
	if (typeof time === 'string') return time;
	// Anything else from a watch event (a number, an object) is no time: shown as none, never a crash.
	return time instanceof Date && !Number.isNaN(time.getTime()) ? time.toISOString().replace(/\.000Z$/, 'Z') : '';
}

/**
 * A field of an object from the wire as the type says it is, or nothing: a proxy or a hostile server
 * can send any JSON, and a row of the wrong shape (a name that is a list) must not reach the panes.
 */
function text(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

function count(value: unknown): number {
	return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** Where a watch keeps an object of a namespace: `namespace/name` (names repeat across namespaces). */
export function objectKey(namespace: string | undefined, name: string | undefined): string {
	return `${namespace ?? ''}/${name ?? ''}`;
}

/**
 * The deployment owning a pod: through its ReplicaSet (known map by `namespace/name` first, else the
 * name minus the pod-template-hash).
 */
export function podDeployment(pod: RawPod, replicaSetOwners: ReadonlyMap<string, string>): string | undefined {
	const owner = pod.metadata?.ownerReferences?.find(o => o.kind === 'ReplicaSet' && (o.controller ?? true));
	// Read as the API server sent it (a watch's JSON is not checked against its type): a name that is not text names nothing.
	const name = text(owner?.name);
	if (!name) return undefined;
	const known = replicaSetOwners.get(objectKey(text(pod.metadata?.namespace), name));
	if (known) return known;
	const hash = text(pod.metadata?.labels?.[podTemplateHashLabel]);
	if (hash && name.endsWith(`-${hash}`)) return name.slice(0, -hash.length - 1);
	return undefined;
}

/** Why a pod is not running, and how its containers last ended: what kubectl's STATUS column says. */
interface PodTrouble {
	ready: number;
	restarts: number;
	waitingReason?: string;
	lastTerminationReason?: string;
}

/**
 * Init containers first, as kubectl's STATUS does: a pod stuck on one says Init:CrashLoopBackOff,
 * Init:Error or Init:1/2, not the PodInitializing its app containers wait in.
 */
function podTrouble(pod: RawPod): PodTrouble {
	const trouble: PodTrouble = {ready: 0, restarts: 0};
	const inits = pod.status?.initContainerStatuses ?? [];
	for (const [i, s] of inits.entries()) {
		trouble.restarts += count(s.restartCount);
		if (trouble.waitingReason) continue;
		const done = s.state?.terminated;
		if (done?.exitCode === 0) continue;
		const waiting = text(s.state?.waiting?.reason);
		trouble.waitingReason = done
			? `Init:${text(done.reason) || `ExitCode:${typeof done.exitCode === 'number' ? done.exitCode : '?'}`}`
			: waiting && waiting !== 'PodInitializing'
				? `Init:${waiting}`
				: `Init:${i}/${inits.length}`;
		trouble.lastTerminationReason = text(s.lastState?.terminated?.reason) || text(done?.reason) || undefined;
	}
	for (const s of pod.status?.containerStatuses ?? []) {
		if (s.ready === true) trouble.ready++;
		trouble.restarts += count(s.restartCount);
		trouble.waitingReason ??= text(s.state?.waiting?.reason) || undefined;
		trouble.lastTerminationReason ??= text(s.lastState?.terminated?.reason) || text(s.state?.terminated?.reason) || undefined;
	}
	return trouble;
}

/** Interns nothing: each string as it is. */
const asIs = {get: (value: string) => value};

/**
 * A pod's row, only what the panes show: `context` names the kubeconfig context it came from, when the
 * cluster watches several; `strings` keeps one copy of the strings rows repeat (namespace, node, ...).
 */
export function toPodInfo(pod: RawPod, replicaSetOwners: ReadonlyMap<string, string>, context?: string, strings: Pick<Interner, 'get'> = asIs): PodInfo {
	const {ready, restarts, waitingReason, lastTerminationReason} = podTrouble(pod);
	const info: PodInfo = {
		name: text(pod.metadata?.name) ?? '',
		namespace: strings.get(text(pod.metadata?.namespace) ?? ''),
		phase: strings.get(text(pod.status?.phase) ?? 'Pending'),
		ready,
		containers: Array.isArray(pod.spec?.containers) ? pod.spec.containers.length : (pod.status?.containerStatuses ?? []).length,
		restarts,
		createdAt: strings.get(iso(pod.metadata?.creationTimestamp)),
	};
	const deployment = podDeployment(pod, replicaSetOwners);
	if (deployment) info.deployment = strings.get(deployment);
	if (waitingReason) info.waitingReason = strings.get(waitingReason);
	if (lastTerminationReason) info.lastTerminationReason = strings.get(lastTerminationReason);
	const node = text(pod.spec?.nodeName);
	if (node) info.node = strings.get(node);
	if (pod.metadata?.deletionTimestamp) info.terminating = true;
	if (context !== undefined) info.context = context;
	return info;
}

/** The deployment.kubernetes.io/revision annotation of a Deployment or ReplicaSet; 0 when it has none. */
export function revisionOf(meta: RawMeta | undefined): number {
	const value = Number.parseInt(meta?.annotations?.[revisionAnnotation] ?? '', 10);
	return Number.isFinite(value) ? value : 0;
}

export function imagesOf(template: RawTemplate | undefined): string[] {
	return (template?.spec?.containers ?? []).map(c => c.image ?? '');
}

/** Whether the rollout has finished, decided like `kubectl rollout status`. */
export function rolloutComplete(d: RawDeployment): boolean {
	const generation = d.metadata?.generation ?? 0;
	const observed = d.status?.observedGeneration ?? 0;
	if (observed < generation) return false;
	if (d.status?.conditions?.some(c => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded')) return false;
	const desired = d.spec?.replicas ?? 1;
	const updated = d.status?.updatedReplicas ?? 0;
	const total = d.status?.replicas ?? 0;
	const available = d.status?.availableReplicas ?? 0;
	return updated >= desired && total <= updated && available >= updated;
}

/** A deployment's row; `context` names the kubeconfig context it came from, when the cluster watches several. */
export function toDeploymentInfo(d: RawDeployment, context?: string, strings: Pick<Interner, 'get'> = asIs): DeploymentInfo {
	const info: DeploymentInfo = {
		name: d.metadata?.name ?? '',
		namespace: strings.get(d.metadata?.namespace ?? ''),
		revision: revisionOf(d.metadata),
		replicas: d.spec?.replicas ?? 1,
		readyReplicas: d.status?.readyReplicas ?? 0,
		updatedReplicas: d.status?.updatedReplicas ?? 0,
		availableReplicas: d.status?.availableReplicas ?? 0,
		images: imagesOf(d.spec?.template).map(image => strings.get(image)),
		generation: d.metadata?.generation ?? 0,
		observedGeneration: d.status?.observedGeneration ?? 0,
		rolloutComplete: rolloutComplete(d),
		createdAt: iso(d.metadata?.creationTimestamp),
	};
	if (context !== undefined) info.context = context;
	return info;
}

/** The Deployment controlling a ReplicaSet, by name. */
export function replicaSetDeployment(rs: RawReplicaSet): string | undefined {
	return rs.metadata?.ownerReferences?.find(o => o.kind === 'Deployment' && (o.controller ?? true))?.name;
}
