/**
 * The simulated cluster's objects (Deployments with their ReplicaSets, pods), its clock constants,
 * and how its objects look through the Cluster port (PodInfo, DeploymentInfo).
 */
import type {DeploymentInfo, PodInfo} from '../ports/cluster.js';

export const demoContext = 'demo';
export const demoNamespace = 'shop';
/** How long the API server keeps events (kube-apiserver's --event-ttl default). */
export const eventTtlMs = 60 * 60 * 1000;
/** A demo app writes a log line every this many ms. */
export const logEveryMs = 5000;

/** The image of the bad deploy: pods running it fail requests, answer slowly and get OOMKilled. */
export const badImage = 'shop/checkout:1.8.0';

/** Simulated durations (ms of simulated time). */
export const timings = {
	/** API round trip of a mutation or history call. */
	apiMs: 80,
	/** The controller notices a spec change. */
	controllerSyncMs: 250,
	/** Pending/ContainerCreating -> Running. */
	containerStartMs: 1000,
	/** Running -> Ready (readiness probe passes). */
	readyMs: 3000,
	/** Terminating -> gone. */
	terminationMs: 2500,
	/** Container restart after a plain OOM kill, until Ready again. */
	oomRestartMs: 5000,
	/** How long a pod stays in CrashLoopBackOff. */
	crashLoopBackOffMs: 30_000,
	/** A second OOM kill within this window puts the pod into CrashLoopBackOff. */
	crashLoopWindowMs: 90_000,
	/** Scenario: first OOM kills. */
	firstOomMs: 6000,
	secondOomMs: 15_000,
	thirdOomMs: 26_000,
	/** After the first minute, a random bad pod is OOMKilled every this many ms (plus jitter). */
	recurringOomMs: 60_000,
	/** The HorizontalPodAutoscaler puts replicas back in its range after this long. */
	autoscalerMs: 15_000,
};

export const minute = 60_000;
export const hour = 60 * minute;
export const day = 24 * hour;
export const maxSurge = 1;
export const nodes = ['pool-a-7f2kq', 'pool-a-9xw4m', 'pool-b-3lt8c'];
// The alphabet Kubernetes uses for generated names: no vowels (no words), no 0/1/3 (look like letters).
export const nameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** One pod behind a Service, as the Endpoints object would list it (ready and not terminating). */
export interface Endpoint {
	pod: string;
	image: string;
}

export interface Template {
	image: string;
	/** kubectl.kubernetes.io/restartedAt annotation. */
	restartedAt?: string;
}

export interface ReplicaSet {
	name: string;
	hash: string;
	revision: number;
	template: Template;
	createdAt: number;
	changeCause?: string;
}

export interface SimPod {
	name: string;
	deployment: string;
	hash: string;
	image: string;
	phase: 'Pending' | 'Running';
	ready: boolean;
	restarts: number;
	waitingReason?: string;
	lastTerminationReason?: string;
	node: string;
	createdAt: number;
	terminating: boolean;
	/** Simulated times of recent OOM kills. */
	ooms: number[];
	/** Wall-clock time of the last restart, for the pod's events and log. */
	restartedAt?: number;
}

export interface SimDeployment {
	name: string;
	replicas: number;
	generation: number;
	observedGeneration: number;
	createdAt: number;
	/** Hash of the current template's ReplicaSet. */
	current: string;
	replicaSets: Map<string, ReplicaSet>;
	/** HorizontalPodAutoscaler range, when one targets this deployment. */
	autoscaler?: {name: string; min: number; max: number};
	/** Last status sent to watchers, to emit only real changes. */
	lastSent?: string;
}

/** A deployment as the simulation starts with it: its revisions oldest first, the last one running. */
export interface DeploymentSpec {
	name: string;
	createdAt: number;
	replicas: number;
	revisions: Array<{image: string; createdAt: number; changeCause: string}>;
	/** When the pod at `index` was created. */
	podAge: (index: number) => number;
	autoscaler?: {name: string; min: number; max: number};
}

/** Small seeded generator (mulberry32); written by hand because the demo needs only this one function. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

/** pod-template-hash: FNV-1a of the template, printed in decimal and mapped onto the safe alphabet, like the controller does. */
export function templateHash(deployment: string, template: Template): string {
	let hash = 0x811c9dc5;
	for (const char of `${deployment}|${template.image}|${template.restartedAt ?? ''}`) {
		hash ^= char.charCodeAt(0);
		hash = Math.imul(hash, 0x01000193) >>> 0;
	}
	return [...String(hash)].map(c => nameAlphabet[c.charCodeAt(0) % nameAlphabet.length]).join('');
}

/** A time as the API server writes it in events and statuses: RFC 3339, whole seconds. */
export function apiTime(ms: number): string {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function notFound(name: string): Error {
	return new Error(`deployments.apps "${name}" not found in namespace ${demoNamespace} (context ${demoContext})`);
}

export function stoppedError(): Error {
	return new Error(`the demo cluster (context ${demoContext}) has stopped`);
}

export function abortError(signal: AbortSignal): Error {
	return signal.reason instanceof Error ? signal.reason : new Error('The operation was aborted');
}

export function podInfo(p: SimPod): PodInfo {
	return {
		name: p.name,
		namespace: demoNamespace,
		deployment: p.deployment,
		phase: p.phase,
		ready: p.ready ? 1 : 0,
		containers: 1,
		restarts: p.restarts,
		...(p.waitingReason ? {waitingReason: p.waitingReason} : {}),
		...(p.lastTerminationReason ? {lastTerminationReason: p.lastTerminationReason} : {}),
		node: p.node,
		createdAt: new Date(p.createdAt).toISOString(),
		...(p.terminating ? {terminating: true} : {}),
	};
}

/** The deployment's row, from its own state and its live pods (`pods`: every pod of the cluster). */
export function deploymentInfo(d: SimDeployment, pods: Iterable<SimPod>): DeploymentInfo {
	const rs = d.replicaSets.get(d.current)!;
	const live = [...pods].filter(p => p.deployment === d.name && !p.terminating);
	const updated = live.filter(p => p.hash === d.current);
	const ready = live.filter(p => p.ready).length;
	const observed = d.observedGeneration === d.generation;
	return {
		name: d.name,
		namespace: demoNamespace,
		revision: rs.revision,
		replicas: d.replicas,
		readyReplicas: ready,
		updatedReplicas: updated.length,
		availableReplicas: ready,
		images: [rs.template.image],
		generation: d.generation,
		observedGeneration: d.observedGeneration,
		rolloutComplete: observed && updated.length === d.replicas && live.length === d.replicas && ready >= d.replicas,
		createdAt: new Date(d.createdAt).toISOString(),
	};
}
