import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {waitFor} from '../support/wait.js';
import {SessionHarness} from './support.js';

const harness = new SessionHarness();
afterEach(() => harness.cleanup());

describe('session: E writes the post-mortem draft', () => {
	it('from the journal, as ID-postmortem.md in the export directory, and says where', async () => {
		const exportDir = harness.tempDir('export-');
		const session = await harness.open({stateDir: harness.tempDir(), incidentId: 'inc-20261122-0304-expo', exportDir, config: harness.config({title: 'Checkout 5xx'})});
		const {store, controller} = session;
		controller.addNote('paged by the checkout alert');
		await waitFor(() => store.getState().timeline.some(e => e.type === 'note.added'), {message: 'the note on disk'});

		controller.exportPostmortem();
		const file = path.join(exportDir, 'inc-20261122-0304-expo-postmortem.md');
		await waitFor(() => store.getState().ui.flash?.text.includes('post-mortem draft written'), {message: 'the flash'});
		expect(store.getState().ui.flash).toMatchObject({text: `post-mortem draft written to ${file}`, tone: 'ok'});
		const text = readFileSync(file, 'utf8');
		expect(text).toContain('# Post-mortem draft: Checkout 5xx');
		expect(text).toContain('Note: paged by the checkout alert');
	});

	it('is offered when the incident is resolved', async () => {
		const session = await harness.open({stateDir: harness.tempDir(), incidentId: 'inc-20261122-0304-expo'});
		session.controller.setStatus('mitigated');
		await waitFor(() => session.store.getState().incident.status === 'mitigated', {message: 'mitigated'});
		expect(session.store.getState().ui.flash?.text ?? '').not.toContain('post-mortem');
		session.controller.setStatus('resolved');
		await waitFor(() => session.store.getState().ui.flash?.text === 'resolved · E writes the post-mortem draft', {message: 'the offer'});
	});

	it('says so when it cannot write the file, and writes nothing elsewhere', async () => {
		const missing = path.join(harness.tempDir('export-'), 'no', 'such', 'dir');
		const session = await harness.open({stateDir: harness.tempDir(), incidentId: 'inc-20261122-0304-expo', exportDir: missing});
		session.controller.exportPostmortem();
		await waitFor(() => session.store.getState().ui.flash?.text.includes('not written'), {message: 'the failure'});
		expect(session.store.getState().ui.flash?.tone).toBe('crit');
		expect(session.store.getState().ui.flash?.text).toContain('ENOENT');
		expect(existsSync(missing)).toBe(false);
	});
});
