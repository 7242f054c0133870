/**
 * Runbook commands act on the cockpit's context and namespace, not on kubectl's current-context.
 * The parts that need kubectl run a real kubectl (CI installs Debian's kubernetes-client); elsewhere they are
 * skipped with a warning, like the Prometheus integration tests.
 */
import {spawnSync} from 'node:child_process';
import {mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {commandAction} from '../../source/actions/command.js';
import type {ActionContext} from '../../source/actions/types.js';
import {createKubeCluster} from '../../source/clients/kube-cluster.js';
import {SimulatedCluster} from '../../source/demo/cluster.js';
import type {CommandEnvironment} from '../../source/ports/cluster.js';
import type {EnvInfo} from '../../source/store/types.js';
import {REDACTED} from '../../source/timeline/redact.js';
import {runAction} from '../../source/actions/registry.js';

const kubectlFound = spawnSync('kubectl', ['version', '--client'], {encoding: 'utf8'}).status === 0;
const kubectlHint = 'apt-get update && apt-get install -y --no-install-recommends kubernetes-client';
if (!kubectlFound) {
	if (process.env.CI === 'true') {
		describe('kubectl', () => {
			it('is needed under CI', () => {
				throw new Error(`kubectl not found on PATH; CI must install it: ${kubectlHint}`);
			});
		});
	} else {
		console.warn(`\n*** SKIPPING the runbook-command tests that run kubectl: not on PATH.\n*** Install it to run them: ${kubectlHint}\n`);
	}
}

const env: EnvInfo = {demo: false, readonly: false, context: 'prod-eu', namespace: 'checkout', production: true};
const token = 'sha256~prod-token-that-must-stay-in-the-users-file';

/** A kubeconfig whose current-context is staging, and which also has prod-eu. */
const kubeconfig = `apiVersion: v1
kind: Config
current-context: staging
clusters:
- name: staging-cluster
  cluster: {server: 'https://staging.example:6443'}
- name: prod-cluster
  cluster: {server: 'https://prod.example:6443', certificate-authority: ca/prod.crt}
contexts:
- name: staging
  context: {cluster: staging-cluster, user: staging-user, namespace: default}
- name: prod-eu
  context: {cluster: prod-cluster, user: prod-user, namespace: default}
users:
- name: staging-user
  user: {token: staging-token}
- name: prod-user
  user: {token: '${token}'}
`;

let dir: string;
let file: string;
beforeAll(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'command-kube-'));
	file = path.join(dir, 'config');
	await writeFile(file, kubeconfig);
});
afterAll(async () => {
	await rm(dir, {recursive: true, force: true});
});

function ctx(): ActionContext {
	return {env, cluster: null, append: () => Promise.reject(new Error('this test has no journal')), signal: new AbortController().signal};
}

/** What `kubectl config view --minify` says, run as a runbook command with `kube`'s environment. */
async function kubectlView(kube: CommandEnvironment | null) {
	const request = await commandAction.prepare({
		command: {id: 'view', lang: 'argv', argv: ['kubectl', 'config', 'view', '--minify', '--raw', '-o', 'json']},
		vars: {},
		env,
		newId: () => 'cmd-1',
		kube,
	});
	const outcome = await runAction(request, ctx());
	return JSON.parse(outcome.output ?? '') as {
		'current-context': string;
		contexts: Array<{name: string; context: {cluster: string; user: string; namespace?: string}}>;
		clusters: Array<{name: string; cluster: {server: string; 'certificate-authority'?: string}}>;
		users: Array<{name: string; user: {token?: string}}>;
	};
}

describe('runbook commands and the cockpit context', () => {
	it('pin KUBECONFIG to the context and namespace the cockpit uses, without copying credentials', async () => {
		const cluster = await createKubeCluster({kubeconfig: file, context: 'prod-eu', namespace: 'checkout', readonly: true, fieldManager: 'incident-tui/test'});
		const kube = cluster.commandEnvironment!();
		expect(kube).not.toBeNull();
		expect(cluster.commandEnvironment!(), 'written once').toBe(kube);
		const [pin, ...rest] = kube!.env.KUBECONFIG!.split(path.delimiter);
		expect(rest, "the user's own file comes after the pin").toEqual([file]);
		const text = await readFile(pin!, 'utf8');
		expect(JSON.parse(text)).toEqual({
			apiVersion: 'v1',
			kind: 'Config',
			'current-context': 'prod-eu',
			contexts: [{name: 'prod-eu', context: {cluster: 'prod-cluster', user: 'prod-user', namespace: 'checkout'}}],
			clusters: [],
			users: [],
		});
		expect(text).not.toContain(token);
		expect((await stat(pin!)).mode & 0o777).toBe(0o600);
		// The confirmation says so.
		const request = await commandAction.prepare({command: {id: 'pods', lang: 'argv', argv: ['kubectl', 'get', 'pods']}, vars: {}, env, newId: () => 'cmd-2', kube});
		expect(request.details).toContain('kubectl here acts on context prod-eu, namespace checkout (KUBECONFIG pinned)');
	});

	it.skipIf(!kubectlFound)('make kubectl act on that context and namespace, with the cluster and user from the user’s file', async () => {
		const cluster = await createKubeCluster({kubeconfig: file, context: 'prod-eu', namespace: 'checkout', readonly: true, fieldManager: 'incident-tui/test'});
		const view = await kubectlView(cluster.commandEnvironment!());
		expect(view['current-context']).toBe('prod-eu');
		expect(view.contexts).toEqual([{name: 'prod-eu', context: {cluster: 'prod-cluster', user: 'prod-user', namespace: 'checkout'}}]);
		// The cluster as the user's file has it: nothing copied, so its relative CA path is still
		// read relative to that file.
		expect(view.clusters).toEqual([{name: 'prod-cluster', cluster: {server: 'https://prod.example:6443', 'certificate-authority': 'ca/prod.crt'}}]);
		// The user's token, from their file (the pin has none), and masked in the command's output.
		expect(view.users).toEqual([{name: 'prod-user', user: {token: REDACTED}}]);
		// Without the pin, the same command would follow the file's current-context.
		const unpinned = await kubectlView({env: {KUBECONFIG: file}, note: 'unpinned'});
		expect(unpinned['current-context']).toBe('staging');
	});

	it.skipIf(!kubectlFound)('in the demo, point kubectl at no real cluster, whatever the user’s kubeconfig says', async () => {
		const demo = new SimulatedCluster({scenario: false});
		try {
			const kube = demo.commandEnvironment();
			expect(kube.env.KUBECONFIG!.split(path.delimiter)).toHaveLength(1);
			const view = await kubectlView(kube);
			expect(view['current-context']).toBe('demo');
			expect(view.contexts[0]!.context.namespace).toBe('shop');
			expect(view.clusters).toEqual([{name: 'incident-tui-demo', cluster: {server: 'https://127.0.0.1:1'}}]);
			expect(kube.note).toBe('demo: kubectl here reaches no cluster, so nothing real is touched');
		} finally {
			demo.stop();
		}
	});
});
