import {afterEach, describe, expect, it, vi} from 'vitest';
import type {DeploymentInfo} from '../../source/ports/cluster.js';
import type {Runbook} from '../../source/runbook/model.js';
import {startAutoCheck} from '../../source/kinds/runbook/auto-check.js';
import {watchRecovery} from '../../source/controller/recovery.js';
import {createIncidentStore, type IncidentStore} from '../../source/store/store.js';
import type {Tone} from '../../source/text/format.js';
import type {MetricRow} from '../../source/kinds/metrics/data.js';
import type {AnyTimelineEvent, AppendEvent, EventData, EventType, TimelineEvent} from '../../source/timeline/events.js';
import {deployment} from '../support/fixtures.js';
import {waitFor} from '../support/wait.js';
import {eventsOf} from '../session/support.js';
import {applyClusterChanges, clusterData} from '../../source/kinds/pods/cluster-data.js';
import {metricsData} from '../../source/kinds/metrics/data.js';
import {podsData} from '../../source/kinds/pods/data.js';

/** A clock the test moves by hand; `reads` counts how often the code under test looked at it (one per tick at least). */
function manualClock(start = Date.parse('2026-11-22T03:30:00.000Z')) {
	let at = start;
	const clock = {
		reads: 0,
		now: () => {
			clock.reads++;
			return at;
		},
		advance: (ms: number) => {
			at += ms;
		},
	};
	return clock;
}

/** An in-memory journal: appends go straight into the store, as the session's append does after the fsync. */
function memoryAppend(store: IncidentStore): AppendEvent {
	let seq = 0;
	return (async <T extends EventType>(type: T, data: EventData[T]) => {
		const event = {v: 1, id: `e${++seq}`, at: new Date(Date.parse('2026-11-22T03:30:00.000Z') + seq).toISOString(), by: 'test@host', type, data} as TimelineEvent<T>;
		store.getState().eventsAppended([event as AnyTimelineEvent]);
		return event;
	}) as AppendEvent;
}

function errorRatio(value: number): MetricRow {
	const tone: Tone = value >= 0.05 ? 'crit' : value >= 0.01 ? 'warn' : 'ok';
	return {id: 'error_ratio', title: '5xx ratio', promql: 'x', unit: 'ratio', warn: 0.01, critical: 0.05, direction: 'above', tone, series: [{labels: '', value, history: [value], tone}]};
}

const stops: Array<() => void> = [];
afterEach(() => {
	for (const stop of stops.splice(0)) stop();
});

/** Waits until the code under test has looked at the clock `n` more times (i.e. ticked), so "nothing happened" is observed, not assumed. */
async function ticks(clock: ReturnType<typeof manualClock>, n = 5): Promise<void> {
	const target = clock.reads + n;
	await waitFor(() => clock.reads >= target, {message: `${n} ticks`});
}

function setup(initial: DeploymentInfo) {
	const clock = manualClock();
	const store = createIncidentStore({now: clock.now});
	store.getState().dataReceived(podsData, clusterData([], [initial]));
	const append = memoryAppend(store);
	const controller = new AbortController();
	stops.push(() => controller.abort());
	return {clock, store, append, signal: controller.signal};
}

const signals = (store: IncidentStore) => eventsOf(store.getState().timeline, 'signal').filter(e => e.data.kind.startsWith('recovery.'));

/** Waits for the watch's first recovery.* signal. */
async function firstVerdict(store: IncidentStore) {
	const [verdict] = await waitFor(() => (signals(store).length > 0 ? signals(store) : undefined), {message: 'a recovery verdict'});
	return verdict!;
}

