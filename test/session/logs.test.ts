import {afterEach, describe, expect, it} from 'vitest';
import type {Cluster, LogFollower} from '../../source/ports/cluster.js';
import {waitFor} from '../support/wait.js';
import {SessionHarness} from './support.js';

const harness = new SessionHarness();
afterEach(() => harness.cleanup());

/** A cluster whose only live part is the log it is asked to follow: the test writes its lines. */
function logCluster() {
	const follows: Array<{pod: string; tailLines: number; follower: LogFollower; signal: AbortSignal}> = [];
	const unused = () => Promise.reject(new Error('not used here'));
	const cluster: Cluster = {
		context: 'test-ctx',
		namespace: 'shop',
		async watch(watcher) {
			watcher.reset([], []);
		},
		history: unused,
		undo: unused,
		scale: unused,
		restart: unused,
		autoscalerFor: async () => null,
		events: unused,
		podLog: unused,
		podNow: unused,
		async followLog(pod, tailLines, follower, signal) {
			follows.push({pod, tailLines, follower, signal});
			return 'api';
		},
	};
	return {cluster, follows};
}

/** A started session on logCluster(), once its cluster is connected. */
async function openSession() {
	const {cluster, follows} = logCluster();
	const session = await harness.open({stateDir: harness.tempDir(), cluster});
	session.start();
	await waitFor(() => session.store.getState().feeds['cluster']?.status === 'ok', {message: 'the cluster connected'});
	return {store: session.store, controller: session.controller, follows};
}

describe('session: following a pod’s log', () => {
	it('opens the log dialog, masks secrets in the lines, and stops reading when the dialog closes', async () => {
		const {store, controller, follows} = await openSession();

		controller.followLog('api-7d9f8-aaaaa');
		expect(store.getState().ui.dialog).toEqual({kind: 'log'});
		await waitFor(() => store.getState().followedLog?.container === 'api', {message: 'the log open'});
		const [follow] = follows;
		expect(follow).toMatchObject({pod: 'api-7d9f8-aaaaa', tailLines: 100});
		follow!.follower.line('connecting to postgres://app:hunter2@db:5432/shop');
		follow!.follower.line('listening on :8080');
		await waitFor(() => store.getState().followedLog?.lines.length === 2, {message: 'both lines'});
		expect(store.getState().followedLog?.lines[0]).not.toContain('hunter2');
		expect(store.getState().followedLog?.lines[1]).toBe('listening on :8080');

		controller.stopLog();
		expect(follow!.signal.aborted).toBe(true);
		expect(store.getState().followedLog).toBeNull();
	});

	it('says why a log ended, and a second log replaces the first, whose late lines are dropped', async () => {
		const {store, controller, follows} = await openSession();

		controller.followLog('api-1');
		await waitFor(() => follows.length === 1, {message: 'the first follow'});
		follows[0]!.follower.done(new Error('pods "api-1" is forbidden: User "viewer" cannot get resource "pods/log"'));
		await waitFor(() => store.getState().followedLog?.ended !== undefined, {message: 'the end'});
		expect(store.getState().followedLog?.ended).toContain('cannot get resource "pods/log"');

		controller.followLog('api-2');
		await waitFor(() => follows.length === 2, {message: 'the second follow'});
		expect(follows[0]!.signal.aborted).toBe(true);
		follows[0]!.follower.line('late line of api-1');
		follows[1]!.follower.line('line of api-2');
		await waitFor(() => store.getState().followedLog?.lines.length === 1, {message: 'the second log’s line'});
		expect(store.getState().followedLog).toMatchObject({pod: 'api-2', lines: ['line of api-2']});
		follows[1]!.follower.done(null);
		await waitFor(() => store.getState().followedLog?.ended !== undefined, {message: 'the end'});
		expect(store.getState().followedLog?.ended).toBe('the log ended: the container stopped or restarted');
	});
});
