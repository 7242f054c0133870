import {existsSync, readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {parse} from 'yaml';

/**
 * The kubeconfig's current-context, read before the Kubernetes client is loaded (it loads after the
 * first frame). The cockpit's per-context settings (`kubernetes.contexts.NAME.readonly`,
 * `.production`) must apply to the context it will act on, and the header must say so from the
 * first frame; the cluster is then connected to exactly this context, so the two cannot disagree.
 *
 * Files as kubectl reads them: `kubeconfig` when given, else each file of $KUBECONFIG (the first one
 * that sets current-context wins), else ~/.kube/config. Undefined when no file names one or none can
 * be read: the caller then holds dangerous actions back until the cluster says which context it uses.
 */
export function kubeconfigCurrentContext(kubeconfig?: string, env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string | undefined {
	const files = kubeconfig ? [kubeconfig] : env.KUBECONFIG ? env.KUBECONFIG.split(path.delimiter).filter(Boolean) : [path.join(home, '.kube', 'config')];
	for (const file of files) {
		if (!existsSync(file)) continue;
		try {
			const doc = parse(readFileSync(file, 'utf8')) as {'current-context'?: unknown} | null;
			const current = doc?.['current-context'];
			if (typeof current === 'string' && current) return current;
		} catch {
			// Unreadable or not YAML: the Kubernetes client reports it when it loads the file.
		}
	}
	return undefined;
}
