/**
 * An alert whose labels someone else wrote chooses the runbook, through a REAL Alertmanager (Debian's
 * prometheus-alertmanager) and the cockpit's own alerts source: its labels fill the runbook's
 * variables, and nothing in them runs, nor reaches a program as an option.
 */
import {existsSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import type {ActionRequest} from '../../source/actions/types.js';
import type {IncidentStore} from '../../source/store/store.js';
import {requireAlertmanager, startAlertmanager, type RunningAlertmanager} from '../support/alertmanager.js';
import {waitFor} from '../support/wait.js';
import {eventsOf, SessionHarness, writeRunbook} from './support.js';

const binary = requireAlertmanager('session: hostile alert labels');
const harness = new SessionHarness();
afterEach(() => harness.cleanup());

let alertmanager: RunningAlertmanager;
beforeAll(async () => {
	if (binary) alertmanager = await startAlertmanager(binary);
}, 30_000);
afterAll(async () => {
	await alertmanager?.close();
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

describe.skipIf(!binary)('session: hostile alert labels', () => {
	it('a label with $(…) fills a script step as data, and a label starting with "-" is refused in a script step, a config command and an action step', async () => {
		const dir = harness.tempDir('hostile-');
		const canary = join(dir, 'pwned');
		const out = join(dir, 'out');
		writeRunbook(
			dir,
			'pod-broken.yaml',
			[
				'id: pod-broken',
				'title: Pod broken',
				'alerts: [HostilePodBroken]',
				'steps:',
				'  - id: describe',
				'    title: Describe the pod',
				`    script: echo "checking pod {{pod}}" > ${JSON.stringify(out)}`,
				'  - id: history',
				'    title: Rollout history',
				'    script: kubectl rollout history deployment {{deployment}}',
				'  - id: rollback',
				'    title: Roll back',
				'    action: {kind: rollback, deployment: "{{deployment}}"}',
				'',
			].join('\n'),
		);
		const config = harness.config({
			alertmanager: {url: alertmanager.url},
			refresh: {alertsMs: 300},
			runbooks: [dir],
			commands: [{id: 'history', argv: ['kubectl', 'rollout', 'history', '{{deployment}}']}],
		});
		await alertmanager.postAlerts([
			{labels: {alertname: 'HostilePodBroken', severity: 'critical', pod: `$(touch ${canary})`, deployment: '--kubeconfig=/etc/passwd'}},
		]);
		const session = await harness.open({stateDir: harness.tempDir(), config, incidentId: 'inc-20261206-0300-host'});
		const {store, controller} = session;
		session.start();
		await waitFor(() => store.getState().runbook?.id === 'pod-broken', {timeoutMs: 20_000, message: 'the alert to choose the runbook'});

		controller.requestStep('describe');
		const request = await confirmation(store);
		controller.confirm(request);
		await waitFor(() => eventsOf(store.getState().timeline, 'action.succeeded').length === 1, {message: 'the step ran'});
		expect(existsSync(canary), 'the label ran').toBe(false);
		expect(await readFile(out, 'utf8')).toBe(`checking pod $(touch ${canary})\n`);
		// The confirmation showed the value as data, quoted, and said so.
		expect(request.warnings).toContain(`{{pod}} = ${JSON.stringify(`$(touch ${canary})`)} contains shell syntax: it is passed as data and does not run.`);
		expect(request.kubectl).toContain('echo "checking pod ${1}"');

		controller.requestStep('history');
		await waitFor(() => store.getState().ui.flash?.text.includes('starts with "-"'), {message: 'the script step refused'});
		expect(store.getState().ui.flash?.text).toContain('{{deployment}}, "--kubeconfig=/etc/passwd", starts with "-"');
		// A note's own flash replaces the refusal, so the next refusal is the config command's.
		controller.addNote('barrier');
		await waitFor(() => store.getState().ui.flash?.text === 'note saved to the timeline', {message: 'barrier'});

		controller.requestConfigCommand('history');
		await waitFor(() => store.getState().ui.flash?.text.includes('{{deployment}}, "--kubeconfig=/etc/passwd", starts with "-"'), {message: 'the config command refused'});
		controller.addNote('barrier 2');
		await waitFor(() => store.getState().ui.flash?.text === 'note saved to the timeline', {message: 'barrier 2'});

		controller.requestStep('rollback');
		await waitFor(() => store.getState().ui.flash?.text.includes('{{deployment}}, "--kubeconfig=/etc/passwd", starts with "-"'), {message: 'the action step refused'});
		controller.addNote('barrier 3');
		await waitFor(() => store.getState().ui.flash?.text === 'note saved to the timeline', {message: 'barrier 3'});
		// Only the describe step was ever asked for: neither refusal reached a confirmation.
		expect(eventsOf(store.getState().timeline, 'action.requested')).toHaveLength(1);
		expect(store.getState().ui.dialog?.kind).not.toBe('confirm');
	}, 40_000);
});
