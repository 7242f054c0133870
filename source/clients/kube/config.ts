/**
 * What a cluster client is built from: its options, the kubeconfig (loaded as kubectl finds it), the
 * context, namespace and API server it then talks to, and the environment that pins a runbook's
 * kubectl to that same context and namespace.
 */
import {existsSync} from 'node:fs';
import {homedir} from 'node:os';
import {delimiter, join} from 'node:path';
import type * as K8s from '@kubernetes/client-node';
import type {CommandEnvironment} from '../../ports/cluster.js';
import {KubeError} from '../kube-errors.js';
import {pinKubeconfig} from '../kube-pin.js';

export interface KubeClusterOptions {
	/** Path to a kubeconfig; default $KUBECONFIG, then ~/.kube/config. */
	kubeconfig?: string;
	/** Context to use instead of the kubeconfig's current-context. */
	context?: string;
	/** Namespace; default the context's namespace, else "default". Calls that name no namespace act here. */
	namespace?: string;
	/**
	 * Where to watch: 'all' namespaces at once (`-A`: one cluster-scoped list and watch per resource),
	 * or these namespaces (one each); default `namespace` alone.
	 */
	namespaces?: 'all' | readonly string[];
	/** Rows name their context (PodInfo.context): the client is one of several (kubernetes.contexts). */
	rowsNameContext?: boolean;
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

/** The client-node module, loaded with import() after the first frame (see ../k8s.ts). */
export type Loaded = typeof import('../k8s.js');

/** Where a cluster client acts: every message names the context and namespace, and the server when it cannot be reached. */
export interface KubeTarget {
	context: string;
	namespace: string;
	server: string;
}

/** The kubeconfig kubectl would read: $KUBECONFIG (a list), else ~/.kube/config when it exists. */
function defaultKubeconfigPath(): string | undefined {
	const env = process.env.KUBECONFIG;
	if (env) return env;
	const file = join(homedir(), '.kube', 'config');
	return existsSync(file) ? file : undefined;
}

/** Loads the kubeconfig (the given file, the default ones, else the pod's service account) and picks the context. */
export function loadConfig(k8s: Loaded, options: KubeClusterOptions): K8s.KubeConfig {
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
	return kc;
}

/** The context, namespace and API server of a loaded kubeconfig. */
export function targetOf(kc: K8s.KubeConfig, options: KubeClusterOptions): KubeTarget {
	const context = kc.getCurrentContext();
	return {
		context,
		namespace: options.namespace || kc.getContextObject(context)?.namespace || 'default',
		server: kc.getCurrentCluster()?.server ?? '',
	};
}

/**
 * The environments runbook commands run with, so their kubectl acts on this client's context (kube-pin.ts):
 * one pin per namespace (a runbook's commands act on the namespace of the alert that chose it), each
 * written on first use.
 */
export class CommandPins {
	private readonly pinned = new Map<string, CommandEnvironment>();
	private readonly entry: K8s.Context | null;
	/** The files loadConfig read: the given one, else $KUBECONFIG's list, else ~/.kube/config. */
	private readonly files: string[];

	constructor(
		kc: K8s.KubeConfig,
		private readonly target: KubeTarget,
		kubeconfig: string | undefined,
	) {
		this.entry = kc.getContextObject(target.context);
		this.files = kubeconfig ? [kubeconfig] : (defaultKubeconfigPath() ?? '').split(delimiter).filter(Boolean);
	}

	environment(namespace = this.target.namespace): CommandEnvironment | null {
		// In-cluster config: kubectl in the pod finds the same service account by itself.
		if (!this.entry || this.files.length === 0) return null;
		let pin = this.pinned.get(namespace);
		if (!pin) {
			const {context} = this.target;
			pin = pinKubeconfig(
				{context, cluster: this.entry.cluster, user: this.entry.user, namespace, files: this.files},
				`kubectl here acts on context ${context}, namespace ${namespace} (KUBECONFIG pinned)`,
			);
			this.pinned.set(namespace, pin);
		}
		return pin;
	}
}
