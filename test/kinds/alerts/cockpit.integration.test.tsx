/**
 * The Alerts kind against a REAL Alertmanager (Debian's prometheus-alertmanager on a free loopback
 * port, test/support/alertmanager.ts), in a real session: the alerts as Alertmanager groups them,
 * problems first; a silence made from the cockpit's key, seen, then expired, each recorded in the
 * journal; read-only mode sends Alertmanager nothing; text from outside reaches the screen cleaned.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {alertKey, alertsData} from '../../../source/kinds/alerts/data.js';
import {alertsKind} from '../../../source/kinds/alerts/index.js';
import {RowCache} from '../../../source/store/memo.js';
import {requireAlertmanager, startAlertmanager, type RunningAlertmanager} from '../../support/alertmanager.js';
import {keys, recordingController, renderCockpit} from '../../support/render-cockpit.js';
import {waitFor} from '../../support/wait.js';
import {eventsOf, journalEvents, SessionHarness} from '../../session/support.js';

const binary = requireAlertmanager('the Alerts kind against a real Alertmanager');

interface AmSilence {
	id: string;
	status: {state: string};
	matchers: Array<{name: string; value: string}>;
	createdBy: string;
	comment: string;
	endsAt: string;
}

describe.skipIf(!binary)('the Alerts kind against a real Alertmanager', () => {
	let am: RunningAlertmanager;
	const harness = new SessionHarness();

	beforeAll(async () => {
		am = await startAlertmanager(binary!);
	});
	afterAll(async () => {
		await am?.close();
	});
	afterEach(() => harness.cleanup());

	/** Labels no other test uses (the tests share one server); `test` is in every alert they post. */
	const run = () => Math.random().toString(36).slice(2, 8);

	async function silences(): Promise<AmSilence[]> {
		return (await (await fetch(`${am.url}/api/v2/silences`)).json()) as AmSilence[];
	}

	/** A session on the Alertmanager, its alerts polled rarely: what shows within a test came from the refresh an action asked for. */
	async function session(options: {readonly?: boolean; alertsMs?: number} = {}) {
		const config = harness.config({alertmanager: {url: am.url, timeoutMs: 2000}, refresh: {alertsMs: options.alertsMs ?? 60_000}});
		const opened = await harness.open({stateDir: harness.tempDir(), incidentId: `inc-20261206-1300-${run()}`, config, readonly: options.readonly ?? false});
		opened.start();
		return opened;
	}

	it('lists the alerts as Alertmanager groups them, problems first, with the labels that tell a group’s alerts apart', async () => {
		const test = run();
		await am.postAlerts([
			{labels: {alertname: 'DiskFilling', severity: 'warning', test, instance: 'db-1'}, annotations: {summary: 'disk 85% full'}},
			{labels: {alertname: 'HighErrorRate', severity: 'critical', test, service: 'checkout'}, annotations: {summary: 'checkout 5xx above 5%', runbook_url: 'https://runbooks.example/5xx'}},
			{labels: {alertname: 'HighErrorRate', severity: 'critical', test, service: 'payments'}, annotations: {summary: 'payments 5xx above 5%'}},
			{labels: {alertname: 'NightlyBackupLate', severity: 'info', test}, annotations: {summary: 'backup late'}},
		]);
		await am.silence([{name: 'alertname', value: 'NightlyBackupLate'}, {name: 'test', value: test}], {comment: 'known'});
		const opened = await session({alertsMs: 100});
		const mine = () => alertsData.of(opened.store.getState()).filter(a => a.labels.test === test);
		await waitFor(() => mine().length === 4 && mine().some(a => a.state === 'suppressed'), {message: 'four alerts, one silenced', timeoutMs: 15_000});

		const rows = alertsKind.rows(opened.store.getState(), new RowCache()).filter(row => row.search.includes(test) || row.heading);
		const text = rows.map(row => row.cells.map(cell => cell.text).filter(Boolean).join(' | '));
		// The group of two first (firing, critical), its alerts told apart by service; then the warning; the silenced last.
		expect(text[0]).toMatch(/^alertname=HighErrorRate · 2 firing$/);
		expect(text[1]).toMatch(/^firing \| critical \| HighErrorRate \| service=checkout · checkout 5xx above 5%$/);
		expect(text[2]).toMatch(/^firing \| critical \| HighErrorRate \| service=payments · payments 5xx above 5%$/);
		expect(text.findIndex(line => line.includes('DiskFilling'))).toBeLessThan(text.findIndex(line => line.includes('NightlyBackupLate')));
		expect(text.find(line => line.includes('NightlyBackupLate'))).toMatch(/^silenced \| info \|/);

		// enter: every label and annotation, where it comes from, and the runbook that answers it and why.
		await waitFor(() => opened.store.getState().runbooks.length > 0, {message: 'the runbook library listed'});
		const checkout = mine().find(a => a.labels.service === 'checkout')!;
		const details = await alertsKind.details!({kind: 'alerts', key: alertKey(checkout)}, {state: opened.store.getState(), cluster: null, metrics: null, redact: t => t, now: Date.now, tailLines: 0, timeoutMs: 1000, variables: {}, secretVariables: []});
		expect(details.lines).toEqual(expect.arrayContaining([expect.stringMatching(/^state +firing since /), expect.stringMatching(/^ +runbook_url +https:\/\/runbooks\.example\/5xx$/), expect.stringMatching(/^ +service +checkout$/), expect.stringMatching(/^runbook +.+\(.+\)/), expect.stringMatching(/^ +why +HighErrorRate/)]));
	});

	it('silences an alert from its key, shows it silenced after the refresh the action asks for, expires it, and records both', async () => {
		const test = run();
		await am.postAlerts([{labels: {alertname: 'CheckoutDown', severity: 'critical', test}, annotations: {summary: 'checkout is down'}}]);
		const opened = await session();
		const {store} = opened;
		await waitFor(() => alertsData.of(store.getState()).some(a => a.labels.test === test), {message: 'the alert in the store', timeoutMs: 15_000});
		const ui = await renderCockpit({store, width: 120, height: 40, controller: recordingController(opened.controller)});
		harness.onCleanup(() => ui.unmount());
		// Focus the Alerts pane and select the alert.
		await ui.press('6');
		const index = alertsKind.rows(store.getState(), new RowCache()).findIndex(row => row.search.includes(test));
		await ui.press('g', ...Array.from({length: index}, () => 'j'));
		await ui.press('m');
		await ui.waitForFrame(f => f.includes('Silence CheckoutDown in Alertmanager') && f.includes(`test="${test}"`), 'the silence form, prefilled with the alert’s matchers');
		// Enter with no comment: the form says why it cannot go on.
		await ui.press(keys.enter);
		await ui.waitForFrame(f => f.includes('comment: say why'), 'the comment asked for');
		await ui.press(...'rolling back checkout');
		await ui.press(keys.enter);
		// The confirmation names the Alertmanager and the matchers.
		await ui.waitForFrame(f => f.includes('Silence in Alertmanager') && f.includes(`Alertmanager ${am.url}`) && f.includes(`test="${test}"`), 'the confirmation');
		expect(await silences()).not.toEqual(expect.arrayContaining([expect.objectContaining({comment: 'rolling back checkout'})]));
		await ui.press('y');

		const succeeded = await waitFor(() => eventsOf(store.getState().timeline, 'action.succeeded').find(e => e.data.kind === 'silence'), {message: 'the silence recorded', timeoutMs: 10_000});
		const made = (await silences()).find(s => s.comment === 'rolling back checkout' && s.status.state === 'active');
		expect(made).toMatchObject({createdBy: succeeded.by});
		expect(made!.matchers).toEqual(expect.arrayContaining([expect.objectContaining({name: 'test', value: test})]));
		// In the journal, on disk: its id, by whom, the matchers and until when.
		const recorded = eventsOf(await journalEvents(opened.journal.path), 'action.succeeded').find(e => e.data.kind === 'silence')!;
		expect(recorded.data.outcome).toContain(`silence ${made!.id} of alertname="CheckoutDown"`);
		expect(recorded.data.outcome).toContain(`until ${made!.endsAt.slice(0, 16)}`);
		expect(recorded.data.change).toContain(`test="${test}"`);
		expect(recorded.by).toBe(succeeded.by);
		// Silenced within one refresh, though the alerts are polled once a minute.
		await waitFor(() => alertsData.of(store.getState()).find(a => a.labels.test === test)?.silencedBy?.includes(made!.id), {message: 'the alert silenced', timeoutMs: 10_000});
		await ui.waitForFrame(f => /silenced +critical/.test(f), 'the row says silenced');

		// M expires it, after a confirmation that names it.
		await ui.press('M');
		await ui.waitForFrame(f => f.includes('Expire silence') && f.includes(made!.id), 'the expiry’s confirmation');
		await ui.press('y');
		await waitFor(() => eventsOf(store.getState().timeline, 'action.succeeded').find(e => e.data.kind === 'expire-silence'), {message: 'the expiry recorded', timeoutMs: 10_000});
		expect((await silences()).find(s => s.id === made!.id)?.status.state).toBe('expired');
		await waitFor(() => alertsData.of(store.getState()).find(a => a.labels.test === test)?.state === 'firing', {message: 'the alert firing again', timeoutMs: 10_000});
		const expired = eventsOf(await journalEvents(opened.journal.path), 'action.succeeded').find(e => e.data.kind === 'expire-silence')!;
		expect(expired.data.outcome).toBe(`silence ${made!.id} expired`);
	});

	it('in read-only mode sends Alertmanager no silence and expires none', async () => {
		const test = run();
		await am.postAlerts([{labels: {alertname: 'ReadOnlyAlert', severity: 'critical', test}}]);
		const other = run();
		await am.postAlerts([{labels: {alertname: 'ReadOnlySilenced', severity: 'warning', test: other}}]);
		const existing = await am.silence([{name: 'test', value: other}], {comment: 'made outside'});
		const before = (await silences()).length;
		const opened = await session({readonly: true, alertsMs: 100});
		const {store} = opened;
		await waitFor(() => alertsData.of(store.getState()).some(a => a.labels.test === other && a.state === 'suppressed') && alertsData.of(store.getState()).some(a => a.labels.test === test), {message: 'both alerts', timeoutMs: 15_000});
		const ui = await renderCockpit({store, width: 120, height: 40, controller: recordingController(opened.controller)});
		harness.onCleanup(() => ui.unmount());
		await ui.press('6');
		for (const [row] of alertsKind.rows(store.getState(), new RowCache()).entries()) {
			await ui.press('g', ...Array.from({length: row}, () => 'j'));
			await ui.press('m', keys.enter, 'y', keys.enter, keys.escape, 'M', 'y', keys.enter, keys.escape);
		}
		await ui.waitForFrame(f => f.includes('read-only mode'), 'the key refused');
		// The controller refuses what a key would have asked for, too.
		opened.controller.requestAction('silence', {values: {matchers: `test="${test}"`, duration: '1h', comment: 'should not be made'}});
		opened.controller.requestAction('expire-silence', {values: {id: existing}});
		opened.controller.addNote('barrier');
		await waitFor(() => eventsOf(store.getState().timeline, 'note.added').length === 1, {message: 'barrier'});
		expect((await silences()).length).toBe(before);
		expect((await silences()).find(s => s.id === existing)?.status.state).toBe('active');
		expect(eventsOf(store.getState().timeline, 'action.confirmed')).toEqual([]);
	});

	it('shows labels and annotations from outside with their control characters made visible, never as escape sequences', async () => {
		const test = run();
		await am.postAlerts([{labels: {alertname: 'Hostile', severity: 'critical', test, note: 'a\u001B[2Jb'}, annotations: {summary: 'sum\u001B]0;pwned\u0007mary', description: 'x\u009Bq'}}]);
		const opened = await session({alertsMs: 100});
		const {store} = opened;
		await waitFor(() => alertsData.of(store.getState()).some(a => a.labels.test === test), {message: 'the alert', timeoutMs: 15_000});
		const alert = alertsData.of(store.getState()).find(a => a.labels.test === test)!;
		const control = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;
		const rows = alertsKind.rows(store.getState(), new RowCache()).filter(row => row.search.includes(test));
		for (const cell of rows.flatMap(row => row.cells)) expect(cell.text).not.toMatch(control);
		const details = await alertsKind.details!({kind: 'alerts', key: alertKey(alert)}, {state: store.getState(), cluster: null, metrics: null, redact: t => t, now: Date.now, tailLines: 0, timeoutMs: 1000, variables: {}, secretVariables: []});
		for (const line of details.lines) expect(line).not.toMatch(control);
		expect(details.lines.join('\n')).toContain('summary');
		// The labels themselves stay as they are: they are what a silence matches.
		expect(alert.labels.note).toBe('a\u001B[2Jb');
	});
});
