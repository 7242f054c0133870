/**
 * The Cluster port on @kubernetes/client-node 1.4 (imported dynamically: it takes ~0.5 s to load and
 * must not delay the first frame).
 *
 * - watch(): list (paged) then watch pods, deployments and ReplicaSets; keeps only compact rows
 *   (PodInfo, DeploymentInfo, and a ReplicaSet -> Deployment name map), never whole API objects.
 *   Resumes from the last resourceVersion (bookmarks included) after a normal end, relists on
 *   410 Gone (HTTP or ERROR event), reconnects with exponential backoff on network errors, and
 *   gives up on a resource that RBAC forbids, with the API server's message naming verb and resource.
 * - undo/scale/restart: kubectl's semantics (rollout undo, scale subresource, rollout restart), with
 *   the right patch content types and a field manager naming the tool and the incident. All three
 *   pass through one read-only guard that throws before any request is made.
 */
import type {RequestOptions as HttpsRequestOptions} from 'node:https';
import {isDeepStrictEqual} from 'node:util';
import {existsSync} from 'node:fs';
import {homedir} from 'node:os';
import {delimiter, join} from 'node:path';
import type * as K8s from '@kubernetes/client-node';
import {
	sameRow,
	type Cluster,
	type ClusterChange,
	type ClusterWatcher,
	type CommandEnvironment,
	type DeploymentInfo,
	type MutationResult,
	type ContainerStatusInfo,
	type PodNow,
	type LogFollower,
	type EventInfo,
	type EventSubject,
	type PodInfo,
	type PodLogTail,
	type RevisionInfo,
} from '../ports/cluster.js';
import {describeKubeError, KubeError, parseStatus, statusCodeOf, where, type KubeStatus} from './kube-errors.js';
import {pinKubeconfig} from './kube-pin.js';
import {openLogStream} from './log-stream.js';
import {BatchClock, MalformedWatch, NoAnswer, openWatch, type WatchHandlers} from './watch-stream.js';

export interface KubeClusterOptions {
	/** Path to a kubeconfig; default $KUBECONFIG, then ~/.kube/config. */
	kubeconfig?: string;
	/** Context to use instead of the kubeconfig's current-context. */
	context?: string;
	/** Namespace; default the context's namespace, else "default". */
	namespace?: string;
	/** When true, every mutating method throws before sending anything. */
	readonly: boolean;
	/** Sent as ?fieldManager= on every mutation, e.g. "incident-tui/inc-20261122-0304". */
	fieldManager: string;
	/** Reconnect backoff of the watches (tests shorten it). Default 500 ms doubling to 30 s. */
	backoff?: {initialMs: number; maxMs: number};
	/**
	 * How long one request may go unanswered: a list page, a read, a patch, or the start of a watch's
	 * answer (a watch then runs for its timeoutSeconds). Default 30 s; a missed deadline is an error,
	 * retried with the backoff like any other.
	 */
	requestTimeoutMs?: number;
	/** Server-side watch timeout; the watch is then resumed from the last resourceVersion. Default ~5 min. */
	watchTimeoutSeconds?: number;
	/** Page size of the lists (limit/continue). Default 500, like kubectl. */
	pageSize?: number;
	/**
	 * Watch streams are read in batches this often (ms); 0 reads each event as it arrives. Default
	 * 250: a busy namespace then costs a few wake-ups a second instead of one per event, and pod
	 * changes reach the pane at refresh.podsMs anyway.
	 */
	watchReadMs?: number;
}

export interface KubeCluster extends Cluster {
	/** API server URL of the context. */
	readonly server: string;
	readonly readonly: boolean;
}

export const revisionAnnotation = 'deployment.kubernetes.io/revision';
export const changeCauseAnnotation = 'kubernetes.io/change-cause';
export const restartedAtAnnotation = 'kubectl.kubernetes.io/restartedAt';
const podTemplateHashLabel = 'pod-template-hash';

/** Annotations `kubectl rollout undo` leaves as they are on the deployment instead of copying them from the ReplicaSet. */
const undoSkippedAnnotations = new Set([
	'kubectl.kubernetes.io/last-applied-configuration',
	revisionAnnotation,
	'deployment.kubernetes.io/revision-history',
	'deployment.kubernetes.io/desired-replicas',
	'deployment.kubernetes.io/max-replicas',
	'deprecated.deployment.rollback.to',
]);

// ---------------------------------------------------------------------------------------------
// Compact rows. The converters accept both client-node's typed models (Dates) and raw watch JSON.

type Time = string | Date | undefined | null;

interface RawOwner {
	kind?: string;
	name?: string;
	uid?: string;
	controller?: boolean;
}

