/**
 * The demo's simulated cluster: namespace "shop" in context "demo", behind the same `Cluster` port as
 * the real Kubernetes implementation. It follows what the Deployment controller and kubectl do:
 *  - a Deployment owns one ReplicaSet per pod template; the template's hash names the ReplicaSet and its pods;
 *  - `undo` copies an older ReplicaSet's template back into the Deployment: that ReplicaSet is reused and gets
 *    the next revision number, so its old number disappears from the history;
 *  - rollouts replace pods gradually with maxSurge 1 / maxUnavailable 0 (cluster-sim.ts);
 *  - `restart` changes the template (restartedAt annotation), which makes a new ReplicaSet;
 *  - `scale` only changes spec.replicas.
 * The scenario: revision 3 (shop/checkout:1.8.0) went out a few minutes before the incident; its pods leak
 * memory and get OOMKilled, one of them into CrashLoopBackOff.
 */
import type {
	Cluster,
	ClusterWatcher,
	CommandEnvironment,
	DeploymentInfo,
	EventInfo,
	EventSubject,
	LogFollower,
	MutationResult,
	PodInfo,
	PodLogTail,
	PodNow,
	RevisionInfo,
} from '../ports/cluster.js';
import {dirname, join} from 'node:path';
import {pinKubeconfig} from '../clients/kube-pin.js';
import {demoContext, demoNamespace, deploymentInfo, logEveryMs, podInfo, templateHash, type Endpoint, type ReplicaSet, type SimDeployment, type Template} from './cluster-model.js';
import {Simulation} from './cluster-sim.js';
import {rollbackTarget} from './cluster-replay.js';
import type {ClusterState} from './kube-objects.js';
import type {DemoChange} from './resume.js';
import {deploymentEvents, podContainers, podEvents, previousRun, runLine, runSoFar, runStart} from './cluster-story.js';

export {badImage, demoContext, demoNamespace, timings, type Endpoint} from './cluster-model.js';

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
	/** When the scenario started (a resumed demo incident's opening); default now. */
	startedAt?: number;
	/** What a resumed demo incident changed, done at start (resume.ts). */
	changes?: DemoChange[];
}

export class SimulatedCluster implements Cluster {
	readonly context = demoContext;
	readonly namespace = demoNamespace;

	private readonly sim: Simulation;
	private pinned: CommandEnvironment | undefined;
	/** Where the simulation is served over the Kubernetes API (kube-api.ts), once it is. */
	private apiUrl: string | undefined;

	constructor(options: SimulatedClusterOptions = {}) {
		this.sim = new Simulation(options);
		if (options.signal) {
			if (options.signal.aborted) this.stop();
			else options.signal.addEventListener('abort', () => this.stop(), {once: true});
		}
	}

	/**
	 * The environment of the runbook's commands. Served over the Kubernetes API (kube-api.ts, `serveAt`),
	 * kubectl in a command acts on this simulated cluster, as the panes show it. Not served (a cluster made
	 * on its own, in tests), kubectl is pointed at a closed loopback port: it fails at once. Either way the
	 * user's own kubeconfig is left out, so no real cluster is reached.
	 */
	commandEnvironment(): CommandEnvironment {
		const url = this.apiUrl;
		this.pinned ??= withCacheBeside(pinKubeconfig(
			{
				context: demoContext,
				cluster: 'incident-tui-demo',
				user: 'incident-tui-demo',
				namespace: demoNamespace,
				files: [],
				// Plain http: client-node (status --config on a running demo) wants it said that there is no TLS to verify.
				clusters: [{name: 'incident-tui-demo', cluster: url ? {server: url, 'insecure-skip-tls-verify': true} : {server: 'https://127.0.0.1:1'}}],
				// A token, or kubectl would ask for a username on the command's closed stdin (over http it sends none, and the demo's API wants none).
				users: [{name: 'incident-tui-demo', user: {token: url ? 'demo-api-wants-none' : 'demo-has-no-api-server'}}],
			},
			url
				? `demo: kubectl here acts on the demo's simulated cluster (context ${demoContext}, namespace ${demoNamespace}, served on ${url}), nothing real is touched`
				: 'demo: kubectl here reaches no cluster, so nothing real is touched',
		));
		return this.pinned;
	}

