import type {
	Cluster,
	ClusterChange,
	ClusterWatcher,
	CommandEnvironment,
	DeploymentInfo,
	MutationResult,
	ContainerStatusInfo,
	EventInfo,
	EventSubject,
	PodInfo,
	PodLogTail,
	PodNow,
	LogFollower,
	RevisionInfo,
} from '../ports/cluster.js';
import {pinKubeconfig} from '../clients/kube-pin.js';

/**
 * The demo's simulated cluster: namespace "shop" in context "demo", behind the same `Cluster` port as
 * the real Kubernetes implementation. It follows what the Deployment controller and kubectl do:
 *  - a Deployment owns one ReplicaSet per pod template; the template's hash names the ReplicaSet and its pods;
 *  - `undo` copies an older ReplicaSet's template back into the Deployment: that ReplicaSet is reused and gets
 *    the next revision number, so its old number disappears from the history;
 *  - rollouts replace pods gradually with maxSurge 1 / maxUnavailable 0;
 *  - `restart` changes the template (restartedAt annotation), which makes a new ReplicaSet;
 *  - `scale` only changes spec.replicas.
 * The scenario: revision 3 (shop/checkout:1.8.0) went out a few minutes before the incident; its pods leak
 * memory and get OOMKilled, one of them into CrashLoopBackOff.
 *
 * Every delay below is in simulated milliseconds and divided by `speed` before it becomes a timer.
 */

export const demoContext = 'demo';
/** How long the API server keeps events (kube-apiserver's --event-ttl default). */
const eventTtlMs = 60 * 60 * 1000;
export const demoNamespace = 'shop';
/** A demo app writes a log line every this many ms. */
const logEveryMs = 5000;

/** When the pod's running container started: at its last restart, else two seconds after the pod was created. */
function runStart(pod: SimPod): number {
	return pod.restartedAt ?? pod.createdAt + 2000;
}

/**
 * The line the app in `pod` writes at `at` in the run that started at `start`: that it listens, then
 * a health probe every 5 s; on the bad release, its price cache growing, then GC pauses and
 * timed-out requests until the OOM kill.
 */
function runLine(pod: SimPod, start: number, at: number): string {
	if (at <= start) return listeningLine(pod, at);
	if (pod.image !== badImage) return `${apiTime(at)} info  GET /health 200 ${1 + (Math.floor(at / logEveryMs) % 3)} ms`;
	const i = Math.max(1, Math.round((at - start) / logEveryMs));
	if (i <= 8) return cacheLine(at, i);
	// Near its limit: long GC pauses, and requests that time out behind them (the 5xx the Metrics pane shows).
	return i % 2 === 0
		? `${apiTime(at)} warn  GC pause ${600 + (i % 7) * 50} ms, heap ${505 + (i % 3)} MiB of 512 MiB`
		: `${apiTime(at)} error POST /api/checkout 503 in ${(1.1 + (i % 5) * 0.3).toFixed(1)} s: price lookup timed out`;
}

/** The first line of a run of the app in `pod`. */
function listeningLine(pod: SimPod, at: number): string {
	return `${apiTime(at)} info  ${pod.deployment} ${pod.image.split(':')[1] ?? 'latest'} listening on :8080`;
}

/** The bad release's price cache, `i` steps into a run: it grows until the heap (512 MiB) is full at the eighth. */
function cacheLine(at: number, i: number): string {
	return `${apiTime(at)} warn  price cache holds ${60_000 * i} entries, heap ${180 + 41 * i} MiB of 512 MiB`;
}

/** The image of the bad deploy: pods running it fail requests, answer slowly and get OOMKilled. */
export const badImage = 'shop/checkout:1.8.0';

export interface SimulatedClusterOptions {
	/** Time multiplier: 20 runs the scenario twenty times faster. Default 1. */
	speed?: number;
	/** Stops every timer and watcher of the simulation. */
	signal?: AbortSignal;
	/** Clock for creation times; defaults to Date.now. */
	now?: () => number;
	/** Seed of the pseudo-random generator (pod names, node placement, OOM choice). */
	seed?: number;
	/** Run the bad-deploy scenario (OOM kills of bad pods). Default true. */
	scenario?: boolean;
}

