/**
 * The simulation behind the demo's cluster: its objects, the controllers that move them (the
 * Deployment controller's rollouts with maxSurge 1 / maxUnavailable 0, the kubelet starting and
 * restarting containers, the HorizontalPodAutoscaler), the bad deploy's OOM kills, and its timers and
 * watchers. Every delay is in simulated milliseconds and divided by `speed` before it becomes a timer.
 */
import type {ClusterChange, ClusterWatcher} from '../ports/cluster.js';
import {shopDeployments} from './cluster-seed.js';
import {replayChanges} from './cluster-replay.js';
import type {DemoChange} from './resume.js';
import {
	abortError,
	badImage,
	day,
	deploymentInfo,
	maxSurge,
	nameAlphabet,
	nodes,
	notFound,
	podInfo,
	seededRandom,
	stoppedError,
	templateHash,
	timings,
	demoContext,
	demoNamespace,
	type DeploymentSpec,
	type ReplicaSet,
	type SimDeployment,
	type SimPod,
	type Template,
} from './cluster-model.js';

export interface SimulationOptions {
	/** Time multiplier: 20 runs the scenario twenty times faster. Default 1. */
	speed?: number;
	/** Clock for creation times; defaults to Date.now. */
	now?: () => number;
	/** Seed of the pseudo-random generator (pod names, node placement, OOM choice). */
	seed?: number;
	/** Run the bad-deploy scenario (OOM kills of bad pods). Default true. */
	scenario?: boolean;
	/** When the scenario started (the demo incident opened); default now. The shop's history is dated from it. */
	startedAt?: number;
	/** Changes the incident made to the cluster, done at start with their rollouts finished (cluster-replay.ts). */
	changes?: DemoChange[];
}

export class Simulation {
	readonly deployments = new Map<string, SimDeployment>();
	readonly pods = new Map<string, SimPod>();
	readonly now: () => number;
	private readonly speed: number;
	private readonly random: () => number;
	private readonly startedAt: number;
	private readonly watchers = new Set<ClusterWatcher>();
	private readonly timers = new Set<NodeJS.Timeout>();
	/** Rejecters of API calls in flight, so that stopping never leaves a caller waiting forever. */
	private readonly inFlight = new Set<(error: Error) => void>();
	private stopped = false;

	constructor(options: SimulationOptions) {
		this.speed = options.speed && options.speed > 0 ? options.speed : 1;
		this.now = options.now ?? Date.now;
		this.random = seededRandom(options.seed ?? 20_261_122);
		this.startedAt = options.startedAt ?? this.now();
		this.seed();
		replayChanges(this, options.changes ?? []);
		if (options.scenario ?? true) this.startScenario();
	}

	get isStopped(): boolean {
		return this.stopped;
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

	/** Sends every change to `watcher` from now on, until `signal` aborts. */
	addWatcher(watcher: ClusterWatcher, signal: AbortSignal): void {
		this.watchers.add(watcher);
		signal.addEventListener('abort', () => this.watchers.delete(watcher), {once: true});
	}

	deployment(name: string): SimDeployment {
		const d = this.deployments.get(name);
		if (!d) throw notFound(name);
		return d;
	}

	pod(name: string): SimPod {
		const pod = this.pods.get(name);
		if (!pod) throw new Error(`pods "${name}" not found in namespace ${demoNamespace} (context ${demoContext})`);
		return pod;
	}

	// ---- state ----

	private seed(): void {
		for (const spec of shopDeployments(this.startedAt)) this.addDeployment(spec);
		// Some texture: a cart pod restarted once two days ago after an application error.
		const cartPod = [...this.pods.values()].find(p => p.deployment === 'cart');
		if (cartPod) {
			cartPod.restarts = 1;
			cartPod.restartedAt = this.startedAt - 2 * day;
			cartPod.lastTerminationReason = 'Error';
		}
	}

	private addDeployment(spec: DeploymentSpec): void {
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
		for (let i = 0; i < spec.replicas; i++) this.addRunningPod(d, spec.podAge(i));
	}

	/** The ReplicaSet of `template`, made or (when one has the template already) given `revision`. */
	addReplicaSet(d: SimDeployment, template: Template, revision: number, createdAt: number, changeCause?: string): ReplicaSet {
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

	/** A pod of the deployment's current ReplicaSet that has been running and ready since `createdAt`. */
	addRunningPod(d: SimDeployment, createdAt: number): SimPod {
		const pod = this.newPod(d, createdAt);
		pod.phase = 'Running';
		pod.ready = true;
		delete pod.waitingReason;
		return pod;
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

	// ---- the controllers ----

	/** The deployment's spec changed: a new generation, which the controller observes and rolls out. */
	specChanged(d: SimDeployment): void {
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

	/** The HorizontalPodAutoscaler puts replicas back in its range a while after a scale outside it. */
	autoscalerCorrects(d: SimDeployment): void {
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
		const simNow = (this.now() - this.startedAt) * this.speed;
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

	// ---- timers and watchers ----

	/** Runs `fn` after `simulatedMs` of simulated time, unless the simulation stopped. */
	after(simulatedMs: number, fn: () => void): void {
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

	/** An API call's round trip: rejects when the simulation stops or `signal` aborts meanwhile. */
	async roundTrip(signal?: AbortSignal): Promise<void> {
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
		this.emit({kind: 'pod', type: 'upsert', pod: podInfo(pod)});
	}

	private sendDeployment(d: SimDeployment): void {
		const info = deploymentInfo(d, this.pods.values());
		const key = JSON.stringify(info);
		if (key === d.lastSent) return;
		d.lastSent = key;
		this.emit({kind: 'deployment', type: 'upsert', deployment: info});
	}
}
