/**
 * The journal records each change of an alert once, through the whole session: choosing the runbook
 * (which restarts the sources) does not record "alert firing" a second time. Against a real
 * Alertmanager (test/support/alertmanager.ts).
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {requireAlertmanager, startAlertmanager, type RunningAlertmanager} from '../support/alertmanager.js';
import {waitFor} from '../support/wait.js';
import {eventsOf, journalEvents, SessionHarness} from './support.js';
import {alertsData} from '../../source/kinds/alerts/data.js';

const binary = requireAlertmanager('session: alert signals against a real Alertmanager');

describe.skipIf(!binary)('session: alert signals against a real Alertmanager', () => {
	const harness = new SessionHarness();
	let am: RunningAlertmanager;
	beforeAll(async () => {
		am = await startAlertmanager(binary!);
	});
	afterAll(async () => {
		await am?.close();
	});
	afterEach(() => harness.cleanup());

	it('writes "alert firing" once when the alert chooses the runbook, however many polls follow', async () => {
		const session = await harness.open({
			stateDir: harness.tempDir(),
			incidentId: 'inc-20261122-0304-once',
			config: harness.config({alertmanager: {url: am.url}, refresh: {alertsMs: 50}}),
		});
		const {store} = session;
		session.start();
		// The library is listed and the alerts polled before the alert fires: the poll that first sees it
		// then chooses the runbook, which restarts the sources while that poll's signal is being written.
		await waitFor(() => store.getState().runbooks.length > 0 && store.getState().feeds.alerts?.status === 'ok', {message: 'library listed, alerts polled'});
		await am.postAlerts([{labels: {alertname: 'HighErrorRate', severity: 'critical', deployment: 'checkout'}, annotations: {summary: '5xx above 5%'}}]);
		await waitFor(() => eventsOf(store.getState().timeline, 'runbook.selected')[0], {message: 'runbook chosen by the alert', timeoutMs: 10_000});
		// Several polls of the restarted source, each a new list in the store.
		let polls = 0;
		const unsubscribe = store.subscribe((state, prev) => {
			if (alertsData.of(state) !== alertsData.of(prev)) polls++;
		});
		harness.onCleanup(unsubscribe);
		await waitFor(() => polls >= 5, {message: 'five more polls', timeoutMs: 10_000});
		await waitFor(() => store.getState().pendingSignals.length === 0, {message: 'every signal written'});
		const firing = eventsOf(await journalEvents(session.journal.path), 'signal').filter(e => e.data.kind === 'alert.firing');
		expect(firing.map(e => e.data.subject)).toEqual(['HighErrorRate{deployment=checkout,severity=critical}']);
	});
});
