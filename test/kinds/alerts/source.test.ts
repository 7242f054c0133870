import {afterEach, describe, expect, it} from 'vitest';
import {fetchAlertmanagerAlerts, fetchAlertmanagerGroups} from '../../../source/clients/alertmanager.js';
import {alertsKind} from '../../../source/kinds/alerts/index.js';
import {RowCache} from '../../../source/store/memo.js';
import {mergeAlerts, startAlertsSource} from '../../../source/kinds/alerts/source.js';
import {alertKey} from '../../../source/kinds/alerts/data.js';
import {PrometheusMetrics} from '../../../source/clients/prometheus.js';
import type {LocalServer} from '../../clients/local-server.js';
import {waitFor} from '../../support/wait.js';
import {startFakePrometheus, type Reply} from '../../clients/fake-prometheus.js';
import {makeConfig, makeContext} from '../support.js';
import {alertsData} from '../../../source/kinds/alerts/data.js';

let servers: LocalServer[] = [];
let stops: Array<() => void> = [];
afterEach(async () => {
	for (const stop of stops) stop();
	stops = [];
	await Promise.all(servers.map(s => s.close()));
	servers = [];
});

const signal = new AbortController().signal;

function promAlerts(alerts: Array<{name: string; state?: string; severity?: string}>): Reply {
	return {
		body: {
			status: 'success',
			data: {alerts: alerts.map(a => ({labels: {alertname: a.name, severity: a.severity ?? 'critical'}, annotations: {summary: `${a.name} summary`}, state: a.state ?? 'firing', activeAt: '2026-01-01T00:00:00Z'}))},
		},
	};
}

describe('Alertmanager', () => {
	it('maps /api/v2/alerts to AlertInfo', async () => {
		const server = await startFakePrometheus(path =>
			path === '/api/v2/alerts'
				? {
						body: [
							{labels: {alertname: 'PodCrashLooping', pod: 'api-1'}, annotations: {description: 'restarting'}, startsAt: '2026-01-01T00:00:00Z', status: {state: 'active'}},
							{labels: {alertname: 'Silenced'}, annotations: {}, status: {state: 'suppressed'}},
						],
					}
				: {status: 404, body: ''},
		);
		servers.push(server);
		expect(await fetchAlertmanagerAlerts({url: server.url}, signal)).toEqual([
			{name: 'PodCrashLooping', state: 'firing', labels: {alertname: 'PodCrashLooping', pod: 'api-1'}, activeAt: '2026-01-01T00:00:00Z', summary: 'restarting'},
			{name: 'Silenced', state: 'suppressed', labels: {alertname: 'Silenced'}},
		]);
	});

	it('rejects an answer that is not a list', async () => {
		const server = await startFakePrometheus(() => ({body: {status: 'success'}}));
		servers.push(server);
		await expect(fetchAlertmanagerAlerts({url: server.url}, signal)).rejects.toThrow(/did not return a list of alerts; is the URL right\?/);
	});
});

describe('mergeAlerts', () => {
	it('drops duplicates across backends and lists firing first', () => {
		const a = {name: 'A', state: 'firing', labels: {alertname: 'A', x: '1'}};
		const b = {name: 'B', state: 'pending', labels: {alertname: 'B'}};
		expect(mergeAlerts([[b, a], [{...a, state: 'firing'}]])).toEqual([a, b]);
		expect(alertKey(a)).toBe('A{x=1}');
	});
});

describe('mergeAlerts with Alertmanager', () => {
	const prometheus = {name: 'HighErrorRate', state: 'firing', labels: {alertname: 'HighErrorRate', severity: 'critical'}};
	// Prometheus adds its external labels to the alerts it sends to Alertmanager.
	const amLabels = {...prometheus.labels, cluster: 'prod-eu'};

	it('takes Alertmanager’s view of an alert, found by its labels even with external labels added', () => {
		const silenced = {name: 'HighErrorRate', state: 'suppressed', labels: amLabels, silencedBy: ['abc']};
		expect(mergeAlerts([[prometheus]], [silenced])).toEqual([silenced]);
	});

	it('keeps Prometheus’s firing view while Alertmanager has not processed the alert yet', () => {
		expect(mergeAlerts([[prometheus]], [{name: 'HighErrorRate', state: 'pending', labels: amLabels}])).toEqual([prometheus]);
	});

	it('lists what only one of them knows', () => {
		const disk = {name: 'DiskFull', state: 'firing', labels: {alertname: 'DiskFull'}};
		expect(mergeAlerts([[prometheus]], [disk]).map(a => a.name)).toEqual(['DiskFull', 'HighErrorRate']);
	});
});

