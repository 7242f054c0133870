import {afterEach, describe, expect, it} from 'vitest';
import type {AlertInfo} from '../../source/ports/metrics.js';
import {waitFor} from '../support/wait.js';
import {eventsOf, journalEvents, SessionHarness} from './support.js';
import {alertsData} from '../../source/kinds/alerts/data.js';

const harness = new SessionHarness();
afterEach(() => harness.cleanup());

const firing: AlertInfo[] = [
	{name: 'SomethingUnrelated', state: 'firing', labels: {severity: 'info'}},
	{name: 'HighErrorRate', state: 'firing', labels: {severity: 'critical', deployment: 'payments-api', job: 'payments'}, activeAt: '2026-11-22T03:01:00Z'},
];

describe('session: a firing alert chooses the runbook', () => {
	it('selects the runbook answering the alert, logs why, and fills variables from its labels', async () => {
		const session = await harness.open({stateDir: harness.tempDir(), incidentId: 'inc-20261122-0304-alrt'});
		const {store} = session;
		// The library is listed when the session starts (after the first frame).
		session.start();
		await waitFor(() => store.getState().runbooks.length > 0, {message: 'runbook library listed'});
		expect(store.getState().runbook).toBeNull();
		expect(eventsOf(store.getState().timeline, 'runbook.selected')).toEqual([]);

		store.getState().dataReceived(alertsData, [{name: 'HighErrorRate', state: 'pending', labels: {deployment: 'x'}}]);
		expect(store.getState().runbook).toBeNull();
		store.getState().dataReceived(alertsData, firing);
		const selected = await waitFor(() => eventsOf(store.getState().timeline, 'runbook.selected')[0], {message: 'runbook.selected'});
		const runbook = store.getState().runbook!;
		expect(runbook).not.toBeNull();
		expect(runbook.alerts.map(a => a.name)).toContain('HighErrorRate');
		expect(runbook.source).toBe(`builtin:${runbook.id}`);
		expect(selected.data).toMatchObject({id: runbook.id, title: runbook.title, source: runbook.source});
		expect(selected.data.reason).toMatch(/HighErrorRate/);
		expect(store.getState().incident.runbookId).toBe(runbook.id);
		expect(eventsOf(await journalEvents(session.journal.path), 'runbook.selected')).toHaveLength(1);

		// The alert's deployment label reaches the step's command.
		const step = runbook.steps.find(s => s.commands.some(c => c.argv?.some(arg => arg.includes('{{deployment}}'))));
		expect(step, 'a step whose command names {{deployment}}').toBeDefined();
		session.controller.requestStep(step!.id);
		const dialog = await waitFor(() => {
			const d = store.getState().ui.dialog;
			return d?.kind === 'confirm' ? d : undefined;
		}, {message: 'confirm dialog for the step'});
		expect(dialog.request.kubectl).toContain('payments-api');
		expect(dialog.request.kubectl).not.toContain('{{deployment}}');
		session.controller.cancel(dialog.request);

		// Later alerts do not switch the runbook under the operator.
		store.getState().dataReceived(alertsData, [{name: 'HighLatency', state: 'firing', labels: {cause: 'deploy'}}, ...firing]);
		store.getState().dataReceived(alertsData, [{name: 'KubePodCrashLooping', state: 'firing', labels: {}}]);
		await waitFor(() => eventsOf(store.getState().timeline, 'action.cancelled').length === 1, {message: 'cancel written'});
		expect(eventsOf(store.getState().timeline, 'runbook.selected')).toHaveLength(1);
		expect(store.getState().runbook?.id).toBe(runbook.id);
	});

	it('a configured runbook is not replaced by an alert', async () => {
		const session = await harness.open({stateDir: harness.tempDir(), incidentId: 'inc-20261122-0304-alr2', runbookRef: 'crash-loop'});
		session.store.getState().dataReceived(alertsData, firing);
		session.controller.addNote('barrier');
		await waitFor(() => eventsOf(session.store.getState().timeline, 'note.added').length === 1, {message: 'barrier note'});
		expect(session.store.getState().runbook?.id).toBe('crash-loop');
		expect(eventsOf(session.store.getState().timeline, 'runbook.selected').map(e => e.data.reason)).toEqual(['configured']);
	});

	it('an alert arriving after the session stopped writes nothing and throws nothing', async () => {
		const session = await harness.open({stateDir: harness.tempDir(), incidentId: 'inc-20261122-0304-alr3'});
		session.start();
		await waitFor(() => session.store.getState().runbooks.length > 0, {message: 'runbook library listed'});
		const path = session.journal.path;
		const before = (await journalEvents(path)).length;
		await harness.stop(session);
		const rejections: unknown[] = [];
		const onRejection = (reason: unknown) => rejections.push(reason);
		process.on('unhandledRejection', onRejection);
		harness.onCleanup(() => void process.off('unhandledRejection', onRejection));
		session.store.getState().dataReceived(alertsData, firing);
		// Give a rejected append time to surface: wait for two macrotask turns of the event loop.
		let turns = 0;
		await waitFor(() => ++turns > 2, {intervalMs: 10, message: 'two turns'});
		expect(rejections).toEqual([]);
		expect((await journalEvents(path)).length).toBe(before);
		expect(session.store.getState().runbook).toBeNull();
	});
});
