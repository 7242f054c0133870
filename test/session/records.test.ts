/**
 * What the journal, the timeline and the post-mortem record: what was confirmed and done, never what
 * the screen held when it was written (issue 19, "Record").
 */
import {readFileSync} from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
import type {ActionRequest} from '../../source/actions/types.js';
import {createKubeCluster} from '../../source/clients/kube-cluster.js';
import {loadRunbook} from '../../source/runbook/library.js';
import type {Session} from '../../source/session/cockpit.js';
import {buildRunbookRows} from '../../source/kinds/runbook/rows.js';
import {buildTimelineRows} from '../../source/kinds/timeline/rows.js';
import {RowCache} from '../../source/store/memo.js';
import type {Tone} from '../../source/text/format.js';
import type {MetricRow} from '../../source/kinds/metrics/data.js';
import {buildPostmortem, exportPostmortem} from '../../source/timeline/export.js';
import {startFakeKubeServer, type FakeKubeServer} from '../support/fake-kube-server.js';
import {waitFor} from '../support/wait.js';
import {eventsOf, journalEvents, SessionHarness, writeRunbook} from './support.js';
import {metricsData} from '../../source/kinds/metrics/data.js';
import {podsData} from '../../source/kinds/pods/data.js';
import {editAction} from '../../source/actions/registry.js';

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
	await waitFor(() => podsData.of(session.store.getState()).deployments['checkout'], {message: 'checkout deployment in the store'});
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
		session.controller.requestAction('scale', {deployment: 'checkout'});
		const proposed = await confirmDialog(session);
		expect(proposed.input?.value).toBe('4');
		const six = editAction(proposed, {type: 'input', value: '6'})!;
		session.controller.confirm(six);
		await waitFor(() => eventsOf(session.store.getState().timeline, 'action.succeeded').length === 1, {message: 'action.succeeded'});
		expect(server.get('deployments', 'checkout')!.spec.replicas).toBe(6);

		// The Timeline pane's rows, and the journal behind them.
		const rows = buildTimelineRows(session.store.getState().timeline, {}, new RowCache()).map(row => row.cells.at(-1)!.text);
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
		await waitFor(() => podsData.of(session.store.getState()).deployments['checkout'], {message: 'checkout deployment in the store'});
		session.controller.requestAction('rollback', {deployment: 'checkout'});
		const previous = await confirmDialog(session);
		expect(previous.change).toMatch(/-> revision 2 /);
		const older = editAction(previous, {type: 'target', direction: 'older'})!;
		expect(older.change).toMatch(/-> revision 1 /);
		session.controller.confirm(older);
		await waitFor(() => eventsOf(session.store.getState().timeline, 'action.succeeded').length === 1, {message: 'action.succeeded'});
		const data = buildPostmortem(await journalEvents(session.journal.path), {incidentId});
		expect(data.actions).toHaveLength(1);
		expect(data.actions[0]!.change).toBe(older.change);
		expect(data.actions[0]!.kubectl).toContain('--to-revision=1');
	});
});

/** Writes a YAML runbook and lists it, as the library does (the picker and `b` choose among listed runbooks). */
async function listedRunbook(session: Session, lines: string[]) {
	// After the session's own listing of the library, which would replace a list made before it.
	await waitFor(() => session.store.getState().runbooks.some(r => r.source.startsWith('builtin:')), {message: 'the library listed'});
	const runbook = await loadRunbook(writeRunbook(harness.tempDir('runbook-'), `${lines[0]!.replace('id: ', '')}.yaml`, [...lines, ''].join('\n')));
	session.store.getState().runbooksAvailable([...session.store.getState().runbooks.filter(r => r.id !== runbook.id), runbook]);
	return runbook;
}

async function chooseRunbook(session: Session, id: string) {
	session.controller.selectRunbook(id);
	await waitFor(() => session.store.getState().incident.runbookId === id && session.store.getState().runbook?.id === id, {message: `runbook ${id} active`});
}

function errorRatio(value: number): MetricRow {
	const tone: Tone = value >= 0.05 ? 'crit' : value >= 0.01 ? 'warn' : 'ok';
	return {id: 'error_ratio', title: '5xx ratio', promql: 'x', unit: 'ratio', warn: 0.01, critical: 0.05, direction: 'above', tone, series: [{labels: '', value, history: [value], tone}]};
}

