/**
 * `{{variables}}` in step titles show this incident's values everywhere a step is named: the
 * Runbook pane, its details, a confirmation, the timeline, and the post-mortem (`E` and
 * `incident-tui export`). A value not known stays a visible placeholder.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {renderCockpit} from '../support/render-cockpit.js';
import {waitFor} from '../support/wait.js';
import {runCli} from '../cli/run-cli.js';
import {eventsOf, SessionHarness, writeRunbook} from './support.js';

const harness = new SessionHarness();
afterEach(() => harness.cleanup());

const yaml = [
	'id: titles',
	'title: Titles',
	'variables:',
	'  - {name: deployment}',
	'  - {name: namespace, default: default}',
	'  - {name: token, secret: true}',
	'steps:',
	'  - id: check',
	'    title: Check {{deployment}} in {{namespace}}',
	'    command: [echo, "{{deployment}}"]',
	'  - id: ask',
	'    title: Ask {{owner}} about {{ deployment }}',
	'  - id: login',
	'    title: Log in with {{token}}',
	'',
].join('\n');

describe('session: step titles with the incident’s values', () => {
	it('in the pane, details, confirmation, timeline and post-mortem; unknown values stay placeholders, secrets masked', async () => {
		const dir = harness.tempDir('titles-');
		const file = writeRunbook(dir, 'titles.yaml', yaml);
		const stateDir = harness.tempDir();
		const exportDir = harness.tempDir('export-');
		const incidentId = 'inc-20261206-0300-titl';
		const session = await harness.open({stateDir, incidentId, exportDir, runbookRef: file, namespace: 'shop', variables: {deployment: 'checkout', token: 's3cr3t-value'}});
		const {store, controller} = session;
		expect(store.getState().runbook?.steps.map(s => s.title)).toEqual(['Check checkout in shop', 'Ask {{owner}} about checkout', 'Log in with [REDACTED]']);

		const ui = await renderCockpit({store, width: 120, height: 32});
		try {
			await ui.waitForFrame(f => f.includes('Check checkout in shop') && f.includes('Ask {{owner}} about checkout'), 'the Runbook pane');
			expect(ui.frame()).not.toContain('{{deployment}}');
		} finally {
			ui.unmount();
		}

		controller.showDetails({kind: 'runbook', key: 'check'});
		const details = await waitFor(() => {
			const dialog = store.getState().ui.dialog;
			return dialog?.kind === 'details' ? dialog : undefined;
		}, {message: 'the step details'});
		expect(details.title).toContain('Check checkout in shop');
		store.getState().dialogClosed();

		controller.requestStep('check');
		const request = await waitFor(() => {
			const dialog = store.getState().ui.dialog;
			return dialog?.kind === 'confirm' ? dialog.request : undefined;
		}, {message: 'the confirmation'});
		expect(request.title).toBe('Run: Check checkout in shop');
		controller.cancel(request);

		controller.toggleStep('check');
		await waitFor(() => eventsOf(store.getState().timeline, 'step.checked').length === 1, {message: 'the tick'});
		expect(eventsOf(store.getState().timeline, 'step.checked')[0]!.data.title).toBe('Check checkout in shop');

		controller.exportPostmortem();
		await waitFor(() => store.getState().ui.flash?.text.includes('post-mortem draft written'), {message: 'the draft'});
		const draft = readFileSync(path.join(exportDir, `${incidentId}-postmortem.md`), 'utf8');
		expect(draft).toContain('Check checkout in shop');
		expect(draft).toContain('Ask {{owner}} about checkout');
		expect(draft).not.toContain('s3cr3t-value');
		await harness.stop(session);

		// The journal recorded the values (not the secret one): `incident-tui export` fills the titles too.
		const selected = eventsOf(await (await import('./support.js')).journalEvents(session.journal.path), 'runbook.selected')[0]!;
		expect(selected.data.variables).toMatchObject({deployment: 'checkout', namespace: 'shop'});
		expect(selected.data.variables).not.toHaveProperty('token');
		const exported = await runCli(['export', incidentId, '--state-dir', stateDir], {home: harness.tempDir('home-')});
		expect(exported.stderr).toBe('');
		expect(exported.stdout).toContain('Check checkout in shop');
		expect(exported.stdout).toContain('Ask {{owner}} about checkout');
		expect(exported.stdout).toContain('Log in with {{token}}');
	}, 60_000);
});
