import {describe, expect, it} from 'vitest';
import {toPodInfo, type RawPod} from '../../../source/clients/kube/convert.js';

describe('toPodInfo', () => {
	it('makes a row of the right shape from a pod of the wrong shape (a proxy can send any JSON)', () => {
		// Found by the fuzz suite (FUZZ_SEED=3, case 62): a name that is a list reached the Pods pane's rows.
		const hostile = {
			metadata: {name: ['api-1'], namespace: 7, creationTimestamp: 5},
			spec: {containers: {}, nodeName: {}},
			status: {phase: 1, containerStatuses: [{name: 'api', ready: 'yes', restartCount: '3', state: {waiting: {reason: ['CrashLoopBackOff']}}, lastState: {terminated: {reason: 9}}}]},
		} as unknown as RawPod;
		const row = toPodInfo(hostile, new Map());
		expect(row).toEqual({name: '', namespace: '', phase: 'Pending', ready: 0, containers: 1, restarts: 0, createdAt: ''});
	});
});
