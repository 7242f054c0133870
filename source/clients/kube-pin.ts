/**
 * The Kubernetes environment of the commands a runbook runs (kubectl, helm, any client-go tool),
 * pinned to the cockpit's context and namespace.
 *
 * Without it a command would act on whatever kubectl's current-context is, which need not be the
 * context the cockpit watches and its confirmation names (`incident-tui --context prod-eu` while
 * kubectl's current-context is staging). kubectl merges the files listed in $KUBECONFIG and the
 * first file to set a value wins, so a small file listed first, holding only `current-context` and
 * that context's entry (its cluster, its user, the cockpit's namespace), pins both; the clusters,
 * users, credentials, exec plugins and relative paths still come from the user's own files, which
 * are not copied. This is what kubie does for its shells. The file holds no secrets.
 *
 * Written by hand: no library writes a kubeconfig overlay, and it is one small JSON file (kubeconfig
 * is YAML, and JSON is YAML).
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {delimiter, join} from 'node:path';
import type {CommandEnvironment} from '../ports/cluster.js';

export interface PinnedContext {
	/** The context's name, kept: `kubectl config current-context` prints what the cockpit shows. */
	context: string;
	cluster: string;
	user: string;
	namespace: string;
	/** The kubeconfig files the cockpit loaded, in order; listed after the pin in $KUBECONFIG. */
	files: string[];
	/** Clusters and users the pin defines itself (the demo's cluster that is not there). */
	clusters?: Array<{name: string; cluster: Record<string, unknown>}>;
	users?: Array<{name: string; user: Record<string, unknown>}>;
}

/**
 * The pins' directories, removed by one exit handler. Process-wide on purpose, not a cache: each
 * directory lives until the process exits, whichever cluster client wrote it.
 */
const written = new Set<string>();

function removeAll(): void {
	for (const dir of written) rmSync(dir, {recursive: true, force: true});
	written.clear();
}

/** Writes the pin into a private temporary directory (removed when the process exits). */
export function pinKubeconfig(pin: PinnedContext, note: string): CommandEnvironment {
	const dir = mkdtempSync(join(tmpdir(), 'incident-tui-kube-'));
	if (written.size === 0) process.once('exit', removeAll);
	written.add(dir);
	const file = join(dir, 'kubeconfig');
	const config = {
		apiVersion: 'v1',
		kind: 'Config',
		'current-context': pin.context,
		contexts: [{name: pin.context, context: {cluster: pin.cluster, user: pin.user, namespace: pin.namespace}}],
		clusters: pin.clusters ?? [],
		users: pin.users ?? [],
	};
	writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, {mode: 0o600});
	return {env: {KUBECONFIG: [file, ...pin.files].join(delimiter)}, note};
}