	/** The simulation is served over the Kubernetes API at `url` (kube-api.ts): runbook commands' kubectl goes there. */
	serveAt(url: string): void {
		this.apiUrl = url;
		this.pinned = undefined;
	}

	/** The simulation's objects and clock, read by the served API (kube-objects.ts). */
	get state(): ClusterState {
		return this.sim;
	}

	/** Stops every timer and forgets every watcher. Idempotent. */
	stop(): void {
		this.sim.stop();
	}

	// ---- the Cluster port ----

	/** Resolves at once: the simulation's watch is running once it has said what there is (reset). */
	watch(watcher: ClusterWatcher, signal: AbortSignal): Promise<void> {
		if (signal.aborted || this.sim.isStopped) return Promise.resolve();
		this.sim.addWatcher(watcher, signal);
		watcher.reset(this.listPods(), this.listDeployments());
		return Promise.resolve();
	}

	async history(deployment: string, signal?: AbortSignal): Promise<RevisionInfo[]> {
		await this.sim.roundTrip(signal);
		const d = this.sim.deployment(deployment);
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
		await this.sim.roundTrip(signal);
		const d = this.sim.deployment(deployment);
		const current = d.replicaSets.get(d.current)!;
		const target = rollbackTarget(deployment, [...d.replicaSets.values()], current, toRevision);
		const before = `revision ${current.revision} (${current.template.image})`;
		if (target.hash === d.current) {
			return {summary: `skipped rollback: current template already matches revision ${target.revision}`, before, after: before};
		}
		const restoredFrom = target.revision;
		// Kubernetes reuses the ReplicaSet whose template matches and gives it the next revision number.
		target.revision = current.revision + 1;
		d.current = target.hash;
		this.sim.specChanged(d);
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
		await this.sim.roundTrip(signal);
		const d = this.sim.deployment(deployment);
		const from = d.replicas;
		d.replicas = replicas;
		if (from !== replicas) this.sim.specChanged(d);
		if (d.autoscaler && (replicas < d.autoscaler.min || replicas > d.autoscaler.max)) this.sim.autoscalerCorrects(d);
		return {summary: `replicas ${from} -> ${replicas}`, before: `replicas ${from}`, after: `replicas ${replicas}`};
	}

	async restart(deployment: string, signal?: AbortSignal): Promise<MutationResult> {
		await this.sim.roundTrip(signal);
		const d = this.sim.deployment(deployment);
		const current = d.replicaSets.get(d.current)!;
		const template: Template = {image: current.template.image, restartedAt: new Date(this.sim.now()).toISOString()};
		const rs = this.rollOut(d, template);
		return {
			summary: `restarted: revision ${current.revision} -> ${rs.revision} (same image ${template.image}, restartedAt ${template.restartedAt})`,
			before: `revision ${current.revision}`,
			after: `revision ${rs.revision} (restartedAt ${template.restartedAt})`,
		};
	}

	/**
	 * The deployment's pod template set to `template`, as a PATCH of the Deployment does it (kubectl's
	 * `rollout undo`, `rollout restart`, `set image`): the ReplicaSet of that template, reused when one
	 * has it, becomes the next revision and is rolled out. Nothing changes when it is the current one.
	 */
	async applyTemplate(deployment: string, template: Template, signal?: AbortSignal): Promise<MutationResult> {
		await this.sim.roundTrip(signal);
		const d = this.sim.deployment(deployment);
		const current = d.replicaSets.get(d.current)!;
		const before = `revision ${current.revision} (${current.template.image})`;
		if (templateHash(deployment, template) === d.current) return {summary: 'unchanged', before, after: before};
		const rs = this.rollOut(d, template);
		return {summary: `revision ${current.revision} -> ${rs.revision} (${rs.template.image})`, before, after: `revision ${rs.revision} (${rs.template.image})`};
	}

