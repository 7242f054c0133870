/**
 * The pods/deployments source: runs `cluster.watch`, writes full lists straight into the store,
 * coalesces individual changes into at most one store write per `refresh.podsMs` (2 s by default) (dropping those that change nothing shown), keeps the last data when the
 * feed fails, and appends timeline signals for what an on-call engineer must not miss: a pod newly
 * OOMKilled or entering CrashLoopBackOff, a rollout starting or finishing. Signals fire once per
 * transition, never for what the first list already showed.
 */
import {sameRow, type Cluster, type ClusterChange, type DeploymentInfo, type PodInfo} from '../../ports/cluster.js';
import type {FeedFailure} from '../../store/types.js';
import type {EventData} from '../../timeline/events.js';
import {failureOf, worstFailure} from '../failure.js';
import type {KindContext} from '../types.js';
import {applyClusterChanges, clusterData, objectKey, type Placed} from './cluster-data.js';
import {podsData} from './data.js';

type Signal = EventData['signal'];

function imagesText(images: readonly string[]): string {
	return images.join(', ') || 'no images';
}

/** "namespace shop", "namespace shop, context prod-eu" (rows name their context when several are watched): where a signal's object is. */
function placeText(object: {namespace?: string; context?: string}): string {
	return [object.namespace ? `namespace ${object.namespace}` : '', object.context ? `context ${object.context}` : ''].filter(Boolean).join(', ');
}

/**
 * Watches the cluster into the store, batching changes per refresh.podsMs, and writes the timeline's
 * signals (OOMKilled, CrashLoopBackOff, rollouts started and finished) once each.
 *
 * Over 80 lines, knowingly: the watch's handlers (reset, change, contextState, error) share the
 * objects known so far, the pending batch and its timer, and the signals' memory, all of one watch;
 * split into functions, each would take all of them. The redesign that follows this round makes
 * the watch's state a class of its own (as the real cluster client's watch is), and this then splits.
 */
