/**
 * List then watch pods, deployments and ReplicaSets, keeping only compact rows. In steps:
 *  1. list every resource in pages (limit/continue), ReplicaSets first so pods know their deployment;
 *     one reset with every row;
 *  2. per resource, a loop: watch from the last resourceVersion (watch-once.ts); after a normal end,
 *     watch again from there; after 410 Gone, relist (at once the first time, with backoff when the
 *     server is gone again right after a relist); after an error, back off exponentially and try
 *     again; after 403 Forbidden, give up on that resource and say why (the others go on).
 * The watcher hears of every reset, every row that changed, every error with its retry delay, and
 * when the last broken watch is open again.
 *
 * Where: the client's namespace, the namespaces asked for (one list and watch per resource in each),
 * or every namespace (`-A`: one cluster-scoped list and watch per resource). A user whose RBAC
 * refuses the cluster-scoped list (403) is watched in the namespaces it may read instead
 * (readable.ts), and the watcher hears so (`scope`).
 */
import type {ClusterWatcher, DeploymentInfo, PodInfo} from '../../ports/cluster.js';
import {KubeError, statusCodeOf} from '../kube-errors.js';
import type {BatchClock} from '../watch-stream.js';
import type {KubeApi} from './api.js';
import type {RawMeta} from './convert.js';
import {deploymentResource, podResource, replicaSetResource, type Page, type Resource, type WatchedState} from './resources.js';
import {Interner} from './intern.js';
import {readableNamespaces} from './readable.js';
import {watchOnce} from './watch-once.js';

export interface WatchSettings {
	/** Reconnect backoff: the first delay, doubling up to the last. */
	backoff: {initialMs: number; maxMs: number};
	/** Page size of the lists. */
	pageSize: number;
	/** Server-side watch timeout (default ~5 min). */
	watchTimeoutSeconds?: number;
	/** The client's batch clock, when its watches read in batches. */
	batches?: BatchClock;
	/** Where to watch: 'all' namespaces (cluster scope), or these; default the client's namespace. */
	namespaces?: 'all' | readonly string[];
	/** Rows name their context (the client is one of several). */
	rowsNameContext?: boolean;
}

/** Lists then watches the cluster for `watcher` until `signal` aborts; resolves once the first lists are in. */
export async function watchCluster(api: KubeApi, settings: WatchSettings, watcher: ClusterWatcher, signal: AbortSignal): Promise<void> {
	await new ClusterWatch(api, settings, watcher, signal).start();
}

/** Waits `ms`, or less when `signal` aborts. */
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

type AnyResource = Resource<{metadata?: RawMeta}>;

/** The three resources of one scope (a namespace, or null: every namespace). */
interface ScopeResources {
	pods: AnyResource;
	deployments: AnyResource;
	replicaSets: AnyResource;
}

/** A resource's name in the set of broken watches: its plural and scope. */
function resourceId(resource: AnyResource): string {
	return `${resource.plural}@${resource.scope ?? '*'}`;
}

/** One watch() call: its rows, its resources in each scope, and their loops. */
class ClusterWatch implements WatchedState {
	readonly pods = new Map<string, PodInfo>();
	readonly deployments = new Map<string, DeploymentInfo>();
	readonly replicaSetOwners = new Map<string, string>();
	/** Resources whose watch broke and is being retried: when the last is open again, the watcher hears so. */
	private readonly failing = new Set<string>();
	private initialDone = false;
	readonly rowContext: string | undefined;
	readonly strings = new Interner();

	constructor(
		readonly api: KubeApi,
		readonly settings: WatchSettings,
		readonly watcher: ClusterWatcher,
		readonly signal: AbortSignal,
	) {
		this.rowContext = settings.rowsNameContext ? api.target.context : undefined;
	}

	/** The client acting where `resource` is watched (its messages name that namespace, or all of them). */
	apiOf(resource: AnyResource): KubeApi {
		return this.api.in(resource.scope ?? '');
	}

	/**
	 * The first lists of every scope, then one reset, then a loop per resource. At cluster scope, a 403
	 * on a first list narrows the watch to the namespaces the user may read (readable.ts).
	 */
	async start(): Promise<void> {
		const {namespaces} = this.settings;
		let scopes: Array<string | null> = namespaces === 'all' ? [null] : namespaces && namespaces.length > 0 ? [...namespaces] : [this.api.namespace];
		let listed = await this.listScopes(scopes);
		if (this.signal.aborted) return;
		if (scopes[0] === null && [...listed.errors.values()].some(error => statusCodeOf(error) === 403)) {
			const narrowed = await readableNamespaces(this.api, this.signal);
			if (this.signal.aborted) return;
			if (narrowed.namespaces.length > 0) {
				scopes = narrowed.namespaces;
				listed = await this.listScopes(scopes);
				if (this.signal.aborted) return;
			}
			this.watcher.scope?.({context: this.api.target.context, namespaces: narrowed.namespaces.length > 0 ? narrowed.namespaces : 'all', note: narrowed.note});
		} else {
			this.watcher.scope?.({context: this.api.target.context, namespaces: namespaces === 'all' ? 'all' : (scopes as string[])});
		}
		this.initialDone = true;
		if (listed.sets.some(set => set.pods.listed || set.deployments.listed)) this.rowsListed();
		for (const set of listed.sets) {
			// Each loop says its own failures through the watcher (error, with its retry) until the signal aborts: it does not reject.
			for (const resource of [set.pods, set.deployments, set.replicaSets]) void new ResourceLoop(this, resource, listed.errors.get(resource)).run();
		}
	}