	/** `template` becomes the deployment's: its ReplicaSet (made, or reused) gets the next revision, and the controller rolls it out. */
	private rollOut(d: SimDeployment, template: Template): ReplicaSet {
		const current = d.replicaSets.get(d.current)!;
		const rs = this.sim.addReplicaSet(d, template, current.revision + 1, this.sim.now(), current.changeCause);
		d.current = rs.hash;
		this.sim.specChanged(d);
		return rs;
	}

	/** What kubelet, the scheduler and the Deployment controller would have recorded. ReplicaSets here never fail to create pods. */
	async events(kind: EventSubject, name: string, signal?: AbortSignal): Promise<EventInfo[]> {
		await this.sim.roundTrip(signal);
		const now = this.sim.now();
		if (kind === 'ReplicaSet') return [];
		if (kind === 'Deployment') return deploymentEvents(this.sim.deployment(name), now);
		return podEvents(this.sim.pod(name), now);
	}

	/** The log an app like the demo's writes: its start, then what it did until it was killed. */
	async podLog(name: string, tailLines: number, signal?: AbortSignal): Promise<PodLogTail> {
		await this.sim.roundTrip(signal);
		const pod = this.sim.pod(name);
		const previous = pod.restarts > 0;
		const lines = previous ? previousRun(pod, this.sim.now()) : runSoFar(pod, this.sim.now(), tailLines);
		return {container: pod.deployment, previous, lines: lines.slice(-tailLines)};
	}

	/**
	 * `kubectl logs -f`: the running container's last lines, then a line every 5 s (a health probe; on
	 * the bad release, its cache growing toward the OOM kill) until the container stops, restarts or
	 * its pod goes, when the log ends as the API server ends it.
	 */
	async followLog(name: string, tailLines: number, follower: LogFollower, signal: AbortSignal): Promise<string> {
		await this.sim.roundTrip(signal);
		const {sim} = this;
		const pod = sim.pod(name);
		const start = runStart(pod);
		for (const line of runSoFar(pod, sim.now(), tailLines)) follower.line(line);
		const next = () =>
			sim.after(logEveryMs, () => {
				if (signal.aborted) return;
				if (sim.pods.get(pod.name) !== pod || pod.terminating || runStart(pod) !== start) return follower.done(null);
				follower.line(runLine(pod, start, sim.now()));
				next();
			});
		next();
		return pod.deployment;
	}

	async podNow(name: string, signal?: AbortSignal): Promise<PodNow> {
		await this.sim.roundTrip(signal);
		const pod = this.sim.pod(name);
		return {pod: podInfo(pod), containers: podContainers(pod)};
	}

	async autoscalerFor(deployment: string, signal?: AbortSignal): Promise<string | null> {
		await this.sim.roundTrip(signal);
		return this.sim.deployment(deployment).autoscaler?.name ?? null;
	}

	// ---- for the demo services ----

	/** Ready, non-terminating pods of a deployment: where a Service would send traffic. */
	endpoints(deployment: string): Endpoint[] {
		const out: Endpoint[] = [];
		for (const pod of this.sim.pods.values()) {
			if (pod.deployment === deployment && pod.ready && !pod.terminating) out.push({pod: pod.name, image: pod.image});
		}
		return out;
	}

	/** spec.replicas, or undefined for an unknown deployment. */
	desiredReplicas(deployment: string): number | undefined {
		return this.sim.deployments.get(deployment)?.replicas;
	}

	listPods(): PodInfo[] {
		return [...this.sim.pods.values()].map(podInfo);
	}

	listDeployments(): DeploymentInfo[] {
		return [...this.sim.deployments.values()].map(d => deploymentInfo(d, this.sim.pods.values()));
	}
}

/**
 * kubectl's discovery cache beside the pin (removed with it), not in ~/.kube/cache: each demo serves
 * on a new port, and would leave a directory there per run.
 */
function withCacheBeside(pinned: CommandEnvironment): CommandEnvironment {
	const file = pinned.env.KUBECONFIG!;
	return {...pinned, env: {...pinned.env, KUBECACHEDIR: join(dirname(file), 'cache')}};
}