const badDeploy = [
	'id: bad-deploy',
	'title: Bad deploy',
	'variables: [{name: deployment, default: checkout}]',
	'queries:',
	'  - {id: error_ratio, title: 5xx ratio, promql: "x", unit: ratio, warn: 0.01, critical: 0.05}',
	'primaryQuery: error_ratio',
	'steps:',
	'  - title: Roll back to the previous revision',
	'    action: {kind: rollback, deployment: "{{deployment}}"}',
	'    doneWhen: {query: error_ratio, below: 0.01, forSeconds: 1}',
	'  - title: Watch the errors',
	'    query: error_ratio',
];

describe('a runbook step ticked by its condition', () => {
	it('says which condition held and that its rollback was not done, in the journal, the Timeline and Runbook panes and the post-mortem', async () => {
		const session = await harness.open({stateDir: harness.tempDir(), incidentId, metrics: null});
		session.start();
		const runbook = await listedRunbook(session, badDeploy);
		await chooseRunbook(session, runbook.id);
		const step = runbook.steps[0]!;

		// The errors fall by themselves: nobody rolls back.
		session.store.getState().dataReceived(metricsData, [errorRatio(0.004)]);
		const checked = await waitFor(() => eventsOf(session.store.getState().timeline, 'step.checked')[0], {message: 'the step ticked by its condition'});
		expect(checked.data).toMatchObject({
			runbookId: 'bad-deploy',
			stepId: step.id,
			auto: true,
			cause: {type: 'condition', condition: '5xx ratio < 1% for 1s', value: '0.4%', stepAction: {kind: 'rollback', object: 'deployment/checkout'}},
		});
		expect(checked.data).not.toHaveProperty('doneBy');
		expect((checked.data.cause as {stepAction: object}).stepAction).not.toHaveProperty('actionId');

		const said = 'condition: 5xx ratio < 1% for 1s held; no rollback was done from the cockpit';
		const timelineRow = buildTimelineRows(session.store.getState().timeline, {}, new RowCache()).find(row => row.ref.kind === 'timeline' && row.ref.key === checked.id)!;
		expect(timelineRow.cells.at(-1)!.text).toBe(`Step done: Roll back to the previous revision (${said})`);

		const state = session.store.getState();
		const paneRow = buildRunbookRows(state.runbook, state.incident.checkedSteps, metricsData.of(state), state.doneWhenHeld, state.incident.stepTicks[runbook.id]).find(row => row.key === `st:${step.id}`)!;
		const cells = paneRow.cells.map(cell => cell.text);
		expect(cells[0]).toMatch(/^\[x\] 1\. Roll back/);
		// The action's mark says it was not taken; the last column says the condition ticked it.
		expect(cells).toContain('⟲ no rollback');
		expect(cells.at(-1)).toBe('held');
		// enter on the step says it in full.
		session.controller.showDetails({kind: 'runbook', key: step.id});
		const details = await waitFor(() => {
			const d = session.store.getState().ui.dialog;
			return d?.kind === 'details' ? d : undefined;
		});
		expect(details.lines).toContainEqual(expect.stringMatching(new RegExp(`^checked \\d\\d:\\d\\d:\\d\\d UTC by .+@.+: ${escape(said)}$`)));

		const markdown = await postmortem(session);
		expect(markdown).toContain('No actions were taken from the cockpit.');
		expect(markdown).not.toContain('(automatically');
		expect(markdown).toMatch(new RegExp(`^- \\[x\\] Roll back to the previous revision \\(${escape(said)}, .+@.+, \\d\\d:\\d\\d:\\d\\d\\)$`, 'm'));
	});

	it('names the rollback taken before it, when one was', async () => {
		const {session} = await kubeSession(2);
		const runbook = await listedRunbook(session, badDeploy);
		await chooseRunbook(session, runbook.id);
		session.controller.requestAction('rollback', {deployment: 'checkout'});
		const request = await confirmDialog(session);
		session.controller.confirm(request);
		await waitFor(() => eventsOf(session.store.getState().timeline, 'action.succeeded').length === 1, {message: 'the rollback done'});
		// A step with a done-when condition is left to its condition.
		expect(eventsOf(session.store.getState().timeline, 'step.checked')).toEqual([]);

		session.store.getState().dataReceived(metricsData, [errorRatio(0.004)]);
		const checked = await waitFor(() => eventsOf(session.store.getState().timeline, 'step.checked')[0], {message: 'the step ticked by its condition'});
		expect(checked.data.cause).toMatchObject({type: 'condition', stepAction: {kind: 'rollback', object: 'deployment/checkout', actionId: request.id}});
		const row = buildTimelineRows(session.store.getState().timeline, {}, new RowCache()).find(r => r.ref.kind === 'timeline' && r.ref.key === checked.id)!;
		expect(row.cells.at(-1)!.text).toBe('Step done: Roll back to the previous revision (condition: 5xx ratio < 1% for 1s held, after the rollback of deployment/checkout)');
		const state = session.store.getState();
		const cells = buildRunbookRows(state.runbook, state.incident.checkedSteps, metricsData.of(state), state.doneWhenHeld, state.incident.stepTicks[runbook.id])
			.find(r => r.key === `st:${runbook.steps[0]!.id}`)!
			.cells.map(cell => cell.text);
		expect(cells).toContain('⟲ rollback');
		expect(cells.at(-1)).toBe('held');
	});

	it('a step ticked by its action records the action’s id', async () => {
		const {session} = await kubeSession(2);
		const runbook = await listedRunbook(session, ['id: plain-rollback', 'title: Plain rollback', 'steps:', '  - title: Roll back checkout', '    action: {kind: rollback, deployment: checkout}']);
		await chooseRunbook(session, runbook.id);
		session.controller.requestAction('rollback', {deployment: 'checkout'});
		const request = await confirmDialog(session);
		session.controller.confirm(request);
		const checked = await waitFor(() => eventsOf(session.store.getState().timeline, 'step.checked')[0], {message: 'the step ticked by the rollback'});
		expect(checked.data).toMatchObject({auto: true, doneBy: 'rollback of deployment/checkout', cause: {type: 'action', actionId: request.id, action: 'rollback of deployment/checkout'}});
	});
});

