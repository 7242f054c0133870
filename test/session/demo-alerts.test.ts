/**
 * The demo's Alerts pane: its alerts come from the demo's own Alertmanager API on loopback
 * (source/demo/alertmanager.ts), ruled from the scenario; silencing one from the cockpit goes
 * through the same client and action as against a real Alertmanager.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {startDemo} from '../../source/demo/index.js';
import {alertsData, silencesData} from '../../source/kinds/alerts/data.js';
import {waitFor} from '../support/wait.js';
import {eventsOf, SessionHarness} from './support.js';

const harness = new SessionHarness();
afterEach(() => harness.cleanup());

describe('session: the demo’s alerts', () => {
	it('fire from the scenario, and a silence made from the cockpit mutes one until it is expired', async () => {
		const abort = new AbortController();
		const demo = await startDemo({signal: abort.signal, speed: 20});
		harness.onCleanup(async () => {
			abort.abort();
			await demo.stop();
		});
		expect(demo.config.alertmanager?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		const session = await harness.open({
			config: demo.config,
			stateDir: harness.tempDir(),
			incidentId: 'inc-20261206-1300-demo',
			demo: true,
			context: demo.config.kubernetes?.context ?? 'demo',
			namespace: demo.config.kubernetes?.namespace ?? 'default',
			cluster: demo.cluster,
			variables: demo.runbookVariables,
		});
		const {store, controller} = session;
		session.start();
		const highErrorRate = () => alertsData.of(store.getState()).find(a => a.name === 'HighErrorRate');
		await waitFor(() => highErrorRate()?.state === 'firing', {timeoutMs: 15_000, message: 'HighErrorRate firing in the demo'});
		expect(highErrorRate()).toMatchObject({labels: {service: 'checkout', severity: 'critical'}, annotations: {runbook_url: expect.stringMatching(/^https:/)}});
		await waitFor(() => eventsOf(store.getState().timeline, 'signal').some(e => e.data.kind === 'alert.firing' && e.data.subject?.startsWith('HighErrorRate')), {message: 'its firing signal in the timeline'});

		controller.requestAction('silence', {values: {matchers: 'alertname="HighErrorRate", service="checkout"', duration: '30m', comment: 'drill: rolling back'}});
		const dialog = await waitFor(() => {
			const d = store.getState().ui.dialog;
			return d?.kind === 'confirm' ? d : undefined;
		}, {message: 'the silence’s confirmation'});
		expect(dialog.request.details[0]).toBe(`Alertmanager ${demo.config.alertmanager!.url}/`);
		controller.confirm(dialog.request);
		const done = await waitFor(() => eventsOf(store.getState().timeline, 'action.succeeded').find(e => e.data.kind === 'silence'), {message: 'the silence made'});
		// Read again right after the action, though the demo polls alerts every 15 s.
		await waitFor(() => highErrorRate()?.state === 'suppressed', {timeoutMs: 5000, message: 'HighErrorRate silenced'});
		const id = highErrorRate()!.silencedBy![0]!;
		expect(done.data.outcome).toContain(`silence ${id} of alertname="HighErrorRate", service="checkout" until `);
		expect(silencesData.of(store.getState())).toEqual([expect.objectContaining({id, state: 'active', comment: 'drill: rolling back'})]);

		controller.requestAction('expire-silence', {values: {id}});
		const expiry = await waitFor(() => {
			const d = store.getState().ui.dialog;
			return d?.kind === 'confirm' && d.request.kind === 'expire-silence' ? d : undefined;
		}, {message: 'the expiry’s confirmation'});
		controller.confirm(expiry.request);
		await waitFor(() => highErrorRate()?.state === 'firing', {timeoutMs: 5000, message: 'HighErrorRate firing again'});
		expect(eventsOf(store.getState().timeline, 'action.succeeded').find(e => e.data.kind === 'expire-silence')?.data.outcome).toBe(`silence ${id} expired`);
	});
});
