import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import type {ClusterChange, ClusterWatcher, DeploymentInfo, PodInfo} from '../../source/ports/cluster.js';
import {badImage, SimulatedCluster, timings} from '../../source/demo/cluster.js';
import {oversized} from '../support/size-limits.js';

/** Keeps the latest view of the cluster from a watch, like the store would. */
function recorder() {
	const state = {
		calls: [] as string[],
		pods: new Map<string, PodInfo>(),
		deployments: new Map<string, DeploymentInfo>(),
		changes: [] as ClusterChange[],
	};
	const watcher: ClusterWatcher = {
		reset(pods, deployments) {
			state.calls.push('reset');
			state.pods = new Map(pods.map(p => [p.name, p]));
			state.deployments = new Map(deployments.map(d => [d.name, d]));
		},
		change(change) {
			state.calls.push('change');
			state.changes.push(change);
			if (change.kind === 'pod') {
				if (change.type === 'upsert') state.pods.set(change.pod.name, change.pod);
				else state.pods.delete(change.name);
			} else if (change.type === 'upsert') {
				state.deployments.set(change.deployment.name, change.deployment);
			} else {
				state.deployments.delete(change.name);
			}
		},
		error() {
			state.calls.push('error');
		},
	};
	return {
		state,
		watcher,
		podsOf: (deployment: string) => [...state.pods.values()].filter(p => p.deployment === deployment),
		deployment: (name: string) => state.deployments.get(name)!,
	};
}

/** Runs a cluster call whose simulated API round trip is on the fake clock. */
async function call<T>(promise: Promise<T>): Promise<T> {
	const settled = promise.then(
		value => ({value}),
		(error: unknown) => ({error}),
	);
	await vi.advanceTimersByTimeAsync(timings.apiMs + 1);
	const result = await settled;
	if ('error' in result) throw result.error;
	return result.value;
}

/** Advances the fake clock in small steps, checking `check` after each, until `done` holds. */
async function advanceUntil(done: () => boolean, check: () => void = () => {}, maxMs = 120_000, stepMs = 100): Promise<number> {
	let elapsed = 0;
	while (!done()) {
		if (elapsed >= maxMs) throw new Error(`condition not reached after ${maxMs} ms of fake time`);
		await vi.advanceTimersByTimeAsync(stepMs);
		elapsed += stepMs;
		check();
	}
	return elapsed;
}

const rsHash = (pod: PodInfo) => pod.name.split('-').slice(-2, -1)[0];

