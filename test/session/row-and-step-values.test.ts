/**
 * Two sources of a runbook's values beside the alert and the session: the row the operator selected
 * in the Pods pane (its pod, deployment, namespace, node), and the output of an earlier step that
 * sets a variable (`WRITERPOD=$(…)` in step 1, `$WRITERPOD` in step 2). `x` fills commands from
 * them, the confirmation marks each value and names its source, and `v` on the Runbook pane lists
 * every variable with where its value came from. The fake API server stands in for the cluster.
 */
import '../support/no-ci.js';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import type {ActionRequest} from '../../source/actions/types.js';
import {createKubeCluster} from '../../source/clients/kube-cluster.js';
import {rowsFor} from '../../source/kinds/panes.js';
import {kindById} from '../../source/kinds/registry.js';
import {RowCache} from '../../source/store/memo.js';
import type {IncidentStore} from '../../source/store/store.js';
import {describeEvent} from '../../source/timeline/describe.js';
import {startFakeKubeServer, type FakeKubeServer} from '../support/fake-kube-server.js';
import {forwardedTo, keys, recordingController, renderCockpit} from '../support/render-cockpit.js';
import {waitFor} from '../support/wait.js';
import {eventsOf, SessionHarness, writeRunbook} from './support.js';

const harness = new SessionHarness();
afterEach(() => harness.cleanup());

let server: FakeKubeServer;
beforeAll(async () => {
	server = await startFakeKubeServer({namespace: 'shop'});
	server.addDeployment({name: 'checkout', images: ['shop/checkout:1.0'], pods: 1});
}, 30_000);
afterAll(async () => {
	await server?.close();
});

const podRunbook = [
	'# Checkout pod',
	'',
	'## Steps',
	'',
	"1. Read the pod's log:",
	'',
	'```console',
	'kubectl -n <namespace> logs <pod-name> --tail 20 --token $API_TOKEN',
	'```',
	'',
	'2. Describe its node:',
	'',
	'```console',
	'kubectl describe node <node>',
	'```',
	'',
].join('\n');

const writerRunbook = [
	'# Find the writer',
	'',
	'## Steps',
	'',
	'1. Find the writer pod and its password:',
	'',
	'```bash',
	'WRITERPOD=$(echo writer-7)',
	// The secret is computed, never written in the runbook: only the command's output holds it.
	"DB_PASSWORD=$(printf 'hunter%s' 2-secret)",
	'```',
	'',
	'2. Read its log:',
	'',
	'```bash',
	'echo "reading $WRITERPOD as $DB_PASSWORD"',
	'```',
	'',
].join('\n');

async function confirmation(store: IncidentStore): Promise<ActionRequest> {
	return waitFor(
		() => {
			const dialog = store.getState().ui.dialog;
			return dialog?.kind === 'confirm' ? dialog.request : undefined;
		},
		{message: 'a confirmation'},
	);
}

function formFields(store: IncidentStore): string[] {
	const dialog = store.getState().ui.dialog;
	return dialog?.kind === 'variables' ? dialog.fields.map(field => field.name) : [];
}

/** The operator puts the Pods pane's selection on the pod's row (as ↓ would), and returns the pod's name. */
function selectPodRow(store: IncidentStore): string {
	const kind = kindById('pods')!;
	const rows = rowsFor(store.getState(), kind, new RowCache());
	const index = rows.findIndex(row => row.ref.pod !== undefined);
	expect(index).toBeGreaterThan(-1);
	store.getState().selectionSet('pods', index, rows);
	return rows[index]!.ref.pod!;
}

