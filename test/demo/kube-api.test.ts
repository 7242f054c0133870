/**
 * The demo's cluster served over the Kubernetes API: the runbook's kubectl steps run for real against
 * it and agree with what the cockpit's Cluster port (the panes) says. Runs the real kubectl (CI installs
 * Debian's kubernetes-client); elsewhere skipped with a warning, like the other kubectl tests.
 */
import {execFile, spawnSync} from 'node:child_process';
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {commandAction} from '../../source/actions/command.js';
import type {ActionContext} from '../../source/actions/types.js';
import {SimulatedCluster} from '../../source/demo/cluster.js';
import {startDemo, type DemoEnvironment} from '../../source/demo/index.js';
import {serveDemoApi, type DemoApiServer} from '../../source/demo/kube-api.js';
import {loadRunbook} from '../../source/runbook/library.js';
import type {EnvInfo} from '../../source/store/types.js';
import {oversized} from '../support/size-limits.js';
import {waitFor} from '../support/wait.js';

const run = promisify(execFile);
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
		console.warn(`\n*** SKIPPING the demo's kubectl tests: kubectl is not on PATH.\n*** Install it to run them: ${kubectlHint}\n`);
	}
}

let home: string;
beforeAll(async () => {
	// kubectl writes nothing into the user's home from these tests.
	home = await mkdtemp(path.join(os.tmpdir(), 'demo-kubectl-home-'));
});
afterAll(async () => {
	await rm(home, {recursive: true, force: true});
});

describe.skipIf(!kubectlFound)('the demo runbook’s kubectl steps', () => {
	let controller = new AbortController();
	let demo: DemoEnvironment | undefined;
	afterEach(async () => {
		controller.abort();
		await demo?.stop();
		demo = undefined;
		controller = new AbortController();
	});

	it('run for real against the demo’s cluster and succeed (none says the connection was refused)', async () => {
		demo = await startDemo({signal: controller.signal, trafficRps: 2});
		const runbook = await loadRunbook('bad-deploy');
		const vars = {...Object.fromEntries(runbook.variables.filter(v => v.default !== undefined).map(v => [v.name, v.default!])), ...demo.runbookVariables};
		const env: EnvInfo = {demo: true, readonly: false, context: 'demo', namespace: 'shop', production: false};
		const kube = demo.cluster.commandEnvironment();
		const ctx: ActionContext = {env, cluster: demo.cluster, append: () => Promise.reject(new Error('no journal here')), signal: controller.signal};
		const commands = runbook.steps.flatMap(step => step.commands);
		expect(commands.map(c => c.argv?.slice(0, 3).join(' '))).toEqual(['kubectl rollout history', 'kubectl get pods', 'kubectl rollout status', 'kubectl logs deployment/{{deployment}}']);
		const outputs: string[] = [];
		for (const command of commands) {
			const request = await commandAction.prepare({command, vars, env, newId: () => `cmd-${command.id}`, kube: {...kube, env: {...kube.env, HOME: home}}});
			const outcome = await commandAction.run(request, ctx).catch((error: Error & {output?: string}) => {
				throw new Error(`${request.kubectl}: ${error.message}\n${error.output ?? ''}`);
			});
			expect(outcome.summary, request.kubectl).toBe('exit 0');
			outputs.push(outcome.output ?? '');
		}
		const [history, pods, status, logs] = outputs;
		expect(history).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+ci: deploy shop\/checkout:1\.7\.2[^\n]*\n2\s+[^\n]*1\.7\.4[^\n]*\n3\s+[^\n]*1\.8\.0/);
		for (const pod of demo.cluster.listPods().filter(p => p.deployment === 'checkout' && !p.terminating)) expect(pods).toContain(pod.name);
		expect(pods).not.toContain('cart-');
		expect(pods).toMatch(/NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE/);
		expect(status).toContain('deployment "checkout" successfully rolled out');
		expect(logs).toMatch(/checkout 1\.8\.0 listening on :8080|price cache holds|GC pause|price lookup timed out/);
	});
});

