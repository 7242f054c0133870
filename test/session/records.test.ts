/**
 * What the journal, the timeline and the post-mortem record: what was confirmed and done, never what
 * the screen held when it was written (issue 19, "Record").
 */
import {afterEach, describe, expect, it} from 'vitest';
import type {ActionRequest} from '../../source/actions/types.js';
import {createKubeCluster} from '../../source/clients/kube-cluster.js';
import type {Session} from '../../source/session/cockpit.js';
import {selectTimelineRows} from '../../source/store/selectors-timeline.js';
import {buildPostmortem, exportPostmortem} from '../../source/timeline/export.js';
import {startFakeKubeServer, type FakeKubeServer} from '../support/fake-kube-server.js';
import {waitFor} from '../support/wait.js';
import {eventsOf, journalEvents, SessionHarness} from './support.js';

const harness = new SessionHarness();
afterEach(() => harness.cleanup());

const incidentId = 'inc-20261122-0304-recs';

async function kubeSession(replicas = 4): Promise<{server: FakeKubeServer; session: Session}> {
	const server = await startFakeKubeServer();
	harness.onCleanup(() => server.close());
	server.addDeployment({name: 'checkout', images: ['shop/checkout:1.7.2', 'shop/checkout:1.8.0'], replicas});
	const cluster = createKubeCluster({kubeconfig: server.kubeconfigPath, readonly: false, fieldManager: `incident-tui/${incidentId}`, backoff: {initialMs: 20, maxMs: 200}});
	const session = await harness.open({stateDir: harness.tempDir(), incidentId, cluster, context: server.context, namespace: server.namespace});
	session.start();
	await waitFor(() => session.store.getState().cluster.deployments['checkout'], {message: 'checkout deployment in the store'});
	return {server, session};
}

async function confirmDialog(session: Session, not?: string): Promise<ActionRequest> {
	const dialog = await waitFor(
		() => {
			const d = session.store.getState().ui.dialog;
			return d?.kind === 'confirm' && d.request.id !== not ? d : undefined;
		},
		{message: `confirm dialog (flash: ${session.store.getState().ui.flash?.text ?? 'none'})`},
	);
	return dialog.request;
}

/** The post-mortem's Markdown from the session's journal, as E and `incident-tui export` write it. */
async function postmortem(session: Session): Promise<string> {
	return exportPostmortem(await journalEvents(session.journal.path), {format: 'md', incidentId, runbook: session.store.getState().runbook});
}

describe('records of an action whose confirmation changed it', () => {
	it('a scale from 4 typed to 6 is recorded as 4 -> 6 in the timeline and the post-mortem, never as 4 -> 4', async () => {
		const {server, session} = await kubeSession(4);
		// `s` on the Pods pane: the confirmation proposes the current count, the operator types 6.
		session.controller.requestDeploymentAction('scale', 'checkout');
		const proposed = await confirmDialog(session);
		expect(proposed.input?.value).toBe('4');
		const six = proposed.withInput!('6');
		session.controller.confirm(six);
		await waitFor(() => eventsOf(session.store.getState().timeline, 'action.succeeded').length === 1, {message: 'action.succeeded'});
		expect(server.get('deployments', 'checkout')!.spec.replicas).toBe(6);

		// The Timeline pane's rows, and the journal behind them.
		const rows = selectTimelineRows(session.store.getState().timeline, {}).map(row => row.cells.at(-1)!.text);
		const actionRows = rows.filter(text => /scale/.test(text));
		expect(actionRows.length).toBeGreaterThanOrEqual(3);
		for (const text of actionRows) expect(text, 'no row says the count stays 4').not.toMatch(/replicas 4 -> 4/);
		expect(actionRows).toContainEqual(expect.stringMatching(/^Confirmed scale deployment\/checkout: replicas 4 -> 6$/));
		expect(actionRows).toContainEqual(expect.stringMatching(/^Done scale deployment\/checkout: replicas 4 -> 6 \(/));

		// The post-mortem's actions table: the change beside the command is the one confirmed and done.
		const markdown = await postmortem(session);
		const row = markdown.split('\n').find(line => line.startsWith('|') && line.includes('`kubectl') && line.includes('scale deployment/checkout'));
		expect(row, markdown).toBeDefined();
		expect(row).toContain('--replicas=6');
		expect(row).toContain('| replicas 4 -> 6 |');
		expect(row).not.toContain('4 -> 4');
		const data = buildPostmortem(await journalEvents(session.journal.path), {incidentId});
		expect(data.actions).toEqual([expect.objectContaining({change: 'replicas 4 -> 6', kubectl: expect.stringContaining('--replicas=6'), result: 'succeeded', outcome: 'replicas 4 -> 6'})]);
	});

	it('a rollback moved to an older revision in its confirmation is recorded with the revision rolled back to', async () => {
		const server = await startFakeKubeServer();
		harness.onCleanup(() => server.close());
		server.addDeployment({name: 'checkout', images: ['shop/checkout:1.6.0', 'shop/checkout:1.7.2', 'shop/checkout:1.8.0'], replicas: 2});
		const cluster = createKubeCluster({kubeconfig: server.kubeconfigPath, readonly: false, fieldManager: `incident-tui/${incidentId}`, backoff: {initialMs: 20, maxMs: 200}});
		const session = await harness.open({stateDir: harness.tempDir(), incidentId, cluster, context: server.context, namespace: server.namespace});
		session.start();
		await waitFor(() => session.store.getState().cluster.deployments['checkout'], {message: 'checkout deployment in the store'});
		session.controller.requestDeploymentAction('rollback', 'checkout');
		const previous = await confirmDialog(session);
		expect(previous.change).toMatch(/-> revision 2 /);
		const older = previous.alternative!('older')!;
		expect(older.change).toMatch(/-> revision 1 /);
		session.controller.confirm(older);
		await waitFor(() => eventsOf(session.store.getState().timeline, 'action.succeeded').length === 1, {message: 'action.succeeded'});
		const data = buildPostmortem(await journalEvents(session.journal.path), {incidentId});
		expect(data.actions).toHaveLength(1);
		expect(data.actions[0]!.change).toBe(older.change);
		expect(data.actions[0]!.kubectl).toContain('--to-revision=1');
	});
});
