import {describe, expect, it} from 'vitest';
import {createKubeCluster} from '../../../source/clients/kube/cluster.js';
import {serverPerTest} from './support.js';

const kube = serverPerTest();

const cluster = kube.cluster;

describe('createKubeCluster: kubeconfig', () => {
	it('uses the current context and its namespace, or the ones asked for', async () => {
		const a = await cluster();
		expect([a.context, a.namespace, a.server]).toEqual(['test-ctx', 'shop', kube.server.url]);
		const b = await cluster({context: 'other'});
		expect([b.context, b.namespace]).toEqual(['other', 'other']);
		const c = await cluster({context: 'other', namespace: 'payments'});
		expect(c.namespace).toBe('payments');
	});

	it('names the available contexts when the asked one is missing', async () => {
		await expect(cluster({context: 'prod-eu'})).rejects.toThrow(/context "prod-eu" not found in .*kubeconfig \(available: test-ctx, other\)/);
	});

	it('names the file when the kubeconfig cannot be read', async () => {
		await expect(createKubeCluster({kubeconfig: '/nonexistent/kubeconfig', readonly: true, fieldManager: 'x'})).rejects.toThrow(/cannot load kubeconfig \/nonexistent\/kubeconfig/);
	});
});
