/**
 * `x` on a step whose command has variables no source gives opens a form for them in the cockpit:
 * one field per unknown variable, validated against its pattern; the values are recorded in the
 * timeline (secret ones masked) and the command is then prepared as before.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {forwardedTo, keys, recordingController, renderCockpit} from '../support/render-cockpit.js';
import {waitFor} from '../support/wait.js';
import {eventsOf, SessionHarness, writeRunbook} from './support.js';

const harness = new SessionHarness();
afterEach(() => harness.cleanup());

const markdown = [
	'# Restart a deployment',
	'',
	'## Steps',
	'',
	'1. Restart it:',
	'',
	'```console',
	'kubectl -n <cluster-namespace> rollout restart deployment/<deployment> --token $API_TOKEN',
	'```',
	'',
].join('\n');

describe('session: the variables form opened by x', () => {
	it('asks for each unknown variable, refuses a value outside its pattern, records the values (secret masked), then confirms the command', async () => {
		const dir = harness.tempDir('vars-');
		const file = writeRunbook(dir, 'restart.md', markdown);
		const session = await harness.open({stateDir: harness.tempDir(), incidentId: 'inc-20261206-0300-vars', runbookRef: file, namespace: 'shop'});
		const {store, controller} = session;
		const step = store.getState().runbook!.steps[0]!;
		const ui = await renderCockpit({store, controller: recordingController(forwardedTo(controller)), width: 120, height: 32});
		try {
			controller.requestStep(step.id);
			await ui.waitForFrame(f => f.includes('deployment') && f.includes('API_TOKEN') && f.includes('Values for'), 'the variables form');
			expect(store.getState().ui.dialog?.kind).toBe('variables');
			// The namespace is known (the session's): it is not asked for.
			const dialog = store.getState().ui.dialog;
			expect(dialog?.kind === 'variables' ? dialog.fields.map(field => field.name) : []).toEqual(['deployment', 'API_TOKEN']);
			// A leading "-" is not a deployment: refused with why, the form stays.
			await ui.press('-', 'x', keys.enter);
			await ui.waitForFrame(f => /deployment:.*-/.test(f) && f.includes('option'), 'the refusal');
			expect(store.getState().ui.dialog?.kind).toBe('variables');
			await ui.press(keys.backspace, keys.backspace, 'checkout', keys.tab, 's3cr3t', keys.enter);
			const request = await waitFor(() => {
				const open = store.getState().ui.dialog;
				return open?.kind === 'confirm' ? open.request : undefined;
			}, {message: 'the confirmation'});
			// The values entered fill the command: the namespace the session's, the deployment typed.
			expect(request.kubectl).toContain("set -- shop checkout '[REDACTED]'");
			expect(request.kubectl).toContain('rollout restart deployment/"${2}"');
			const entered = eventsOf(store.getState().timeline, 'variables.entered');
			expect(entered).toHaveLength(1);
			expect(entered[0]!.data).toMatchObject({stepId: step.id, values: {deployment: 'checkout', API_TOKEN: '[REDACTED]'}});
			expect(JSON.stringify(store.getState().timeline)).not.toContain('s3cr3t');
			controller.cancel(request);
		} finally {
			ui.unmount();
		}
		await harness.stop(session);
	});

	it('the confirmation shows the command with each substituted value marked, and where it came from', async () => {
		const dir = harness.tempDir('vars-');
		const file = writeRunbook(dir, 'restart.md', markdown);
		const session = await harness.open({stateDir: harness.tempDir(), incidentId: 'inc-20261206-0300-mark', runbookRef: file, namespace: 'shop', variables: {deployment: 'checkout'}});
		const {store, controller} = session;
		const step = store.getState().runbook!.steps[0]!;
		const ui = await renderCockpit({store, controller: recordingController(forwardedTo(controller)), width: 140, height: 40});
		try {
			controller.requestStep(step.id);
			await ui.waitForFrame(f => f.includes('API_TOKEN:'), 'the variables form (the token only)');
			await ui.press('s3cr3t', keys.enter);
			await ui.waitForFrame(f => f.includes('filled'), 'the confirmation with its values marked');
			const frame = ui.frame();
			expect(frame).toContain('kubectl -n ‹shop› rollout restart deployment/‹checkout› --token ‹••••›');
			expect(frame).toMatch(/‹shop›\s+cluster-namespace: session namespace/);
			expect(frame).toMatch(/‹checkout›\s+deployment: --var/);
			expect(frame).toMatch(/‹••••›\s+API_TOKEN: entered in the cockpit/);
			expect(frame).not.toContain('s3cr3t');
		} finally {
			ui.unmount();
		}
		await harness.stop(session);
	});

	it("a step's details list every variable of the runbook, its value and where it came from (secrets masked)", async () => {
		const dir = harness.tempDir('vars-');
		const file = writeRunbook(dir, 'restart.md', markdown);
		const session = await harness.open({stateDir: harness.tempDir(), incidentId: 'inc-20261206-0300-view', runbookRef: file, namespace: 'shop', variables: {deployment: 'checkout', API_TOKEN: 's3cr3t'}});
		const {store, controller} = session;
		const step = store.getState().runbook!.steps[0]!;
		controller.showDetails({kind: 'runbook', key: step.id});
		const details = await waitFor(() => {
			const dialog = store.getState().ui.dialog;
			return dialog?.kind === 'details' ? dialog : undefined;
		}, {message: 'the step details'});
		const lines = [...details.lines, ...(details.parts ?? []).flatMap(part => ('lines' in part ? part.lines : []))];
		const at = lines.indexOf('Variables (value · where it came from):');
		expect(at).toBeGreaterThan(-1);
		expect(lines.slice(at + 1, at + 4)).toEqual(['  cluster-namespace = shop · session namespace', '  deployment = checkout · --var', '  API_TOKEN = [REDACTED] · --var']);
		expect(JSON.stringify(details)).not.toContain('s3cr3t');
		await harness.stop(session);
	});
});

