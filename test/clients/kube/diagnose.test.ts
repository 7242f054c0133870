import {describe, expect, it} from 'vitest';
import type {KubeCluster} from '../../../source/clients/kube/cluster.js';
import {toPodInfo, type RawPod} from '../../../source/clients/kube/convert.js';
import {logContainerOf, toContainerStatuses} from '../../../source/clients/kube/diagnose.js';
import {waitFor} from '../../support/wait.js';
import {serverPerTest} from './support.js';

const kube = serverPerTest();

const cluster = kube.cluster;

describe('KubeCluster pod diagnosis (reads only, allowed in read-only mode)', () => {
	it('lists the events about one pod, oldest first, through a field selector, as kubectl describe does', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0'], pods: 0});
		const pod = kube.server.addPod('api', {name: 'api-abc-11111'}).metadata.name;
		kube.server.addPod('api', {name: 'api-abc-22222'});
		kube.server.addEvent('Pod', pod, {type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container api', count: 7, lastTimestamp: '2026-11-22T03:10:00Z'});
		kube.server.addEvent('Pod', pod, {reason: 'Scheduled', message: 'Successfully assigned shop/api-abc-11111 to node-1', lastTimestamp: '2026-11-22T03:00:00Z'});
		kube.server.addEvent('Pod', 'api-abc-22222', {reason: 'Scheduled', message: 'not this pod', lastTimestamp: '2026-11-22T03:05:00Z'});
		const events = await (await cluster({readonly: true})).events('Pod', pod);
		expect(events).toEqual([
			{type: 'Normal', reason: 'Scheduled', message: 'Successfully assigned shop/api-abc-11111 to node-1', count: 1, lastSeen: '2026-11-22T03:00:00Z'},
			{type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container api', count: 7, lastSeen: '2026-11-22T03:10:00Z'},
		]);
		const request = kube.server.requests.find(r => r.path === '/api/v1/namespaces/shop/events')!;
		expect(request.query.fieldSelector).toBe(`involvedObject.kind=Pod,involvedObject.name=${pod}`);
	});

	it('lists the events of a deployment and of a ReplicaSet by kind, not those of a pod of the same name', async () => {
		kube.server.addEvent('ReplicaSet', 'api-abc', {type: 'Warning', reason: 'FailedCreate', message: 'Error creating: pods "api-abc-x" is forbidden: exceeded quota: compute', count: 12, lastTimestamp: '2026-11-22T03:10:00Z'});
		kube.server.addEvent('Pod', 'api-abc', {reason: 'Scheduled', message: 'a pod that happens to share the name', lastTimestamp: '2026-11-22T03:00:00Z'});
		kube.server.addEvent('Deployment', 'api', {reason: 'ScalingReplicaSet', message: 'Scaled up replica set api-abc from 0 to 2', lastTimestamp: '2026-11-22T03:09:00Z'});
		const c = await cluster({readonly: true});
		expect((await c.events('ReplicaSet', 'api-abc')).map(e => [e.reason, e.count])).toEqual([['FailedCreate', 12]]);
		expect((await c.events('Deployment', 'api')).map(e => e.message)).toEqual(['Scaled up replica set api-abc from 0 to 2']);
	});

	it('reads the log of the container that restarted last, from before the restart, and the tail only', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0'], pods: 0});
		const pod = kube.server.addPod('api', {name: 'api-abc-11111'});
		kube.server.update('pods', pod.metadata.name, p => {
			p.spec.containers = [{name: 'api', image: 'shop/api:1.4.0'}, {name: 'sidecar', image: 'envoy'}];
			p.status.containerStatuses = [
				{name: 'api', ready: true, restartCount: 1, lastState: {terminated: {reason: 'Error', finishedAt: '2026-11-22T02:00:00Z'}}},
				{name: 'sidecar', ready: false, restartCount: 3, lastState: {terminated: {reason: 'OOMKilled', finishedAt: '2026-11-22T03:00:00Z'}}},
			];
		});
		kube.server.setLog(pod.metadata.name, 'sidecar', Array.from({length: 30}, (_, i) => `line ${i + 1}`).join('\n'), {previous: true});
		kube.server.setLog(pod.metadata.name, 'sidecar', 'the new run');
		const log = await (await cluster({readonly: true})).podLog(pod.metadata.name, 20);
		expect(log).toEqual({container: 'sidecar', previous: true, lines: Array.from({length: 20}, (_, i) => `line ${i + 11}`)});
		const request = kube.server.requests.find(r => r.path.endsWith('/log'))!;
		expect(request.path).toBe('/api/v1/namespaces/shop/pods/api-abc-11111/log');
		expect(request.query).toMatchObject({container: 'sidecar', previous: 'true', tailLines: '20'});
	});

	it('reads a pod as it is now: its row, and each container’s state, restarts and how its last run ended', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0'], pods: 0});
		const pod = kube.server.addPod('api', {name: 'api-abc-11111'});
		kube.server.update('pods', pod.metadata.name, p => {
			p.status.containerStatuses = [
				{name: 'api', ready: false, restartCount: 4, state: {waiting: {reason: 'CrashLoopBackOff'}}, lastState: {terminated: {reason: 'OOMKilled', exitCode: 137, finishedAt: '2026-11-22T03:00:00Z'}}},
				{name: 'sidecar', ready: true, restartCount: 0, state: {running: {startedAt: '2026-11-22T02:00:00Z'}}},
				{name: 'migrate', ready: false, restartCount: 1, state: {terminated: {reason: 'Error', exitCode: 1}}, lastState: {terminated: {reason: 'Error', exitCode: 1, message: 'panic: no such table\n'}}},
			];
		});
		const now = await (await cluster({readonly: true})).podNow(pod.metadata.name);
		// The row from the same read: what the pane will show after its next flush.
		expect(now.pod).toMatchObject({name: pod.metadata.name, deployment: 'api', ready: 1, restarts: 5, waitingReason: 'CrashLoopBackOff', lastTerminationReason: 'OOMKilled'});
		expect(now.containers).toEqual([
			{name: 'api', ready: false, restarts: 4, state: 'waiting: CrashLoopBackOff', lastTermination: {reason: 'OOMKilled', exitCode: 137, finishedAt: '2026-11-22T03:00:00Z'}},
			{name: 'sidecar', ready: true, restarts: 0, state: 'running'},
			{name: 'migrate', ready: false, restarts: 1, state: 'terminated: Error (exit 1)', lastTermination: {reason: 'Error', exitCode: 1, message: 'panic: no such table'}},
		]);
	});

	it('looks at init containers too: a failing migration is why the pod never starts', () => {
		const crashing: RawPod = {
			spec: {containers: [{name: 'api'}]},
			status: {
				initContainerStatuses: [{name: 'migrate', ready: false, restartCount: 3, state: {waiting: {reason: 'CrashLoopBackOff'}}, lastState: {terminated: {reason: 'Error', exitCode: 1, finishedAt: '2026-11-22T03:00:00Z'}}}],
				containerStatuses: [{name: 'api', ready: false, restartCount: 0, state: {waiting: {reason: 'PodInitializing'}}}],
			},
		};
		expect(logContainerOf(crashing)).toEqual({container: 'migrate', previous: true});
		expect(toContainerStatuses(crashing).map(c => [c.name, c.init ?? false, c.state])).toEqual([
			['migrate', true, 'waiting: CrashLoopBackOff'],
			['api', false, 'waiting: PodInitializing'],
		]);
		// Failed once, not restarted yet: its own log, which a terminated container keeps.
		const failedOnce: RawPod = {spec: {containers: [{name: 'api'}]}, status: {initContainerStatuses: [{name: 'migrate', restartCount: 0, state: {terminated: {reason: 'Error', exitCode: 1}}}]}};
		expect(logContainerOf(failedOnce)).toEqual({container: 'migrate', previous: false});
		// A completed init container does not take the log from the app.
		const started: RawPod = {spec: {containers: [{name: 'api'}]}, status: {initContainerStatuses: [{name: 'migrate', restartCount: 0, state: {terminated: {reason: 'Completed', exitCode: 0}}}]}};
		expect(logContainerOf(started)).toEqual({container: 'api', previous: false});

		// The Pods pane's status says so, as kubectl's STATUS column does, and counts the init restarts.
		const row = (raw: RawPod) => toPodInfo({metadata: {name: 'api-1'}, ...raw}, new Map());
		expect(row(crashing)).toMatchObject({waitingReason: 'Init:CrashLoopBackOff', restarts: 3, lastTerminationReason: 'Error'});
		expect(row(failedOnce)).toMatchObject({waitingReason: 'Init:Error', restarts: 0});
		const secondOfTwo: RawPod = {
			spec: {containers: [{name: 'api'}]},
			status: {initContainerStatuses: [{name: 'migrate', state: {terminated: {reason: 'Completed', exitCode: 0}}}, {name: 'warm', state: {running: {}}}], containerStatuses: [{name: 'api', state: {waiting: {reason: 'PodInitializing'}}}]},
		};
		expect(row(secondOfTwo).waitingReason).toBe('Init:1/2');
		expect(row(started).waitingReason).toBeUndefined();
	});

	it('reads the running log of a pod that never restarted, and names a forbidden pods/log read', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0'], pods: 0});
		const pod = kube.server.addPod('api', {name: 'api-abc-11111'}).metadata.name;
		kube.server.setLog(pod, 'api', 'listening on :8080\nGET /health 200\n');
		const c = await cluster({readonly: true});
		expect(await c.podLog(pod, 20)).toEqual({container: 'api', previous: false, lines: ['listening on :8080', 'GET /health 200']});
		kube.server.forbid('get', 'pods/log');
		await expect(c.podLog(pod, 20)).rejects.toThrow('pods "api-abc-11111" is forbidden: User "viewer" cannot get resource "pods/log"');
		kube.server.forbid('list', 'events');
		await expect(c.events('Pod', pod)).rejects.toThrow('events is forbidden: User "viewer" cannot list resource "events"');
		expect(kube.server.requests.filter(r => r.method !== 'GET')).toEqual([]);
	});

	it('follows a container’s log: its tail, then each line as it is written, until the container stops; an abort stops it quietly', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0'], pods: 0});
		const pod = kube.server.addPod('api', {name: 'api-abc-11111'}).metadata.name;
		kube.server.setLog(pod, 'api', 'listening on :8080\nGET /health 200\nGET /health 200 again\n');
		const c = await cluster({readonly: true});
		const lines: string[] = [];
		let ended: Error | null | undefined;
		expect(await c.followLog(pod, 2, {line: text => lines.push(text), done: error => (ended = error)}, new AbortController().signal)).toBe('api');
		await waitFor(() => lines.length === 2, {message: 'the tail'});
		expect(lines).toEqual(['GET /health 200', 'GET /health 200 again']);
		expect(kube.server.requests.find(r => r.path.endsWith('/log'))!.query).toMatchObject({container: 'api', follow: 'true', tailLines: '2'});
		kube.server.appendLog(pod, 'api', ['panic: runtime error', '\tat main.go:42']);
		await waitFor(() => lines.length === 4, {message: 'the lines written after it opened'});
		expect(lines.slice(2)).toEqual(['panic: runtime error', '\tat main.go:42']);
		kube.server.endLog(pod, 'api');
		await waitFor(() => ended !== undefined, {message: 'the end of the log'});
		expect(ended).toBeNull();

		const abort = new AbortController();
		let called = false;
		await c.followLog(pod, 10, {line() {}, done: () => (called = true)}, abort.signal);
		await waitFor(() => kube.server.logFollowerCount(pod, 'api') === 1, {message: 'a second follower'});
		abort.abort();
		await waitFor(() => kube.server.logFollowerCount(pod, 'api') === 0, {message: 'the follow closed'});
		expect(called).toBe(false);
		expect(kube.server.requests.filter(r => r.method !== 'GET')).toEqual([]);
	});

	it('names the permission a forbidden log follow lacks', async () => {
		kube.server.addDeployment({name: 'api', images: ['shop/api:1.4.0'], pods: 0});
		const pod = kube.server.addPod('api', {name: 'api-abc-11111'}).metadata.name;
		kube.server.forbid('get', 'pods/log');
		let refused: Error | null | undefined;
		await (await cluster({readonly: true})).followLog(pod, 10, {line() {}, done: error => (refused = error)}, new AbortController().signal);
		await waitFor(() => refused !== undefined, {message: 'the refusal'});
		expect(refused?.message).toContain('pods "api-abc-11111" is forbidden: User "viewer" cannot get resource "pods/log"');
		expect(refused?.message).toContain('follow the log of pod/api-abc-11111 -c api');
	});
});
