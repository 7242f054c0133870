import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import React from 'react';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createKubeCluster} from '../../source/clients/kube-cluster.js';
import type {Session} from '../../source/session/cockpit.js';
import {startFakeKubeServer, type FakeKubeServer} from '../support/fake-kube-server.js';
import {secretCases} from '../support/secrets.js';
import {waitFor} from '../support/wait.js';
import {runCli, sendJson, startServer, tempDir, type TestServer} from '../cli/run-cli.js';
import {createVirtualTerminal, type VirtualTerminal} from '../render/virtual-terminal.js';
import {SessionHarness} from './support.js';
import {alertsData} from '../../source/kinds/alerts/data.js';
import {podsData} from '../../source/kinds/pods/data.js';
import {healthData} from '../../source/kinds/health/data.js';
import {metricsData} from '../../source/kinds/metrics/data.js';

/**
 * Hostile text in every source at once (pod names, log lines, events, metric labels, a Prometheus
 * error, alert names and summaries, a deep-health body, command output, a note, runbook text), each
 * carrying terminal escapes (OSC 52 clipboard writes, OSC 8 links, OSC 0 titles, C1 controls, DCS,
 * RIS, cursor moves, a bare CR drawing a fake "Confirmed rollback" line) and every kind of secret.
 * The real cockpit runs on them against hostile servers on loopback and the fake API server, drawn by
 * Ink into a terminal emulator; then the four outputs are scanned: the bytes written to the terminal,
 * the journal, the post-mortem export and `status` (table and JSON). None may carry a control
 * character the program did not produce itself, nor any secret.
 */

const controls = [
	'\u001B]52;c;UFdORUQ=\u0007',
	'\u001B]0;PWNED-TITLE\u0007',
	'\u001B]8;;http://evil.example/\u001B\\link\u001B]8;;\u001B\\',
	'\u009B31m\u009D0;c1-title\u009C',
	'\u001BP+q544e\u001B\\',
	'\u001Bc\u001B[2J\u001B[H\u001B[6n\u001B[1A\u001B[5;8m',
	'\u0008\u0007\u0000\u007F',
	'\rConfirmed rollback deployment/checkout',
].join(' ');

const secretsOneLine = () => secretCases().map(c => c.text).join(' ');
const secretsLines = () => secretCases().map(c => c.text).join('\n');
const needles = () => secretCases().flatMap(c => c.needles.map(needle => ({name: c.name, needle})));
/** What a source carries: its marker, the escapes, every secret (one line, or over lines). */
const hostile = (source: string, lines = false) => `${source}-marker ${controls}${lines ? '\n' : ' '}${lines ? secretsLines() : secretsOneLine()}`;

/** Every string of a JSON value. */
function strings(value: unknown): string[] {
	if (typeof value === 'string') return [value];
	if (Array.isArray(value)) return value.flatMap(strings);
	if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => [key, ...strings(item)]);
	return [];
}

/** A C0 control but a line feed, DEL, or a C1 control. */
const foreignControl = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/;

/**
 * What Ink writes itself: SGR styling (our theme's codes: no blink, no conceal), cursor moves up and
 * to a column, the next line, line erases, cursor show/hide. Anything else is not ours.
 */
