/**
 * The Cluster port on @kubernetes/client-node 1.4 (imported dynamically: it takes ~0.5 s to load and
 * must not delay the first frame). Each method is one named function of this folder:
 *  - watch:                          watch.ts (list, then watch with resume, relist on 410, backoff, 403);
 *  - history, undo, scale, restart:  rollout.ts (kubectl's semantics and patch content types);
 *  - events, podLog, podNow, followLog: diagnose.ts;
 * all of them asking the API server through api.ts (deadlines, errors, the read-only gate).
 */
import type {
	Cluster,
	ClusterWatcher,
	CommandEnvironment,
	EventInfo,
	EventSubject,
	LogFollower,
	MutationResult,
	NamespaceList,
	ObjectPlace,
	PodLogTail,
	PodNow,
	RevisionInfo,
} from '../../ports/cluster.js';
import {KubeError, statusCodeOf} from '../kube-errors.js';
import {BatchClock} from '../watch-stream.js';
import {KubeApi} from './api.js';
import {CommandPins, loadConfig, targetOf, type KubeClusterOptions} from './config.js';
import {followLog, objectEvents, podLog, podNow} from './diagnose.js';
import {namespaceNames} from './readable.js';
import {autoscalerFor, rollBack, restartDeployment, rolloutHistory, scaleDeployment} from './rollout.js';
import {watchCluster, type WatchSettings} from './watch.js';

export class KubeCluster implements Cluster {
	readonly context: string;
	readonly namespace: string;
	/** API server URL of the context. */
	readonly server: string;
	readonly readonly: boolean;
	/** Where it watches: 'all' namespaces, these, or (absent) `namespace` alone. */
	readonly namespaces?: 'all' | readonly string[];

	constructor(
		private readonly api: KubeApi,
		private readonly watchSettings: WatchSettings,
		private readonly pins: CommandPins,
	) {
		({context: this.context, namespace: this.namespace, server: this.server} = api.target);
		this.readonly = api.settings.readonly;
		if (watchSettings.namespaces) this.namespaces = watchSettings.namespaces;
	}

	/**
	 * This client acting in `place`'s namespace (default its own): every method of the view acts there,
	 * and its messages and `namespace` say so. A place in another context is refused: acting on another
	 * cluster than the row's is never right.
	 */
	at(place: ObjectPlace): KubeCluster {
		if (place.context !== undefined && place.context !== this.context) {
			throw new KubeError(`context ${place.context} is not the one this client acts on (${this.context}): nothing sent`, undefined, 'WrongContext');
		}
		const api = this.api.in(place.namespace || undefined);
		return api === this.api ? this : new KubeCluster(api, this.watchSettings, this.pins);
	}

	watch(watcher: ClusterWatcher, signal: AbortSignal): Promise<void> {
		return watchCluster(this.api, this.watchSettings, watcher, signal);
	}

	history(deployment: string, signal?: AbortSignal): Promise<RevisionInfo[]> {
		return rolloutHistory(this.api, deployment, signal);
	}

	undo(deployment: string, toRevision?: number, signal?: AbortSignal): Promise<MutationResult> {
		return rollBack(this.api, deployment, toRevision, signal);
	}

	scale(deployment: string, replicas: number, signal?: AbortSignal): Promise<MutationResult> {
		return scaleDeployment(this.api, deployment, replicas, signal);
	}

	restart(deployment: string, signal?: AbortSignal): Promise<MutationResult> {
		return restartDeployment(this.api, deployment, signal);
	}

	events(kind: EventSubject, name: string, signal?: AbortSignal): Promise<EventInfo[]> {
		return objectEvents(this.api, kind, name, signal);
	}

	podLog(pod: string, tailLines: number, signal?: AbortSignal): Promise<PodLogTail> {
		return podLog(this.api, pod, tailLines, signal);
	}

	podNow(pod: string, signal?: AbortSignal): Promise<PodNow> {
		return podNow(this.api, pod, signal);
	}

	followLog(pod: string, tailLines: number, follower: LogFollower, signal: AbortSignal): Promise<string> {
		return followLog(this.api, pod, tailLines, follower, signal);
	}

	autoscalerFor(deployment: string, signal?: AbortSignal): Promise<string | null> {
		return autoscalerFor(this.api, deployment, signal);
	}

	async listNamespaces(signal?: AbortSignal): Promise<NamespaceList> {
		try {
			return {names: await namespaceNames(this.api, signal)};
		} catch (error) {
			if (statusCodeOf(error) === 403) return {forbidden: (error as Error).message};
			throw error;
		}
	}

	/** Runbook commands act on this context and namespace too (kube-pin.ts); written on first use. */
	commandEnvironment(namespace = this.namespace): CommandEnvironment | null {
		return this.pins.environment(namespace);
	}
}

/** Loads client-node and the kubeconfig, and makes the cluster client of its context. */
export async function createKubeCluster(options: KubeClusterOptions): Promise<KubeCluster> {
	const k8s = await import('../k8s.js');
	const kc = loadConfig(k8s, options);
	const target = targetOf(kc, options);
	const api = new KubeApi(k8s, kc, target, {readonly: options.readonly, fieldManager: options.fieldManager, requestTimeoutMs: options.requestTimeoutMs ?? 30_000});
	const watchReadMs = options.watchReadMs ?? 250;
	const watchSettings: WatchSettings = {
		backoff: options.backoff ?? {initialMs: 500, maxMs: 30_000},
		pageSize: options.pageSize ?? 500,
		...(options.namespaces ? {namespaces: options.namespaces} : {}),
		...(options.rowsNameContext ? {rowsNameContext: true} : {}),
		...(options.watchTimeoutSeconds === undefined ? {} : {watchTimeoutSeconds: options.watchTimeoutSeconds}),
		// One clock for this client's watches: they wake the process together (watch-stream.ts).
		...(watchReadMs > 0 ? {batches: new BatchClock(watchReadMs)} : {}),
	};
	return new KubeCluster(api, watchSettings, new CommandPins(kc, target, options.kubeconfig));
}