/** One pod behind a Service, as the Endpoints object would list it (ready and not terminating). */
export interface Endpoint {
	pod: string;
	image: string;
}

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

interface Template {
	image: string;
	/** kubectl.kubernetes.io/restartedAt annotation. */
	restartedAt?: string;
}

interface ReplicaSet {
	name: string;
	hash: string;
	revision: number;
	template: Template;
	createdAt: number;
	changeCause?: string;
}

interface SimPod {
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

interface SimDeployment {
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

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const maxSurge = 1;
const nodes = ['pool-a-7f2kq', 'pool-a-9xw4m', 'pool-b-3lt8c'];
// The alphabet Kubernetes uses for generated names: no vowels (no words), no 0/1/3 (look like letters).
const nameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** Small seeded generator (mulberry32); written by hand because the demo needs only this one function. */
function seededRandom(seed: number): () => number {
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
function templateHash(deployment: string, template: Template): string {
	let hash = 0x811c9dc5;
	for (const char of `${deployment}|${template.image}|${template.restartedAt ?? ''}`) {
		hash ^= char.charCodeAt(0);
		hash = Math.imul(hash, 0x01000193) >>> 0;
	}
	return [...String(hash)].map(c => nameAlphabet[c.charCodeAt(0) % nameAlphabet.length]).join('');
}

/** A time as the API server writes it in events and statuses: RFC 3339, whole seconds. */
function apiTime(ms: number): string {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function notFound(name: string): Error {
	return new Error(`deployments.apps "${name}" not found in namespace ${demoNamespace} (context ${demoContext})`);
}

function stoppedError(): Error {
	return new Error(`the demo cluster (context ${demoContext}) has stopped`);
}

function abortError(signal: AbortSignal): Error {
	return signal.reason instanceof Error ? signal.reason : new Error('The operation was aborted');
}

export class SimulatedCluster implements Cluster {
	readonly context = demoContext;
	readonly namespace = demoNamespace;

	private readonly speed: number;
	private readonly now: () => number;
	private readonly random: () => number;
	private readonly startedAt: number;
	private readonly deployments = new Map<string, SimDeployment>();
	private readonly pods = new Map<string, SimPod>();
	private readonly watchers = new Set<ClusterWatcher>();
	private readonly timers = new Set<NodeJS.Timeout>();
	/** Rejecters of API calls in flight, so that stopping never leaves a caller waiting forever. */
	private readonly inFlight = new Set<(error: Error) => void>();
	private stopped = false;

	constructor(options: SimulatedClusterOptions = {}) {
		this.speed = options.speed && options.speed > 0 ? options.speed : 1;
		this.now = options.now ?? Date.now;
		this.random = seededRandom(options.seed ?? 20_261_122);
		this.startedAt = this.now();
		this.seed();
		if (options.scenario ?? true) this.startScenario();
		if (options.signal) {
			if (options.signal.aborted) this.stop();
			else options.signal.addEventListener('abort', () => this.stop(), {once: true});
		}
	}

	private pinned: CommandEnvironment | undefined;

	/**
	 * The demo's cluster is in this process, not behind an API server, so the kubectl of a runbook
	 * command is pointed at a cluster that is not there (a closed loopback port): it fails at once and
	 * never reaches a real cluster from the user's own kubeconfig, which is left out.
	 */
	commandEnvironment(): CommandEnvironment {
		this.pinned ??= pinKubeconfig(
			{
				context: demoContext,
				cluster: 'incident-tui-demo',
				user: 'incident-tui-demo',
				namespace: demoNamespace,
				files: [],
				clusters: [{name: 'incident-tui-demo', cluster: {server: 'https://127.0.0.1:1'}}],
				// A token, or kubectl would ask for a username on the command's closed stdin.
				users: [{name: 'incident-tui-demo', user: {token: 'demo-has-no-api-server'}}],
			},
			'demo: kubectl here reaches no cluster, so nothing real is touched',
		);
		return this.pinned;
	}

	/** Stops every timer and forgets every watcher. Idempotent. */
	stop(): void {
		this.stopped = true;
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		this.watchers.clear();
		for (const reject of this.inFlight) reject(stoppedError());
		this.inFlight.clear();
	}

	// ---- the Cluster port ----

	async watch(watcher: ClusterWatcher, signal: AbortSignal): Promise<void> {
		if (signal.aborted || this.stopped) return;
		this.watchers.add(watcher);
		signal.addEventListener('abort', () => this.watchers.delete(watcher), {once: true});
		watcher.reset(this.listPods(), this.listDeployments());
	}

	async history(deployment: string, signal?: AbortSignal): Promise<RevisionInfo[]> {
		await this.roundTrip(signal);
		const d = this.get(deployment);
		return [...d.replicaSets.values()]
			.sort((a, b) => b.revision - a.revision)
			.map(rs => ({
				revision: rs.revision,
				replicaSet: rs.name,
				images: [rs.template.image],
				createdAt: new Date(rs.createdAt).toISOString(),
				...(rs.changeCause ? {changeCause: rs.changeCause} : {}),
			}));
	}

	async undo(deployment: string, toRevision?: number, signal?: AbortSignal): Promise<MutationResult> {
		await this.roundTrip(signal);
		const d = this.get(deployment);
		const current = d.replicaSets.get(d.current)!;
		const older = [...d.replicaSets.values()].filter(rs => rs.revision < current.revision).sort((a, b) => b.revision - a.revision);
		let target: ReplicaSet | undefined;
		if (toRevision === undefined || toRevision === 0) {
			target = older[0];
			if (!target) throw new Error(`rollout undo deployment/${deployment}: no rollout history found (only revision ${current.revision} exists)`);
		} else {
			target = [...d.replicaSets.values()].find(rs => rs.revision === toRevision);
			if (!target) {
				const known = [...d.replicaSets.values()].map(rs => rs.revision).sort((a, b) => a - b).join(', ');
				throw new Error(`rollout undo deployment/${deployment}: unable to find revision ${toRevision} in history (revisions: ${known})`);
			}
		}
		const before = `revision ${current.revision} (${current.template.image})`;
		if (target.hash === d.current) {
			return {summary: `skipped rollback: current template already matches revision ${target.revision}`, before, after: before};
		}
		const restoredFrom = target.revision;
		// Kubernetes reuses the ReplicaSet whose template matches and gives it the next revision number.
		target.revision = current.revision + 1;
		d.current = target.hash;
		this.specChanged(d);
		const after = `revision ${target.revision} (${target.template.image}, template of revision ${restoredFrom})`;
		return {
			summary: `rolled back to revision ${restoredFrom}: ${current.template.image} -> ${target.template.image}, now revision ${target.revision}`,
			before,
			after,
		};
	}

	async scale(deployment: string, replicas: number, signal?: AbortSignal): Promise<MutationResult> {
		if (!Number.isInteger(replicas) || replicas < 0 || replicas > 100) {
			throw new Error(`scale deployment/${deployment}: replicas must be a whole number from 0 to 100, got ${replicas}`);
		}
		await this.roundTrip(signal);
		const d = this.get(deployment);
		const from = d.replicas;
		d.replicas = replicas;
		if (from !== replicas) this.specChanged(d);
		if (d.autoscaler && (replicas < d.autoscaler.min || replicas > d.autoscaler.max)) this.autoscalerCorrects(d);
		return {summary: `replicas ${from} -> ${replicas}`, before: `replicas ${from}`, after: `replicas ${replicas}`};
	}

	async restart(deployment: string, signal?: AbortSignal): Promise<MutationResult> {
		await this.roundTrip(signal);
		const d = this.get(deployment);
		const current = d.replicaSets.get(d.current)!;
		const template: Template = {image: current.template.image, restartedAt: new Date(this.now()).toISOString()};
		const rs = this.addReplicaSet(d, template, current.revision + 1, this.now(), current.changeCause);
		d.current = rs.hash;
		this.specChanged(d);
		return {
			summary: `restarted: revision ${current.revision} -> ${rs.revision} (same image ${template.image}, restartedAt ${template.restartedAt})`,
			before: `revision ${current.revision}`,
			after: `revision ${rs.revision} (restartedAt ${template.restartedAt})`,
		};
	}

	/**
	 * What kubelet, the scheduler and the Deployment controller would have recorded, from the
	 * simulation's state; events live an hour, as by default. ReplicaSets here never fail to create pods.
	 */
	async events(kind: EventSubject, name: string, signal?: AbortSignal): Promise<EventInfo[]> {
		await this.roundTrip(signal);
		const now = this.now();
		if (kind === 'ReplicaSet') return [];
		if (kind === 'Deployment') {
			const d = this.get(name);
			return [...d.replicaSets.values()]
				.filter(rs => now - rs.createdAt < eventTtlMs)
				.sort((a, b) => a.createdAt - b.createdAt)
				.map(rs => ({type: 'Normal', reason: 'ScalingReplicaSet', message: `Scaled up replica set ${rs.name} from 0 to 1`, count: 1, lastSeen: apiTime(rs.createdAt)}));
		}
		const pod = this.podNamed(name);
		const events: EventInfo[] = [];
		const started = pod.createdAt + 2000;
		const last = pod.restartedAt ?? started;
		if (now - pod.createdAt < eventTtlMs) {
			events.push({type: 'Normal', reason: 'Scheduled', message: `Successfully assigned ${demoNamespace}/${pod.name} to ${pod.node}`, count: 1, lastSeen: apiTime(pod.createdAt)});
		}
		if (now - last < eventTtlMs) {
			const runs = 1 + pod.restarts;
			events.push(
				{type: 'Normal', reason: 'Pulled', message: `Container image "${pod.image}" already present on machine`, count: runs, lastSeen: apiTime(last)},
				{type: 'Normal', reason: 'Created', message: `Created container ${pod.deployment}`, count: runs, lastSeen: apiTime(last)},
				{type: 'Normal', reason: 'Started', message: `Started container ${pod.deployment}`, count: runs, lastSeen: apiTime(last)},
			);
		}
		if (pod.waitingReason === 'CrashLoopBackOff') {
			events.push({type: 'Warning', reason: 'BackOff', message: `Back-off restarting failed container ${pod.deployment} in pod ${pod.name}_${demoNamespace}`, count: pod.restarts - 1, lastSeen: apiTime(now)});
		}
		return events.sort((a, b) => Date.parse(a.lastSeen) - Date.parse(b.lastSeen));
	}

	/** The log an app like the demo's writes: its start, then what it did until it was killed. */
	async podLog(name: string, tailLines: number, signal?: AbortSignal): Promise<PodLogTail> {
		await this.roundTrip(signal);
		const pod = this.podNamed(name);
		const lines: string[] = [];
		const previous = pod.restarts > 0;
		if (previous) {
			// The run before the last restart: its last 40 s.
			const end = pod.restartedAt ?? this.now();
			const begin = end - 40_000;
			lines.push(listeningLine(pod, begin));
			if (pod.lastTerminationReason === 'OOMKilled') {
				// The bad release's cache grows until the kernel kills the container: its log just stops.
				for (let i = 1; i <= 8; i++) lines.push(cacheLine(begin + i * 4500, i));
			} else {
				lines.push(`${apiTime(end - 1500)} error lost the connection to redis:6379 (ECONNRESET); exiting so the kubelet restarts us`);
			}
		} else {
			lines.push(...this.runSoFar(pod, tailLines));
		}
		return {container: pod.deployment, previous, lines: lines.slice(-tailLines)};
	}

	/**
	 * `kubectl logs -f`: the running container's last lines, then a line every 5 s (a health probe; on
	 * the bad release, its cache growing toward the OOM kill) until the container stops, restarts or
	 * its pod goes, when the log ends as the API server ends it.
	 */
	async followLog(name: string, tailLines: number, follower: LogFollower, signal: AbortSignal): Promise<string> {
		await this.roundTrip(signal);
		const pod = this.podNamed(name);
		const start = runStart(pod);
		for (const line of this.runSoFar(pod, tailLines)) follower.line(line);
		const next = () =>
			this.after(logEveryMs, () => {
				if (signal.aborted) return;
				if (this.pods.get(pod.name) !== pod || pod.terminating || runStart(pod) !== start) return follower.done(null);
				follower.line(runLine(pod, start, this.now()));
				next();
			});
		next();
		return pod.deployment;
	}

	/** The running container's log up to now, only as far back as the tail reaches: its start, then a line every 5 s. */
	private runSoFar(pod: SimPod, tailLines: number): string[] {
		const start = runStart(pod);
		const from = Math.max(start, this.now() - tailLines * logEveryMs);
		const lines = from === start ? [runLine(pod, start, start)] : [];
		for (let at = start + logEveryMs * Math.max(1, Math.ceil((from - start) / logEveryMs)); at <= this.now(); at += logEveryMs) lines.push(runLine(pod, start, at));
		return lines.slice(-tailLines);
	}

	/** One container per pod, named after its deployment; an OOM kill ends with exit 137, as the kernel's SIGKILL does. */
	async podNow(name: string, signal?: AbortSignal): Promise<PodNow> {
		await this.roundTrip(signal);
		const pod = this.podNamed(name);
		const reason = pod.lastTerminationReason;
		const containers: ContainerStatusInfo[] = [
			{
				name: pod.deployment,
				ready: pod.ready,
				restarts: pod.restarts,
				state: pod.waitingReason ? `waiting: ${pod.waitingReason}` : 'running',
				...(reason && pod.restarts > 0
					? {
							lastTermination: {
								reason,
								exitCode: reason === 'OOMKilled' ? 137 : 1,
								...(pod.restartedAt ? {finishedAt: apiTime(pod.restartedAt)} : {}),
							},
						}
					: {}),
			},
		];
		return {pod: this.podInfo(pod), containers};
	}

	private podNamed(name: string): SimPod {
		const pod = this.pods.get(name);
		if (!pod) throw new Error(`pods "${name}" not found in namespace ${demoNamespace} (context ${demoContext})`);
		return pod;
	}

	async autoscalerFor(deployment: string, signal?: AbortSignal): Promise<string | null> {
		await this.roundTrip(signal);
		return this.get(deployment).autoscaler?.name ?? null;
	}

	// ---- for the demo services ----

	/** Ready, non-terminating pods of a deployment: where a Service would send traffic. */
	endpoints(deployment: string): Endpoint[] {
		const out: Endpoint[] = [];
		for (const pod of this.pods.values()) {
			if (pod.deployment === deployment && pod.ready && !pod.terminating) out.push({pod: pod.name, image: pod.image});
		}
		return out;
	}

	/** spec.replicas, or undefined for an unknown deployment. */
	desiredReplicas(deployment: string): number | undefined {
		return this.deployments.get(deployment)?.replicas;
	}

	listPods(): PodInfo[] {
		return [...this.pods.values()].map(p => this.podInfo(p));
	}

	listDeployments(): DeploymentInfo[] {
		return [...this.deployments.values()].map(d => this.deploymentInfo(d));
	}

	// ---- state ----

	private seed(): void {
		const t = this.startedAt;
		this.addDeployment({
			name: 'checkout',
			createdAt: t - 143 * day,
			replicas: 4,
			revisions: [
				{image: 'shop/checkout:1.7.2', createdAt: t - 21 * day, changeCause: 'ci: deploy shop/checkout:1.7.2 (pipeline 4411)'},
				{image: 'shop/checkout:1.7.4', createdAt: t - 6 * day, changeCause: 'ci: deploy shop/checkout:1.7.4 (pipeline 4597)'},
				{image: badImage, createdAt: t - 7 * minute, changeCause: 'ci: deploy shop/checkout:1.8.0 (pipeline 4630)'},
			],
			// The rollout of revision 3 finished a few minutes ago: pods a few seconds apart.
			podAge: i => t - 7 * minute + 40_000 + i * 9000,
		});
		this.addDeployment({
			name: 'cart',
			createdAt: t - 143 * day,
			replicas: 3,
			revisions: [
				{image: 'shop/cart:2.3.1', createdAt: t - 30 * day, changeCause: 'ci: deploy shop/cart:2.3.1 (pipeline 4302)'},
				{image: 'shop/cart:2.4.0', createdAt: t - 9 * day, changeCause: 'ci: deploy shop/cart:2.4.0 (pipeline 4552)'},
			],
			podAge: i => t - 9 * day + i * 11_000,
			autoscaler: {name: 'cart', min: 3, max: 8},
		});
		this.addDeployment({
			name: 'payments',
			createdAt: t - 210 * day,
			replicas: 2,
			revisions: [
				{image: 'shop/payments:3.2.0', createdAt: t - 40 * day, changeCause: 'ci: deploy shop/payments:3.2.0 (pipeline 4120)'},
				{image: 'shop/payments:3.2.1', createdAt: t - 12 * day, changeCause: 'ci: deploy shop/payments:3.2.1 (pipeline 4480)'},
			],
			podAge: i => t - 12 * day + i * 14_000,
		});
		// Some texture: a cart pod restarted once two days ago after an application error.
		const cartPod = [...this.pods.values()].find(p => p.deployment === 'cart');
		if (cartPod) {
			cartPod.restarts = 1;
			cartPod.restartedAt = t - 2 * day;
			cartPod.lastTerminationReason = 'Error';
		}
	}

	private addDeployment(spec: {
		name: string;
		createdAt: number;
		replicas: number;
		revisions: Array<{image: string; createdAt: number; changeCause: string}>;
		podAge: (index: number) => number;
		autoscaler?: {name: string; min: number; max: number};
	}): void {
		const d: SimDeployment = {
			name: spec.name,
			replicas: spec.replicas,
			generation: spec.revisions.length,
			observedGeneration: spec.revisions.length,
			createdAt: spec.createdAt,
			current: '',
			replicaSets: new Map(),
			...(spec.autoscaler ? {autoscaler: spec.autoscaler} : {}),
		};
		spec.revisions.forEach((r, i) => {
			const rs = this.addReplicaSet(d, {image: r.image}, i + 1, r.createdAt, r.changeCause);
			d.current = rs.hash;
		});
		this.deployments.set(d.name, d);
		for (let i = 0; i < spec.replicas; i++) {
			const pod = this.newPod(d, spec.podAge(i));
			pod.phase = 'Running';
			pod.ready = true;
			delete pod.waitingReason;
		}
	}

	private addReplicaSet(d: SimDeployment, template: Template, revision: number, createdAt: number, changeCause?: string): ReplicaSet {
		const hash = templateHash(d.name, template);
		const existing = d.replicaSets.get(hash);
		if (existing) {
			existing.revision = revision;
			return existing;
		}
		const rs: ReplicaSet = {name: `${d.name}-${hash}`, hash, revision, template, createdAt, ...(changeCause ? {changeCause} : {})};
		d.replicaSets.set(hash, rs);
		return rs;
	}

	private newPod(d: SimDeployment, createdAt: number): SimPod {
		const rs = d.replicaSets.get(d.current)!;
		let name: string;
		do {
			let suffix = '';
			for (let i = 0; i < 5; i++) suffix += nameAlphabet[Math.floor(this.random() * nameAlphabet.length)];
			name = `${rs.name}-${suffix}`;
		} while (this.pods.has(name));
		const pod: SimPod = {
			name,
			deployment: d.name,
			hash: rs.hash,
			image: rs.template.image,
			phase: 'Pending',
			ready: false,
			restarts: 0,
			waitingReason: 'ContainerCreating',
			node: this.pickNode(),
			createdAt,
			terminating: false,
			ooms: [],
		};
		this.pods.set(name, pod);
		return pod;
	}

	/** The scheduler's spreading, roughly: the node with the fewest pods, ties broken at random. */
	private pickNode(): string {
		const counts = new Map(nodes.map(n => [n, 0]));
		for (const pod of this.pods.values()) counts.set(pod.node, (counts.get(pod.node) ?? 0) + 1);
		const fewest = Math.min(...counts.values());
		const candidates = nodes.filter(n => counts.get(n) === fewest);
		return candidates[Math.floor(this.random() * candidates.length)]!;
	}

	private get(name: string): SimDeployment {
		const d = this.deployments.get(name);
		if (!d) throw notFound(name);
		return d;
	}

	// ---- the controller ----

	private specChanged(d: SimDeployment): void {
		d.generation++;
		this.sendDeployment(d);
		this.after(timings.controllerSyncMs, () => {
			d.observedGeneration = d.generation;
			this.reconcile(d);
		});
	}

	/** One pass of the Deployment controller: scale ReplicaSets toward the current template, maxSurge 1 / maxUnavailable 0. */
	private reconcile(d: SimDeployment): void {
		if (this.stopped || d.observedGeneration !== d.generation) return;
		const live = () => [...this.pods.values()].filter(p => p.deployment === d.name && !p.terminating);
		// Deletion preference, like the ReplicaSet controller: not ready before ready, newer before older.
		const deletionOrder = (a: SimPod, b: SimPod) => Number(a.ready) - Number(b.ready) || b.createdAt - a.createdAt;

		// 1. Too many pods of the current template (scale down).
		const fresh = live().filter(p => p.hash === d.current);
		for (const pod of fresh.sort(deletionOrder).slice(0, Math.max(0, fresh.length - d.replicas))) this.terminate(pod);

		// 2. Old pods: unready ones add nothing to availability and go first; ready ones only while enough others are ready.
		for (const pod of live().filter(p => p.hash !== d.current && !p.ready)) this.terminate(pod);
		const readyCount = live().filter(p => p.ready).length;
		const oldReady = live().filter(p => p.hash !== d.current && p.ready).sort(deletionOrder);
		for (const pod of oldReady.slice(0, Math.max(0, readyCount - d.replicas))) this.terminate(pod);

		// 3. Create pods of the current template within the surge allowance.
		for (;;) {
			const now = live();
			const current = now.filter(p => p.hash === d.current).length;
			if (current >= d.replicas || now.length >= d.replicas + maxSurge) break;
			this.startPod(this.newPod(d, this.now()));
		}
		this.sendDeployment(d);
	}

	private startPod(pod: SimPod): void {
		this.sendPod(pod);
		this.afterForPod(pod, timings.containerStartMs, () => {
			pod.phase = 'Running';
			delete pod.waitingReason;
			this.sendPod(pod);
			this.afterForPod(pod, timings.readyMs - timings.containerStartMs, () => this.becomeReady(pod));
		});
	}

	private becomeReady(pod: SimPod): void {
		pod.ready = true;
		this.sendPod(pod);
		this.reconcile(this.deployments.get(pod.deployment)!);
	}

	private terminate(pod: SimPod): void {
		if (pod.terminating) return;
		pod.terminating = true;
		this.sendPod(pod);
		this.after(timings.terminationMs, () => {
			this.pods.delete(pod.name);
			this.emit({kind: 'pod', type: 'delete', name: pod.name});
			const d = this.deployments.get(pod.deployment);
			if (d) this.reconcile(d);
		});
	}

	private autoscalerCorrects(d: SimDeployment): void {
		this.after(timings.autoscalerMs, () => {
			const range = d.autoscaler!;
			const wanted = Math.min(range.max, Math.max(range.min, d.replicas));
			if (wanted === d.replicas) return;
			d.replicas = wanted;
			this.specChanged(d);
		});
	}

	// ---- the scenario ----

	private startScenario(): void {
		const bad = [...this.pods.values()].filter(p => p.image === badImage);
		const first = bad[1];
		const second = bad[3];
		if (first) this.afterForPod(first, timings.firstOomMs, () => this.oomKill(first));
		if (second) {
			this.afterForPod(second, timings.secondOomMs, () => this.oomKill(second));
			this.afterForPod(second, timings.thirdOomMs, () => this.oomKill(second));
		}
		const recurring = () => {
			const victims = [...this.pods.values()].filter(p => p.image === badImage && p.ready && !p.terminating);
			const victim = victims[Math.floor(this.random() * victims.length)];
			if (victim) this.oomKill(victim);
			this.after(timings.recurringOomMs * (0.8 + this.random() * 0.4), recurring);
		};
		this.after(timings.recurringOomMs + timings.thirdOomMs, recurring);
	}

	/** The container went over its memory limit: the kubelet kills and restarts it; twice in a short while means back-off. */
	private oomKill(pod: SimPod): void {
		const simNow = this.simulatedElapsed();
		const recent = pod.ooms.filter(at => simNow - at < timings.crashLoopWindowMs).length;
		pod.ooms = [...pod.ooms.filter(at => simNow - at < timings.crashLoopWindowMs), simNow];
		pod.restarts++;
		pod.restartedAt = this.now();
		pod.lastTerminationReason = 'OOMKilled';
		pod.ready = false;
		if (recent >= 1) {
			pod.waitingReason = 'CrashLoopBackOff';
			this.sendPod(pod);
			this.afterForPod(pod, timings.crashLoopBackOffMs, () => {
				delete pod.waitingReason;
				this.sendPod(pod);
				this.afterForPod(pod, timings.oomRestartMs, () => this.becomeReady(pod));
			});
		} else {
			this.sendPod(pod);
			this.afterForPod(pod, timings.oomRestartMs, () => this.becomeReady(pod));
		}
		this.sendDeployment(this.deployments.get(pod.deployment)!);
	}

	private simulatedElapsed(): number {
		return (this.now() - this.startedAt) * this.speed;
	}

	// ---- timers and watchers ----

	private after(simulatedMs: number, fn: () => void): void {
		if (this.stopped) return;
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			if (!this.stopped) fn();
		}, simulatedMs / this.speed);
		this.timers.add(timer);
	}

	/** A timer about a pod that does nothing once the pod is terminating or gone. */
	private afterForPod(pod: SimPod, simulatedMs: number, fn: () => void): void {
		this.after(simulatedMs, () => {
			if (this.pods.get(pod.name) === pod && !pod.terminating) fn();
		});
	}

	private async roundTrip(signal?: AbortSignal): Promise<void> {
		if (this.stopped) throw stoppedError();
		if (signal?.aborted) throw abortError(signal);
		await new Promise<void>((resolve, reject) => {
			const settle = (error?: Error) => {
				clearTimeout(timer);
				this.timers.delete(timer);
				this.inFlight.delete(settle);
				signal?.removeEventListener('abort', onAbort);
				if (error) reject(error);
				else resolve();
			};
			const onAbort = () => settle(abortError(signal!));
			const timer = setTimeout(() => settle(), timings.apiMs / this.speed);
			this.timers.add(timer);
			this.inFlight.add(settle);
			signal?.addEventListener('abort', onAbort, {once: true});
		});
	}

	private emit(change: ClusterChange): void {
		for (const watcher of this.watchers) {
			try {
				watcher.change(change);
			} catch {
				// A failing watcher must not break the simulation or the other watchers.
			}
		}
	}

	private sendPod(pod: SimPod): void {
		if (this.pods.get(pod.name) !== pod) return;
		this.emit({kind: 'pod', type: 'upsert', pod: this.podInfo(pod)});
	}

	private sendDeployment(d: SimDeployment): void {
		const info = this.deploymentInfo(d);
		const key = JSON.stringify(info);
		if (key === d.lastSent) return;
		d.lastSent = key;
		this.emit({kind: 'deployment', type: 'upsert', deployment: info});
	}

	private podInfo(p: SimPod): PodInfo {
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

	private deploymentInfo(d: SimDeployment): DeploymentInfo {
		const rs = d.replicaSets.get(d.current)!;
		const live = [...this.pods.values()].filter(p => p.deployment === d.name && !p.terminating);
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
}