function foreignTerminalBytes(bytes: string): string[] {
	const found: string[] = [];
	const rest = bytes.replace(/\u001B\[([0-9;?]*)([A-Za-z])/g, (sequence, params: string, final: string) => {
		if (final === 'm') {
			const codes = params.split(';');
			const bad = codes.some((code, i) => (code === '5' || code === '8') && codes[i - 1] !== '38' && codes[i - 1] !== '48' && codes[i - 2] !== '38' && codes[i - 2] !== '48');
			if (bad) found.push(JSON.stringify(sequence));
			return '';
		}
		if (/^[ABEGK]$/.test(final) && /^[0-9]*$/.test(params)) return '';
		if ((final === 'l' || final === 'h') && (params === '?25' || params === '?2026')) return '';
		found.push(JSON.stringify(sequence));
		return '';
	});
	const stray = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/g;
	for (const match of rest.matchAll(stray)) found.push(`${JSON.stringify(match[0])} at ${match.index}: …${JSON.stringify(rest.slice(Math.max(0, match.index - 20), match.index + 20))}…`);
	return found;
}

type Ink = typeof import('ink');
let ink: Ink;
let App: typeof import('../../source/ui/app.js').App;
let CockpitProvider: typeof import('../../source/ui/context.js').CockpitProvider;
let createTheme: typeof import('../../source/ui/theme.js').createTheme;

const harness = new SessionHarness();
const cleanups: Array<() => unknown> = [];

beforeAll(async () => {
	// Ink draws nothing under CI=true until exit (see test/render/incremental.test.tsx).
	delete process.env.CI;
	delete process.env.CONTINUOUS_INTEGRATION;
	process.env.FORCE_COLOR = '1';
	ink = await import('ink');
	({App} = await import('../../source/ui/app.js'));
	({CockpitProvider} = await import('../../source/ui/context.js'));
	({createTheme} = await import('../../source/ui/theme.js'));
});

afterAll(async () => {
	for (const step of cleanups.reverse()) await step();
	await harness.cleanup();
});

/** The hostile HTTP side: a deep-health endpoint, Prometheus's query and alerts API, Alertmanager's alert groups. */
function hostileServer(): Promise<TestServer> {
	return startServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://x');
		if (url.pathname === '/health') {
			return sendJson(res, 200, {status: 'degraded', dependencies: {[hostile('dep')]: {status: `down ${hostile('depstatus', true)}`}}});
		}
		if (url.pathname === '/api/v1/query') {
			const query = url.searchParams.get('query');
			if (query === 'hostile_error') return sendJson(res, 400, {status: 'error', errorType: 'bad_data', error: hostile('promerror', true)});
			const now = Date.now() / 1000;
			return sendJson(res, 200, {status: 'success', data: {resultType: 'vector', result: [{metric: {r: hostile('lbl')}, value: [now, '0.5']}, {metric: {r: 'plain'}, value: [now, '0.25']}]}});
		}
		if (url.pathname === '/api/v1/alerts') return sendJson(res, 200, {status: 'success', data: {alerts: []}});
		if (url.pathname === '/api/v2/alerts/groups') {
			const labels = {alertname: `alertname-marker ${controls} ${secretsOneLine()}`, severity: 'critical'};
			return sendJson(res, 200, [{labels: {alertname: labels.alertname}, receiver: {name: 'null'}, alerts: [{labels, annotations: {summary: hostile('summary', true)}, status: {state: 'active'}, startsAt: new Date().toISOString()}]}]);
		}
		res.writeHead(404);
		res.end();
	});
}

interface World {
	kube: FakeKubeServer;
	http: TestServer;
	config: Record<string, unknown>;
	configFile: string;
	pod: string;
	dir: string;
}

