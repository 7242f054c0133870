import {describe, expect, it} from 'vitest';
import {restartAction} from '../../source/actions/restart.js';
import {useFakeKubeForActions} from '../support/kube-actions.js';
import {runAction} from '../../source/actions/registry.js';

const kube = useFakeKubeForActions(server => server.addDeployment({name: 'api', images: ['shop/api:1.4.0'], replicas: 4}));
const {env, cluster, context, mutations} = kube;

describe('restartAction', () => {
	it('describes a rolling restart with its kubectl equivalent, then sets restartedAt on the template', async () => {
		const c = await cluster();
		const request = await restartAction.prepare({cluster: c, env: env({production: true}), deployment: 'api', replicas: 4, newId: () => 'r1'});
		expect(request).toMatchObject({
			id: 'r1',
			kind: 'restart',
			title: 'Restart deployment',
			dangerous: true,
			target: {context: 'test-ctx', namespace: 'shop', object: 'deployment/api'},
			change: 'restart all 4 pods (rolling)',
			kubectl: 'kubectl --context test-ctx -n shop rollout restart deployment/api',
			timeoutMs: 30_000,
		});
		expect(request.typeToConfirm).toBeUndefined();
		expect(mutations()).toEqual([]);

		const outcome = await runAction(request, context(c));
		const at = kube.server.get('deployments', 'api')!.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'];
		expect(at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		expect(outcome.summary).toBe(`restarted (restartedAt ${at})`);
		expect(mutations()).toEqual([expect.objectContaining({contentType: 'application/strategic-merge-patch+json', query: {fieldManager: 'incident-tui/inc-test'}})]);
	});

	it('is refused in read-only mode with no request sent', async () => {
		const c = await cluster(true);
		await expect(restartAction.prepare({cluster: c, env: env({readonly: true}), deployment: 'api', newId: () => 'r'})).rejects.toThrow('read-only mode');
		const request = await restartAction.prepare({cluster: c, env: env(), deployment: 'api', newId: () => 'r'});
		expect(request.change).toBe('restart all pods (rolling)');
		await expect(runAction(request, context(c))).rejects.toThrow('read-only mode: restart of deployment/api not sent');
		expect(mutations()).toEqual([]);
	});
});