describe('the post-mortem checklist after switching runbooks', () => {
	it('keeps the ticked steps of every runbook used in the incident, and a runbook chosen later does not inherit them', async () => {
		const session = await harness.open({stateDir: harness.tempDir(), incidentId, metrics: null});
		session.start();
		const first = await listedRunbook(session, ['id: first-guess', 'title: First guess', 'steps:', '  - {id: triage, title: Triage the errors}', '  - {id: page, title: Page the owner}']);
		const second = await listedRunbook(session, ['id: second-guess', 'title: Second guess', 'steps:', '  - {id: triage, title: Triage the latency}', '  - {id: scale, title: Add capacity}']);
		await chooseRunbook(session, first.id);
		session.controller.toggleStep('triage');
		session.controller.toggleStep('page');
		await waitFor(() => Object.keys(session.store.getState().incident.checkedSteps).length === 2, {message: 'two steps of the first runbook ticked'});

		// b: another runbook. Its own "triage" step was never ticked.
		await chooseRunbook(session, second.id);
		expect(session.store.getState().incident.checkedSteps).toEqual({});
		session.controller.toggleStep('scale');
		await waitFor(() => session.store.getState().incident.checkedSteps['scale'], {message: 'a step of the second runbook ticked'});

		session.controller.exportPostmortem();
		await waitFor(() => session.store.getState().ui.flash?.text.startsWith('post-mortem draft written to '), {message: 'the draft written'});
		const file = session.store.getState().ui.flash!.text.slice('post-mortem draft written to '.length);
		const markdown = readFileSync(file, 'utf8');
		const checklist = markdown.slice(markdown.indexOf('## Runbook checklist'), markdown.indexOf('## Root cause'));
		expect(checklist).toMatch(/^### First guess\b/m);
		expect(checklist).toMatch(/^- \[x\] Triage the errors \(/m);
		expect(checklist).toMatch(/^- \[x\] Page the owner \(/m);
		expect(checklist).toMatch(/^### Second guess\b/m);
		expect(checklist).toMatch(/^- \[ \] Triage the latency$/m);
		expect(checklist).toMatch(/^- \[x\] Add capacity \(/m);

		// Choosing the first runbook again shows its ticks again.
		await chooseRunbook(session, first.id);
		expect(session.store.getState().incident.checkedSteps).toEqual({triage: true, page: true});
	});
});

function escape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
