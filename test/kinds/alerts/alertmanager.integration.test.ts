/**
 * The alerts source against a REAL Alertmanager (Debian's prometheus-alertmanager, started on a free
 * loopback port by test/support/alertmanager.ts): an Alertmanager that is down or refuses the
 * credentials is shown as such, and silences and inhibitions made through Alertmanager's own API are
 * recorded as what they are, never as a resolution.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {startAlertsSource} from '../../../source/kinds/alerts/source.js';
import {PrometheusMetrics} from '../../../source/clients/prometheus.js';
import {alertmanagerTestUser, requireAlertmanager, startAlertmanager, type RunningAlertmanager} from '../../support/alertmanager.js';
import {renderCockpit} from '../../support/render-cockpit.js';
import {waitFor} from '../../support/wait.js';
import type {LocalServer} from '../../clients/local-server.js';
import {startFakePrometheus} from '../../clients/fake-prometheus.js';
import {makeConfig, makeContext} from '../support.js';
import {alertsData} from '../../../source/kinds/alerts/data.js';

const binary = requireAlertmanager('alerts source against a real Alertmanager');

/** The signals, as "kind subject"; of the alerts with this `test` label only, when given (the tests share one server). */
function kinds(ctx: ReturnType<typeof makeContext>, test?: string): string[] {
	return ctx
		.signals()
		.filter(s => test === undefined || (s.subject ?? '').includes(`test=${test}`))
		.map(s => `${s.kind} ${s.subject ?? ''}`);
}