describe('recovery watch', () => {
	const before = deployment('checkout', {generation: 3, observedGeneration: 3, revision: 3});
	const rolling = deployment('checkout', {generation: 4, observedGeneration: 4, revision: 4, updatedReplicas: 1, readyReplicas: 3, rolloutComplete: false});
	const rolled = deployment('checkout', {generation: 4, observedGeneration: 4, revision: 4});

	it('rollout completes, then the primary query stays ok for watchSeconds: recovery.verified', async () => {
		const {clock, store, append, signal} = setup(before);
		store.getState().dataReceived(metricsData, [errorRatio(0.12)]);
		watchRecovery({store, append, deployment: 'checkout', primaryQuery: 'error_ratio', watchSeconds: 60, signal, now: clock.now, tickMs: 5});
		store.getState().dataUpdated(podsData, data => applyClusterChanges(data, [{kind: 'deployment', type: 'upsert', deployment: rolling}]));
		await ticks(clock);
		store.getState().dataUpdated(podsData, data => applyClusterChanges(data, [{kind: 'deployment', type: 'upsert', deployment: rolled}]));
		store.getState().dataReceived(metricsData, [errorRatio(0.004)]);
		await ticks(clock);
		clock.advance(30_000);
		await ticks(clock);
		expect(signals(store)).toEqual([]);
		clock.advance(31_000);
		const verdict = await firstVerdict(store);
		expect(verdict.data).toMatchObject({kind: 'recovery.verified', level: 'ok', subject: 'deployment/checkout', value: 0.004});
		expect(verdict.data.message).toMatch(/recovered: 5xx ratio stayed within thresholds for 60s/);
		// Done: the watch stops looking (and so never writes a second verdict).
		const reads = clock.reads;
		let spins = 0;
		await waitFor(() => ++spins > 10, {intervalMs: 5, message: 'ten intervals'});
		expect(clock.reads).toBe(reads);
		expect(signals(store)).toHaveLength(1);
	});

	it('says so on screen when its verdict cannot be written to the journal (not a silent loss)', async () => {
		const {clock, store, signal} = setup(rolled);
		const failing: AppendEvent = () => Promise.reject(new Error('disk full'));
		store.getState().dataReceived(metricsData, [errorRatio(0.004)]);
		watchRecovery({store, append: failing, deployment: 'checkout', primaryQuery: 'error_ratio', watchSeconds: 1, signal, now: clock.now, tickMs: 5});
		await ticks(clock);
		// A rollout seen complete from the start is watched after the grace period, then for watchSeconds.
		clock.advance(31_000);
		await ticks(clock);
		clock.advance(2_000);
		await waitFor(() => store.getState().ui.flash?.text.includes('disk full'), {message: 'a flash naming the failed write'});
		expect(store.getState().ui.flash).toMatchObject({tone: 'crit'});
		expect(store.getState().ui.flash?.text).toContain('deployment/checkout');
	});

	it('rollout completes but the primary query stays critical: recovery.failed', async () => {
		const {clock, store, append, signal} = setup(before);
		store.getState().dataReceived(metricsData, [errorRatio(0.12)]);
		watchRecovery({store, append, deployment: 'checkout', primaryQuery: 'error_ratio', watchSeconds: 60, signal, now: clock.now, tickMs: 5});
		store.getState().dataUpdated(podsData, data => applyClusterChanges(data, [{kind: 'deployment', type: 'upsert', deployment: rolled}]));
		await ticks(clock);
		clock.advance(61_000);
		const verdict = await firstVerdict(store);
		expect(verdict.data).toMatchObject({kind: 'recovery.failed', level: 'crit', subject: 'deployment/checkout', value: 0.12});
		expect(verdict.data.message).toMatch(/not recovered: 5xx ratio still critical 60s after the rollout of deployment\/checkout/);
	});

	it('does not take the finished rollout from before the action for the new one', async () => {
		// Right after the PATCH the store still shows the old, complete rollout: the watch must wait for the new generation.
		const {clock, store, append, signal} = setup(before);
		store.getState().dataReceived(metricsData, [errorRatio(0.12)]);
		watchRecovery({store, append, deployment: 'checkout', primaryQuery: 'error_ratio', watchSeconds: 10, signal, now: clock.now, tickMs: 5});
		await ticks(clock);
		clock.advance(20_000);
		await ticks(clock);
		// Taking the old rollout for the new one would have said "not recovered" by now.
		expect(signals(store)).toEqual([]);
		store.getState().dataUpdated(podsData, data => applyClusterChanges(data, [{kind: 'deployment', type: 'upsert', deployment: rolling}]));
		await ticks(clock);
		store.getState().dataUpdated(podsData, data => applyClusterChanges(data, [{kind: 'deployment', type: 'upsert', deployment: rolled}]));
		store.getState().dataReceived(metricsData, [errorRatio(0.003)]);
		await ticks(clock);
		clock.advance(11_000);
		const verdict = await firstVerdict(store);
		expect(verdict.data.kind).toBe('recovery.verified');
	});

	it('a change that never shows a new generation (scale to the same count) is watched after a grace period', async () => {
		const {clock, store, append, signal} = setup(before);
		store.getState().dataReceived(metricsData, [errorRatio(0.002)]);
		watchRecovery({store, append, deployment: 'checkout', primaryQuery: 'error_ratio', watchSeconds: 10, signal, now: clock.now, tickMs: 5});
		await ticks(clock);
		clock.advance(30_000);
		await ticks(clock);
		expect(signals(store)).toEqual([]);
		clock.advance(11_000);
		const verdict = await firstVerdict(store);
		expect(verdict.data.kind).toBe('recovery.verified');
	});

	it('a rollout already in progress when the watch starts counts once it completes', async () => {
		const {clock, store, append, signal} = setup(rolling);
		store.getState().dataReceived(metricsData, [errorRatio(0.002)]);
		watchRecovery({store, append, deployment: 'checkout', primaryQuery: 'error_ratio', watchSeconds: 10, signal, now: clock.now, tickMs: 5});
		await ticks(clock);
		store.getState().dataUpdated(podsData, data => applyClusterChanges(data, [{kind: 'deployment', type: 'upsert', deployment: rolled}]));
		await ticks(clock);
		clock.advance(11_000);
		const verdict = await firstVerdict(store);
		expect(verdict.data.kind).toBe('recovery.verified');
	});

	it('stops without a verdict when its signal aborts', async () => {
		const {clock, store, append} = setup(rolled);
		const controller = new AbortController();
		store.getState().dataReceived(metricsData, [errorRatio(0.12)]);
		watchRecovery({store, append, deployment: 'checkout', primaryQuery: 'error_ratio', watchSeconds: 1, signal: controller.signal, now: clock.now, tickMs: 5});
		controller.abort();
		const reads = clock.reads;
		clock.advance(10_000);
		// Another timer of the same period has fired several times: the watch would have ticked by now.
		let spins = 0;
		await waitFor(() => ++spins > 10, {intervalMs: 5, message: 'ten intervals'});
		expect(clock.reads).toBe(reads);
		expect(signals(store)).toEqual([]);
	});
});

