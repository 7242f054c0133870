import {describe, expect, it} from 'vitest';
import {actions} from '../../source/actions/registry.js';
import {kinds} from '../../source/kinds/registry.js';
import {oversized} from '../support/size-limits.js';

describe('the kinds, the controller, the actions, the store and the App', () => {
	it('list each kind once, with a title, a layout and keys that name a binding', () => {
		expect(kinds.map(kind => kind.id)).toEqual(['health', 'metrics', 'pods', 'runbook', 'timeline', 'alerts']);
		for (const kind of kinds) {
			expect(kind.title.trim(), kind.id).not.toBe('');
			expect(kind.layout.weight, kind.id).toBeGreaterThan(0);
			for (const key of kind.keys) expect(key.binding.keys.length, `${kind.id}.${key.id}`).toBeGreaterThan(0);
		}
	});

	it('name, in the binding of a key that acts through the action registry, its action, dangerous as the registry says', () => {
		const named = kinds.flatMap(kind => kind.keys.filter(key => key.binding.action).map(key => `${kind.id}.${key.id}: ${key.binding.action}`));
		expect(named).toEqual(['health.rollback: rollback', 'health.scale: scale', 'health.restart: restart', 'pods.rollback: rollback', 'pods.scale: scale', 'pods.restart: restart', 'alerts.silence: silence', 'alerts.expire: expire-silence']);
		for (const kind of kinds) for (const key of kind.keys) if (key.binding.action) expect(key.binding.dangerous, key.id).toBe(actions[key.binding.action].dangerous);
	});

	it('have no file over 400 lines and no function over 80', async () => {
		expect(
			await oversized([
				'source/kinds/**/*.ts',
				'source/controller/*.ts',
				'source/actions/*.ts',
				'source/session/cockpit.ts',
				'source/ui/app-keys.ts',
				'source/ui/kind-keys.ts',
				'source/ui/layout.ts',
				'source/ui/panes/*.tsx',
				'source/ui/app.tsx',
				'source/ui/dialogs/*.tsx',
				'source/store/*.ts',
			]),
		).toEqual([
			// Over 80, each with the reason in its comment: a watch's and a poll's handlers share one start's state (the redesign makes it a class).
			expect.stringMatching(/^source\/kinds\/metrics\/source\.ts:\d+: Function 'startMetricsSource'/),
			expect.stringMatching(/^source\/kinds\/pods\/source\.ts:\d+: Function 'startKubernetesSource'/),
		]);
	});
});