describe.skipIf(!binary)('alerts source against a real Alertmanager', () => {
	let am: RunningAlertmanager;
	const cleanups: Array<() => void | Promise<void>> = [];

	beforeAll(async () => {
		am = await startAlertmanager(binary!);
	});
	afterAll(async () => {
		await am?.close();
	});
	afterEach(async () => {
		for (const fn of cleanups.splice(0).reverse()) await fn();
	});

	function source(config: Record<string, unknown>, extra: {prometheusUrl?: string} = {}) {
		const ctx = makeContext(makeConfig({refresh: {alertsMs: 50}, ...config}));
		const stop = startAlertsSource({...ctx, metrics: extra.prometheusUrl ? new PrometheusMetrics({url: extra.prometheusUrl}) : null});
		cleanups.push(stop);
		return ctx;
	}

	/** A label set no other test uses, so tests sharing the server do not see each other's alerts. */
	const unique = (name: string) => ({alertname: name, severity: 'critical', test: `${name}-${Math.random().toString(36).slice(2, 8)}`});

	it('shows an Alertmanager that is down as unreachable in the Alerts pane title and the header, with the last alerts kept as stale', async () => {
		const down = await startAlertmanager(binary!);
		cleanups.push(() => down.close());
		const labels = unique('CheckoutDown');
		await down.postAlerts([{labels, annotations: {summary: 'checkout is down'}}]);
		const ctx = source({alertmanager: {url: down.url, timeoutMs: 1000}});
		const ui = await renderCockpit({store: ctx.store, width: 120, height: 30});
		cleanups.push(() => ui.unmount());
		await ui.waitForFrame(f => /6 Alerts +1 firing/.test(f) && f.includes('CheckoutDown'), 'the alert in the Alerts pane');
		await down.stop();
		await waitFor(() => ctx.store.getState().feeds.alerts?.status === 'error', {message: 'alerts feed failed', timeoutMs: 10_000});
		// The header says it, the Alerts pane title says it, and the alert is not taken for resolved.
		await ui.waitForFrame(f => /alerts: stale \d+s \(unreachable\)/.test(f.split('\n')[0]!), 'alerts stale in the header');
		const alertsTitle = ui.frame().split('\n').find(line => line.includes('6 Alerts'))!;
		expect(alertsTitle).toMatch(/1 firing · stale \d+s \(unreachable\)/);
		expect(ui.frame()).toContain('CheckoutDown');
		expect(ctx.store.getState().feeds.alerts).toMatchObject({status: 'error', failure: 'unreachable'});
		expect(ctx.store.getState().feeds.alerts?.error).toMatch(/^Alertmanager at http:\/\/127\.0\.0\.1:\d+\/api\/v2\/alerts\/groups: connection refused/);
		expect(kinds(ctx).filter(k => k.startsWith('alert.resolved'))).toEqual([]);
	});

	it('shows an Alertmanager that was never reached as unreachable, not as "no alerts"', async () => {
		const down = await startAlertmanager(binary!);
		const url = down.url;
		await down.close();
		const ctx = source({alertmanager: {url, timeoutMs: 1000}});
		const ui = await renderCockpit({store: ctx.store, width: 120, height: 30});
		cleanups.push(() => ui.unmount());
		await ui.waitForFrame(f => /alerts: unreachable \d+s/.test(f.split('\n')[0]!), 'alerts unreachable in the header');
		expect(ui.frame().split('\n').find(line => line.includes('6 Alerts'))).toMatch(/unreachable \d+s/);
		// Its pane does not say there are no alerts: it says they are not known.
		expect(ui.frame()).not.toMatch(/no alert is firing/);
		expect(ui.frame()).toContain('not known: no alert source has answered yet');
	});

	it('shows an Alertmanager that refuses the credentials as unauthorized', async () => {
		const guarded = await startAlertmanager(binary!, {basicAuth: alertmanagerTestUser});
		cleanups.push(() => guarded.close());
		const ctx = source({alertmanager: {url: guarded.url, username: alertmanagerTestUser.username, password: 'wrong'}});
		const ui = await renderCockpit({store: ctx.store, width: 120, height: 30});
		cleanups.push(() => ui.unmount());
		await ui.waitForFrame(f => /alerts: unauthorized \d+s/.test(f.split('\n')[0]!), 'alerts unauthorized in the header');
		expect(ctx.store.getState().feeds.alerts).toMatchObject({status: 'error', failure: 'unauthorized'});
		expect(ctx.store.getState().feeds.alerts?.error).toMatch(/answered HTTP 401 Unauthorized: check bearerTokenFile or username\/password/);
		// With the right password the same server answers, and the feed is ok.
		const good = source({alertmanager: {url: guarded.url, username: alertmanagerTestUser.username, password: alertmanagerTestUser.password}});
		await waitFor(() => good.store.getState().feeds.alerts?.status === 'ok', {message: 'alerts ok with the right password'});
	});

	it('records a silence as silenced (with its id), never as resolved, and its expiry as unsilenced', async () => {
		const labels = unique('HighErrorRate');
		await am.postAlerts([{labels}]);
		const ctx = source({alertmanager: {url: am.url}});
		const mine = (kind: string) => ctx.signals().find(s => s.kind === kind && s.subject?.includes(`test=${labels.test}`));
		const key = await waitFor(() => mine('alert.firing')?.subject, {message: 'firing signal'});
		const id = await am.silence([{name: 'test', value: labels.test}], {comment: 'deploy rollback in progress', createdBy: 'alice'});
		const silenced = await waitFor(() => mine('alert.silenced'), {message: 'silenced signal'});
		expect(silenced).toMatchObject({level: 'info', subject: key});
		expect(silenced.message).toContain(id);
		expect(alertsData.of(ctx.store.getState()).find(a => a.labels.test === labels.test)).toMatchObject({state: 'suppressed', silencedBy: [id]});
		await am.expireSilence(id);
		await waitFor(() => mine('alert.unsilenced'), {message: 'unsilenced signal'});
		// Let one more poll pass: nothing else is written for the same alert.
		const polls = ctx.store.getState().feeds.alerts!.lastOkAt!;
		await waitFor(() => (ctx.store.getState().feeds.alerts!.lastOkAt ?? 0) > polls, {message: 'one more poll'});
		expect(kinds(ctx, labels.test)).toEqual([`alert.firing ${key}`, `alert.silenced ${key}`, `alert.unsilenced ${key}`]);
		expect(mine('alert.unsilenced')!.message).toContain(id);
	});

	it('with Prometheus configured too, takes the silence from Alertmanager: the alert is silenced, not firing', async () => {
		const labels = unique('HighLatency');
		await am.postAlerts([{labels}]);
		// Prometheus knows nothing of silences: it goes on saying the alert fires.
		const prometheus: LocalServer = await startFakePrometheus(path =>
			path === '/api/v1/alerts' ? {body: {status: 'success', data: {alerts: [{labels, annotations: {}, state: 'firing', activeAt: '2026-11-22T03:00:00Z'}]}}} : {status: 404, body: ''},
		);
		cleanups.push(() => prometheus.close());
		const ctx = source({alertmanager: {url: am.url}}, {prometheusUrl: prometheus.url});
		const mine = (kind: string) => ctx.signals().find(s => s.kind === kind && s.subject?.includes(`test=${labels.test}`));
		const key = await waitFor(() => mine('alert.firing')?.subject, {message: 'firing signal'});
		const id = await am.silence([{name: 'test', value: labels.test}]);
		await waitFor(() => mine('alert.silenced'), {message: 'silenced signal'});
		const polls = ctx.store.getState().feeds.alerts!.lastOkAt!;
		await waitFor(() => (ctx.store.getState().feeds.alerts!.lastOkAt ?? 0) > polls, {message: 'one more poll'});
		expect(alertsData.of(ctx.store.getState()).filter(a => a.labels.test === labels.test)).toEqual([expect.objectContaining({state: 'suppressed', silencedBy: [id]})]);
		expect(kinds(ctx, labels.test)).toEqual([`alert.firing ${key}`, `alert.silenced ${key}`]);
	});

	it('records an inhibited alert as inhibited, naming what inhibits it', async () => {
		const inhibiting = await startAlertmanager(binary!, {
			config: [
				'route:',
				'  receiver: "null"',
				'receivers:',
				'  - name: "null"',
				'inhibit_rules:',
				'  - source_matchers: [severity="critical"]',
				'    target_matchers: [severity="warning"]',
				'    equal: [service]',
				'',
			].join('\n'),
		});
		cleanups.push(() => inhibiting.close());
		const ctx = source({alertmanager: {url: inhibiting.url}});
		await inhibiting.postAlerts([{labels: {alertname: 'CheckoutLatency', severity: 'warning', service: 'checkout'}}]);
		await waitFor(() => ctx.signals().some(s => s.kind === 'alert.firing'), {message: 'the warning fires'});
		await inhibiting.postAlerts([{labels: {alertname: 'CheckoutDown', severity: 'critical', service: 'checkout'}}]);
		const inhibited = await waitFor(() => ctx.signals().find(s => s.kind === 'alert.inhibited'), {message: 'inhibited signal'});
		expect(inhibited.subject).toBe('CheckoutLatency{service=checkout,severity=warning}');
		expect(inhibited.message).toMatch(/inhibited by/);
		expect(kinds(ctx).filter(k => k.startsWith('alert.resolved'))).toEqual([]);
	});
});