function autoRunbook(): Runbook {
	return {
		id: 'auto',
		title: 'Auto',
		source: 'builtin:auto',
		format: 'yaml',
		alerts: [],
		variables: [],
		queries: [{id: 'error_ratio', title: '5xx ratio', promql: 'x', unit: 'ratio', warn: 0.01, critical: 0.05}],
		sections: [],
		steps: [
			{id: 'plain', title: 'Plain step', depth: 0, text: [], queries: [], commands: []},
			{id: 'errors-low', title: 'Errors stay low', depth: 0, text: [], queries: ['error_ratio'], commands: [], doneWhen: {query: 'error_ratio', below: 0.01, forSeconds: 60}},
		],
		escalation: [],
		primaryQuery: 'error_ratio',
	};
}

/** Auto-check running on autoRunbook() over a fresh store, with a clock the test moves. */
function startAuto(failing = false) {
	const clock = manualClock();
	const store = createIncidentStore({now: clock.now});
	const append: AppendEvent = failing ? () => Promise.reject(new Error('disk full')) : memoryAppend(store);
	const controller = new AbortController();
	stops.push(() => controller.abort());
	const runbook = autoRunbook();
	store.getState().runbookLoaded(runbook);
	stops.push(startAutoCheck({store, append, runbook, now: clock.now, signal: controller.signal}));
	return {clock, store, checked: () => eventsOf(store.getState().timeline, 'step.checked')};
}