describe('startAlertsSource', () => {
	it('polls Prometheus and Alertmanager into the store and signals firing and resolved once each', async () => {
		let firing = [{name: 'HighErrorRate'}];
		let amDown = false;
		const prom = await startFakePrometheus(() => promAlerts(firing));
		// Alertmanager's alerts as its routes group them (/api/v2/alerts/groups), and no silences.
		const diskFull = {labels: {alertname: 'DiskFull', severity: 'warning'}, annotations: {}, status: {state: 'active'}};
		const am = await startFakePrometheus(path =>
			amDown ? {status: 502, body: 'bad gateway'} : path === '/api/v2/silences' ? {body: []} : {body: [{labels: {alertname: 'DiskFull'}, receiver: {name: 'null'}, alerts: [diskFull]}]},
		);
		servers.push(prom, am);
		const ctx = makeContext(makeConfig({alertmanager: {url: am.url}, refresh: {alertsMs: 20}}));
		stops.push(startAlertsSource({...ctx, metrics: new PrometheusMetrics({url: prom.url})}));
		await waitFor(() => alertsData.of(ctx.store.getState()).length === 2, {message: 'two alerts'});
		await waitFor(() => ctx.signals().length === 2, {message: 'two firing signals'});
		expect(ctx.signals().map(s => `${s.kind} ${s.level} ${s.subject}`).sort()).toEqual(['alert.firing crit HighErrorRate{severity=critical}', 'alert.firing warn DiskFull{severity=warning}']);
		// Alertmanager goes down: its alert stays listed (not "resolved"), the feed says why.
		amDown = true;
		const feed = await waitFor(() => (ctx.store.getState().feeds.alerts?.status === 'error' ? ctx.store.getState().feeds.alerts : null), {message: 'alerts feed error'});
		expect(feed.error).toMatch(/Alertmanager at .* answered HTTP 502 Bad Gateway: bad gateway/);
		expect(alertsData.of(ctx.store.getState()).map(a => a.name).sort()).toEqual(['DiskFull', 'HighErrorRate']);
		amDown = false;
		firing = [];
		await waitFor(() => ctx.signals().length === 3, {message: 'resolved signal', timeoutMs: 10_000});
		expect(ctx.signals()[2]).toEqual({kind: 'alert.resolved', level: 'ok', message: 'alert HighErrorRate{severity=critical} resolved', subject: 'HighErrorRate{severity=critical}'});
		expect(alertsData.of(ctx.store.getState()).map(a => a.name)).toEqual(['DiskFull']);
	});

	it('shows an Alertmanager that answers garbage as an error in the Alerts pane, not as no alerts', async () => {
		const am = await startFakePrometheus(path => (path === '/api/v2/alerts/groups' ? {contentType: 'text/html', body: '<html>login</html>'} : {body: {groups: 'not a list'}}));
		servers.push(am);
		const ctx = makeContext(makeConfig({alertmanager: {url: am.url}, refresh: {alertsMs: 20}}));
		stops.push(startAlertsSource({...ctx, metrics: null}));
		const feed = await waitFor(() => (ctx.store.getState().feeds.alerts?.status === 'error' ? ctx.store.getState().feeds.alerts : null), {message: 'alerts feed error'});
		expect(feed.error).toMatch(/^Alertmanager at http:\/\/127\.0\.0\.1:\d+\/api\/v2\/alerts\/groups returned a text\/html body instead of JSON: "<html>login<\/html>"; is the URL right\?/);
		const now = Date.now();
		const state = ctx.store.getState();
		expect(alertsKind.summary(state, now, new RowCache())).toMatchObject({text: expect.stringMatching(/^error \d+s$/), tone: 'crit'});
		expect(alertsKind.empty(state)).toBe('not known: no alert source has answered yet');
		// A JSON answer that is not a list of groups is refused too.
		await expect(fetchAlertmanagerGroups({url: `${am.url}/x`}, signal)).rejects.toThrow(/did not return a list of alert groups; is the URL right\?/);
	});

	it('does nothing without an alert backend', () => {
		const ctx = makeContext(makeConfig({}));
		const stop = startAlertsSource({...ctx, metrics: null});
		stop();
		expect(ctx.store.getState().feeds.alerts).toBeUndefined();
	});
});
