/**
 * The namespaces a user may read when RBAC refuses it the cluster-scoped lists of `-A` (a Role in
 * each of some namespaces, no ClusterRole): what a kubectl user finds out by hand, namespace by
 * namespace. The candidates are every namespace when the user may list namespaces, else the
 * client's own namespace (the one configured, else the kubeconfig context's). Each candidate is
 * tried with a one-item list of pods; those that answer are the ones watched.
 *
 * Not SelfSubjectRulesReview: it tells what a user may do in one namespace it is given, so it cannot
 * find namespaces these tries do not already cover.
 */
import {statusCodeOf} from '../kube-errors.js';
import type {KubeApi} from './api.js';

/** Namespaces tried at once. */
const triesAtOnce = 8;

export interface ReadableNamespaces {
	/** The namespaces whose pods the user may list, sorted; empty when none was found. */
	namespaces: string[];
	/** What happened, in a sentence for the feed: the 403, how the namespaces were found, which. */
	note: string;
}

/** Every namespace's name, sorted; throws what the API server said (403 when RBAC does not allow listing them). */
export async function namespaceNames(api: KubeApi, signal?: AbortSignal): Promise<string[]> {
	const list = await api.read('list namespaces', options => api.core.listNamespace({}, options), signal);
	return list.items
		.map(item => item.metadata?.name ?? '')
		.filter(Boolean)
		.sort();
}

/** Every namespace's name, or null when the user may not list them (or the list fails). */
async function listedNamespaces(api: KubeApi, signal: AbortSignal): Promise<string[] | null> {
	try {
		return await namespaceNames(api, signal);
	} catch {
		return null;
	}
}

/** Whether the user may list pods in `namespace`: a one-item list answered. */
async function mayListPods(api: KubeApi, namespace: string, signal: AbortSignal): Promise<boolean> {
	const scoped = api.in(namespace);
	try {
		await scoped.read(`list pods`, options => scoped.core.listNamespacedPod({namespace, limit: 1}, options), signal);
		return true;
	} catch (error) {
		if (statusCodeOf(error) === 403) return false;
		// Unreachable or failing: not known to be unreadable; its watch will say what is wrong.
		return true;
	}
}

/** The namespaces among the candidates that the user may read, after the cluster-scoped list was refused. */
export async function readableNamespaces(api: KubeApi, signal: AbortSignal): Promise<ReadableNamespaces> {
	const listed = await listedNamespaces(api, signal);
	const candidates = listed ?? (api.namespace ? [api.namespace] : []);
	const readable: string[] = [];
	for (let i = 0; i < candidates.length && !signal.aborted; i += triesAtOnce) {
		const batch = candidates.slice(i, i + triesAtOnce);
		const answers = await Promise.all(batch.map(namespace => mayListPods(api, namespace, signal)));
		batch.forEach((namespace, j) => answers[j] && readable.push(namespace));
	}
	readable.sort();
	const refused = `cannot list pods at cluster scope (403 Forbidden, context ${api.target.context})`;
	const how = listed ? `of the ${listed.length} namespaces listed` : `listing namespaces is forbidden too; tried the context's namespace ${api.namespace || '(none)'}`;
	const note =
		readable.length > 0
			? `${refused}: watching only the ${readable.length === 1 ? 'namespace' : `${readable.length} namespaces`} it may read (${how}): ${readable.join(', ')}`
			: `${refused}, and no namespace it may read was found (${how})`;
	return {namespaces: readable, note};
}
