/**
 * Which namespace a command or an action of a runbook acts on, when an alert chose the runbook: the
 * alert's `namespace` label beats the cockpit's fallback namespace, and where the two still disagree
 * (the cluster's namespace, a --var) the confirmation says so. A REAL Alertmanager carries the alert;
 * the fake API server stands in for the cluster, in namespace "default".
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import type {ActionRequest} from '../../source/actions/types.js';
import {createKubeCluster} from '../../source/clients/kube-cluster.js';
import type {IncidentStore} from '../../source/store/store.js';
import {requireAlertmanager, startAlertmanager, type RunningAlertmanager} from '../support/alertmanager.js';
import {startFakeKubeServer, type FakeKubeServer} from '../support/fake-kube-server.js';
import {waitFor} from '../support/wait.js';
import {SessionHarness, writeRunbook} from './support.js';

const binary = requireAlertmanager('session: the alert’s namespace');
const harness = new SessionHarness();
afterEach(() => harness.cleanup());

let alertmanager: RunningAlertmanager;
let server: FakeKubeServer;
beforeAll(async () => {
	if (!binary) return;
	alertmanager = await startAlertmanager(binary);
	server = await startFakeKubeServer({namespace: 'default'});
	server.addDeployment({name: 'checkout', images: ['shop/checkout:1.0', 'shop/checkout:1.1'], pods: 1});
	// The alert's namespace has a checkout of its own: a step's action must act on that one.
	server.addNamespace('shop');
	server.addDeployment({name: 'checkout', images: ['shop/checkout:2.0', 'shop/checkout:2.1'], pods: 1, namespace: 'shop'});
}, 30_000);
afterAll(async () => {
	await alertmanager?.close();
	await server?.close();
});

async function confirmation(store: IncidentStore): Promise<ActionRequest> {
	return waitFor(
		() => {
			const dialog = store.getState().ui.dialog;
			return dialog?.kind === 'confirm' ? dialog.request : undefined;
		},
		{message: 'a confirmation'},
	);
}

/** A session in namespace "default" whose runbook an alert `name` in namespace "shop" chooses. */
async function sessionForAlert(name: string, variables?: Record<string, string>) {
	const dir = harness.tempDir('alert-ns-');
	writeRunbook(
		dir,
		`${name}.yaml`,
		[
			`id: ${name.toLowerCase()}`,
			`title: ${name}`,
			`alerts: [${name}]`,
			'steps:',
			'  - id: history',
			'    title: Rollout history',
			'    command: [kubectl, rollout, history, "deployment/{{deployment}}", --namespace, "{{namespace}}"]',
			'  - id: rollback',
			'    title: Roll back',
			'    action: {kind: rollback, deployment: "{{deployment}}"}',
			'',
		].join('\n'),
	);
	await alertmanager.postAlerts([{labels: {alertname: name, severity: 'critical', namespace: 'shop', deployment: 'checkout'}}]);
	const cluster = await createKubeCluster({kubeconfig: server.kubeconfigPath, readonly: false, fieldManager: 'incident-tui/test'});
	const session = await harness.open({
		stateDir: harness.tempDir(),
		namespace: 'default',
		config: harness.config({alertmanager: {url: alertmanager.url}, refresh: {alertsMs: 300}, runbooks: [dir]}),
		cluster,
		...(variables ? {variables} : {}),
	});
	session.start();
	await waitFor(() => session.store.getState().runbook?.id === name.toLowerCase(), {timeoutMs: 20_000, message: 'the alert to choose the runbook'});
	await waitFor(() => session.store.getState().env.context === 'test-ctx', {message: 'the cluster connected'});
	return session;
}

describe.skipIf(!binary)('session: the alert’s namespace', () => {
	it('a command of the runbook fills {{namespace}} with the alert’s label, not the cockpit’s "default", and its kubectl defaults to it too', async () => {
		const session = await sessionForAlert('CheckoutErrorsShop');
		session.controller.requestStep('history');
		const request = await confirmation(session.store);
		expect(request.kubectl).toBe('kubectl rollout history deployment/checkout --namespace shop');
		expect(request.target.namespace).toBe('shop');
		expect(request.details).toContain('kubectl here acts on context test-ctx, namespace shop (KUBECONFIG pinned)');
		expect(request.warnings.filter(w => w.includes('namespace'))).toEqual([]);
		session.controller.cancel(request);
	});

	it('a step’s action acts in the namespace its runbook’s variables give (the alert’s), not the cockpit’s, and its confirmation names it', async () => {
		const session = await sessionForAlert('CheckoutErrorsRollback');
		session.controller.requestStep('rollback');
		const request = await confirmation(session.store);
		expect(request.target).toEqual({context: 'test-ctx', namespace: 'shop', object: 'deployment/checkout'});
		// The history was read there: shop's checkout, not default's.
		expect(request.change).toBe('revision 2 (shop/checkout:2.1) -> revision 1 (shop/checkout:2.0)');
		expect(request.kubectl).toMatch(/(-n|--namespace) shop rollout undo deployment\/checkout/);
		expect(request.warnings.filter(w => w.includes('namespace'))).toEqual([]);
		session.controller.cancel(request);
	});

	it('a step’s action with --var namespace=… acts there, and says it differs from the alert’s', async () => {
		const session = await sessionForAlert('CheckoutErrorsRollbackVar', {namespace: 'default'});
		session.controller.requestStep('rollback');
		const request = await confirmation(session.store);
		expect(request.target.namespace).toBe('default');
		expect(request.change).toBe('revision 2 (shop/checkout:1.1) -> revision 1 (shop/checkout:1.0)');
		expect(request.warnings[0]).toBe('the alert CheckoutErrorsRollbackVar that chose this runbook is in namespace shop; this acts on namespace default, set by --var namespace=default.');
		session.controller.cancel(request);
	});

	it('--var namespace=… is the operator’s choice and wins, and the confirmation says it differs from the alert’s', async () => {
		const session = await sessionForAlert('CheckoutErrorsVar', {namespace: 'default'});
		session.controller.requestStep('history');
		const request = await confirmation(session.store);
		expect(request.kubectl).toBe('kubectl rollout history deployment/checkout --namespace default');
		expect(request.warnings[0]).toBe('the alert CheckoutErrorsVar that chose this runbook is in namespace shop; this acts on namespace default, set by --var namespace=default.');
		session.controller.cancel(request);
	});
});
