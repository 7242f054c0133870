/**
 * Micro-benchmark: the cost of one frame of the real App at 200x50 with 10,000 pods, rendered by
 * Ink (incremental, as the CLI does) into a fake terminal stream. Makes N store changes of each kind
 * (40 visible pod rows changing at once, pods selection moves, pane switches, help toggles) and reports, per kind, the mean, p50 and p99
 * time from the store change to the frame written.
 * Run: node --import tsx bench/frame-cost.tsx   (NODE_ENV=production for React's production build)
 */
import {EventEmitter} from 'node:events';
import React from 'react';
import {render} from 'ink';
import {App} from '../source/ui/app.js';
import {CockpitProvider} from '../source/ui/context.js';
import {createTheme} from '../source/ui/theme.js';
import {createIncidentStore} from '../source/store/store.js';
import {kindById} from '../source/kinds/registry.js';
import {rowsFor} from '../source/kinds/panes.js';
import {clusterFixture, healthRows, metricRows, runbookFixture, timelineFixture} from '../test/support/fixtures.js';
import {applyClusterChanges, clusterData} from '../source/kinds/pods/cluster-data.js';
import {healthData} from '../source/kinds/health/data.js';
import {metricsData} from '../source/kinds/metrics/data.js';
import {podsData} from '../source/kinds/pods/data.js';

class FakeTty extends EventEmitter {
	columns = 200;
	rows = 50;
	isTTY = true;
	bytes = 0;
	onWrite: (() => void) | undefined;
	write(chunk: string) {
		this.bytes += Buffer.byteLength(chunk);
		this.onWrite?.();
		return true;
	}
}

const store = createIncidentStore({env: {context: 'bench', namespace: 'bench'}});
const {deployments} = clusterFixture();
const pods = Array.from({length: 10_000}, (_, i) => ({...clusterFixture().pods[2]!, name: `checkout-7d9f8-${String(i).padStart(5, '0')}`}));
store.getState().dataReceived(podsData, clusterData(pods, deployments));
store.getState().dataReceived(healthData, healthRows());
store.getState().dataReceived(metricsData, metricRows());
store.getState().runbookLoaded(runbookFixture());
store.getState().eventsAppended(timelineFixture());
store.getState().focusChanged('pods');

const stdout = new FakeTty();
const stdin = Object.assign(new EventEmitter(), {isTTY: false, setRawMode() {}, ref() {}, unref() {}, setEncoding() {}, read: () => null});
const instance = render(
	<CockpitProvider store={store} theme={createTheme({color: true})}>
		<App size={{width: 200, height: 49}} inputActive={false} />
	</CockpitProvider>,
	{stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, exitOnCtrlC: false, patchConsole: false, maxFps: 1000, incrementalRendering: true},
);

const frame = () => new Promise<void>(resolve => (stdout.onWrite = () => {
	stdout.onWrite = undefined;
	resolve();
}));
const n = Number(process.env.FRAMES ?? 300);
await new Promise(resolve => setTimeout(resolve, 200));

/** Times `n` store changes, each from the change to the frame written. */
async function time(label: string, change: (i: number) => void): Promise<void> {
	const times: number[] = [];
	const bytesBefore = stdout.bytes;
	for (let i = 0; i < n; i++) {
		const written = frame();
		const t = performance.now();
		change(i);
		await written;
		times.push(performance.now() - t);
		await new Promise(resolve => setTimeout(resolve, 2));
	}
	times.sort((a, b) => a - b);
	const mean = times.reduce((a, b) => a + b, 0) / times.length;
	console.log(`${label.padEnd(8)} frames ${n}  mean ${mean.toFixed(2)} ms  p50 ${times[Math.floor(n / 2)]!.toFixed(2)} ms  p99 ${times[Math.floor(n * 0.99)]!.toFixed(2)} ms  bytes/frame ${((stdout.bytes - bytesBefore) / n).toFixed(0)}`);
}

// A change to 40 visible rows in one column, as the 5 s clock makes when it ages young pods.
await time('rows', i => store.getState().dataUpdated(podsData, data => applyClusterChanges(data, pods.slice(0, 40).map(pod => ({kind: 'pod', type: 'upsert', pod: {...pod, restarts: pod.restarts + i + 1}})))));
await time('move', i => store.getState().selectionMoved('pods', i % 40 < 20 ? 1 : -1, rowsFor(store.getState(), kindById('pods')!, store.cache)));
await time('pane', i => store.getState().focusChanged(i % 2 === 0 ? 'timeline' : 'pods'));
await time('help', () => store.getState().helpToggled());
instance.unmount();
process.exit(0);