async function hostileWorld(): Promise<World> {
	const kube = await startFakeKubeServer();
	cleanups.push(() => kube.close());
	kube.addDeployment({name: 'checkout', images: ['shop/checkout:1.8.0'], replicas: 1, pods: 1});
	const pod = kube.list('pods')[0]!.metadata.name as string;
	// A pod whose name carries escapes (a real API server refuses such a name; a hostile one sends it).
	kube.addPod('checkout', {name: `podname-marker ${controls}`, phase: 'Pending'});
	kube.addEvent('Pod', pod, {type: 'Warning', reason: 'BackOff', message: hostile('event', true), lastTimestamp: new Date().toISOString()});
	kube.setLog(pod, 'checkout', `${hostile('log', true)}\nlast line\n`);
	kube.setLog(pod, 'checkout', `${hostile('log', true)}\nlast line\n`, {previous: true});
	const http = await hostileServer();
	cleanups.push(() => http.close());
	const dir = harness.tempDir('hostile-');
	const runbook = join(dir, 'hostile.yaml');
	writeFileSync(
		runbook,
		[
			'id: hostile',
			`title: ${JSON.stringify(`runbook-marker ${controls} ${secretsOneLine()}`)}`,
			'steps:',
			`  - title: ${JSON.stringify(hostile('steptitle'))}`,
			`    section: ${JSON.stringify(`section-marker ${controls}`)}`,
			`    body: ${JSON.stringify(hostile('stepbody', true))}`,
			'',
		].join('\n'),
	);
	const config = {
		title: 'Hostile input drill',
		prometheus: {url: http.url},
		alertmanager: {url: http.url},
		kubernetes: {kubeconfig: kube.kubeconfigPath},
		services: [{name: 'api', health: `${http.url}/health`}],
		queries: [
			{id: 'labels', title: 'By route', promql: 'hostile_labels', unit: 'ratio'},
			{id: 'broken', title: 'Broken', promql: 'hostile_error', unit: 'ratio'},
		],
		commands: [{id: 'hostile', title: 'Hostile output', argv: ['printf', '%s\n', hostile('output', true)]}],
		runbook,
		refresh: {healthMs: 1000, metricsMs: 1000, alertsMs: 1000},
	};
	const configFile = join(dir, 'incident.yaml');
	// JSON is YAML.
	writeFileSync(configFile, JSON.stringify(config, null, 2));
	return {kube, http, config, configFile, pod, dir};
}

const incidentId = 'inc-20261219-0300-host';

