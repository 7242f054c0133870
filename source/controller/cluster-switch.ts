/**
 * Switching the cockpit to another kube context or namespace at run time, as `:ctx` and `:ns` do in
 * k9s: the pickers (contexts from the kubeconfig, namespaces from the API, or, when RBAC refuses to
 * list them, the ones the config and the cockpit know, saying so), then the switch: a client of the
 * new scope is made, the switch is recorded in the timeline, and the session restarts the sources
 * on it (ControllerPorts.switchedTo: the old watches stop, their rows go). Not a mutation: read-only
 * mode switches too, and nothing is sent to the cluster but reads.
 */
import {podsData} from '../kinds/pods/data.js';
import type {Cluster, KubeContextInfo} from '../ports/cluster.js';
import {scopeChoice, type PickItem} from '../store/types.js';
import {scopeText} from '../timeline/describe.js';
import type {SwitchedScope} from '../timeline/events.js';
import {errorText, type ControllerPorts} from './ports.js';

/** What the operator chose: another context (its own namespace), a namespace, or every namespace. */
export type ScopeChoice = {context: string} | {namespace: string} | {allNamespaces: true};

export class ClusterSwitchFlow {
	/** The switch under way: a newer choice supersedes it. */
	#switching: AbortController | null = null;

	constructor(private readonly ports: ControllerPorts) {}

