import {describe, expect, it} from 'vitest';
import {replicaSetDeployment, toDeploymentInfo, toPodInfo, type RawDeployment, type RawPod, type RawReplicaSet} from '../../../source/clients/kube/convert.js';
import {logContainerOf, toContainerStatuses} from '../../../source/clients/kube/diagnose.js';

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

	it('reads lists of the wrong shape as no list: owners, container statuses and conditions that are not lists of objects', () => {
		// Found by the fuzz suite (FUZZ_SEED=24301, case 45): an owner's name that was not a string crashed the watch's worker.
		const owners = {metadata: {name: 'api-6d5-x', labels: {'pod-template-hash': '6d5'}, ownerReferences: [{kind: 'ReplicaSet', name: 42}]}} as unknown as RawPod;
		expect(toPodInfo(owners, new Map()).deployment).toBeUndefined();
		const listsThatAreNot = {
			metadata: {name: 'api-1', ownerReferences: {kind: 'ReplicaSet', name: 'api-6d5'}},
			spec: {containers: 'api'},
			status: {initContainerStatuses: {}, containerStatuses: [null, 'api', 3]},
		} as unknown as RawPod;
		expect(toPodInfo(listsThatAreNot, new Map())).toMatchObject({name: 'api-1', ready: 0, restarts: 0, containers: 0});
		expect(toContainerStatuses(listsThatAreNot)).toEqual([]);
		expect(logContainerOf(listsThatAreNot)).toBeUndefined();
		const deployment = {metadata: {name: 'api'}, spec: {template: {spec: {containers: [null, {image: 7}, {image: 'shop/api:1'}]}}}, status: {conditions: 'Progressing'}} as unknown as RawDeployment;
		expect(toDeploymentInfo(deployment).images).toEqual(['', 'shop/api:1']);
		expect(replicaSetDeployment({metadata: {ownerReferences: 'api'}} as unknown as RawReplicaSet)).toBeUndefined();
	});
});
