import {describe, expect, it} from 'vitest';
import {KubeCluster} from '../../../source/clients/kube/cluster.js';
import {oversized} from '../../support/size-limits.js';

describe('the Kubernetes cluster client', () => {
	it('is a class whose port methods are named functions, not the closures of one factory', () => {
		const methods = Object.getOwnPropertyNames(KubeCluster.prototype);
		expect(methods).toEqual(expect.arrayContaining(['watch', 'history', 'undo', 'scale', 'restart', 'events', 'podLog', 'podNow', 'followLog', 'autoscalerFor', 'commandEnvironment']));
	});

	it('has no file over 400 lines and no function over 80', async () => {
		expect(await oversized(['source/clients/kube/*.ts', 'source/clients/kube-*.ts', 'source/clients/watch-stream.ts', 'source/clients/log-stream.ts'])).toEqual([]);
	});
});