	#flash(text: string, tone: 'info' | 'ok' | 'warn' | 'crit'): void {
		this.ports.store.getState().flashed(text, tone);
	}

	/** Where the cockpit watches now. */
	#now(): SwitchedScope {
		const {env} = this.ports;
		return {context: env.context, namespace: env.namespace, ...(env.allNamespaces ? {allNamespaces: true} : {})};
	}

	/** The context picker: every context of the kubeconfig, the one in force marked, production ones said. */
	openContextPicker(): void {
		const {switcher} = this.ports;
		if (!switcher) return this.#flash('no kubeconfig to switch contexts in (the demo watches its one simulated cluster)', 'info');
		switcher
			.contexts()
			.then(contexts => {
				const {env} = this.ports;
				this.ports.store.getState().dialogOpened({
					kind: 'pick',
					purpose: 'context',
					title: `Context (now ${env.context || 'none'}) · type to filter`,
					items: contexts.map(context => this.#contextItem(context)),
					current: scopeChoice.context(env.context),
					filterable: true,
				});
			})
			.catch((error: unknown) => this.#flash(`cannot list the kubeconfig's contexts: ${errorText(error)}`, 'crit'));
	}

	#contextItem(context: KubeContextInfo): PickItem {
		const production = this.ports.switcher?.settingsOf(context.name).production;
		const about = [context.namespace ? `namespace ${context.namespace}` : '', context.server ?? ''].filter(Boolean).join(' · ');
		return {label: `${context.name}${production ? '  PROD' : ''}`, value: scopeChoice.context(context.name), ...(about ? {description: about} : {})};
	}

	/**
	 * The namespace picker: "all namespaces", then the context's namespaces as the API lists them; when
	 * RBAC forbids listing them, the ones the config and the cockpit know, and the picker says why.
	 */
	openNamespacePicker(): void {
		const cluster = this.ports.cluster();
		if (!cluster) return this.#flash('no cluster connected: no namespaces to choose from', 'warn');
		if (!cluster.listNamespaces) return this.#flash(`the cluster watched here has no other namespace than ${cluster.namespace}`, 'info');
		const context = this.ports.env.context;
		cluster
			.listNamespaces(this.ports.lifetime)
			.then(list => {
				if ('names' in list) return this.#openNamespaces(list.names);
				const known = this.#knownNamespaces(cluster);
				this.#openNamespaces(known, `cannot list namespaces (403 Forbidden, context ${context}): ${list.forbidden}. Offered instead: the namespaces the config and this incident know.`);
			})
			.catch((error: unknown) => this.#flash(`cannot list namespaces (context ${context}): ${errorText(error)}`, 'crit'));
	}

	#openNamespaces(names: readonly string[], note?: string): void {
		const {env} = this.ports;
		const items: PickItem[] = [
			{label: 'all namespaces', value: scopeChoice.allNamespaces, description: 'one watch per resource at cluster scope (-A)'},
			...names.map(name => ({label: name, value: scopeChoice.namespace(name)})),
		];
		this.ports.store.getState().dialogOpened({
			kind: 'pick',
			purpose: 'namespace',
			title: `Namespace in context ${env.context} (now ${env.allNamespaces ? 'all namespaces' : env.namespace}) · type to filter`,
			items,
			current: env.allNamespaces ? scopeChoice.allNamespaces : scopeChoice.namespace(env.namespace),
			filterable: true,
			...(note ? {note} : {}),
		});
	}

	/**
	 * The namespaces known without listing them: the config's (`kubernetes.namespace`, `.namespaces`),
	 * the cockpit's, those of the rows shown and those this incident switched to or from in this context.
	 */
	#knownNamespaces(cluster: Cluster): string[] {
		const {config, env, store} = this.ports;
		const known = new Set<string>();
		const k = config.kubernetes;
		if (k?.namespace) known.add(k.namespace);
		if (Array.isArray(k?.namespaces)) for (const name of k.namespaces) known.add(name);
		known.add(env.namespace);
		known.add(cluster.namespace);
		if (cluster.namespaces && cluster.namespaces !== 'all') for (const name of cluster.namespaces) known.add(name);
		const state = store.getState();
		for (const deployment of Object.values(podsData.of(state).deployments)) if (deployment.namespace) known.add(deployment.namespace);
		for (const event of state.timeline) {
			if (event.type !== 'cluster.switched') continue;
			for (const scope of [event.data.from, event.data.to]) if (scope.context === env.context && !scope.allNamespaces) known.add(scope.namespace);
		}
		known.delete('');
		return [...known].sort();
	}

	/** Switches to `choice`: a client of the new scope, the switch recorded, then the sources restarted on it. */
	switchTo(choice: ScopeChoice): void {
		const {switcher, lifetime} = this.ports;
		if (!switcher) return this.#flash('no kubeconfig to switch in (the demo watches its one simulated cluster)', 'info');
		const from = this.#now();
		const wanted = targetOf(from, choice);
		const same = 'context' in choice ? choice.context === from.context : wanted.namespace === from.namespace && Boolean(wanted.allNamespaces) === Boolean(from.allNamespaces);
		if (same) {
			return this.#flash(`already watching ${scopeText(from)}`, 'info');
		}
		this.#switching?.abort();
		const switching = new AbortController();
		this.#switching = switching;
		this.#flash(`switching to ${'namespace' in choice || 'allNamespaces' in choice ? scopeText({...wanted, namespace: wanted.namespace ?? from.namespace}) : `context ${wanted.context}`}…`, 'info');
		switcher
			.connect(wanted)
			.then(async cluster => {
				if (switching.signal.aborted || lifetime.aborted) return;
				const to: SwitchedScope = {context: cluster.context, namespace: cluster.namespace, ...(cluster.namespaces === 'all' ? {allNamespaces: true} : {})};
				// Recorded first: the timeline says from when the panes show the new scope.
				await this.ports.append('cluster.switched', {from, to});
				if (switching.signal.aborted || lifetime.aborted) return;
				const settings = switcher.settingsOf(cluster.context);
				this.ports.switchedTo(cluster, settings);
				const marks = [settings.production ? 'PRODUCTION' : '', settings.readonly ? 'read-only' : ''].filter(Boolean).join(', ');
				this.#flash(`now watching ${scopeText(to)}${marks ? ` (${marks})` : ''}`, settings.production ? 'warn' : 'ok');
			})
			.catch((error: unknown) => {
				if (!switching.signal.aborted) this.#flash(`not switched, still on ${scopeText(from)}: ${errorText(error)}`, 'crit');
			})
			.finally(() => {
				if (this.#switching === switching) this.#switching = null;
			});
	}

	/** The session ends: a switch under way is dropped. */
	stop(): void {
		this.#switching?.abort();
	}
}

/**
 * The scope a choice leads to from `from`: another context watches its own namespace (the
 * kubeconfig's, else "default"), and every namespace still when every one was; a namespace is
 * watched alone; all namespaces keeps the namespace actions default to.
 */
function targetOf(from: SwitchedScope, choice: ScopeChoice): {context: string; namespace?: string; allNamespaces?: boolean} {
	if ('context' in choice) return {context: choice.context, ...(from.allNamespaces ? {allNamespaces: true} : {})};
	if ('namespace' in choice) return {context: from.context, namespace: choice.namespace};
	return {context: from.context, namespace: from.namespace, allNamespaces: true};
}
