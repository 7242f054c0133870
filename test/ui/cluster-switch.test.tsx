/**
 * The screen's side of switching context and namespace: the keys (from the keymap, read-only too),
 * the filterable pickers, and the production marker, which must hold without colour (NO_COLOR).
 */
import {afterEach, describe, expect, it} from 'vitest';
import type {ActionRequest} from '../../source/actions/types.js';
import {scopeChoice} from '../../source/store/types.js';
import {keymap, Command} from '../../source/ui/keymap.js';
import {helpLines} from '../../source/ui/kind-keys.js';
import {keys, renderCockpit} from '../support/render-cockpit.js';

let cleanup: Array<() => void> = [];
afterEach(() => {
	for (const fn of cleanup) fn();
	cleanup = [];
});

function restartRequest(): ActionRequest {
	return {
		id: 'act-prod',
		kind: 'restart',
		title: 'Restart deployment/payments',
		dangerous: true,
		target: {context: 'prod-us', namespace: 'shop', object: 'deployment/payments'},
		change: 'pods of deployment/payments replaced one by one',
		kubectl: 'kubectl --context prod-us -n shop rollout restart deployment/payments',
		details: [],
		warnings: [],
		timeoutMs: 30_000,
		params: {kind: 'restart', deployment: 'payments', where: {context: 'prod-us', namespace: 'shop'}, production: true},
	};
}

describe('switching keys and pickers', () => {
	it('the keymap’s keys open the context and namespace pickers, in read-only mode too, and the help lists them', async () => {
		const ui = await renderCockpit({storeOptions: {env: {context: 'prod-eu', namespace: 'shop', readonly: true}}});
		cleanup.push(() => ui.unmount());
		await ui.press(keymap[Command.PickNamespace].keys[0]!);
		await ui.press(keymap[Command.PickContext].keys[0]!);
		await ui.waitForFrame(() => ui.controller.calls.filter(([name]) => name === 'pickNamespace' || name === 'pickContext').length === 2, 'both pickers asked for');
		expect(ui.frame()).not.toContain('read-only mode:');
		const help = helpLines(true).map(line => `${line.label} ${line.help}${line.disabled ? ' (disabled)' : ''}`);
		expect(help).toContain(`${keymap[Command.PickContext].label} ${keymap[Command.PickContext].help}`);
		expect(help).toContain(`${keymap[Command.PickNamespace].label} ${keymap[Command.PickNamespace].help}`);
	});

	it('the namespace picker narrows as letters are typed (j, k and digits too), enter switches to the highlighted one, esc clears the filter first', async () => {
		const ui = await renderCockpit({width: 120, height: 30});
		cleanup.push(() => ui.unmount());
		const names = ['default', 'kube-system', 'shop', 'team-1', 'team-b', 'team-jk'];
		ui.store.getState().dialogOpened({
			kind: 'pick',
			purpose: 'namespace',
			title: 'Namespace in context prod-eu (now shop)',
			items: [{label: 'all namespaces', value: scopeChoice.allNamespaces}, ...names.map(name => ({label: name, value: scopeChoice.namespace(name)}))],
			current: scopeChoice.namespace('shop'),
			filterable: true,
			note: 'cannot list namespaces (403 Forbidden, context prod-eu): offered instead: the namespaces the config and this incident know.',
		});
		await ui.waitForFrame(f => f.includes('403 Forbidden') && f.includes('kube-system'), 'the picker with its note');
		await ui.press('t', 'e', 'a', 'm', '-', 'j');
		await ui.waitForFrame(f => f.includes('filter: team-j') && f.includes('team-jk') && !f.includes('team-b') && !f.includes('kube-system'), 'narrowed to team-jk');
		await ui.press(keys.escape);
		await ui.waitForFrame(f => f.includes('kube-system') && f.includes('team-b'), 'the filter cleared, the picker still open');
		await ui.press('1');
		await ui.waitForFrame(f => f.includes('filter: 1') && f.includes('team-1') && !f.includes('team-b'), 'a digit typed, not picked');
		await ui.press(keys.enter);
		await ui.waitForFrame(() => ui.controller.calls.some(([name]) => name === 'switchScope'), 'switched');
		expect(ui.controller.calls.filter(([name]) => name === 'switchScope')).toEqual([['switchScope', [{namespace: 'team-1'}]]]);
		await ui.waitForFrame(f => !f.includes('kube-system'), 'the picker closed');
	});
});

describe('the production marker', () => {
	it('says PROD in the header and PRODUCTION beside the confirmation’s context, without colour (NO_COLOR)', async () => {
		const ui = await renderCockpit({width: 140, height: 30, color: false, storeOptions: {env: {context: 'prod-us', namespace: 'shop', production: true}}});
		cleanup.push(() => ui.unmount());
		const header = () => ui.frame().split('\n')[0]!;
		expect(header()).toMatch(/^ PROD /);
		expect(header()).toContain('prod-us/shop');
		ui.store.getState().dialogOpened({kind: 'confirm', request: restartRequest()});
		await ui.waitForFrame(f => /context\s+prod-us {2}\(PRODUCTION\)/.test(f), 'the confirmation names the production context');

		// Not production: neither marker.
		ui.store.getState().dialogClosed();
		ui.store.getState().clusterConnected('staging', 'shop', {readonly: false, production: false});
		await ui.waitForFrame(f => f.split('\n')[0]!.includes('staging/shop') && !f.split('\n')[0]!.includes('PROD'), 'no PROD for staging');
		ui.store.getState().dialogOpened({kind: 'confirm', request: {...restartRequest(), target: {context: 'staging', namespace: 'shop', object: 'deployment/payments'}}});
		await ui.waitForFrame(f => /context\s+staging/.test(f), 'the confirmation');
		expect(ui.frame()).not.toContain('PRODUCTION');
	});
});