	/** Lists every scope's resources: the ReplicaSets first (to map pods to deployments), then pods and deployments. */
	private async listScopes(scopes: Array<string | null>): Promise<{sets: ScopeResources[]; errors: Map<AnyResource, unknown>}> {
		const sets = scopes.map(scope => ({
			pods: podResource(this.api, this, scope),
			deployments: deploymentResource(this.api, this, scope),
			replicaSets: replicaSetResource(this.api, this, scope),
		}));
		const errors = new Map<AnyResource, unknown>();
		const tryList = async (resource: AnyResource) => {
			try {
				await this.listAll(resource);
			} catch (error) {
				errors.set(resource, error);
			}
		};
		await Promise.all(sets.map(set => tryList(set.replicaSets)));
		await Promise.all(sets.flatMap(set => [tryList(set.pods), tryList(set.deployments)]));
		return {sets, errors};
	}

	/** Every row to the watcher, once the first lists are in (a relist of one resource resets all). */
	rowsListed(): void {
		if (this.initialDone) this.watcher.reset([...this.pods.values()], [...this.deployments.values()]);
	}

	/** Lists every page (limit/continue), keeping only compact rows: no page outlives its conversion. */
	async listAll(resource: AnyResource): Promise<void> {
		const {signal} = this;
		const api = this.apiOf(resource);
		const listing = resource.startList();
		let token: string | undefined;
		let resourceVersion: string | undefined;
		do {
			const limit = api.deadline(signal);
			let page: Page<{metadata?: RawMeta}>;
			try {
				page = await resource.list({limit: this.settings.pageSize, ...(token ? {_continue: token} : {})}, limit.signal);
			} catch (error) {
				if (limit.missed()) throw api.noAnswer(`list ${resource.plural}`);
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

	watchOnce(resource: AnyResource) {
		const {watchTimeoutSeconds, batches} = this.settings;
		const options = {
			...(watchTimeoutSeconds === undefined ? {} : {timeoutSeconds: watchTimeoutSeconds}),
			...(batches ? {batches} : {}),
			opened: () => this.reopened(resource),
		};
		return watchOnce(this.apiOf(resource), resource, options, this.signal);
	}

	/** `resource`'s watch broke: it is retried, and what is shown may be behind until it is open again. */
	broke(resource: AnyResource): void {
		this.failing.add(resourceId(resource));
	}

	private reopened(resource: AnyResource): void {
		if (this.failing.delete(resourceId(resource)) && this.failing.size === 0) this.watcher.resumed?.();
	}
}

/** The watch of one resource, again and again until the watch is aborted or the resource forbidden. */
class ResourceLoop {
	/** Errors in a row: the backoff doubles with each. */
	private failures = 0;
	/** 410 Gone answers in a row, each right after the relist the one before caused. */
	private goneInARow = 0;

	constructor(
		private readonly cluster: ClusterWatch,
		private readonly resource: AnyResource,
		/** The error of the last attempt, dealt with before the next. */
		private pending: unknown,
	) {}

	async run(): Promise<void> {
		const {signal} = this.cluster;
		for (;;) {
			if (signal.aborted) return;
			if (this.pending !== undefined) {
				const error = this.pending;
				this.pending = undefined;
				if (!(await this.recover(error))) return;
				continue;
			}
			try {
				if (!(await this.round())) return;
			} catch (error) {
				this.pending = error;
			}
		}
	}

	/** Lists when needed, then watches once; false when aborted meanwhile. */
	private async round(): Promise<boolean> {
		const {cluster, resource} = this;
		if (!resource.listed) await cluster.listAll(resource);
		if (cluster.signal.aborted) return false;
		const started = Date.now();
		const {end, events} = await cluster.watchOnce(resource);
		if (end === 'aborted') return false;
		const quiet = events === 0 && Date.now() - started < 1000;
		if (end === 'gone') {
			if (!quiet) this.failures = 0;
			await this.gone(quiet);
			return true;
		}
		this.failures = 0;
		this.goneInARow = 0;
		// A server that keeps closing empty watches at once must not make us spin.
		if (quiet) await sleep(cluster.settings.backoff.initialMs, cluster.signal);
		return true;
	}

	/** Deals with the error of the last attempt: relist, give up (false), or back off. */
	private async recover(error: unknown): Promise<boolean> {
		const {cluster, resource} = this;
		const code = statusCodeOf(error);
		if (code === 410) {
			// Refused with 410 at once: a watch request, or the next page of a list.
			await this.gone(true);
			return true;
		}
		const described = cluster.apiOf(resource).fail(error, `${resource.listed ? 'watch' : 'list'} ${resource.plural}`);
		if (code === 403) {
			cluster.watcher.error(described, null);
			return false;
		}
		await this.backOff(described);
		return true;
	}

	private async backOff(error: KubeError): Promise<void> {
		const {cluster} = this;
		const {initialMs, maxMs} = cluster.settings.backoff;
		cluster.broke(this.resource);
		this.failures++;
		const delay = Math.min(maxMs, initialMs * 2 ** Math.min(this.failures - 1, 20));
		cluster.watcher.error(error, delay);
		await sleep(delay, cluster.signal);
	}

	/**
	 * The resource is gone at our version: relist. The first time at once (history was compacted, as
	 * it is every few minutes); again right after a relist, the server cannot watch from the version
	 * it has just listed, and relisting at once would loop as fast as it answers: back off as for
	 * errors, and say so.
	 */
	private async gone(rightAfterRelist: boolean): Promise<void> {
		this.resource.listed = false;
		this.goneInARow = rightAfterRelist ? this.goneInARow + 1 : 1;
		if (this.goneInARow < 2) return;
		const api = this.cluster.apiOf(this.resource);
		await this.backOff(
			new KubeError(
				`watch ${this.resource.plural}: 410 Gone again right after relisting (${this.goneInARow} times in a row): the API server cannot watch from the version it has just listed (${api.where()})`,
				410,
				'Expired',
			),
		);
	}
}