interface RawMeta {
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

interface RawTermination {
	reason?: string;
	exitCode?: number;
	finishedAt?: string;
	message?: string;
}

interface RawContainerStatus {
	name?: string;
	ready?: boolean;
	restartCount?: number;
	state?: {running?: {startedAt?: string}; waiting?: {reason?: string}; terminated?: RawTermination};
	lastState?: {terminated?: RawTermination};
}

/** A pod's containers as `kubectl describe pod` lists them: state, restarts, and how the last run ended. */
export function toContainerStatuses(pod: RawPod): ContainerStatusInfo[] {
	const init = new Set(pod.status?.initContainerStatuses ?? []);
	return [...init, ...(pod.status?.containerStatuses ?? [])].map(s => {
		const {waiting, terminated} = s.state ?? {};
		const state = waiting ? `waiting: ${waiting.reason ?? '?'}` : terminated ? `terminated: ${terminated.reason ?? '?'}${terminated.exitCode === undefined ? '' : ` (exit ${terminated.exitCode})`}` : s.state?.running ? 'running' : 'unknown';
		const last = s.lastState?.terminated;
		return {
			name: s.name ?? '',
			...(init.has(s) ? {init: true} : {}),
			ready: Boolean(s.ready),
			restarts: s.restartCount ?? 0,
			state,
			...(last
				? {
						lastTermination: {
							reason: last.reason ?? '?',
							...(last.exitCode === undefined ? {} : {exitCode: last.exitCode}),
							...(last.finishedAt ? {finishedAt: last.finishedAt} : {}),
							...(last.message ? {message: last.message.trim()} : {}),
						},
					}
				: {}),
		};
	});
}

interface RawEvent {
	type?: string;
	reason?: string;
	message?: string;
	count?: number;
	lastTimestamp?: string;
	eventTime?: string;
	firstTimestamp?: string;
	series?: {count?: number; lastObservedTime?: string};
	metadata?: {creationTimestamp?: string};
}

/** How many of an object's events the details show: the newest, as `kubectl describe` ends with them. */
export const eventLimit = 15;

/** core/v1 Events (what kubectl describe reads) to rows: series events (events.k8s.io) count and time by their series. */
export function toEvents(items: readonly RawEvent[]): EventInfo[] {
	const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
	const number = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
	return items
		.filter(e => typeof e === 'object' && e !== null)
		.map(e => ({
			type: text(e.type) ?? 'Normal',
			reason: text(e.reason) ?? '',
			message: (text(e.message) ?? '').trim(),
			count: number(e.series?.count) ?? number(e.count) ?? 1,
			lastSeen: text(e.series?.lastObservedTime) ?? text(e.lastTimestamp) ?? text(e.eventTime) ?? text(e.firstTimestamp) ?? text(e.metadata?.creationTimestamp) ?? '',
		}))
		.sort((a, b) => Date.parse(a.lastSeen) - Date.parse(b.lastSeen))
		.slice(-eventLimit);
}

/**
 * The container whose log tells why a pod is unwell: the one, init containers included (a failing
 * migration), that restarted last, from before the restart; else an init container that failed and
 * has not been restarted yet; else the first container, running.
 */
export function logContainerOf(pod: RawPod): {container: string; previous: boolean} | undefined {
	let chosen: {container: string; finishedAt: number} | undefined;
	for (const s of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
		const finished = s.lastState?.terminated ? Date.parse(s.lastState.terminated.finishedAt ?? '') || 0 : undefined;
		if (s.name && finished !== undefined && (s.restartCount ?? 0) > 0 && (!chosen || finished > chosen.finishedAt)) chosen = {container: s.name, finishedAt: finished};
	}
	if (chosen) return {container: chosen.container, previous: true};
	const failedInit = pod.status?.initContainerStatuses?.find(s => s.name && (s.state?.terminated?.exitCode ?? 0) !== 0);
	if (failedInit?.name) return {container: failedInit.name, previous: false};
	const first = (pod.spec?.containers as Array<{name?: string}> | undefined)?.[0]?.name;
	return first ? {container: first, previous: false} : undefined;
}

export interface RawPod {
	metadata?: RawMeta;
	spec?: {nodeName?: string; containers?: unknown[]};
	status?: {phase?: string; containerStatuses?: RawContainerStatus[]; initContainerStatuses?: RawContainerStatus[]};
}

interface RawTemplate {
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
function iso(time: Time): string {
	if (typeof time === 'string') return time;
	// Anything else from a watch event (a number, an object) is no time: shown as none, never a crash.
	return time instanceof Date && !Number.isNaN(time.getTime()) ? time.toISOString().replace(/\.000Z$/, 'Z') : '';
}

/** The deployment owning a pod: through its ReplicaSet (known map first, else the name minus the pod-template-hash). */
export function podDeployment(pod: RawPod, replicaSetOwners: ReadonlyMap<string, string>): string | undefined {
	const owner = pod.metadata?.ownerReferences?.find(o => o.kind === 'ReplicaSet' && (o.controller ?? true));
	if (!owner?.name) return undefined;
	const known = replicaSetOwners.get(owner.name);
	if (known) return known;
	const hash = pod.metadata?.labels?.[podTemplateHashLabel];
	if (hash && owner.name.endsWith(`-${hash}`)) return owner.name.slice(0, -hash.length - 1);
	return undefined;
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

export function toPodInfo(pod: RawPod, replicaSetOwners: ReadonlyMap<string, string>): PodInfo {
	const statuses = pod.status?.containerStatuses ?? [];
	let ready = 0;
	let restarts = 0;
	let waitingReason: string | undefined;
	let lastTerminationReason: string | undefined;
	// Init containers first, as kubectl's STATUS does: a pod stuck on one says Init:CrashLoopBackOff,
	// Init:Error or Init:1/2, not the PodInitializing its app containers wait in.
	const inits = pod.status?.initContainerStatuses ?? [];
	for (const [i, s] of inits.entries()) {
		restarts += count(s.restartCount);
		if (waitingReason) continue;
		const done = s.state?.terminated;
		if (done?.exitCode === 0) continue;
		const waiting = text(s.state?.waiting?.reason);
		waitingReason = done ? `Init:${text(done.reason) || `ExitCode:${typeof done.exitCode === 'number' ? done.exitCode : '?'}`}` : waiting && waiting !== 'PodInitializing' ? `Init:${waiting}` : `Init:${i}/${inits.length}`;
		lastTerminationReason = text(s.lastState?.terminated?.reason) || text(done?.reason) || undefined;
	}
	for (const s of statuses) {
		if (s.ready === true) ready++;
		restarts += count(s.restartCount);
		waitingReason ??= text(s.state?.waiting?.reason) || undefined;
		lastTerminationReason ??= text(s.lastState?.terminated?.reason) || text(s.state?.terminated?.reason) || undefined;
	}
	const info: PodInfo = {
		name: text(pod.metadata?.name) ?? '',
		namespace: text(pod.metadata?.namespace) ?? '',
		phase: text(pod.status?.phase) ?? 'Pending',
		ready,
		containers: Array.isArray(pod.spec?.containers) ? pod.spec.containers.length : statuses.length,
		restarts,
		createdAt: iso(pod.metadata?.creationTimestamp),
	};
	const deployment = podDeployment(pod, replicaSetOwners);
	if (deployment) info.deployment = deployment;
	if (waitingReason) info.waitingReason = waitingReason;
	if (lastTerminationReason) info.lastTerminationReason = lastTerminationReason;
	const node = text(pod.spec?.nodeName);
	if (node) info.node = node;
	if (pod.metadata?.deletionTimestamp) info.terminating = true;
	return info;
}

function revisionOf(meta: RawMeta | undefined): number {
	const value = Number.parseInt(meta?.annotations?.[revisionAnnotation] ?? '', 10);
	return Number.isFinite(value) ? value : 0;
}

function imagesOf(template: RawTemplate | undefined): string[] {
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

export function toDeploymentInfo(d: RawDeployment): DeploymentInfo {
	return {
		name: d.metadata?.name ?? '',
		namespace: d.metadata?.namespace ?? '',
		revision: revisionOf(d.metadata),
		replicas: d.spec?.replicas ?? 1,
		readyReplicas: d.status?.readyReplicas ?? 0,
		updatedReplicas: d.status?.updatedReplicas ?? 0,
		availableReplicas: d.status?.availableReplicas ?? 0,
		images: imagesOf(d.spec?.template),
		generation: d.metadata?.generation ?? 0,
		observedGeneration: d.status?.observedGeneration ?? 0,
		rolloutComplete: rolloutComplete(d),
		createdAt: iso(d.metadata?.creationTimestamp),
	};
}

function replicaSetDeployment(rs: RawReplicaSet): string | undefined {
	return rs.metadata?.ownerReferences?.find(o => o.kind === 'Deployment' && (o.controller ?? true))?.name;
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

function ownedBy(rs: RawReplicaSet, uid: string | undefined): boolean {
	return Boolean(uid) && (rs.metadata?.ownerReferences ?? []).some(o => o.controller && o.uid === uid);
}

function withoutHash(template: RawTemplate | undefined): RawTemplate {
	const copy = structuredClone(template ?? {}) as RawTemplate;
	if (copy.metadata?.labels) delete copy.metadata.labels[podTemplateHashLabel];
	return copy;
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

// ---------------------------------------------------------------------------------------------

type Loaded = typeof import('./k8s.js');

interface Page<Raw> {
	items: Raw[];
	metadata?: {resourceVersion?: string; _continue?: string};
}

interface ListParams {
	limit?: number;
	_continue?: string;
	watch?: boolean;
	resourceVersion?: string;
	timeoutSeconds?: number;
}

/** One watched resource: how to list it, where to watch it, what to do with its objects. */
interface Resource<Raw> {
	plural: string;
	path: string;
	list(params: ListParams, signal: AbortSignal): Promise<Page<Raw>>;
	/** A (re)list begins: pages are converted to compact rows as they come; commit replaces everything. */
	startList(): {add(items: Raw[]): void; commit(): void};
	apply(type: string, object: Raw): void;
	resourceVersion?: string;
	/** Whether the initial list succeeded at least once. */
	listed: boolean;
}

/** One request's deadline (see createKubeCluster's deadline()). */
interface RequestDeadline {
	signal: AbortSignal;
	missed(): boolean;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise(resolve => {
		if (signal.aborted) return resolve();
		const done = () => {
			clearTimeout(timer);
			signal.removeEventListener('abort', done);
			resolve();
		};
		const timer = setTimeout(done, ms);
		signal.addEventListener('abort', done, {once: true});
	});
}

function defaultKubeconfigPath(): string | undefined {
	const env = process.env.KUBECONFIG;
	if (env) return env;
	const file = join(homedir(), '.kube', 'config');
	return existsSync(file) ? file : undefined;
}

function loadConfig(k8s: Loaded, options: KubeClusterOptions): {kc: K8s.KubeConfig; source: string} {
	const kc = new k8s.KubeConfig();
	const source = options.kubeconfig ?? defaultKubeconfigPath();
	try {
		if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
		else if (source) kc.loadFromDefault();
		else if (existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token')) kc.loadFromCluster();
		else throw new Error('no kubeconfig found: set kubernetes.kubeconfig in the config, set $KUBECONFIG, or create ~/.kube/config');
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		if (!source) throw new KubeError(message, undefined, undefined);
		throw new KubeError(`cannot load kubeconfig ${source}: ${message}`, undefined, undefined);
	}
	const where = source ?? 'in-cluster config';
	if (options.context) {
		if (!kc.getContextObject(options.context)) {
			const known = kc.getContexts().map(c => c.name);
			throw new KubeError(
				`context "${options.context}" not found in ${where}${known.length > 0 ? ` (available: ${known.join(', ')})` : ''}`,
				undefined,
				undefined,
			);
		}
		kc.setCurrentContext(options.context);
	}
	if (!kc.getCurrentContext()) throw new KubeError(`${where} has no current-context: pass --context`, undefined, undefined);
	if (!kc.getCurrentCluster()) throw new KubeError(`context "${kc.getCurrentContext()}" in ${where} names no known cluster`, undefined, undefined);
	return {kc, source: where};
}

export async function createKubeCluster(options: KubeClusterOptions): Promise<KubeCluster> {
	const k8s = await import('./k8s.js');
	const {kc} = loadConfig(k8s, options);
	const context = kc.getCurrentContext();
	const namespace = options.namespace || kc.getContextObject(context)?.namespace || 'default';
	const server = kc.getCurrentCluster()?.server ?? '';
	const core = kc.makeApiClient(k8s.CoreV1Api);
	const apps = kc.makeApiClient(k8s.AppsV1Api);
	const autoscaling = kc.makeApiClient(k8s.AutoscalingV2Api);
	const backoff = options.backoff ?? {initialMs: 500, maxMs: 30_000};
	const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
	const pageSize = options.pageSize ?? 500;
	const watchReadMs = options.watchReadMs ?? 250;
	// One clock for this client's watches: they wake the process together (watch-stream.ts).
	const batches = watchReadMs > 0 ? new BatchClock(watchReadMs) : undefined;
	const fieldManager = options.fieldManager;
	const base = {context, namespace, server};

	// The object-parameter API takes Observable-style middleware (client-node's own minimal Observable).
	type CallOptions = K8s.ConfigurationOptions<K8s.ObservableMiddleware>;

	/** Per-call options: abort signal, and optionally a captured copy of the raw response body. */
	function callOptions(signal?: AbortSignal, capture?: {text?: string}): CallOptions {
		const middleware: K8s.ObservableMiddleware = {
			pre(request) {
				// Defence in depth behind `mutation()`: nothing but reads leaves a read-only cockpit.
				if (options.readonly && request.getHttpMethod() !== k8s.HttpMethod.GET) {
					return new k8s.Observable(
						Promise.reject(new KubeError(`read-only mode: ${request.getHttpMethod()} ${request.getUrl()} not sent`, undefined, 'ReadOnly')),
					);
				}
				if (signal) request.setSignal(signal);
				return new k8s.Observable(Promise.resolve(request));
			},
			post(response) {
				if (!capture) return new k8s.Observable(Promise.resolve(response));
				// Raw JSON, so a rollback restores the template exactly, including fields this
				// client's models do not know (deserialization would drop them).
				return new k8s.Observable(
					response.body.text().then(text => {
						capture.text = text;
						response.body = {text: async () => text, binary: async () => Buffer.from(text)};
						return response;
					}),
				);
			},
		};
		return {middleware: [middleware], middlewareMergeStrategy: 'append'};
	}

	function patchOptions(strategy: K8s.PatchStrategy, signal?: AbortSignal): CallOptions {
		return k8s.setHeaderOptions('Content-Type', strategy, callOptions(signal));
	}

	/**
	 * One request's deadline: `signal` aborts when the caller's does or when requestTimeoutMs pass;
	 * `missed()` tells the second from the first.
	 */
	function deadline(caller?: AbortSignal): RequestDeadline {
		const timer = AbortSignal.timeout(requestTimeoutMs);
		return {signal: caller ? AbortSignal.any([caller, timer]) : timer, missed: () => timer.aborted && !caller?.aborted};
	}

	/** The error of a request whose deadline passed: no answer, said as such (a mutation's outcome is then unknown). */
	function noAnswer(doing: string, mutating = false): KubeError {
		const unknown = mutating ? '; whether the change was made is not known: check before trying again' : '';
		return new KubeError(`${doing}: no answer from the API server in ${requestTimeoutMs / 1000} s${unknown} (${where(base)})`, undefined, 'Timeout');
	}

	/** `error` of `doing` as one line; a missed `limit` deadline is said as no answer. */
	function fail(error: unknown, doing: string, limit?: RequestDeadline, mutating = false): KubeError {
		if (limit?.missed()) return noAnswer(doing, mutating);
		return describeKubeError(error, {...base, doing});
	}

	/** The single gate every mutation passes: in read-only mode it throws before any request. */
	async function mutation<T>(what: string, run: () => Promise<T>): Promise<T> {
		if (options.readonly) throw new KubeError(`read-only mode: ${what} not sent`, undefined, 'ReadOnly');
		return run();
	}

	async function readRaw<T>(doing: string, call: (opts: CallOptions) => Promise<unknown>, signal?: AbortSignal): Promise<T> {
		const capture: {text?: string} = {};
		const limit = deadline(signal);
		try {
			await call(callOptions(limit.signal, capture));
		} catch (error) {
			throw fail(error, doing, limit);
		}
		const body: unknown = JSON.parse(capture.text ?? '{}');
		// Every object this reads is a JSON object; anything else (null, a list) says what came, not a TypeError later.
		if (typeof body !== 'object' || body === null || Array.isArray(body)) {
			throw new KubeError(`${doing}: the API server sent ${body === null ? 'null' : Array.isArray(body) ? 'a list' : `a ${typeof body}`} instead of an object (${where(base)})`, undefined, 'Malformed');
		}
		return body as T;
	}

	function selectorOf(d: RawDeployment): string | undefined {
		const labels = d.spec?.selector?.matchLabels;
		if (!labels || Object.keys(labels).length === 0) return undefined;
		return Object.entries(labels)
			.map(([k, v]) => `${k}=${v}`)
			.join(',');
	}

	async function ownedReplicaSets(name: string, signal?: AbortSignal): Promise<{deployment: RawDeployment; replicaSets: RawReplicaSet[]}> {
		const deployment = await readRaw<RawDeployment>(`read deployment/${name}`, opts => apps.readNamespacedDeployment({name, namespace}, opts), signal);
		const labelSelector = selectorOf(deployment);
		const list = await readRaw<{items?: RawReplicaSet[]}>(
			`list replicasets of deployment/${name}`,
			opts => apps.listNamespacedReplicaSet({namespace, ...(labelSelector ? {labelSelector} : {})}, opts),
			signal,
		);
		const uid = deployment.metadata?.uid;
		return {deployment, replicaSets: (list.items ?? []).filter(rs => ownedBy(rs, uid))};
	}

	// ------------------------------------------------------------------------- watch

	async function watch(watcher: ClusterWatcher, signal: AbortSignal): Promise<void> {
		const pods = new Map<string, PodInfo>();
		const deployments = new Map<string, DeploymentInfo>();
		const replicaSetOwners = new Map<string, string>();
		let initialDone = false;
		/** Resources whose watch broke and is being retried: when the last is open again, the watcher hears so. */
		const failing = new Set<string>();
		const emitReset = () => {
			if (initialDone) watcher.reset([...pods.values()], [...deployments.values()]);
		};

		/**
		 * Pods and deployments are watched the same way: pages of a (re)list become compact rows that
		 * replace the known set on commit; watch events upsert or delete one row.
		 */
		const rowResource = <Raw extends {metadata?: {name?: string}}, Row extends {name: string}>(options: {
			plural: string;
			path: string;
			list: Resource<Raw>['list'];
			rows: Map<string, Row>;
			toRow: (raw: Raw) => Row;
			change: (row: Row | null, name: string) => ClusterChange;
		}): Resource<Raw> => ({
			plural: options.plural,
			path: options.path,
			listed: false,
			list: options.list,
			startList() {
				const next = new Map<string, Row>();
				return {
					add(items) {
						for (const item of items) {
							const row = options.toRow(item);
							next.set(row.name, row);
						}
					},
					commit() {
						options.rows.clear();
						for (const [name, row] of next) options.rows.set(name, row);
						emitReset();
					},
				};
			},
			apply(type, object) {
				const name = object.metadata?.name ?? '';
				if (type === 'DELETED') {
					options.rows.delete(name);
					watcher.change(options.change(null, name));
				} else {
					const row = options.toRow(object);
					// Most events (kubelet's status heartbeats) change nothing a row shows. The row already held
					// stays, so the new one dies young: kept, it would outlive the next scavenges and be promoted,
					// and the old generation would fill with copies of unchanged rows (bench/README.md).
					if (sameRow(options.rows.get(name), row)) return;
					options.rows.set(name, row);
					watcher.change(options.change(row, name));
				}
			},
		});
		const podResource = rowResource<RawPod, PodInfo>({
			plural: 'pods',
			path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
			list: (params, s) => core.listNamespacedPod({namespace, ...params}, callOptions(s)) as Promise<Page<RawPod>>,
			rows: pods,
			toRow: raw => toPodInfo(raw, replicaSetOwners),
			change: (pod, name) => (pod ? {kind: 'pod', type: 'upsert', pod} : {kind: 'pod', type: 'delete', name}),
		});
		const deploymentResource = rowResource<RawDeployment, DeploymentInfo>({
			plural: 'deployments',
			path: `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments`,
			list: (params, s) => apps.listNamespacedDeployment({namespace, ...params}, callOptions(s)) as Promise<Page<RawDeployment>>,
			rows: deployments,
			toRow: toDeploymentInfo,
			change: (deployment, name) => (deployment ? {kind: 'deployment', type: 'upsert', deployment} : {kind: 'deployment', type: 'delete', name}),
		});
		const replicaSetResource: Resource<RawReplicaSet> = {
			plural: 'replicasets',
			path: `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/replicasets`,
			listed: false,
			list: (params, s) => apps.listNamespacedReplicaSet({namespace, ...params}, callOptions(s)) as Promise<Page<RawReplicaSet>>,
			startList() {
				const next = new Map<string, string>();
				return {
					add(items) {
						for (const item of items) {
							const owner = replicaSetDeployment(item);
							if (owner) next.set(item.metadata?.name ?? '', owner);
						}
					},
					commit() {
						replicaSetOwners.clear();
						for (const [name, owner] of next) replicaSetOwners.set(name, owner);
					},
				};
			},
			apply(type, object) {
				const name = object.metadata?.name ?? '';
				const owner = replicaSetDeployment(object);
				if (type === 'DELETED' || !owner) replicaSetOwners.delete(name);
				else if (replicaSetOwners.get(name) !== owner) replicaSetOwners.set(name, owner);
			},
		};

		/** Lists every page (limit/continue), keeping only compact rows: no page outlives its conversion. */
		async function listAll<Raw>(resource: Resource<Raw>): Promise<void> {
			const listing = resource.startList();
			let token: string | undefined;
			let resourceVersion: string | undefined;
			do {
				const limit = deadline(signal);
				let page: Page<Raw>;
				try {
					page = await resource.list({limit: pageSize, ...(token ? {_continue: token} : {})}, limit.signal);
				} catch (error) {
					if (limit.missed()) throw noAnswer(`list ${resource.plural}`);
					throw error;
				}
				listing.add(page.items);
				resourceVersion = page.metadata?.resourceVersion;
				token = page.metadata?._continue || undefined;
			} while (token && !signal.aborted);
			if (signal.aborted) return;
			resource.resourceVersion = resourceVersion;
			resource.listed = true;
			listing.commit();
		}

		type WatchEnd = 'ended' | 'gone' | 'aborted';

		function watchOnce<Raw extends {metadata?: RawMeta}>(resource: Resource<Raw>): Promise<{end: WatchEnd; events: number}> {
			return new Promise((resolve, reject) => {
				let finished = false;
				let close: (() => void) | undefined;
				let events = 0;
				let errorStatus: KubeStatus | undefined;
				const timeoutSeconds = options.watchTimeoutSeconds ?? 290 + Math.floor(Math.random() * 60);
				const finish = (outcome: () => void) => {
					if (finished) return;
					finished = true;
					clearTimeout(watchdog);
					signal.removeEventListener('abort', onAbort);
					close?.();
					outcome();
				};
				const onAbort = () => finish(() => resolve({end: 'aborted', events}));
				// The server ends the watch after timeoutSeconds; a connection silent well beyond that is dead.
				const watchdog = setTimeout(
					() => finish(() => reject(new Error(`watch ${resource.plural}: no answer for ${timeoutSeconds + 30} s`))),
					(timeoutSeconds + 30) * 1000,
				);
				signal.addEventListener('abort', onAbort, {once: true});
				if (signal.aborted) return onAbort();
				const url = new URL(server + resource.path);
				url.searchParams.set('watch', 'true');
				url.searchParams.set('allowWatchBookmarks', 'true');
				url.searchParams.set('timeoutSeconds', String(timeoutSeconds));
				if (resource.resourceVersion) url.searchParams.set('resourceVersion', resource.resourceVersion);
				const handlers: WatchHandlers = {
					open() {
						if (failing.delete(resource.plural) && failing.size === 0) watcher.resumed?.();
					},
					event(type, object) {
						if (type === 'ERROR') {
							errorStatus = parseStatus(object) ?? {message: JSON.stringify(object)};
							return;
						}
						const raw = object as Raw;
						const rv = raw.metadata?.resourceVersion;
						if (type !== 'BOOKMARK') {
							events++;
							resource.apply(type, raw);
						}
						if (rv) resource.resourceVersion = rv;
					},
					done(error) {
						const at = `(${where(base)})`;
						if (errorStatus?.code === 410) finish(() => resolve({end: 'gone', events}));
						else if (errorStatus) {
							const status = errorStatus;
							finish(() => reject(new KubeError(`watch ${resource.plural}: ${status.message ?? status.reason ?? 'error'} ${at}`, status.code, status.reason)));
						} else if (error instanceof NoAnswer) {
							finish(() => reject(noAnswer(`watch ${resource.plural}`)));
						} else if (error instanceof MalformedWatch) {
							finish(() => reject(new KubeError(`watch ${resource.plural}: the API server sent ${error.message} ${at}`, undefined, 'MalformedWatch')));
						} else if (error) finish(() => reject(error));
						else finish(() => resolve({end: 'ended', events}));
					},
				};
				// Credentials are applied per request: an exec plugin or a token file may have renewed them.
				const requestOptions: HttpsRequestOptions = {};
				kc.applyToHTTPSOptions(requestOptions).then(
					() => {
						if (!finished) close = openWatch(url, requestOptions, handlers, {answerTimeoutMs: requestTimeoutMs, ...(batches ? {batches} : {})});
					},
					(error: unknown) => finish(() => reject(error)),
				);
			});
		}

		async function run<Raw extends {metadata?: RawMeta}>(resource: Resource<Raw>, firstError: unknown): Promise<void> {
			let failures = 0;
			/** 410 Gone answers in a row, each right after the relist the one before caused. */
			let goneInARow = 0;
			let pending: unknown = firstError;
			const backOff = async (error: KubeError) => {
				failing.add(resource.plural);
				failures++;
				const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(failures - 1, 20));
				watcher.error(error, delay);
				await sleep(delay, signal);
			};
			/**
			 * The resource is gone at our version: relist. The first time at once (history was
			 * compacted, as it is every few minutes); again right after a relist, the server cannot
			 * watch from the version it has just listed, and relisting at once would loop as fast as it
			 * answers: back off as for errors, and say so.
			 */
			const gone = async (rightAfterRelist: boolean) => {
				resource.listed = false;
				goneInARow = rightAfterRelist ? goneInARow + 1 : 1;
				if (goneInARow < 2) return;
				await backOff(
					new KubeError(
						`watch ${resource.plural}: 410 Gone again right after relisting (${goneInARow} times in a row): the API server cannot watch from the version it has just listed (${where(base)})`,
						410,
						'Expired',
					),
				);
			};
			for (;;) {
				if (signal.aborted) return;
				if (pending !== undefined) {
					const error = pending;
					pending = undefined;
					const code = statusCodeOf(error);
					if (code === 410) {
						// Refused with 410 at once: a watch request, or the next page of a list.
						await gone(true);
						continue;
					}
					const described = fail(error, `${resource.listed ? 'watch' : 'list'} ${resource.plural}`);
					if (code === 403) {
						watcher.error(described, null);
						return;
					}
					await backOff(described);
					continue;
				}
				try {
					if (!resource.listed) await listAll(resource);
					if (signal.aborted) return;
					const started = Date.now();
					const {end, events} = await watchOnce(resource);
					if (end === 'aborted') return;
					const quiet = events === 0 && Date.now() - started < 1000;
					if (end === 'gone') {
						if (!quiet) failures = 0;
						await gone(quiet);
						continue;
					}
					failures = 0;
					goneInARow = 0;
					// A server that keeps closing empty watches at once must not make us spin.
					if (quiet) await sleep(backoff.initialMs, signal);
				} catch (error) {
					pending = error;
				}
			}
		}

		// First the ReplicaSets (to map pods to deployments), then pods and deployments; one reset.
		const firstErrors = new Map<Resource<never>, unknown>();
		const tryList = async <Raw>(resource: Resource<Raw>) => {
			try {
				await listAll(resource);
			} catch (error) {
				firstErrors.set(resource as Resource<never>, error);
			}
		};
		await tryList(replicaSetResource);
		await Promise.all([tryList(podResource), tryList(deploymentResource)]);
		if (signal.aborted) return;
		initialDone = true;
		if (podResource.listed || deploymentResource.listed) emitReset();
		for (const resource of [podResource, deploymentResource, replicaSetResource] as Array<Resource<{metadata?: RawMeta}>>) {
			void run(resource, firstErrors.get(resource as Resource<never>));
		}
	}

	// ------------------------------------------------------------------------- actions

	async function history(name: string, signal?: AbortSignal): Promise<RevisionInfo[]> {
		const {deployment, replicaSets} = await ownedReplicaSets(name, signal);
		return revisionsOf(replicaSets, deployment.metadata?.uid);
	}

	function undo(name: string, toRevision?: number, signal?: AbortSignal): Promise<MutationResult> {
		return mutation(`rollback of deployment/${name}`, async () => {
			const {deployment, replicaSets} = await ownedReplicaSets(name, signal);
			if (deployment.spec?.paused) {
				throw new KubeError(`deployment/${name} is paused: resume it first (kubectl rollout resume deployment/${name}), then roll back`, undefined, 'Paused');
			}
			let picked: ReturnType<typeof pickRollbackTarget>;
			try {
				picked = pickRollbackTarget(replicaSets, name, toRevision);
			} catch (error) {
				throw new KubeError(`${(error as Error).message} (${where(base)})`, undefined, 'NotFound');
			}
			const {target, revision} = picked;
			const current = revisionOf(deployment.metadata) || Math.max(0, ...replicaSets.map(rs => revisionOf(rs.metadata)));
			const template = withoutHash(target.spec?.template);
			if (isDeepStrictEqual(withoutHash(deployment.spec?.template), template)) {
				const summary = `skipped rollback (current template already matches revision ${revision})`;
				return {summary, before: `revision ${current}`, after: `revision ${current}`};
			}
			// Like kubectl: keep the deployment's own bookkeeping annotations, take the rest from the ReplicaSet.
			const annotations: Record<string, string> = {};
			for (const [key, value] of Object.entries(deployment.metadata?.annotations ?? {})) {
				if (undoSkippedAnnotations.has(key)) annotations[key] = value;
			}
			for (const [key, value] of Object.entries(target.metadata?.annotations ?? {})) {
				if (!undoSkippedAnnotations.has(key)) annotations[key] = value;
			}
			const patch: unknown[] = [];
			// Refuse if someone changed the spec since we read it (status updates do not bump generation).
			if (deployment.metadata?.generation !== undefined) patch.push({op: 'test', path: '/metadata/generation', value: deployment.metadata.generation});
			patch.push({op: 'replace', path: '/spec/template', value: template});
			patch.push({op: deployment.metadata?.annotations ? 'replace' : 'add', path: '/metadata/annotations', value: annotations});
			const limit = deadline(signal);
			try {
				await apps.patchNamespacedDeployment({name, namespace, body: patch, fieldManager}, patchOptions(k8s.PatchStrategy.JsonPatch, limit.signal));
			} catch (error) {
				throw fail(error, `roll back deployment/${name} to revision ${revision}`, limit, true);
			}
			return {summary: `revision ${current} -> ${revision}`, before: `revision ${current}`, after: `revision ${revision}`};
		});
	}

	function scale(name: string, replicas: number, signal?: AbortSignal): Promise<MutationResult> {
		return mutation(`scale of deployment/${name}`, async () => {
			if (!Number.isInteger(replicas) || replicas < 0) throw new KubeError(`replicas must be a whole number >= 0, got ${replicas}`, undefined, 'Invalid');
			let before: number;
			const read = deadline(signal);
			try {
				const current = await apps.readNamespacedDeploymentScale({name, namespace}, callOptions(read.signal));
				before = current.spec?.replicas ?? 0;
			} catch (error) {
				throw fail(error, `read scale of deployment/${name}`, read);
			}
			const limit = deadline(signal);
			try {
				await apps.patchNamespacedDeploymentScale(
					{name, namespace, body: {spec: {replicas}}, fieldManager},
					patchOptions(k8s.PatchStrategy.MergePatch, limit.signal),
				);
			} catch (error) {
				throw fail(error, `scale deployment/${name} to ${replicas}`, limit, true);
			}
			return {summary: `replicas ${before} -> ${replicas}`, before: String(before), after: String(replicas)};
		});
	}

	function restart(name: string, signal?: AbortSignal): Promise<MutationResult> {
		return mutation(`restart of deployment/${name}`, async () => {
			let previous: string | undefined;
			const read = deadline(signal);
			try {
				const deployment = await apps.readNamespacedDeployment({name, namespace}, callOptions(read.signal));
				if (deployment.spec?.paused) {
					throw new KubeError(`deployment/${name} is paused: resume it first (kubectl rollout resume deployment/${name}), then restart`, undefined, 'Paused');
				}
				previous = deployment.spec?.template?.metadata?.annotations?.[restartedAtAnnotation];
			} catch (error) {
				throw fail(error, `read deployment/${name}`, read);
			}
			// kubectl writes RFC 3339 without fractional seconds.
			const at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
			const body = {spec: {template: {metadata: {annotations: {[restartedAtAnnotation]: at}}}}};
			const limit = deadline(signal);
			try {
				await apps.patchNamespacedDeployment({name, namespace, body, fieldManager}, patchOptions(k8s.PatchStrategy.StrategicMergePatch, limit.signal));
			} catch (error) {
				throw fail(error, `restart deployment/${name}`, limit, true);
			}
			return {summary: `restarted (restartedAt ${at})`, before: previous ? `restartedAt ${previous}` : 'never restarted', after: `restartedAt ${at}`};
		});
	}

	async function events(kind: EventSubject, name: string, signal?: AbortSignal): Promise<EventInfo[]> {
		const list = await readRaw<{items?: RawEvent[]}>(
			`list events of ${kind.toLowerCase()}/${name}`,
			opts => core.listNamespacedEvent({namespace, fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name}`}, opts),
			signal,
		);
		if (list.items !== undefined && !Array.isArray(list.items)) throw new KubeError(`list events of ${kind.toLowerCase()}/${name}: the API server sent items that are not a list (${where(base)})`, undefined, 'Malformed');
		return toEvents(list.items ?? []);
	}

	function readPod(pod: string, signal?: AbortSignal): Promise<RawPod> {
		return readRaw<RawPod>(`read pod/${pod}`, opts => core.readNamespacedPod({name: pod, namespace}, opts), signal);
	}

	async function podNow(pod: string, signal?: AbortSignal): Promise<PodNow> {
		const raw = await readPod(pod, signal);
		// No ReplicaSet index here: the pod-template-hash label names the deployment, as it does for
		// every pod a Deployment made; the details keep the watch's answer when this has none.
		return {pod: toPodInfo(raw, new Map()), containers: toContainerStatuses(raw)};
	}

	async function podLog(pod: string, tailLines: number, signal?: AbortSignal): Promise<PodLogTail> {
		const which = logContainerOf(await readPod(pod, signal));
		if (!which) throw new KubeError(`pod/${pod} has no containers`, undefined, undefined);
		let text: string;
		const limit = deadline(signal);
		try {
			text = await core.readNamespacedPodLog({name: pod, namespace, container: which.container, previous: which.previous, tailLines}, callOptions(limit.signal));
		} catch (error) {
			throw fail(error, `read the log of pod/${pod} -c ${which.container}${which.previous ? ' --previous' : ''}`, limit);
		}
		const lines = String(text).split('\n');
		if (lines.at(-1) === '') lines.pop();
		return {...which, lines};
	}

	async function followLog(pod: string, tailLines: number, follower: LogFollower, signal: AbortSignal): Promise<string> {
		const which = logContainerOf(await readPod(pod, signal));
		if (!which) throw new KubeError(`pod/${pod} has no containers`, undefined, undefined);
		const {container} = which;
		const url = new URL(`${server}/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`);
		url.searchParams.set('container', container);
		url.searchParams.set('follow', 'true');
		url.searchParams.set('tailLines', String(tailLines));
		// Credentials are applied per request, as for watches: an exec plugin may have renewed them.
		const requestOptions: HttpsRequestOptions = {};
		await kc.applyToHTTPSOptions(requestOptions);
		if (signal.aborted) return container;
		const close = openLogStream(url, requestOptions, {
			line: text => follower.line(text),
			done: error => {
				signal.removeEventListener('abort', close);
				follower.done(error && fail(error, `follow the log of pod/${pod} -c ${container}`));
			},
		});
		signal.addEventListener('abort', close, {once: true});
		return container;
	}

	async function autoscalerFor(name: string, signal?: AbortSignal): Promise<string | null> {
		const limit = deadline(signal);
		try {
			const list = await autoscaling.listNamespacedHorizontalPodAutoscaler({namespace}, callOptions(limit.signal));
			const hpa = list.items.find(h => h.spec?.scaleTargetRef?.kind === 'Deployment' && h.spec.scaleTargetRef.name === name);
			return hpa?.metadata?.name ?? null;
		} catch (error) {
			const code = statusCodeOf(error);
			if (code === 403 || code === 404) return null;
			throw fail(error, 'list horizontalpodautoscalers', limit);
		}
	}

	// Runbook commands act on this context and namespace too (kube-pin.ts); written on first use.
	const contextEntry = kc.getContextObject(context);
	// The files loadConfig read: the given one, else $KUBECONFIG's list, else ~/.kube/config.
	const files = options.kubeconfig ? [options.kubeconfig] : (defaultKubeconfigPath() ?? '').split(delimiter).filter(Boolean);
	// One pin per namespace: a runbook's commands act on the namespace of the alert that chose it.
	const pinned = new Map<string, CommandEnvironment>();
	const commandEnvironment = (commandNamespace = namespace): CommandEnvironment | null => {
		// In-cluster config: kubectl in the pod finds the same service account by itself.
		if (!contextEntry || files.length === 0) return null;
		let pin = pinned.get(commandNamespace);
		if (!pin) {
			pin = pinKubeconfig(
				{context, cluster: contextEntry.cluster, user: contextEntry.user, namespace: commandNamespace, files},
				`kubectl here acts on context ${context}, namespace ${commandNamespace} (KUBECONFIG pinned)`,
			);
			pinned.set(commandNamespace, pin);
		}
		return pin;
	};

	return {
		context,
		namespace,
		server,
		readonly: options.readonly,
		commandEnvironment,
		watch,
		history: async (name, signal) => {
			try {
				return await history(name, signal);
			} catch (error) {
				throw fail(error, `rollout history of deployment/${name}`);
			}
		},
		undo,
		scale,
		restart,
		events,
		podLog,
		podNow,
		followLog,
		autoscalerFor,
	};
}
