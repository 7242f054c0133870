import {describe, expect, it} from 'vitest';
import {rollbackAction} from '../../source/actions/rollback.js';
import {withWarnings} from '../../source/actions/types.js';
import {useFakeKubeForActions} from '../support/kube-actions.js';
import {editAction, runAction} from '../../source/actions/registry.js';

const kube = useFakeKubeForActions();
const {env, cluster, context, mutations} = kube;
const now = () => Date.parse('2026-11-22T03:00:00Z');

describe('rollbackAction', () => {
	it('previews current and previous revision, images and creation times, without mutating', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.3.2', 'shop/api:1.4.0'], changeCauses: [undefined as unknown as string, 'deploy 1.4.0']});
		const c = await cluster();
		const request = await rollbackAction.prepare({cluster: c, env: env({production: true}), deployment: 'api', newId: () => 'a1', now});
		expect(request).toMatchObject({
			id: 'a1',
			kind: 'rollback',
			title: 'Roll back deployment',
			dangerous: true,
			target: {context: 'test-ctx', namespace: 'shop', object: 'deployment/api'},
			change: 'revision 2 (shop/api:1.4.0) -> revision 1 (shop/api:1.3.2)',
			kubectl: 'kubectl --context test-ctx -n shop rollout undo deployment/api --to-revision=1',
			typeToConfirm: 'api',
			timeoutMs: 30_000,
			warnings: [],
		});
		expect(request.details).toEqual([
			'current revision 2: shop/api:1.4.0, created 2026-11-20 01:00 UTC (2d2h ago), change-cause "deploy 1.4.0"',
			'target  revision 1: shop/api:1.3.2, created 2026-11-20 00:00 UTC (2d3h ago)',
			'images that change:',
			'  shop/api:1.4.0 -> shop/api:1.3.2',
		]);
		expect(mutations()).toEqual([]);

		const outcome = await runAction(request, context(c));
		expect(outcome).toEqual({summary: 'revision 2 -> 1'});
		expect(kube.server.get('deployments', 'api')!.spec.template.spec.containers[0].image).toBe('shop/api:1.3.2');
		expect(mutations()).toHaveLength(1);
	});

	it('offers the older and newer revisions to switch to, with the same id, each pinned to its own revision', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.2.0', 'shop/api:1.3.2', 'shop/api:1.4.0']});
		const c = await cluster();
		const previous = await rollbackAction.prepare({cluster: c, env: env(), deployment: 'api', newId: () => 'a1', now});
		expect(previous.change).toBe('revision 3 (shop/api:1.4.0) -> revision 2 (shop/api:1.3.2)');
		expect(previous.details).toContain('other revisions: 1 (←/→ to choose)');
		expect(editAction(previous, {type: 'target', direction: 'newer'})).toBeUndefined();
		const older = editAction(previous, {type: 'target', direction: 'older'})!;
		expect(older).toMatchObject({id: 'a1', change: 'revision 3 (shop/api:1.4.0) -> revision 1 (shop/api:1.2.0)', kubectl: 'kubectl --context test-ctx -n shop rollout undo deployment/api --to-revision=1'});
		expect(older.details).toContain('other revisions: 2 (←/→ to choose)');
		expect(editAction(older, {type: 'target', direction: 'older'})).toBeUndefined();
		expect(editAction(older, {type: 'target', direction: 'newer'})!.change).toBe(previous.change);
		expect(mutations()).toEqual([]);
		expect(await runAction(older, context(c))).toEqual({summary: 'revision 3 -> 1'});
		expect(kube.server.get('deployments', 'api')!.spec.template.spec.containers[0].image).toBe('shop/api:1.2.0');

		// One earlier revision: nothing to switch to.
		kube.server.addDeployment({name: 'cart', images: ['shop/cart:1.0.0', 'shop/cart:1.1.0']});
		const only = await rollbackAction.prepare({cluster: c, env: env(), deployment: 'cart', newId: () => 'a2', now});
		expect(only.alternatives).toBeUndefined();
		expect(only.details.join('\n')).not.toContain('other revisions');
	});

	it('warns when the target is newer than the running revision, which is then a rollback', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.3.2', 'shop/api:1.4.0']});
		const c = await cluster();
		const first = await rollbackAction.prepare({cluster: c, env: env(), deployment: 'api', newId: () => 'a1', now});
		expect(first.warnings).toEqual([]);
		expect(await runAction(first, context(c))).toEqual({summary: 'revision 2 -> 1'});

		// The rollback gave 1.3.2's ReplicaSet revision 3; undoing again would bring 1.4.0 back.
		const again = await rollbackAction.prepare({cluster: c, env: env(), deployment: 'api', newId: () => 'a2', now});
		expect(again.change).toBe('revision 3 (shop/api:1.3.2) -> revision 2 (shop/api:1.4.0)');
		expect(again.warnings).toEqual([
			'revision 2 is newer than the running revision 3 (created 2d2h ago; revision 3 2d3h ago): revision 3 brought an older release back, and this goes forward again.',
		]);
		expect(mutations()).toHaveLength(1);
	});

	it('keeps warnings added to the request on the other revisions it switches to', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.2.0', 'shop/api:1.3.2', 'shop/api:1.4.0']});
		const prepared = await rollbackAction.prepare({cluster: await cluster(), env: env(), deployment: 'api', newId: () => 'a1', now});
		const request = withWarnings(prepared, ['step "Roll back" is already checked: this runs it again.']);
		expect(request.warnings).toEqual(['step "Roll back" is already checked: this runs it again.']);
		const older = editAction(request, {type: 'target', direction: 'older'})!;
		expect(older.change).toBe('revision 3 (shop/api:1.4.0) -> revision 1 (shop/api:1.2.0)');
		expect(older.warnings).toEqual(request.warnings);
		expect(editAction(older, {type: 'target', direction: 'newer'})!.warnings).toEqual(request.warnings);
		expect(withWarnings(prepared, [])).toBe(prepared);
	});

	it('asks for the name only in production contexts', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.3.2', 'shop/api:1.4.0']});
		const request = await rollbackAction.prepare({cluster: await cluster(), env: env(), deployment: 'api', newId: () => 'a1'});
		expect(request.typeToConfirm).toBeUndefined();
	});

	it('rolls back to a chosen revision, warns when it is the current one, and names a missing one', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.2.0', 'shop/api:1.3.2', 'shop/api:1.4.0']});
		const c = await cluster();
		const chosen = await rollbackAction.prepare({cluster: c, env: env(), deployment: 'api', toRevision: 1, newId: () => 'a', now});
		expect(chosen.change).toBe('revision 3 (shop/api:1.4.0) -> revision 1 (shop/api:1.2.0)');
		expect(chosen.kubectl).toBe('kubectl --context test-ctx -n shop rollout undo deployment/api --to-revision=1');

		const same = await rollbackAction.prepare({cluster: c, env: env(), deployment: 'api', toRevision: 3, newId: () => 'b', now});
		expect(same.warnings).toEqual([expect.stringContaining('revision 3 is the current revision')]);
		expect(same.details).toContain('images unchanged: shop/api:1.4.0');
		expect(await runAction(same, context(c))).toEqual({summary: 'skipped rollback (current template already matches revision 3)'});

		await expect(rollbackAction.prepare({cluster: c, env: env(), deployment: 'api', toRevision: 9, newId: () => 'c'})).rejects.toThrow(
			'unable to find specified revision 9 in history of deployment/api (revisions: 3, 2, 1) (context test-ctx, namespace shop)',
		);
		expect(await runAction(chosen, context(c))).toEqual({summary: 'revision 3 -> 1'});
	});

	it('refuses when there is no previous revision', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
		await expect(rollbackAction.prepare({cluster: await cluster(), env: env(), deployment: 'api', newId: () => 'a'})).rejects.toThrow(
			'no previous revision of deployment/api to roll back to: only revision 1 exists',
		);
	});

	it('is refused in read-only mode, in prepare and at the cluster, with no request sent', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.3.2', 'shop/api:1.4.0']});
		const c = await cluster(true);
		await expect(rollbackAction.prepare({cluster: c, env: env({readonly: true}), deployment: 'api', newId: () => 'a'})).rejects.toThrow('read-only mode');
		const request = await rollbackAction.prepare({cluster: c, env: env(), deployment: 'api', newId: () => 'a'});
		await expect(runAction(request, context(c))).rejects.toThrow('read-only mode: rollback of deployment/api not sent');
		expect(mutations()).toEqual([]);
	});
});