describe('SimulatedCluster', () => {
	let controller: AbortController;

	beforeEach(() => {
		vi.useFakeTimers({now: new Date('2026-11-22T03:04:05Z')});
		controller = new AbortController();
	});

	afterEach(() => {
		controller.abort();
		vi.useRealTimers();
	});

	async function watched(options: {scenario?: boolean} = {}) {
		const cluster = new SimulatedCluster({signal: controller.signal, scenario: options.scenario ?? false});
		const view = recorder();
		await cluster.watch(view.watcher, controller.signal);
		return {cluster, view};
	}

	it('follows a pod’s log as kubectl logs -f does: the tail, a line every 5 s, the end when its container restarts', async () => {
		const {cluster, view} = await watched({scenario: true});
		const follows = new Map<string, {lines: string[]; done: Array<Error | null>}>();
		for (const pod of view.podsOf('checkout')) {
			const seen = {lines: [] as string[], done: [] as Array<Error | null>};
			follows.set(pod.name, seen);
			expect(await call(cluster.followLog(pod.name, 3, {line: text => seen.lines.push(text), done: error => seen.done.push(error)}, controller.signal))).toBe('checkout');
		}
		const [first] = [...follows.values()];
		expect(first!.lines).toHaveLength(3);
		// The bad release, minutes after its start: near its memory limit, pausing and timing out.
		expect(first!.lines.at(-1)).toMatch(/ (warn  GC pause \d+ ms, heap 50\d MiB of 512 MiB|error POST \/api\/checkout 503 in [\d.]+ s: price lookup timed out)$/);
		await vi.advanceTimersByTimeAsync(5000);
		expect(first!.lines).toHaveLength(4);
		// The scenario OOM-kills a pod within minutes: its log ends there, the others go on.
		const killed = () => view.podsOf('checkout').find(pod => pod.restarts > 0 && follows.has(pod.name))?.name;
		await advanceUntil(() => killed() !== undefined, () => {}, 600_000, 1000);
		await vi.advanceTimersByTimeAsync(5000);
		expect(follows.get(killed()!)!.done).toEqual([null]);
		expect([...follows.entries()].filter(([name]) => name !== killed()).every(([, seen]) => seen.done.length === 0)).toBe(true);

		// A healthy pod logs its health probes; an abort stops the lines.
		const abort = new AbortController();
		const lines: string[] = [];
		await call(cluster.followLog(view.podsOf('payments')[0]!.name, 2, {line: text => lines.push(text), done() {}}, abort.signal));
		expect(lines.every(line => line.includes('GET /health 200'))).toBe(true);
		abort.abort();
		await vi.advanceTimersByTimeAsync(20_000);
		expect(lines).toHaveLength(2);
	});

	it('starts with the bad deploy of checkout and healthy cart and payments', async () => {
		const {cluster, view} = await watched();
		expect(cluster.context).toBe('demo');
		expect(cluster.namespace).toBe('shop');
		const checkout = view.deployment('checkout');
		expect(checkout).toMatchObject({revision: 3, replicas: 4, readyReplicas: 4, images: [badImage], rolloutComplete: true});
		expect(view.deployment('cart')).toMatchObject({replicas: 3, readyReplicas: 3, rolloutComplete: true});
		expect(view.deployment('payments')).toMatchObject({replicas: 2, readyReplicas: 2, rolloutComplete: true});
		const pods = view.podsOf('checkout');
		expect(pods).toHaveLength(4);
		for (const pod of pods) {
			expect(pod.name).toMatch(/^checkout-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
			expect(pod).toMatchObject({namespace: 'shop', phase: 'Running', ready: 1, containers: 1});
			expect(pod.node).toBeTruthy();
			// Created a few minutes before the incident opened.
			const age = Date.now() - Date.parse(pod.createdAt);
			expect(age).toBeGreaterThan(60_000);
			expect(age).toBeLessThan(10 * 60_000);
		}
		expect(new Set(pods.map(rsHash)).size).toBe(1);
		expect(cluster.endpoints('checkout').map(e => e.image)).toEqual([badImage, badImage, badImage, badImage]);
	});

	it('lists rollout history newest first with images, times and change causes', async () => {
		const {cluster} = await watched();
		const history = await call(cluster.history('checkout'));
		expect(history.map(r => r.revision)).toEqual([3, 2, 1]);
		expect(history[0]!.images).toEqual(['shop/checkout:1.8.0']);
		expect(history[1]!.images).toEqual(['shop/checkout:1.7.4']);
		expect(history[0]!.changeCause).toContain('1.8.0');
		expect(Date.parse(history[0]!.createdAt)).toBeGreaterThan(Date.parse(history[1]!.createdAt));
		expect(history[0]!.replicaSet).toMatch(/^checkout-/);
		await expect(call(cluster.history('nope'))).rejects.toThrow(/deployments.apps "nope" not found in namespace shop/);
	});

	it('undo restores revision 2 as a new revision 4 and rolls pods over one at a time without losing availability', async () => {
		const {cluster, view} = await watched();
		const before = await call(cluster.history('checkout'));
		const oldPods = new Set(view.podsOf('checkout').map(p => p.name));

		const result = await call(cluster.undo('checkout'));
		expect(result.summary).toContain('revision 2');
		expect(result.before).toContain('revision 3');
		expect(result.after).toContain('revision 4');

		const after = await call(cluster.history('checkout'));
		expect(after.map(r => r.revision)).toEqual([4, 3, 1]);
		expect(after[0]!.images).toEqual(['shop/checkout:1.7.4']);
		// The ReplicaSet of revision 2 is reused under its new number.
		expect(after[0]!.replicaSet).toBe(before[1]!.replicaSet);
		expect(view.deployment('checkout')).toMatchObject({revision: 4, images: ['shop/checkout:1.7.4'], rolloutComplete: false});

		let maxLive = 0;
		let sawMixed = false;
		await advanceUntil(
			() => view.deployment('checkout').rolloutComplete && view.podsOf('checkout').every(p => !oldPods.has(p.name)),
			() => {
				const live = view.podsOf('checkout').filter(p => !p.terminating);
				maxLive = Math.max(maxLive, live.length);
				// maxUnavailable 0: never fewer than 4 ready pods serving.
				expect(live.filter(p => p.ready === 1).length).toBeGreaterThanOrEqual(4);
				const d = view.deployment('checkout');
				if (d.updatedReplicas > 0 && d.updatedReplicas < 4) sawMixed = true;
			},
		);
		expect(maxLive).toBe(5); // maxSurge 1
		expect(sawMixed).toBe(true);
		const pods = view.podsOf('checkout');
		expect(pods).toHaveLength(4);
		expect(pods.every(p => p.name.startsWith(`${before[1]!.replicaSet}-`) && p.ready === 1)).toBe(true);
		expect(view.deployment('checkout')).toMatchObject({replicas: 4, readyReplicas: 4, updatedReplicas: 4, availableReplicas: 4});
		expect(cluster.endpoints('checkout').every(e => e.image === 'shop/checkout:1.7.4')).toBe(true);
		// Watchers saw pods being created, marked terminating and deleted.
		expect(view.state.changes.some(c => c.kind === 'pod' && c.type === 'delete')).toBe(true);
		expect(view.state.changes.some(c => c.kind === 'pod' && c.type === 'upsert' && c.pod.terminating)).toBe(true);
		expect(view.state.changes.some(c => c.kind === 'pod' && c.type === 'upsert' && c.pod.waitingReason === 'ContainerCreating')).toBe(true);
	});

	it('undo to a given revision, to the current one, and to a missing one', async () => {
		const {cluster, view} = await watched();
		await expect(call(cluster.undo('checkout', 9))).rejects.toThrow(/unable to find revision 9 in history \(revisions: 1, 2, 3\)/);
		const same = await call(cluster.undo('checkout', 3));
		expect(same.summary).toMatch(/skipped rollback/);
		expect((await call(cluster.history('checkout'))).map(r => r.revision)).toEqual([3, 2, 1]);

		await call(cluster.undo('checkout', 1));
		const history = await call(cluster.history('checkout'));
		expect(history.map(r => r.revision)).toEqual([4, 3, 2]);
		expect(history[0]!.images).toEqual(['shop/checkout:1.7.2']);
		await advanceUntil(() => view.deployment('checkout').rolloutComplete && view.podsOf('checkout').length === 4);
		expect(cluster.endpoints('checkout').every(e => e.image === 'shop/checkout:1.7.2')).toBe(true);
	});

	it('scale adds and removes pods of the current template', async () => {
		const {cluster, view} = await watched();
		const hash = rsHash(view.podsOf('checkout')[0]!);
		expect((await call(cluster.scale('checkout', 6))).summary).toBe('replicas 4 -> 6');
		await advanceUntil(() => view.deployment('checkout').rolloutComplete);
		expect(view.podsOf('checkout')).toHaveLength(6);
		expect(view.podsOf('checkout').every(p => rsHash(p) === hash && p.ready === 1)).toBe(true);
		expect(view.deployment('checkout')).toMatchObject({replicas: 6, readyReplicas: 6, revision: 3});
		expect((await call(cluster.history('checkout'))).map(r => r.revision)).toEqual([3, 2, 1]);

		await call(cluster.scale('checkout', 2));
		await advanceUntil(() => view.podsOf('checkout').length === 2);
		expect(view.deployment('checkout')).toMatchObject({replicas: 2, readyReplicas: 2, rolloutComplete: true});

		await expect(call(cluster.scale('checkout', -1))).rejects.toThrow(/replicas must be a whole number/);
		await expect(call(cluster.scale('checkout', 1.5))).rejects.toThrow(/replicas must be a whole number/);
	});

	it('restart replaces every pod with a new revision of the same image', async () => {
		const {cluster, view} = await watched();
		const oldPods = new Set(view.podsOf('checkout').map(p => p.name));
		const result = await call(cluster.restart('checkout'));
		expect(result.summary).toContain('revision 3 -> 4');
		const history = await call(cluster.history('checkout'));
		expect(history.map(r => r.revision)).toEqual([4, 3, 2, 1]);
		expect(history[0]!.images).toEqual([badImage]);
		expect(history[0]!.replicaSet).not.toBe(history[1]!.replicaSet);
		await advanceUntil(() => view.deployment('checkout').rolloutComplete && view.podsOf('checkout').every(p => !oldPods.has(p.name)));
		expect(view.podsOf('checkout')).toHaveLength(4);
		expect(cluster.endpoints('checkout').every(e => e.image === badImage)).toBe(true);
	});

	it('names the autoscaler of cart, which puts replicas back in its range', async () => {
		const {cluster, view} = await watched();
		expect(await call(cluster.autoscalerFor('cart'))).toBe('cart');
		expect(await call(cluster.autoscalerFor('checkout'))).toBeNull();
		await call(cluster.scale('cart', 1));
		await advanceUntil(() => view.deployment('cart').replicas === 3 && view.deployment('cart').rolloutComplete);
		expect(view.podsOf('cart').filter(p => !p.terminating)).toHaveLength(3);
	});

	it('gives each watcher a reset first, then changes, until its signal aborts', async () => {
		const cluster = new SimulatedCluster({signal: controller.signal, scenario: false});
		const a = recorder();
		const b = recorder();
		const stopB = new AbortController();
		await cluster.watch(a.watcher, controller.signal);
		await cluster.watch(b.watcher, stopB.signal);
		expect(a.state.calls).toEqual(['reset']);
		expect(b.state.calls).toEqual(['reset']);
		expect(a.state.pods.size).toBe(9);

		await call(cluster.scale('payments', 3));
		await advanceUntil(() => a.deployment('payments').readyReplicas === 3);
		expect(b.state.calls.length).toBeGreaterThan(1);
		expect(b.state.calls.slice(1).every(c => c === 'change')).toBe(true);

		stopB.abort();
		const seenByB = b.state.calls.length;
		await call(cluster.scale('payments', 2));
		await advanceUntil(() => a.podsOf('payments').length === 2);
		expect(b.state.calls.length).toBe(seenByB);
		expect(a.state.calls[0]).toBe('reset');
	});

	it('stops every timer when its signal aborts', async () => {
		const cluster = new SimulatedCluster({signal: controller.signal});
		const view = recorder();
		await cluster.watch(view.watcher, controller.signal);
		const pending = cluster.undo('checkout').catch((error: unknown) => error);
		expect(vi.getTimerCount()).toBeGreaterThan(0);
		controller.abort();
		expect(vi.getTimerCount()).toBe(0);
		await vi.advanceTimersByTimeAsync(200);
		expect(await pending).toMatchObject({message: expect.stringMatching(/demo cluster \(context demo\) has stopped/)});
		const late = recorder();
		await cluster.watch(late.watcher, new AbortController().signal);
		expect(late.state.calls).toEqual([]);
	});

	it('a mutation rejects when its own signal aborts', async () => {
		const cluster = new SimulatedCluster({signal: controller.signal, scenario: false});
		const call = new AbortController();
		const pending = cluster.scale('cart', 4, call.signal).catch((error: unknown) => error);
		call.abort(new Error('cancelled by the user'));
		expect(await pending).toMatchObject({message: 'cancelled by the user'});
		expect(cluster.desiredReplicas('cart')).toBe(3);
	});

	it('OOM-kills bad checkout pods in the first minute, one of them into CrashLoopBackOff, which later recovers', async () => {
		const {view} = await watched({scenario: true});
		const oomKilled = new Set<string>();
		let crashLooping: string | undefined;
		await advanceUntil(
			() => oomKilled.size >= 2 && crashLooping !== undefined,
			() => {
				for (const pod of view.podsOf('checkout')) {
					if (pod.lastTerminationReason === 'OOMKilled') oomKilled.add(pod.name);
					if (pod.waitingReason === 'CrashLoopBackOff') crashLooping = pod.name;
				}
			},
			60_000,
		);
		const looping = view.state.pods.get(crashLooping!)!;
		expect(looping).toMatchObject({ready: 0, lastTerminationReason: 'OOMKilled'});
		expect(looping.restarts).toBeGreaterThanOrEqual(2);
		expect(view.deployment('checkout').readyReplicas).toBeLessThan(4);
		expect(view.podsOf('cart').every(p => p.lastTerminationReason !== 'OOMKilled')).toBe(true);

		await advanceUntil(() => view.state.pods.get(crashLooping!)?.ready === 1, () => {}, 60_000, 500);
		expect(view.state.pods.get(crashLooping!)!.waitingReason).toBeUndefined();
	});

	it('gives a pod events and a log like kubelet’s: an OOM-killed pod’s log is from before the kill, a crash loop has a BackOff warning', async () => {
		const {cluster, view} = await watched({scenario: true});
		let crashLooping: string | undefined;
		await advanceUntil(
			() => crashLooping !== undefined,
			() => (crashLooping = view.podsOf('checkout').find(p => p.waitingReason === 'CrashLoopBackOff')?.name),
			60_000,
		);
		const events = await call(cluster.events('Pod', crashLooping!));
		expect(events.map(e => e.reason)).toEqual(['Scheduled', 'Pulled', 'Created', 'Started', 'BackOff']);
		expect(events.at(-1)).toMatchObject({type: 'Warning', message: `Back-off restarting failed container checkout in pod ${crashLooping}_shop`});
		expect(events.find(e => e.reason === 'Started')!.count).toBe(view.state.pods.get(crashLooping!)!.restarts + 1);
		const now = await call(cluster.podNow(crashLooping!));
		expect(now.pod).toEqual(view.state.pods.get(crashLooping!));
		expect(now.containers).toEqual([
			{name: 'checkout', ready: false, restarts: view.state.pods.get(crashLooping!)!.restarts, state: 'waiting: CrashLoopBackOff', lastTermination: {reason: 'OOMKilled', exitCode: 137, finishedAt: expect.stringMatching(/Z$/)}},
		]);
		const log = await call(cluster.podLog(crashLooping!, 5));
		expect(log).toMatchObject({container: 'checkout', previous: true});
		expect(log.lines).toHaveLength(5);
		expect(log.lines.at(-1)).toMatch(/heap 50\d MiB of 512 MiB$/);

		// A pod from weeks ago: its events are gone (an hour's worth are kept), its log runs on.
		const payments = view.podsOf('payments')[0]!.name;
		expect(await call(cluster.events('Pod', payments))).toEqual([]);
		// The bad deploy went out minutes ago: the Deployment controller's event for it is still kept.
		expect((await call(cluster.events('Deployment', 'checkout'))).map(e => e.reason)).toEqual(['ScalingReplicaSet']);
		expect(await call(cluster.events('Deployment', 'payments'))).toEqual([]);
		// Up to now, never past it: the last 20 of a health probe every 5 s since it started weeks ago.
		const running = await call(cluster.podLog(payments, 20));
		expect(running).toMatchObject({container: 'payments', previous: false});
		expect(running.lines).toHaveLength(20);
		expect(running.lines.every(line => line.includes('GET /health 200'))).toBe(true);
		const last = Date.parse(running.lines.at(-1)!.split(' ')[0]!);
		expect(Date.now() - last).toBeGreaterThanOrEqual(0);
		expect(Date.now() - last).toBeLessThan(6000);
		await expect(call(cluster.podLog('nope', 20))).rejects.toThrow('pods "nope" not found in namespace shop');
	});

	it('scales time with the speed option', async () => {
		const cluster = new SimulatedCluster({signal: controller.signal, scenario: false, speed: 20});
		const view = recorder();
		await cluster.watch(view.watcher, controller.signal);
		await call(cluster.undo('checkout'));
		const took = await advanceUntil(() => view.deployment('checkout').rolloutComplete && view.podsOf('checkout').length === 4, () => {}, 60_000, 50);
		// At speed 1 one pod alone needs readyMs; twenty times faster the whole rollout fits in that.
		expect(took).toBeLessThan(timings.readyMs);
	});
});

describe('the simulated cluster’s code', () => {
	it('has no file over 400 lines and no function over 80', async () => {
		expect(await oversized(['source/demo/cluster*.ts'])).toEqual([]);
	});
});