describe('auto-check', () => {
	it('says so on screen when the tick it decided cannot be written to the journal (not a silent loss)', async () => {
		const {clock, store} = startAuto(true);
		store.getState().dataReceived(metricsData, [errorRatio(0.004)]);
		clock.advance(61_000);
		store.getState().dataReceived(metricsData, [errorRatio(0.004)]);
		await waitFor(() => store.getState().ui.flash?.text.includes('disk full'), {message: 'a flash naming the failed write'});
		expect(store.getState().ui.flash).toMatchObject({tone: 'crit'});
		expect(store.getState().ui.flash?.text).toContain('Errors stay low');
	});

	it('checks a step once its query has held below the value for forSeconds, and only once', async () => {
		const {clock, store, checked} = startAuto();

		store.getState().dataReceived(metricsData, [errorRatio(0.12)]);
		clock.advance(120_000);
		store.getState().dataReceived(metricsData, [errorRatio(0.11)]);
		expect(checked()).toEqual([]);

		store.getState().dataReceived(metricsData, [errorRatio(0.004)]); // holds from here
		clock.advance(30_000);
		store.getState().dataReceived(metricsData, [errorRatio(0.006)]);
		clock.advance(29_000);
		store.getState().dataReceived(metricsData, [errorRatio(0.005)]);
		expect(checked()).toEqual([]);
		clock.advance(1_000);
		store.getState().dataReceived(metricsData, [errorRatio(0.005)]);
		await waitFor(() => checked().length === 1, {message: 'step.checked'});
		// The cause: the condition in words and the value that held (the step has no action of its own).
		expect(checked()[0]!.data).toEqual({runbookId: 'auto', stepId: 'errors-low', title: 'Errors stay low', auto: true, cause: {type: 'condition', condition: '5xx ratio < 1% for 1m', value: '0.5%'}});
		expect(store.getState().incident.checkedSteps).toEqual({'errors-low': true});

		for (let i = 0; i < 5; i++) {
			clock.advance(10_000);
			store.getState().dataReceived(metricsData, [errorRatio(0.003)]);
		}
		// Let any append the evaluations above queued land before counting.
		await Promise.resolve();
		await new Promise(resolve => setImmediate(resolve));
		expect(checked()).toHaveLength(1);
	});

	it('checks a held condition when its time is up, with no new data, and keeps no timer while nothing is counting', () => {
		vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval']});
		stops.push(() => vi.useRealTimers());
		const {clock, store, checked} = startAuto();

		store.getState().dataReceived(metricsData, [errorRatio(0.12)]);
		expect(vi.getTimerCount()).toBe(0);
		store.getState().dataReceived(metricsData, [errorRatio(0.004)]); // holds from here: one timer, for when the minute is up
		expect(vi.getTimerCount()).toBe(1);
		clock.advance(59_000);
		vi.advanceTimersByTime(59_000);
		expect(checked()).toEqual([]);
		clock.advance(1_000);
		vi.advanceTimersByTime(1_000);
		// The in-memory append updates the store as it is called: no waiting needed (nor possible, with fake timers).
		expect(checked()).toHaveLength(1);
		expect(vi.getTimerCount()).toBe(0);
		store.getState().dataReceived(metricsData, [errorRatio(0.02)]); // broken: nothing counting
		expect(vi.getTimerCount()).toBe(0);
	});

	it('tells the store since when a condition holds, for the countdown, and forgets it when it breaks or the check stops', () => {
		const {clock, store} = startAuto();
		const start = clock.now();
		store.getState().dataReceived(metricsData, [errorRatio(0.004)]);
		expect(store.getState().doneWhenHeld).toEqual({'errors-low': start});
		clock.advance(20_000);
		store.getState().dataReceived(metricsData, [errorRatio(0.003)]);
		expect(store.getState().doneWhenHeld).toEqual({'errors-low': start});
		store.getState().dataReceived(metricsData, [errorRatio(0.02)]);
		expect(store.getState().doneWhenHeld).toEqual({});
		store.getState().dataReceived(metricsData, [errorRatio(0.004)]);
		expect(store.getState().doneWhenHeld).toEqual({'errors-low': start + 20_000});
		stops.pop()!(); // another runbook was chosen
		expect(store.getState().doneWhenHeld).toEqual({});
	});

	it('a dip above the value restarts the count', async () => {
		const {clock, store, checked} = startAuto();

		store.getState().dataReceived(metricsData, [errorRatio(0.004)]);
		clock.advance(50_000);
		store.getState().dataReceived(metricsData, [errorRatio(0.02)]); // broken
		clock.advance(20_000);
		store.getState().dataReceived(metricsData, [errorRatio(0.004)]); // holds again from here
		clock.advance(50_000);
		store.getState().dataReceived(metricsData, [errorRatio(0.004)]);
		await new Promise(resolve => setImmediate(resolve));
		expect(checked()).toEqual([]);
		clock.advance(10_000);
		store.getState().dataReceived(metricsData, [errorRatio(0.004)]);
		await waitFor(() => checked().length === 1, {message: 'step.checked after a full minute'});
	});
});