describe('hostile text from every source (terminal, journal, export, status)', () => {
	let world: World;
	let session: Session;
	let terminal: VirtualTerminal;
	let exportDir: string;

	beforeAll(async () => {
		world = await hostileWorld();
		exportDir = harness.tempDir('export-');
		const cluster = createKubeCluster({kubeconfig: world.kube.kubeconfigPath, readonly: false, fieldManager: `incident-tui/${incidentId}`, backoff: {initialMs: 20, maxMs: 200}});
		session = await harness.open({stateDir: harness.tempDir(), incidentId, cluster, context: world.kube.context, namespace: world.kube.namespace, config: harness.config(world.config), exportDir});
		terminal = createVirtualTerminal(200, 60);
		cleanups.push(() => terminal.dispose());
		const instance = ink.render(
			<CockpitProvider store={session.store} controller={session.controller} theme={createTheme({color: true})}>
				<App size={{width: 200, height: 59}} inputActive={false} />
			</CockpitProvider>,
			{stdout: terminal.stdout, stdin: terminal.stdin, stderr: terminal.stdout, incrementalRendering: true, patchConsole: false, exitOnCtrlC: false, maxFps: 60},
		);
		cleanups.push(() => instance.unmount());
		session.start();
		const {store, controller} = session;
		const shows = (marker: string) => waitFor(() => terminal.written().includes(marker), {timeoutMs: 15_000, message: `the terminal showing ${marker}; flash: ${store.getState().ui.flash?.text ?? 'none'}`});

		await waitFor(() => healthData.of(store.getState())[0]?.dependencies.length && metricsData.of(store.getState()).some(m => m.series.length > 1) && alertsData.of(store.getState()).length && podsData.of(store.getState()).pods.size === 2, {
			timeoutMs: 15_000,
			message: 'every source read',
		});
		for (const marker of ['dep-marker', 'lbl-marker', 'promerror-marker', 'alertname-marker', 'podname-marker', 'runbook-marker', 'steptitle-marker']) await shows(marker);

		controller.addNote(hostile('note', true));
		await shows('note-marker');

		controller.followLog(world.pod);
		await shows('log-marker');
		controller.stopLog();
		store.getState().dialogClosed();

		controller.showDetails({kind: 'pods', key: `pod/${world.pod}`, pod: world.pod, deployment: 'checkout'});
		await shows('event-marker');
		store.getState().dialogClosed();

		controller.showDetails({kind: 'runbook', key: session.store.getState().runbook!.steps[0]!.id});
		await shows('stepbody-marker');
		store.getState().dialogClosed();

		controller.requestConfigCommand('hostile');
		const confirm = await waitFor(() => {
			const dialog = store.getState().ui.dialog;
			return dialog?.kind === 'confirm' ? dialog : undefined;
		}, {message: 'the command’s confirmation'});
		controller.confirm(confirm.request);
		await waitFor(() => store.getState().ui.dialog?.kind === 'details', {timeoutMs: 15_000, message: 'the command’s output'});
		await shows('output-marker');
		store.getState().dialogClosed();

		controller.exportPostmortem();
		await waitFor(() => existsSync(join(exportDir, `${incidentId}-postmortem.md`)), {message: 'the post-mortem draft'});
		await terminal.flush();
	}, 90_000);

	it('writes to the terminal no control character but its own, and shows the others as symbols', () => {
		const bytes = terminal.written();
		expect(foreignTerminalBytes(bytes)).toEqual([]);
		// They were there, shown: the clipboard write and the bare CR as text.
		expect(bytes).toContain('␛]52;c;UFdORUQ=␇');
		expect(bytes).toContain('␍Confirmed rollback');
	});

	it('writes no secret to the terminal, and keeps none in what the screen is drawn from', () => {
		const bytes = terminal.written();
		// Alert labels stay as they came: they fill runbook variables (a command's namespace); where one
		// is shown (a confirmation, the journal, status) it is masked there.
		const current = session.store.getState();
		const state = JSON.stringify({...current, data: {...current.data, [alertsData.id]: alertsData.of(current).map(({labels: _labels, ...shown}) => shown)}});
		for (const {name, needle} of needles()) {
			const at = bytes.indexOf(needle);
			expect(at, `${name} on the terminal: …${JSON.stringify(bytes.slice(Math.max(0, at - 300), at + 100))}…`).toBe(-1);
			const inState = state.indexOf(needle);
			expect(inState, `${name} in the store: …${state.slice(Math.max(0, inState - 200), inState + 50)}…`).toBe(-1);
		}
	});

	it('journals no foreign control character and no secret', async () => {
		await session.store.getState();
		const text = readFileSync(session.journal.path, 'utf8');
		for (const {name, needle} of needles()) expect(text.includes(needle), `${name} in the journal`).toBe(false);
		const bad = text
			.split('\n')
			.filter(Boolean)
			.flatMap(line => strings(JSON.parse(line)))
			.filter(value => foreignControl.test(value));
		expect(bad).toEqual([]);
		for (const marker of ['note-marker', 'output-marker', 'alertname-marker', 'runbook-marker']) expect(text, marker).toContain(marker);
	});

	it('exports a post-mortem with no foreign control character and no secret', () => {
		const text = readFileSync(join(exportDir, `${incidentId}-postmortem.md`), 'utf8');
		expect(text.match(new RegExp(foreignControl.source, 'g')) ?? []).toEqual([]);
		for (const {name, needle} of needles()) expect(text.includes(needle), `${name} in the export`).toBe(false);
		for (const marker of ['note-marker', 'output-marker', 'runbook-marker', 'steptitle-marker']) expect(text, marker).toContain(marker);
	});

	it('prints a status report (table and JSON) with no foreign control character and no secret', async () => {
		const home = await tempDir('hostile-status');
		cleanups.push(home.remove);
		for (const json of [false, true]) {
			const result = await runCli(['--config', world.configFile, 'status', ...(json ? ['--json'] : []), '--timeout', '8000'], {home: home.dir, timeoutMs: 60_000});
			expect(result.timedOut).toBe(false);
			const shown = json ? strings(JSON.parse(result.stdout)) : result.stdout.split('\n');
			expect(shown.filter(value => foreignControl.test(value)), result.stdout).toEqual([]);
			for (const {name, needle} of needles()) expect(result.stdout.includes(needle), `${name} in status${json ? ' --json' : ''}`).toBe(false);
			for (const marker of ['dep-marker', 'lbl-marker', 'promerror-marker', 'alertname-marker', 'podname-marker']) expect(result.stdout, marker).toContain(marker);
		}
	}, 130_000);
});
