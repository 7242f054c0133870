import {describe, expect, it} from 'vitest';
import {detailsFor} from '../../source/kinds/panes.js';
import {clusterData} from '../../source/kinds/pods/cluster-data.js';
import {podsData} from '../../source/kinds/pods/data.js';
import {createIncidentStore} from '../../source/store/store.js';
import type {RowRef} from '../../source/kinds/types.js';
import {deployment, pod, timelineEvent} from '../support/fixtures.js';
import {keys, recordingController, renderCockpit} from '../support/render-cockpit.js';

/**
 * Nothing on screen stays cut for want of a way to read it: enter on a pane whose error line is cut,
 * on a timeline row cut at the edge, or while a cut message shows in the footer, shows it whole.
 */
const apiError = 'cannot reach the API server https://10.0.0.1:6443 (connect ECONNREFUSED) (context fake-prod, namespace shop-payments-eu); check the VPN';

/** The dialog's text, its border and padding removed, its lines joined (a wrapped line joins back). */
function dialogText(frame: string): string {
	return frame
		.split('\n')
		.filter(line => line.includes('│'))
		.map(line => line.replace(/^[^│]*│ ?/, '').replace(/ ?│[^│]*$/, '').trim())
		.join(' ');
}

describe('enter shows a cut line whole', () => {
	it('a pane’s error line, in a pane that has no rows', async () => {
		const store = createIncidentStore({env: {context: 'fake-prod', namespace: 'shop-payments-eu'}});
		store.getState().feedFailed('cluster', apiError, Date.now(), 'unreachable');
		const ui = await renderCockpit({width: 80, height: 24, store});
		await ui.press('3');
		await ui.waitForFrame(f => f.includes('cannot reach the API server'), 'the error line');
		expect(ui.frame()).not.toContain('check the VPN');
		await ui.press(keys.enter);
		await ui.waitForFrame(f => dialogText(f).includes('namespace shop-payments-eu); check the VPN'), 'the error whole');
	});

	it('a pane’s error line above the row selected: its details start with it', async () => {
		const store = createIncidentStore();
		store.getState().dataReceived(podsData, clusterData([pod('api-1', 'api')], [deployment('api')]));
		store.getState().feedFailed('cluster', apiError, Date.now(), 'unreachable');
		const ref: RowRef = {kind: 'pods', key: 'pod/api-1', pod: 'api-1', deployment: 'api'};
		const details = await detailsFor(ref, store.getState(), null);
		expect(details.lines[0]).toMatch(/^Pods: stale .*unreachable.* · cannot reach the API server .*; check the VPN$/);
		expect(details.lines).toContain('restarts    0');
	});

	it('a timeline row cut at the edge', async () => {
		const store = createIncidentStore();
		const message = 'rollback deployment/api failed: deployments.apps "api" is forbidden: User "viewer" cannot patch resource "deployments" in API group "apps" in the namespace "shop"';
		store.getState().eventsAppended([timelineEvent('signal', {kind: 'rollout.failed', level: 'crit', message, subject: 'deployment/api'}, new Date().toISOString())]);
		const controller = recordingController({
			showDetails: (ref: RowRef) => void detailsFor(ref, store.getState(), null).then(details => store.getState().dialogOpened({kind: 'details', ...details})),
		});
		const ui = await renderCockpit({width: 80, height: 24, store, controller});
		await ui.press('5');
		await ui.waitForFrame(f => f.includes('deployments.apps "api" is'), 'the row');
		expect(ui.frame()).not.toContain('cannot patch');
		await ui.press(keys.enter);
		await ui.waitForFrame(f => dialogText(f).includes('cannot patch resource "deployments" in API group "apps" in the namespace "shop"'), 'the row whole');
	});

	it('a message cut in the footer', async () => {
		const store = createIncidentStore();
		const ui = await renderCockpit({width: 80, height: 24, store});
		store.getState().flashed(`post-mortem draft not written: EACCES: permission denied, open '/srv/incidents/shared/inc-20261206-1012-abcd-postmortem.md'`, 'crit');
		await ui.waitForFrame(f => f.includes('post-mortem draft not written'), 'the message');
		expect(ui.frame()).not.toContain('abcd-postmortem.md');
		await ui.press(keys.enter);
		await ui.waitForFrame(f => dialogText(f).includes('inc-20261206-1012-abcd-postmortem.md'), 'the message whole');
	});
});
