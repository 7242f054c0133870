import {describe, expect, it} from 'vitest';
import {scaleAction, validateReplicas} from '../../source/actions/scale.js';
import {useFakeKubeForActions} from '../support/kube-actions.js';
import {editAction, validateAction, runAction} from '../../source/actions/registry.js';

const kube = useFakeKubeForActions(server => server.addDeployment({name: 'api', images: ['shop/api:1.4.0'], replicas: 4}));
const {env, cluster, context, mutations} = kube;

describe('validateReplicas', () => {
	it('accepts whole numbers from 0 to 1000 and says what is wrong otherwise', () => {
		expect(validateReplicas('0')).toBeNull();
		expect(validateReplicas(' 6 ')).toBeNull();
		expect(validateReplicas('1000')).toBeNull();
		expect(validateReplicas('')).toBe('enter a replica count');
		expect(validateReplicas('-1')).toBe('replicas must be a whole number >= 0, not "-1"');
		expect(validateReplicas('2.5')).toBe('replicas must be a whole number >= 0, not "2.5"');
		expect(validateReplicas('six')).toBe('replicas must be a whole number >= 0, not "six"');
		expect(validateReplicas('1001')).toMatch(/^replicas must be at most 1000 \(got 1001\)/);
	});
});

describe('scaleAction', () => {
	it('prefills the current count, recomputes the change from the input, and scales through the subresource', async () => {
		const c = await cluster();
		const request = await scaleAction.prepare({cluster: c, env: env({production: true}), deployment: 'api', current: 4, newId: () => 's1'});
		expect(request).toMatchObject({
			id: 's1',
			kind: 'scale',
			title: 'Scale deployment',
			dangerous: true,
			target: {context: 'test-ctx', namespace: 'shop', object: 'deployment/api'},
			change: 'replicas 4 -> 4',
			input: {label: 'replicas', value: '4'},
			typeToConfirm: 'api',
			timeoutMs: 30_000,
			warnings: [],
		});
		expect(validateAction(editAction(request, {type: 'input', value: 'x'})!)).not.toBeNull();
		const six = editAction(request, {type: 'input', value: '6'})!;
		expect(six).toMatchObject({id: 's1', change: 'replicas 4 -> 6', kubectl: 'kubectl --context test-ctx -n shop scale deployment/api --replicas=6', input: {value: '6'}});
		expect(mutations()).toEqual([]);

		expect(await runAction(six, context(c))).toEqual({summary: 'replicas 4 -> 6'});
		expect(kube.server.get('deployments', 'api')!.spec.replicas).toBe(6);
		expect(mutations()).toEqual([expect.objectContaining({path: '/apis/apps/v1/namespaces/shop/deployments/api/scale', contentType: 'application/merge-patch+json'})]);
	});

	it('uses a proposed count, and warns about scaling to zero', async () => {
		const request = await scaleAction.prepare({cluster: await cluster(), env: env(), deployment: 'api', current: 4, replicas: 0, newId: () => 's'});
		expect(request.change).toBe('replicas 4 -> 0');
		expect(request.typeToConfirm).toBeUndefined();
		expect(request.warnings).toEqual([expect.stringContaining('replicas 0 takes deployment/api down completely')]);
	});

	it('does not take a count it has not read for 0, and proposes the change its confirmation decides', async () => {
		const request = await scaleAction.prepare({cluster: await cluster(), env: env(), deployment: 'api', current: undefined, replicas: 6, newId: () => 's'});
		expect(request.change).toBe('replicas ? -> 6');
		expect(request.proposal).toBe('replicas ? -> ? (typed in the confirmation; 6 proposed)');
		expect(request.details[0]).toBe('current replicas: not known yet (the Pods pane has not listed deployment/api)');
		const typed = await scaleAction.prepare({cluster: await cluster(), env: env(), deployment: 'api', current: 4, newId: () => 's'});
		expect(typed.proposal).toBe('replicas 4 -> ? (typed in the confirmation; 4 proposed)');
	});

	it('warns when a HorizontalPodAutoscaler manages the deployment', async () => {
		kube.server.addAutoscaler('api-hpa', 'api');
		const request = await scaleAction.prepare({cluster: await cluster(), env: env(), deployment: 'api', current: 4, newId: () => 's'});
		expect(request.warnings).toEqual([expect.stringContaining('HorizontalPodAutoscaler api-hpa manages deployment/api')]);
	});

	it('refuses to run an invalid count', async () => {
		const c = await cluster();
		const request = editAction(await scaleAction.prepare({cluster: c, env: env(), deployment: 'api', current: 4, newId: () => 's'}), {type: 'input', value: '-3'})!;
		await expect(runAction(request, context(c))).rejects.toThrow('replicas must be a whole number >= 0');
		expect(mutations()).toEqual([]);
	});

	it('is refused in read-only mode with no request sent', async () => {
		const c = await cluster(true);
		await expect(scaleAction.prepare({cluster: c, env: env({readonly: true}), deployment: 'api', current: 4, newId: () => 's'})).rejects.toThrow('read-only mode');
		const request = await scaleAction.prepare({cluster: c, env: env(), deployment: 'api', current: 4, newId: () => 's'});
		await expect(runAction(editAction(request, {type: 'input', value: '5'})!, context(c))).rejects.toThrow('read-only mode: scale of deployment/api not sent');
		expect(mutations()).toEqual([]);
	});
});
