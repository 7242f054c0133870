import {appendFileSync, readFileSync} from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
import {waitFor} from '../support/wait.js';
import {eventsOf, SessionHarness} from './support.js';

const harness = new SessionHarness();
afterEach(() => harness.cleanup());

const incidentId = 'inc-20261122-0304-test';

describe('session: resume from the journal', () => {
	it('a new session on the same incident replays title, severity, status, milestones, checked steps, pins and timeline', async () => {
		const stateDir = harness.tempDir();
		const config = harness.config({title: 'Checkout 5xx after deploy', severity: 'SEV3'});
		const first = await harness.open({stateDir, incidentId, config, runbookRef: 'bad-deploy', variables: {deployment: 'checkout'}});
		const {controller, store} = first;
		const steps = store.getState().runbook!.steps;
		expect(steps.length).toBeGreaterThan(2);

		controller.addNote('paging the payments team');
		const note = await waitFor(() => eventsOf(store.getState().timeline, 'note.added')[0], {message: 'note in the timeline'});
		controller.toggleStep(steps[0]!.id);
		controller.toggleStep(steps[2]!.id);
		await waitFor(() => Object.keys(store.getState().incident.checkedSteps).length === 2, {message: 'two steps checked'});
		controller.toggleStep(steps[2]!.id);
		await waitFor(() => Object.keys(store.getState().incident.checkedSteps).length === 1, {message: 'one step unchecked again'});
		controller.setSeverity('SEV1');
		await waitFor(() => store.getState().incident.severity === 'SEV1', {message: 'severity SEV1'});
		controller.setStatus('identified');
		await waitFor(() => store.getState().incident.status === 'identified', {message: 'status identified'});
		controller.setStatus('mitigated');
		await waitFor(() => store.getState().incident.status === 'mitigated', {message: 'status mitigated'});
		controller.togglePin(note.id);
		await waitFor(() => store.getState().incident.pinned[note.id], {message: 'note pinned'});

		const before = store.getState();
		expect(before.incident).toMatchObject({
			id: incidentId,
			title: 'Checkout 5xx after deploy',
			severity: 'SEV1',
			status: 'mitigated',
			checkedSteps: {[steps[0]!.id]: true},
			pinned: {[note.id]: true},
			runbookId: 'bad-deploy',
		});
		expect(Object.keys(before.incident.milestones).sort()).toEqual(['identified', 'investigating', 'mitigated']);
		await harness.stop(first);

		// No runbookRef this time: the journal remembers which runbook the incident chose.
		const second = await harness.open({stateDir, incidentId, config: harness.config()});
		const after = second.store.getState();
		expect(after.incident).toEqual(before.incident);
		expect(after.timeline).toEqual(before.timeline);
		expect(after.runbook?.id).toBe('bad-deploy');
		expect(after.warnings).toEqual([]);
		// Resuming appends nothing: no second incident.opened or runbook.selected.
		expect(eventsOf(after.timeline, 'incident.opened')).toHaveLength(1);
		expect(eventsOf(after.timeline, 'runbook.selected')).toHaveLength(1);
	});

	it('opens a journal whose last line was torn by a crash, with a warning, and keeps appending', async () => {
		const stateDir = harness.tempDir();
		const first = await harness.open({stateDir, incidentId});
		first.controller.addNote('before the crash');
		await waitFor(() => eventsOf(first.store.getState().timeline, 'note.added').length === 1, {message: 'note written'});
		const before = first.store.getState().timeline;
		const path = first.journal.path;
		await harness.stop(first);
		appendFileSync(path, '{"v":1,"id":"torn","at":"2026-11-22T03:10:00.000Z","by":"alice@b');

		const second = await harness.open({stateDir, incidentId});
		const state = second.store.getState();
		expect(state.warnings.length).toBeGreaterThan(0);
		expect(state.warnings.join('\n')).toMatch(/incomplete last line/);
		expect(state.warnings.join('\n')).toContain(path);
		expect(state.timeline).toEqual(before);
		expect(state.ui.flash?.tone).toBe('warn');

		second.controller.addNote('after the crash');
		await waitFor(() => eventsOf(second.store.getState().timeline, 'note.added').length === 2, {message: 'second note written'});
		await harness.stop(second);
		const third = await harness.open({stateDir, incidentId});
		expect(eventsOf(third.store.getState().timeline, 'note.added').map(e => e.data.text)).toEqual(['before the crash', 'after the crash']);
	});
});

describe('session: two operators on one incident', () => {
	it('a note added in one session appears in the other session within a few seconds', async () => {
		const stateDir = harness.tempDir();
		const alice = await harness.open({stateDir, incidentId});
		const bob = await harness.open({stateDir, incidentId});
		expect(bob.store.getState().timeline).toEqual(alice.store.getState().timeline);

		alice.controller.addNote('alice: rolling back checkout');
		const seen = await waitFor(() => eventsOf(bob.store.getState().timeline, 'note.added')[0], {timeoutMs: 5000, message: "alice's note in bob's timeline"});
		expect(seen.data.text).toBe('alice: rolling back checkout');

		bob.controller.setSeverity('SEV1');
		await waitFor(() => alice.store.getState().incident.severity === 'SEV1', {timeoutMs: 5000, message: "bob's severity change in alice's incident"});
		// Each event once in each store, however it arrived.
		for (const session of [alice, bob]) {
			const ids = session.store.getState().timeline.map(e => e.id);
			expect(new Set(ids).size).toBe(ids.length);
		}
		expect(alice.store.getState().timeline.map(e => e.id)).toEqual(bob.store.getState().timeline.map(e => e.id));
	});
});

describe('session: on disk before the screen says done', () => {
	it('a note is in the journal file at the moment the store shows it', async () => {
		const stateDir = harness.tempDir();
		const session = await harness.open({stateDir, incidentId});
		const path = session.journal.path;
		const checks: boolean[] = [];
		// Read the file synchronously inside the store update that shows the note: nothing can run in between.
		const unsubscribe = session.store.subscribe((state, prev) => {
			if (state.timeline === prev.timeline) return;
			const note = eventsOf(state.timeline, 'note.added').find(e => e.data.text === 'x marks the spot');
			if (note) checks.push(readFileSync(path, 'utf8').includes(`"id":"${note.id}"`));
		});
		harness.onCleanup(unsubscribe);
		session.controller.addNote('x marks the spot');
		await waitFor(() => checks.length > 0, {message: 'note shown in the store'});
		expect(checks[0]).toBe(true);
		await waitFor(() => session.store.getState().ui.flash?.text.includes('note saved'), {message: 'flash says saved'});
		const line = readFileSync(path, 'utf8').split('\n').find(l => l.includes('x marks the spot'));
		expect(JSON.parse(line!)).toMatchObject({v: 1, type: 'note.added', data: {text: 'x marks the spot'}});
	});
});
