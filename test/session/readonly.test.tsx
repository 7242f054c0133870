import React from 'react';
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {createKubeCluster} from '../../source/clients/kube-cluster.js';
import {App} from '../../source/ui/app.js';
import {CockpitProvider} from '../../source/ui/context.js';
import {keymap} from '../../source/ui/keymap.js';
import {createTheme} from '../../source/ui/theme.js';
import {startFakeKubeServer} from '../support/fake-kube-server.js';
import {waitFor} from '../support/wait.js';
import {eventsOf, SessionHarness, writeRunbook} from './support.js';
import {podsData} from '../../source/kinds/pods/data.js';
import {kindById, kinds} from '../../source/kinds/registry.js';
import {focusBinding} from '../../source/ui/kind-keys.js';

const harness = new SessionHarness();
afterEach(() => harness.cleanup());

/** What a terminal sends for each key name the keymap uses. */
const sequences: Record<string, string> = {
	up: '\u001B[A',
	down: '\u001B[B',
	left: '\u001B[D',
	right: '\u001B[C',
	pageup: '\u001B[5~',
	pagedown: '\u001B[6~',
	home: '\u001B[H',
	end: '\u001B[F',
	tab: '\t',
	'shift+tab': '\u001B[Z',
	return: '\r',
	escape: '\u001B',
};

function sequenceOf(name: string): string {
	if (sequences[name]) return sequences[name]!;
	if (name.startsWith('ctrl+')) return String.fromCharCode(name.charCodeAt(5) - 96);
	expect(name, `keymap key "${name}" has no terminal sequence in this test`).toHaveLength(1);
	return name;
}