describe.skipIf(!kubectlFound)('kubectl against the served demo cluster', () => {
	let controller = new AbortController();
	let cluster: SimulatedCluster;
	let api: DemoApiServer;
	afterEach(async () => {
		controller.abort();
		cluster?.stop();
		await api?.close();
		controller = new AbortController();
	});

	async function serve(): Promise<void> {
		cluster = new SimulatedCluster({signal: controller.signal, scenario: false, speed: 20});
		api = await serveDemoApi(cluster, {signal: controller.signal});
	}

	async function kubectl(...args: string[]): Promise<string> {
		const {env} = cluster.commandEnvironment();
		const {stdout} = await run('kubectl', args, {env: {...process.env, ...env, HOME: home}, timeout: 60_000});
		return stdout;
	}

	it('lists the pods the Pods pane shows, with their status and restarts', async () => {
		await serve();
		const listed = JSON.parse(await kubectl('get', 'pods', '-o', 'json')) as {items: Array<{metadata: {name: string; labels: Record<string, string>}; status: {phase: string; containerStatuses: Array<{restartCount: number; ready: boolean}>}}>};
		const pane = cluster.listPods();
		expect(listed.items.map(p => p.metadata.name).sort()).toEqual(pane.map(p => p.name).sort());
		for (const pod of pane) {
			const item = listed.items.find(p => p.metadata.name === pod.name)!;
			expect(item.status.phase).toBe(pod.phase);
			expect(item.status.containerStatuses[0]!.restartCount).toBe(pod.restarts);
			expect(item.metadata.labels.app).toBe(pod.deployment);
		}
		const table = await kubectl('get', 'pods');
		expect(table.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
		const cartPod = pane.find(p => p.deployment === 'cart' && p.restarts === 1)!;
		// The cart pod that restarted two days ago, as kubectl prints it.
		expect(table).toMatch(new RegExp(`${cartPod.name}\\s+1/1\\s+Running\\s+1 \\(2d ago\\)\\s+9d`));
	});

	it('prints the rollout history the cockpit reads, and the log the log dialog shows', async () => {
		await serve();
		const history = await kubectl('rollout', 'history', 'deployment/checkout');
		const revisions = await cluster.history('checkout');
		const rows = history.split('\n').filter(line => /^\d+\s/.test(line));
		expect(rows.map(line => Number(line.split(/\s+/)[0]))).toEqual(revisions.map(r => r.revision).reverse());
		expect(rows.map(line => line.replace(/^\d+\s+/, ''))).toEqual(revisions.map(r => r.changeCause).reverse());
		const pod = cluster.listPods().find(p => p.deployment === 'checkout')!;
		const log = await kubectl('logs', pod.name, '--tail=3');
		const tail = await cluster.podLog(pod.name, 3);
		expect(log.trimEnd().split('\n')).toEqual(tail.lines);
		const described = await kubectl('describe', 'pod', pod.name);
		expect(described).toContain(`Successfully assigned shop/${pod.name} to ${pod.node}`);
		expect(described).toContain('memory:     512Mi');
	});

	it('rolls back, scales and restarts the simulated deployments as kubectl does, and waits for the rollout', async () => {
		await serve();
		expect(await kubectl('rollout', 'undo', 'deployment/checkout')).toContain('deployment.apps/checkout rolled back');
		const rolledBack = cluster.listDeployments().find(d => d.name === 'checkout')!;
		expect(rolledBack.images).toEqual(['shop/checkout:1.7.4']);
		expect(rolledBack.revision).toBe(4);
		expect((await cluster.history('checkout')).map(r => r.revision)).toEqual([4, 3, 1]);
		// The watch carries the rollout to its end.
		expect(await kubectl('rollout', 'status', 'deployment/checkout', '--timeout=60s')).toContain('deployment "checkout" successfully rolled out');
		expect(cluster.listPods().filter(p => p.deployment === 'checkout' && !p.terminating).every(p => p.ready)).toBe(true);
		// The same revision again: kubectl finds nothing to do, as against a real cluster.
		expect(await kubectl('rollout', 'undo', 'deployment/checkout', '--to-revision=4')).toContain('skipped rollback (current template already matches revision 4)');

		expect(await kubectl('scale', 'deployment/checkout', '--replicas=6')).toContain('deployment.apps/checkout scaled');
		expect(cluster.desiredReplicas('checkout')).toBe(6);
		await waitFor(() => cluster.listPods().filter(p => p.deployment === 'checkout' && !p.terminating && p.ready).length === 6, {timeoutMs: 20_000, message: 'six ready checkout pods'});

		expect(await kubectl('rollout', 'restart', 'deployment/payments')).toContain('deployment.apps/payments restarted');
		const history = await cluster.history('payments');
		expect(history[0]!.revision).toBe(3);
		expect(history[0]!.images).toEqual(['shop/payments:3.2.1']);
	});

	it('refuses a change the simulation cannot make, saying what it can', async () => {
		await serve();
		const failed = await kubectl('set', 'resources', 'deployment/checkout', '--limits=memory=1Gi').then(
			() => '',
			(error: {stderr: string}) => error.stderr,
		);
		expect(failed).toContain('simulates a change of the image or of the kubectl.kubernetes.io/restartedAt annotation only');
		expect(cluster.listDeployments().find(d => d.name === 'checkout')!.revision).toBe(3);
	});
});

describe('the served cluster’s code', () => {
	it('keeps its files under 400 lines and its functions under 80', async () => {
		expect(await oversized(['source/demo/kube-*.ts'])).toEqual([]);
	});
});
