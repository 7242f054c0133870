import {describe, expect, it} from 'vitest';
import type {KubeCluster} from '../../../source/clients/kube/cluster.js';
import {serverPerTest} from './support.js';

const kube = serverPerTest();

const cluster = kube.cluster;

describe('KubeCluster mutations', () => {
	it('rolls back to the previous revision with a JSON patch of the template, like kubectl rollout undo', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.3.2', 'shop/api:1.4.0'], changeCauses: ['deploy 1.3.2', 'deploy 1.4.0']});
		const c = await cluster();
		const result = await c.undo('api');
		expect(result).toEqual({summary: 'revision 2 -> 1', before: 'revision 2', after: 'revision 1'});

		const patch = kube.server.requests.find(r => r.method === 'PATCH')!;
		expect(patch.path).toBe('/apis/apps/v1/namespaces/shop/deployments/api');
		expect(patch.contentType).toBe('application/json-patch+json');
		expect(patch.query.fieldManager).toBe('incident-tui/inc-test');
		const ops = patch.body as Array<{op: string; path: string; value: any}>;
		expect(ops[0]).toEqual({op: 'test', path: '/metadata/generation', value: 1});
		const template = ops.find(o => o.path === '/spec/template')!;
		expect(template.op).toBe('replace');
		expect(template.value.spec.containers[0].image).toBe('shop/api:1.3.2');
		expect(template.value.metadata.labels).toEqual({app: 'api'});
		const annotations = ops.find(o => o.path === '/metadata/annotations')!.value;
		expect(annotations).toEqual({'deployment.kubernetes.io/revision': '2', 'kubernetes.io/change-cause': 'deploy 1.3.2'});

		// The (simulated) controller gives the restored ReplicaSet the next revision.
		expect(kube.server.get('deployments', 'api')!.metadata.annotations['deployment.kubernetes.io/revision']).toBe('3');
		expect(kube.server.get('deployments', 'api')!.metadata.managedFields).toEqual([expect.objectContaining({manager: 'incident-tui/inc-test'})]);
		const history = await c.history('api');
		expect(history.map(h => [h.revision, h.images[0], h.changeCause])).toEqual([
			[3, 'shop/api:1.3.2', 'deploy 1.3.2'],
			[2, 'shop/api:1.4.0', 'deploy 1.4.0'],
		]);
	});

	it('rolls back to a chosen revision, and names a missing one', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.2.0', 'shop/api:1.3.2', 'shop/api:1.4.0']});
		const c = await cluster();
		await expect(c.undo('api', 7)).rejects.toThrow('unable to find specified revision 7 in history');
		expect((await c.undo('api', 1)).summary).toBe('revision 3 -> 1');
		const template = (kube.server.requests.find(r => r.method === 'PATCH')!.body as any[]).find(o => o.path === '/spec/template');
		expect(template.value.spec.containers[0].image).toBe('shop/api:1.2.0');
		expect(kube.server.get('deployments', 'api')!.spec.template.spec.containers[0].image).toBe('shop/api:1.2.0');
	});

	it('refuses without a previous revision, and skips when the template already matches', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
		kube.server.addDeployment({name: 'web', images: ['shop/web:1', 'shop/web:2']});
		const c = await cluster();
		await expect(c.undo('api')).rejects.toThrow(/no rollout history found for deployment\/api/);
		expect((await c.undo('web', 2)).summary).toBe('skipped rollback (current template already matches revision 2)');
		expect(kube.server.requests.filter(r => r.method !== 'GET')).toEqual([]);
	});

	it('fails with the server message when the deployment is missing', async () => {
		const c = await cluster();
		await expect(c.undo('nope')).rejects.toThrow(/deployments.apps "nope" not found \(context test-ctx, namespace shop\)/);
	});

	it('scales through the scale subresource with a merge patch', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0'], replicas: 4});
		const result = await (await cluster()).scale('api', 6);
		expect(result).toEqual({summary: 'replicas 4 -> 6', before: '4', after: '6'});
		const patch = kube.server.requests.find(r => r.method === 'PATCH')!;
		expect(patch).toMatchObject({
			path: '/apis/apps/v1/namespaces/shop/deployments/api/scale',
			contentType: 'application/merge-patch+json',
			query: {fieldManager: 'incident-tui/inc-test'},
			body: {spec: {replicas: 6}},
		});
		expect(kube.server.get('deployments', 'api')!.spec.replicas).toBe(6);
	});

	it('reports a forbidden scale with verb, resource, context and namespace', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
		kube.server.forbid('patch', 'deployments/scale');
		await expect((await cluster()).scale('api', 1)).rejects.toThrow(
			'deployments.apps "api" is forbidden: User "viewer" cannot patch resource "deployments/scale" in API group "apps" in the namespace "shop" (context test-ctx, namespace shop)',
		);
	});

	it('restarts with a strategic merge patch of the restartedAt template annotation', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
		const result = await (await cluster()).restart('api');
		const patch = kube.server.requests.find(r => r.method === 'PATCH')!;
		expect(patch.path).toBe('/apis/apps/v1/namespaces/shop/deployments/api');
		expect(patch.contentType).toBe('application/strategic-merge-patch+json');
		expect(patch.query.fieldManager).toBe('incident-tui/inc-test');
		const at = (patch.body as any).spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'];
		expect(at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		expect(result.after).toBe(`restartedAt ${at}`);
		const stored = kube.server.get('deployments', 'api')!;
		expect(stored.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toBe(at);
		expect(stored.spec.template.spec.containers[0].image).toBe('shop/api:1.4.0');
	});

	it('finds the autoscaler targeting a deployment, and treats a forbidden list as none', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0']});
		kube.server.addAutoscaler('api-hpa', 'api');
		const c = await cluster();
		expect(await c.autoscalerFor('api')).toBe('api-hpa');
		expect(await c.autoscalerFor('web')).toBeNull();
		kube.server.forbid('list', 'horizontalpodautoscalers');
		expect(await c.autoscalerFor('api')).toBeNull();
	});

	it('sends no mutating request at all in read-only mode', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.3.2', 'shop/api:1.4.0']});
		const c = await cluster({readonly: true});
		await expect(c.undo('api')).rejects.toThrow('read-only mode: rollback of deployment/api not sent');
		await expect(c.undo('api', 1)).rejects.toThrow('read-only mode: rollback of deployment/api not sent');
		await expect(c.scale('api', 5)).rejects.toThrow('read-only mode: scale of deployment/api not sent');
		await expect(c.restart('api')).rejects.toThrow('read-only mode: restart of deployment/api not sent');
		// Reads still work.
		expect((await c.history('api')).map(h => h.revision)).toEqual([2, 1]);
		expect(kube.server.requests.filter(r => r.method !== 'GET')).toEqual([]);
		expect(kube.server.get('deployments', 'api')!.spec.template.spec.containers[0].image).toBe('shop/api:1.4.0');
	});
});