describe('session: read-only mode', () => {
	it('no key in any pane sends a mutating request or runs a command', async () => {
		const server = await startFakeKubeServer();
		harness.onCleanup(() => server.close());
		server.addDeployment({name: 'checkout', images: ['shop/checkout:1.7.2', 'shop/checkout:1.8.0'], replicas: 2});
		server.addDeployment({name: 'cart', images: ['shop/cart:2.0.0', 'shop/cart:2.1.0'], replicas: 1});

		const dir = harness.tempDir('runbook-');
		const marker = join(dir, 'MARKER');
		writeRunbook(
			dir,
			'readonly.yaml',
			[
				'id: readonly-test',
				'title: Read-only test',
				'variables:',
				'  - {name: deployment, default: checkout}',
				'steps:',
				`  - {id: touch, title: Touch the marker, command: [touch, ${JSON.stringify(marker)}]}`,
				`  - {id: script, title: Touch by script, script: ${JSON.stringify(`touch ${marker}`)}}`,
				'  - {id: undo, title: Roll back, action: {kind: rollback, deployment: "{{deployment}}"}}',
				'  - {id: more, title: Scale out, action: {kind: scale, deployment: "{{deployment}}"}}',
				'  - {id: kick, title: Restart, action: {kind: restart, deployment: "{{deployment}}"}}',
				'',
			].join('\n'),
		);
		const cluster = createKubeCluster({kubeconfig: server.kubeconfigPath, readonly: true, fieldManager: 'incident-tui/test', backoff: {initialMs: 20, maxMs: 200}});
		const session = await harness.open({
			stateDir: harness.tempDir(),
			incidentId: 'inc-20261122-0304-ro',
			config: harness.config({runbooks: [dir]}),
			runbookRef: 'readonly-test',
			readonly: true,
			cluster,
			context: server.context,
			namespace: server.namespace,
		});
		const {store} = session;
		expect(store.getState().runbook?.id).toBe('readonly-test');
		session.start();
		await waitFor(() => podsData.of(store.getState()).pods.size === 3 && Object.keys(podsData.of(store.getState()).deployments).length === 2, {message: 'pods and deployments in the store'});

		const flashes = new Set<string>();
		harness.onCleanup(store.subscribe(state => state.ui.flash && flashes.add(state.ui.flash.text)));
		const ui = render(
			<CockpitProvider store={store} controller={session.controller} theme={createTheme({color: false})}>
				<App size={{width: 120, height: 40}} />
			</CockpitProvider>,
		);
		harness.onCleanup(() => ui.unmount());
		await waitFor(() => ui.lastFrame()?.includes('Read-only test'), {message: 'first frame with the runbook'});
		const press = async (key: string) => {
			ui.stdin.write(key);
			// Let Ink's input handler, React's commit and the dialogs' input effects run before the next key.
			await new Promise(resolve => setImmediate(resolve));
			await new Promise(resolve => setImmediate(resolve));
		};

		const kindBindings = kinds.flatMap(kind => kind.keys.map(key => key.binding));
		const allKeys = [...new Set([...Object.values(keymap), ...kindBindings, ...kinds.map(focusBinding)].flatMap(binding => binding.keys))].map(sequenceOf);
		const rowKeys = [...new Set([...Object.values(keymap).filter(b => b.dangerous), ...kindById('runbook')!.keys.map(k => k.binding), ...kindBindings.filter(b => b.dangerous)].flatMap(b => b.keys))].map(sequenceOf).concat('\r', 'y');
		let dialogsConfirmed = 0;
		const panes = ['health', 'metrics', 'pods', 'runbook', 'timeline'] as const;
		// Every row of the panes where dangerous keys act (pods: deployments and pods; runbook: each step), the first rows elsewhere.
		const rowsIn = {health: 1, metrics: 1, pods: 5, runbook: 6, timeline: 2};
		for (const [index, pane] of panes.entries()) {
			for (let row = 0; row < rowsIn[pane]; row++) {
				// Row 0 gets every key; the other rows the keys that act on a row (the dangerous ones, enter, space).
				for (const key of row === 0 ? allKeys : rowKeys) {
					const state = store.getState();
					if (state.ui.focus !== pane || (state.ui.selected[pane]?.index ?? 0) !== row) {
						await press(String(index + 1));
						await press('g');
						for (let i = 0; i < row; i++) await press('j');
					}
					await press(key);
					if (store.getState().ui.dialog) {
						// Try to confirm whatever opened (y, then enter), then close what is left.
						dialogsConfirmed++;
						await press('y');
						if (store.getState().ui.dialog) await press('\r');
						if (store.getState().ui.dialog) await press('\u001B');
					}
					if (store.getState().ui.help) await press('\u001B');
					// Clear a filter a confirmed filter prompt may have set.
					if (store.getState().ui.filter[pane]) await press('\u001B');
				}
			}
		}

		// A barrier: everything the keys queued on the journal has been written once this note is shown.
		session.controller.addNote('barrier');
		await waitFor(() => eventsOf(store.getState().timeline, 'note.added').some(e => e.data.text === 'barrier'), {message: 'barrier note'});

		expect(server.requests.filter(r => r.method !== 'GET')).toEqual([]);
		expect(existsSync(marker)).toBe(false);
		// The keys did reach the cockpit: dialogs opened and were confirmed, dangerous keys were refused.
		expect(dialogsConfirmed).toBeGreaterThan(20);
		const timeline = store.getState().timeline;
		expect(eventsOf(timeline, 'note.added').some(e => e.data.text === 'y')).toBe(true);
		expect(eventsOf(timeline, 'runbook.selected').some(e => e.data.reason === 'chosen by operator')).toBe(true);
		expect(eventsOf(timeline, 'step.checked').length).toBeGreaterThan(0);
		expect([...flashes].some(text => /read-only mode/.test(text))).toBe(true);
		expect(server.requests.filter(r => r.method === 'GET').length).toBeGreaterThan(0);

		expect(timeline.filter(e => e.type.startsWith('action.'))).toEqual([]);
		expect(server.get('deployments', 'checkout')!.spec.template.spec.containers[0].image).toBe('shop/checkout:1.8.0');
	});
});