describe('session: values from the selected row', () => {
	it('x fills <pod-name>, <namespace> and <node> from the pod selected in the Pods pane, and the confirmation says so; none is taken from a pane whose selection was never moved', async () => {
		const dir = harness.tempDir('row-vars-');
		const file = writeRunbook(dir, 'pod.md', podRunbook);
		const cluster = await createKubeCluster({kubeconfig: server.kubeconfigPath, readonly: false, fieldManager: 'incident-tui/test'});
		const session = await harness.open({stateDir: harness.tempDir(), incidentId: 'inc-20261206-1300-row', runbookRef: file, namespace: 'shop', cluster});
		session.start();
		const {store, controller} = session;
		await waitFor(() => rowsFor(store.getState(), kindById('pods')!, new RowCache()).some(row => row.ref.pod), {timeoutMs: 15_000, message: 'the pod listed'});
		const [logStep, nodeStep] = store.getState().runbook!.steps;
		const ui = await renderCockpit({store, controller: recordingController(forwardedTo(controller)), width: 150, height: 44});
		try {
			// The Pods pane's first row is where it starts, not a choice: the pod is asked for.
			controller.requestStep(logStep!.id);
			await waitFor(() => formFields(store).length > 0, {message: 'the variables form'});
			expect(formFields(store)).toEqual(['pod-name', 'API_TOKEN']);
			await ui.press(keys.escape);
			await waitFor(() => store.getState().ui.dialog === null, {message: 'the form closed'});

			const pod = selectPodRow(store);
			controller.requestStep(logStep!.id);
			await waitFor(() => formFields(store).length > 0, {message: 'the variables form again'});
			// The pod is known now (the selected row's): only the token is asked for.
			expect(formFields(store)).toEqual(['API_TOKEN']);
			await ui.press('s3cr3t', keys.enter);
			const request = await confirmation(store);
			expect(request.kubectl).toContain(`set -- shop ${pod} '[REDACTED]'`);
			await ui.waitForFrame(f => f.includes('filled'), 'the confirmation with its values marked');
			const frame = ui.frame();
			expect(frame).toContain(`kubectl -n ‹shop› logs ‹${pod}› --tail 20 --token ‹••••›`);
			expect(frame).toMatch(new RegExp(`‹${pod}›\\s+pod-name: selected pod row \\(pod\\)`));
			expect(frame).toMatch(/‹shop›\s+namespace: selected pod row \(namespace\)/);
			controller.cancel(request);
			await waitFor(() => store.getState().ui.dialog === null, {message: 'the confirmation closed'});

			// The node the pod runs on, which the row's pod names.
			controller.requestStep(nodeStep!.id);
			const node = await confirmation(store);
			expect(node.kubectl).toContain('set -- node-1');
			expect(node.marked).toContainEqual({variable: 'node', value: 'node-1', source: 'selected pod row (node)', secret: false});
			controller.cancel(node);
			await waitFor(() => store.getState().ui.dialog === null, {message: 'the confirmation closed'});

			// v on the Runbook pane (pane 4): every variable, its value and where it came from, and the row.
			await ui.press('4', 'v');
			const view = await waitFor(
				() => {
					const dialog = store.getState().ui.dialog;
					return dialog?.kind === 'details' ? dialog : undefined;
				},
				{message: 'the variables view'},
			);
			expect(view.title).toBe('Variables of Checkout pod');
			expect(view.lines).toContain(`Selected row: pod ${pod} (deployment checkout, namespace shop, node node-1)`);
			expect(view.lines).toContain(`pod-name = ${pod} · selected pod row (pod)`);
			expect(view.lines).toContain('API_TOKEN = [REDACTED] · entered in the cockpit');
			expect(view.lines).toContain('node = node-1 · selected pod row (node)');
			expect(JSON.stringify(view)).not.toContain('s3cr3t');
		} finally {
			ui.unmount();
		}
		await harness.stop(session);
	});
});

describe("session: values from an earlier step's output", () => {
	it('running a step that sets WRITERPOD captures it, records it (secret values masked), and a later step using $WRITERPOD gets it as "output of step 1"', async () => {
		const dir = harness.tempDir('step-vars-');
		const file = writeRunbook(dir, 'writer.md', writerRunbook);
		const session = await harness.open({stateDir: harness.tempDir(), incidentId: 'inc-20261206-1300-step', runbookRef: file, namespace: 'shop'});
		const {store, controller} = session;
		const [find, read] = store.getState().runbook!.steps;
		const ui = await renderCockpit({store, controller: recordingController(forwardedTo(controller)), width: 150, height: 44});
		try {
			// Before step 1 ran, its values are unknown: the form asks, and says which step sets them.
			controller.requestStep(read!.id);
			await ui.waitForFrame(f => f.includes('Values for') && f.includes('set by step 1'), 'the form naming the step that sets the values');
			expect(formFields(store)).toEqual(['WRITERPOD', 'DB_PASSWORD']);
			await ui.press(keys.escape);
			await waitFor(() => store.getState().ui.dialog === null, {message: 'the form closed'});

			// Each line of step 1 is a command of its own (each runs in its own shell): both run, each captures its value.
			for (const [index, name] of ['WRITERPOD', 'DB_PASSWORD'].entries()) {
				controller.requestStep(find!.id, index);
				const run = await confirmation(store);
				expect(run.details.join('\n')).toContain(`Then the values it sets (${name}) are written to a file`);
				controller.confirm(run);
				await waitFor(() => eventsOf(store.getState().timeline, 'variables.captured')[index], {timeoutMs: 15_000, message: `${name} captured`});
				await waitFor(() => store.getState().ui.dialog?.kind === 'details', {timeoutMs: 15_000, message: 'the command ended'});
				await ui.press('q');
				await waitFor(() => store.getState().ui.dialog === null, {message: 'the output closed'});
			}
			const [writer, password] = eventsOf(store.getState().timeline, 'variables.captured');
			expect(writer!.data).toMatchObject({stepId: find!.id, values: {WRITERPOD: 'writer-7'}});
			expect(password!.data).toMatchObject({stepId: find!.id, values: {DB_PASSWORD: '[REDACTED]'}});
			expect(describeEvent(writer!).text).toBe("Variables set by a step's command: WRITERPOD=writer-7");
			expect(describeEvent(password!).text).toBe("Variables set by a step's command: DB_PASSWORD=[REDACTED]");

			controller.requestStep(read!.id);
			const request = await confirmation(store);
			await ui.waitForFrame(f => f.includes('filled'), 'the confirmation with its values marked');
			expect(ui.frame()).toMatch(/‹writer-7›\s+WRITERPOD: output of step 1/);
			expect(ui.frame()).toMatch(/‹••••›\s+DB_PASSWORD: output of step 1/);
			controller.confirm(request);
			const done = await waitFor(() => eventsOf(store.getState().timeline, 'action.succeeded').find(e => e.data.actionId === request.id), {timeoutMs: 15_000, message: 'step 2 ran'});
			// The value reached the command as data, and the secret one is masked in what is kept.
			expect(done.data.output).toContain('reading writer-7 as [REDACTED]');
			expect(JSON.stringify(store.getState().timeline)).not.toContain('hunter2-secret');
		} finally {
			ui.unmount();
		}
		await harness.stop(session);
	});
});