export function startKubernetesSource(ctx: KindContext, cluster: Cluster): () => void {
	const {store, append} = ctx;
	// Every store write re-derives the changed deployments' rows and draws a frame: changes wait up to
	// refresh.podsMs (see the config schema); timeline signals do not wait.
	const flushMs = ctx.config.refresh.podsMs;
	const {now} = ctx;
	// Several namespaces or contexts: names repeat across them, so objects are known by where they are too.
	const wide = Boolean(cluster.namespaces ?? cluster.contexts);
	const keyOf = (object: Placed) => objectKey(wide, object);
	const stopper = new AbortController();
	const stop = () => {
		if (stopper.signal.aborted) return;
		stopper.abort();
		if (timer) clearTimeout(timer);
		timer = undefined;
		pending.clear();
		ctx.signal.removeEventListener('abort', stop);
	};
	ctx.signal.addEventListener('abort', stop, {once: true});

	// What we last saw, to detect transitions (references to the same rows the store holds), by keyOf.
	const pods = new Map<string, PodInfo>();
	const deployments = new Map<string, DeploymentInfo>();
	/** Pods that already signalled CrashLoopBackOff; re-armed once the pod is fully ready. */
	const crashLooping = new Set<string>();
	/** Deployments whose rollout is under way (signalled started, or in progress at the first list). */
	const rollingOut = new Set<string>();
	let initialized = false;

	/** Pending changes, one per object (the latest wins), flushed together. */
	const pending = new Map<string, ClusterChange>();
	let timer: ReturnType<typeof setTimeout> | undefined;
	/** Errors the watch gave up on (e.g. 403): they stay visible even while other resources update. */
	const permanent = new Map<string, FeedFailure>();

	/** Errors the watch gave up on, by message, with their kind of failure. */
	const reassertErrors = () => {
		if (permanent.size === 0) return;
		store.getState().feedFailed('cluster', [...permanent.keys()].join('; '), now(), worstFailure([...permanent.values()]));
	};

	const flush = () => {
		timer = undefined;
		if (pending.size === 0 || stopper.signal.aborted) return;
		const changes = [...pending.values()];
		pending.clear();
		store.getState().dataUpdated(podsData, data => applyClusterChanges(data, changes), now());
		reassertErrors();
	};

	const signal = (data: Signal) => {
		append('signal', data).catch((error: unknown) => {
			store.getState().warned(`could not write a timeline signal (${data.message}): ${error instanceof Error ? error.message : String(error)}`);
		});
	};

	const podSignals = (pod: PodInfo, previous: PodInfo | undefined) => {
		const subject = `pod/${pod.name}`;
		const about = [pod.deployment ? `deployment ${pod.deployment}` : '', placeText(pod)].filter(Boolean).join(', ');
		const owner = about ? ` (${about})` : '';
		if (
			pod.lastTerminationReason === 'OOMKilled' &&
			(previous ? previous.lastTerminationReason !== 'OOMKilled' || pod.restarts > previous.restarts : initialized)
		) {
			signal({kind: 'pod.oomkilled', level: 'crit', message: `pod ${pod.name} OOMKilled${owner}, ${pod.restarts} restart${pod.restarts === 1 ? '' : 's'}`, subject, value: pod.restarts});
		}
		if (crashLoopingNow(pod)) {
			if (!crashLooping.has(keyOf(pod))) {
				crashLooping.add(keyOf(pod));
				signal({kind: 'pod.crashloop', level: 'crit', message: `pod ${pod.name} in ${pod.waitingReason}${owner}, ${pod.restarts} restart${pod.restarts === 1 ? '' : 's'}`, subject, value: pod.restarts});
			}
		} else if (pod.containers > 0 && pod.ready === pod.containers) {
			crashLooping.delete(keyOf(pod));
		}
	};

	const deploymentSignals = (d: DeploymentInfo, previous: DeploymentInfo | undefined) => {
		const subject = `deployment/${d.name}`;
		const named = `deployment ${d.name}${placeText(d) ? ` (${placeText(d)})` : ''}`;
		if (!previous) {
			// A deployment created during the incident: its first rollout.
			if (!d.rolloutComplete) {
				rollingOut.add(keyOf(d));
				signal({kind: 'rollout.started', level: 'info', message: `${named} created, rolling out revision ${d.revision} (${imagesText(d.images)})`, subject, value: d.revision});
			}
			return;
		}
		const newRevision = d.revision !== previous.revision;
		const newSpec = d.generation > previous.generation;
		if (newRevision || (newSpec && !d.rolloutComplete)) {
			rollingOut.add(keyOf(d));
			const message = newRevision
				? `${named} rollout started: revision ${previous.revision} -> ${d.revision} (${imagesText(d.images)})`
				: `${named} rollout started: generation ${d.generation}, ${d.replicas} replicas`;
			signal({kind: 'rollout.started', level: 'info', message, subject, value: d.revision});
		}
		if (d.rolloutComplete && rollingOut.has(keyOf(d))) {
			rollingOut.delete(keyOf(d));
			signal({kind: 'rollout.finished', level: 'ok', message: `${named} rollout finished: revision ${d.revision}, ${d.availableReplicas}/${d.replicas} available`, subject, value: d.revision});
		}
	};

	const observe = (change: ClusterChange) => {
		if (change.kind === 'pod') {
			if (change.type === 'delete') {
				pods.delete(keyOf(change));
				crashLooping.delete(keyOf(change));
				return;
			}
			podSignals(change.pod, pods.get(keyOf(change.pod)));
			pods.set(keyOf(change.pod), change.pod);
		} else {
			if (change.type === 'delete') {
				deployments.delete(keyOf(change));
				rollingOut.delete(keyOf(change));
				return;
			}
			deploymentSignals(change.deployment, deployments.get(keyOf(change.deployment)));
			deployments.set(keyOf(change.deployment), change.deployment);
		}
	};

	store.getState().feedLoading('cluster');
	// Not awaited: the watch runs until stopped, and its failure is said in its catch (the feed fails).
	void cluster
		.watch(
			{
				reset(nextPods, nextDeployments) {
					if (stopper.signal.aborted) return;
					if (timer) clearTimeout(timer);
					timer = undefined;
					pending.clear();
					if (initialized) {
						// A relist (after 410 Gone or a reconnect): compare with what we knew.
						for (const pod of nextPods) if (pods.has(keyOf(pod))) podSignals(pod, pods.get(keyOf(pod)));
						for (const d of nextDeployments) if (deployments.has(keyOf(d))) deploymentSignals(d, deployments.get(keyOf(d)));
					} else {
						for (const pod of nextPods) if (crashLoopingNow(pod)) crashLooping.add(keyOf(pod));
						for (const d of nextDeployments) if (!d.rolloutComplete) rollingOut.add(keyOf(d));
					}
					pods.clear();
					deployments.clear();
					for (const pod of nextPods) pods.set(keyOf(pod), pod);
					for (const d of nextDeployments) deployments.set(keyOf(d), d);
					initialized = true;
					store.getState().dataReceived(podsData, clusterData(nextPods, nextDeployments, wide), now());
					reassertErrors();
				},
				change(change) {
					if (stopper.signal.aborted) return;
					if (change.type === 'upsert' && (change.kind === 'pod' ? sameRow(pods.get(keyOf(change.pod)), change.pod) : sameRow(deployments.get(keyOf(change.deployment)), change.deployment))) return;
					observe(change);
					pending.set(`${change.kind}/${keyOf(change.type === 'upsert' ? (change.kind === 'pod' ? change.pod : change.deployment) : change)}`, change);
					timer ??= setTimeout(flush, flushMs);
				},
				// Several contexts: each one's connection is a feed of its own, so the header names the one failing.
				contextState(state) {
					if (stopper.signal.aborted) return;
					const feed = `cluster ${state.context}`;
					if (state.status === 'loading') store.getState().feedLoading(feed);
					else if (state.status === 'ok') store.getState().feedRecovered(feed, now());
					else store.getState().feedFailed(feed, `${state.error ?? 'failing'}${retryText(state.retryInMs)}`, now());
				},
				// Watched narrower than asked (403 at cluster scope): said once, as a warning.
				scope: ({note}) => note && store.getState().warned(note),
				resumed() {
					if (stopper.signal.aborted) return;
					store.getState().feedRecovered('cluster', now());
					reassertErrors();
				},
				error(error, retryInMs) {
					if (stopper.signal.aborted) return;
					if (retryInMs === null) {
						permanent.set(error.message, failureOf(error));
						reassertErrors();
						return;
					}
					const standing = permanent.size > 0 ? `${[...permanent.keys()].join('; ')}; ` : '';
					store.getState().feedFailed('cluster', `${standing}${error.message}${retryText(retryInMs)}`, now(), worstFailure([failureOf(error), ...permanent.values()]));
				},
			},
			stopper.signal,
		)
		.catch((error: unknown) => {
			if (stopper.signal.aborted) return;
			store.getState().feedFailed('cluster', error instanceof Error ? error.message : String(error), now(), failureOf(error));
		});

	return stop;
}

/** " (retrying in 2 s)", or nothing when the watch gave up (null) or did not say. */
function retryText(retryInMs: number | null | undefined): string {
	if (retryInMs === null || retryInMs === undefined) return '';
	return ` (retrying in ${retryInMs >= 1000 ? `${Math.round(retryInMs / 1000)} s` : `${retryInMs} ms`})`;
}

/** In back-off after crashing, an app container or an init container (kubectl: Init:CrashLoopBackOff). */
function crashLoopingNow(pod: PodInfo): boolean {
	return pod.waitingReason === 'CrashLoopBackOff' || pod.waitingReason === 'Init:CrashLoopBackOff';
}
