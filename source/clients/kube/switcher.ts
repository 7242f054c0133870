/**
 * Switching the cockpit's context or namespace at run time (ports/cluster.ts ClusterSwitcher): the
 * kubeconfig's contexts for the context picker, and a new cluster client for the scope chosen, made
 * as the one the cockpit started with (same kubeconfig, field manager, timeouts), read-only when the
 * chosen context's settings say so. Client-node is loaded on first use, not when this module is.
 */
import type {Cluster, ClusterSwitcher, ContextSettingsNow, KubeContextInfo} from '../../ports/cluster.js';
import type {KubeClusterOptions} from './config.js';

/** What every client this switcher makes shares with the first one; `context`, `namespace(s)` and `readonly` are the switch's. */
export type SwitchBase = Omit<KubeClusterOptions, 'context' | 'namespace' | 'namespaces' | 'readonly' | 'rowsNameContext'>;

class KubeSwitcher implements ClusterSwitcher {
	constructor(
		private readonly base: SwitchBase,
		private readonly settings: (context: string) => ContextSettingsNow,
	) {}

	async contexts(): Promise<KubeContextInfo[]> {
		const [k8s, {loadConfig}] = await Promise.all([import('../k8s.js'), import('./config.js')]);
		const kc = loadConfig(k8s, {...this.base, readonly: true});
		return kc.getContexts().map(context => {
			const server = kc.getCluster(context.cluster)?.server;
			return {name: context.name, ...(context.namespace ? {namespace: context.namespace} : {}), ...(server ? {server} : {})};
		});
	}

	settingsOf(context: string): ContextSettingsNow {
		return this.settings(context);
	}

	async connect(scope: {context: string; namespace?: string; allNamespaces?: boolean}): Promise<Cluster> {
		const {createKubeCluster} = await import('./cluster.js');
		return createKubeCluster({
			...this.base,
			context: scope.context,
			...(scope.namespace ? {namespace: scope.namespace} : {}),
			...(scope.allNamespaces ? {namespaces: 'all' as const} : {}),
			readonly: this.settings(scope.context).readonly,
		});
	}
}

/** The switcher of a cockpit whose clients are made from `base`; `settings` gives a context's read-only and production. */
export function createKubeSwitcher(base: SwitchBase, settings: (context: string) => ContextSettingsNow): ClusterSwitcher {
	return new KubeSwitcher(base, settings);
}
