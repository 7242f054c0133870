import {afterEach, describe, expect, it} from 'vitest';
import {createKubeCluster} from '../../source/clients/kube-cluster.js';
import {podsData} from '../../source/kinds/pods/data.js';
import type {Session} from '../../source/session/cockpit.js';
import {pullIncidentIfAbsent} from '../../source/sync/incidents.js';
import {syncSummary} from '../../source/sync/status.js';
import {lateAfterMs} from '../../source/sync/order.js';
import {createRedactor} from '../../source/timeline/redact.js';
import {postgresForSuite, requirePostgres} from '../support/postgres.js';
import {startFakeKubeServer} from '../support/fake-kube-server.js';
import {startTcpProxy} from '../support/tcp-proxy.js';
import {waitFor} from '../support/wait.js';
import {recordingController, renderCockpit} from '../support/render-cockpit.js';
import {journalEvents, SessionHarness} from './support.js';

/**
 * Two cockpit sessions on one machine, each with its own state directory, share one incident through
 * a real PostgreSQL: the session's one call into the sync (startSync in start(), stop() before the
 * journal closes), its status in the store for the header. A note added on one is in the other's
 * timeline; a cockpit that quits has left; with the database gone a cockpit works as before, says how
 * many events wait, and catches up when it is back.
 */

const bin = requirePostgres('cockpit sessions sharing an incident');

describe.skipIf(!bin)('cockpit sessions sharing an incident through PostgreSQL', {timeout: 60_000}, () => {
	const postgres = postgresForSuite(bin!);
	const harness = new SessionHarness();

	afterEach(async () => {
		await harness.cleanup();
	});

	it("shows one responder's note in the other's timeline, and who left", async () => {
		const incidentId = 'inc-20261122-0304-sess';
		const config = harness.config({title: 'Checkout 5xx', sync: {postgres: postgres.server.url, pollMs: 500, timeoutMs: 2000}});
		const first = await harness.open({config, stateDir: harness.tempDir('host-a-'), incidentId});
		first.start();
		const opened = first.store.getState().timeline.find(e => e.type === 'incident.opened')!;
		await waitFor(() => first.store.getState().sync?.state === 'online' && first.store.getState().sync?.waiting === 0, {timeoutMs: 20_000, message: 'the first host pushed its events'});
		// The second host has never seen the incident: as `--incident ID` does, it is pulled before the cockpit opens it.
		const secondDir = harness.tempDir('host-b-');
		expect(await pullIncidentIfAbsent({sync: config.sync, stateDir: secondDir, incidentId, redact: createRedactor()})).toBeGreaterThan(0);
		const second = await harness.open({config, stateDir: secondDir, incidentId});
		second.start();
		// It opened the first host's incident, not a second one under the same id.
		expect(second.store.getState().timeline.filter(e => e.type === 'incident.opened').map(e => e.id)).toEqual([opened.id]);
		expect(second.store.getState().incident.title).toBe('Checkout 5xx');
		first.controller.addNote('rolled back at 03:05, watching errors');
		await waitFor(() => second.store.getState().timeline.some(e => e.type === 'note.added' && e.data.text === 'rolled back at 03:05, watching errors'), {timeoutMs: 20_000, message: 'the note on the second host'});
		await harness.stop(second);
		await waitFor(() => first.store.getState().timeline.some(e => e.type === 'presence.left'), {timeoutMs: 20_000, message: 'the second host left, as the first sees it'}).catch((error: Error) => {
			const said = (session: typeof first) => JSON.stringify({...session.store.getState().sync, present: undefined});
			throw new Error(`${error.message} (first: ${said(first)}; second: ${said(second)})`);
		});
	});

	it("shows the second responder in the first one's header while they are in the incident, and not once they left", async () => {
		const responder = await responders('inc-20261122-0304-here');
		const alice = await responder('alice@bastion-1');
		await waitFor(() => alice.store.getState().sync?.waiting === 0, {timeoutMs: 20_000, message: 'alice pushed the incident'});
		const ui = await renderCockpit({store: alice.store, width: 220, height: 30});
		harness.onCleanup(() => ui.unmount());
		const header = () => ui.frame().split('\n')[0]!;
		expect(header()).not.toMatch(/bob@bastion-2/);
		const bob = await responder('bob@bastion-2');
		await waitFor(() => /with bob@bastion-2 \(seen \d+s ago\)/.test(header()), {timeoutMs: 20_000, message: `bob in alice's header; it says: ${header()}`});
		expect(header()).not.toMatch(/alice@bastion-1 \(seen/);
		await harness.stop(bob);
		await waitFor(() => !/bob@bastion-2/.test(header()), {timeoutMs: 20_000, message: `bob gone from alice's header once he left; it says: ${header()}`});
	});

	it('works offline as without sync, says how many events wait, and catches up when the database is back', async () => {
		const incidentId = 'inc-20261122-0304-offl';
		const proxy = await startTcpProxy({host: '127.0.0.1', port: postgres.server.port});
		harness.onCleanup(() => proxy.close());
		await proxy.refuse();
		const config = harness.config({title: 'Disk full', sync: {postgres: proxy.via(postgres.server.url), pollMs: 500, timeoutMs: 2000}});
		const session = await harness.open({config, stateDir: harness.tempDir('host-off-'), incidentId});
		session.start();
		await waitFor(() => session.store.getState().sync?.state === 'offline', {timeoutMs: 20_000, message: 'offline'});
		// Notes are written (journal first) and shown at once: the sync is in nobody's way.
		for (let n = 0; n < 3; n++) session.controller.addNote(`offline note ${n}`);
		await waitFor(() => session.store.getState().timeline.filter(e => e.type === 'note.added').length === 3, {timeoutMs: 5000, message: 'three notes in the timeline'});
		expect((await journalEvents(session.journal.path)).filter(e => e.type === 'note.added')).toHaveLength(3);
		// incident.opened, presence.joined and the three notes.
		await waitFor(() => session.store.getState().sync?.waiting === 5, {timeoutMs: 20_000, message: 'five events waiting'});
		expect(syncSummary(session.store.getState().sync!)).toEqual({text: 'sync: offline, 5 events waiting', tone: 'warn'});
		await proxy.heal();
		await waitFor(() => session.store.getState().sync?.state === 'online' && session.store.getState().sync?.waiting === 0, {timeoutMs: 30_000, message: 'online, nothing waiting'});
		const stored = await postgres.server.psql(`SELECT count(*) FROM incident_events WHERE incident_id = '${incidentId}' AND type = 'note.added'`);
		expect(Number(stored.trim())).toBe(3);
	});

	it('marks a note written while the database was away as late in the Timeline of both hosts, with when it reached the others', async () => {
		const incidentId = 'inc-20261122-0304-late';
		const proxy = await startTcpProxy({host: '127.0.0.1', port: postgres.server.port});
		harness.onCleanup(() => proxy.close());
		await proxy.refuse();
		const away = harness.config({title: 'Disk full', sync: {postgres: proxy.via(postgres.server.url), pollMs: 500, timeoutMs: 2000}});
		const alice = await harness.open({config: away, stateDir: harness.tempDir('host-late-'), incidentId, author: 'alice@bastion-1'});
		alice.start();
		await waitFor(() => alice.store.getState().sync?.state === 'offline', {timeoutMs: 20_000, message: 'offline'});
		alice.controller.addNote('written while the database was away');
		const note = await waitFor(() => alice.store.getState().timeline.find(e => e.type === 'note.added'), {message: 'the note'});
		// Late means: reached the others more than lateAfterMs after it happened.
		await waitFor(() => Date.now() - Date.parse(note.at) > lateAfterMs + 500, {timeoutMs: 20_000, message: 'the note older than the lateness threshold'});
		await proxy.heal();
		await waitFor(() => alice.store.getState().sync?.late?.[note.id], {timeoutMs: 30_000, message: 'the note marked late once pushed'});
		alice.controller.addNote('written online');
		await waitFor(() => alice.store.getState().sync?.waiting === 0 && alice.store.getState().timeline.some(e => e.type === 'note.added' && e.data.text === 'written online'), {timeoutMs: 20_000, message: 'the second note pushed'});
		const ui = await renderCockpit({store: alice.store, width: 280, height: 30});
		harness.onCleanup(() => ui.unmount());
		await ui.press('5');
		await ui.waitForFrame(f => /written while the database was away \(reached others \d\d:\d\d:\d\d\)/.test(f), 'the late mark on its row');
		expect(ui.frame()).not.toMatch(/written online \(reached/);
		// Another host that pulls it marks it too.
		const config = harness.config({title: 'Disk full', sync: {postgres: postgres.server.url, pollMs: 500, timeoutMs: 2000}});
		const bobDir = harness.tempDir('host-late-b-');
		await pullIncidentIfAbsent({sync: config.sync, stateDir: bobDir, incidentId, redact: createRedactor()});
		const bob = await harness.open({config, stateDir: bobDir, incidentId, author: 'bob@bastion-2'});
		bob.start();
		await waitFor(() => bob.store.getState().sync?.late?.[note.id] === alice.store.getState().sync?.late?.[note.id], {timeoutMs: 20_000, message: "the same late mark on bob's host"});
	});

	/** Responders' cockpits on their own "hosts" (state directory, author, cluster client) on one fake cluster, sharing `incidentId`. */
	async function responders(incidentId: string): Promise<(who: string) => Promise<Session>> {
		const kube = await startFakeKubeServer();
		harness.onCleanup(() => kube.close());
		kube.addDeployment({name: 'checkout', images: ['shop/checkout:1.7.2', 'shop/checkout:1.8.0'], replicas: 2});
		const config = harness.config({title: 'Checkout 5xx', sync: {postgres: postgres.server.url, pollMs: 500, timeoutMs: 2000}});
		return async function responder(who: string): Promise<Session> {
			const cluster = createKubeCluster({kubeconfig: kube.kubeconfigPath, readonly: false, fieldManager: `incident-tui/${incidentId}`, backoff: {initialMs: 20, maxMs: 200}});
			const stateDir = harness.tempDir(`host-${who}-`);
			await pullIncidentIfAbsent({sync: config.sync, stateDir, incidentId, redact: createRedactor()});
			const session = await harness.open({config, stateDir, incidentId, cluster, context: kube.context, namespace: kube.namespace, author: who});
			session.start();
			await waitFor(() => podsData.of(session.store.getState()).deployments['checkout'] && session.store.getState().sync?.state === 'online', {timeoutMs: 20_000, message: `${who}: checkout in the store, sync online`});
			return session;
		};
	}

	function confirmation(session: Session) {
		return waitFor(() => {
			const dialog = session.store.getState().ui.dialog;
			return dialog?.kind === 'confirm' ? dialog.request : undefined;
		}, {message: 'the confirmation'});
	}

	it("warns before a second rollback of the same deployment that another responder just did it", async () => {
		const responder = await responders('inc-20261122-0304-roll');
		const alice = await responder('alice@bastion-1');
		await waitFor(() => alice.store.getState().sync?.waiting === 0, {timeoutMs: 20_000, message: 'alice pushed the incident'});
		const bob = await responder('bob@bastion-2');
		alice.controller.requestAction('rollback', {deployment: 'checkout'});
		const first = await confirmation(alice);
		expect(first.warnings.join('\n')).not.toMatch(/bob@bastion-2/);
		alice.controller.confirm(first);
		await waitFor(() => bob.store.getState().timeline.some(e => e.type === 'action.succeeded' && e.by === 'alice@bastion-1'), {timeoutMs: 20_000, message: "alice's rollback in bob's timeline"});
		bob.controller.requestAction('rollback', {deployment: 'checkout'});
		const second = await confirmation(bob);
		expect(second.warnings[0]).toMatch(/^alice@bastion-1 did rollback deployment\/checkout \(revision .*\) \d+ s ago: check the timeline before doing it again\.$/);
	});

	it('taking the commander role from another responder asks first, naming them, and records the hand-over on both hosts', async () => {
		const responder = await responders('inc-20261122-0304-icic');
		const alice = await responder('alice@bastion-1');
		await waitFor(() => alice.store.getState().sync?.waiting === 0, {timeoutMs: 20_000, message: 'alice pushed the incident'});
		const bob = await responder('bob@bastion-2');
		alice.controller.setRole('commander');
		await waitFor(() => bob.store.getState().timeline.some(e => e.type === 'role.assigned' && e.data.role === 'commander'), {timeoutMs: 20_000, message: "alice's command on bob's host"});
		const ui = await renderCockpit({store: bob.store, controller: recordingController(bob.controller), width: 200, height: 30});
		harness.onCleanup(() => ui.unmount());
		await ui.waitForFrame(f => /\[IC alice@bastion-1, you: responder\]/.test(f.split('\n')[0]!), "alice as commander in bob's header");
		await ui.press('R', '1');
		await ui.waitForFrame(f => /Take over as incident commander\?/.test(f) && /alice@bastion-1 is the incident commander \(since \d\d:\d\d:\d\d UTC\)/.test(f), 'the hand-over dialog naming alice');
		// Nothing is recorded until bob says yes.
		expect(bob.store.getState().timeline.filter(e => e.type === 'role.assigned' && e.by === 'bob@bastion-2')).toEqual([]);
		await ui.press('y');
		await ui.waitForFrame(f => /\[you: incident commander\]/.test(f.split('\n')[0]!), "bob as commander in bob's header");
		const handover = bob.store.getState().timeline.find(e => e.type === 'role.assigned' && e.by === 'bob@bastion-2');
		expect(handover?.data).toEqual({user: 'bob@bastion-2', role: 'commander', previous: 'responder', handover: {from: 'alice@bastion-1'}});
		await waitFor(() => alice.store.getState().timeline.some(e => e.id === handover!.id), {timeoutMs: 20_000, message: "the hand-over on alice's host"});
	});

	it('re-checks the warning at confirm: when another responder confirmed the same rollback while the dialog was open, it opens again saying so', async () => {
		const responder = await responders('inc-20261122-0304-rchk');
		const alice = await responder('alice@bastion-1');
		await waitFor(() => alice.store.getState().sync?.waiting === 0, {timeoutMs: 20_000, message: 'alice pushed the incident'});
		const bob = await responder('bob@bastion-2');
		const ui = await renderCockpit({store: alice.store, controller: recordingController(alice.controller), width: 200, height: 40});
		harness.onCleanup(() => ui.unmount());
		alice.controller.requestAction('rollback', {deployment: 'checkout'});
		expect((await confirmation(alice)).warnings.join('\n')).not.toMatch(/bob@bastion-2/);
		await ui.waitForFrame(f => /Roll back deployment\/checkout\?/.test(f), "alice's confirmation on screen");
		// While alice's dialog is open, bob rolls the same deployment back (warned that alice opened hers).
		await waitFor(() => bob.store.getState().timeline.some(e => e.type === 'action.requested' && e.by === 'alice@bastion-1'), {timeoutMs: 20_000, message: "alice's request in bob's timeline"});
		bob.controller.requestAction('rollback', {deployment: 'checkout'});
		bob.controller.confirm(await confirmation(bob));
		await waitFor(() => alice.store.getState().timeline.some(e => e.type === 'action.confirmed' && e.by === 'bob@bastion-2'), {timeoutMs: 20_000, message: "bob's confirm in alice's timeline"});
		await ui.press('y');
		await ui.waitForFrame(f => /bob@bastion-2 (confirmed|did) rollback deployment\/checkout .*while this/.test(f.replace(/\s+/g, ' ')), 'the confirmation again, with the new warning');
		expect(alice.store.getState().timeline.filter(e => (e.type === 'action.confirmed' || e.type === 'action.succeeded') && e.by === 'alice@bastion-1')).toEqual([]);
		// Read and confirmed again: now it goes through.
		await ui.press('y');
		await waitFor(() => alice.store.getState().timeline.some(e => e.type === 'action.confirmed' && e.by === 'alice@bastion-1'), {timeoutMs: 20_000, message: "alice's second confirm goes through"});
	});

	it("an observer's cockpit sends no action: the role set from another host", async () => {
		const responder = await responders('inc-20261122-0304-obsv');
		const alice = await responder('alice@bastion-1');
		await waitFor(() => alice.store.getState().sync?.waiting === 0, {timeoutMs: 20_000, message: 'alice pushed the incident'});
		const carol = await responder('carol@laptop-3');
		// The commander makes carol an observer, on alice's host.
		await alice.journal.append('role.assigned', {user: 'carol@laptop-3', role: 'observer', previous: 'responder'});
		await waitFor(() => carol.store.getState().timeline.some(e => e.type === 'role.assigned'), {timeoutMs: 20_000, message: "the role on carol's host"});
		carol.controller.requestAction('rollback', {deployment: 'checkout'});
		carol.controller.confirm(await confirmation(carol));
		await waitFor(() => /observer in this incident: actions are read-only.*nothing was sent/.test(carol.store.getState().ui.flash?.text ?? ''), {message: 'carol is told why'});
		expect(carol.store.getState().timeline.filter(e => e.type === 'action.confirmed' || e.type === 'action.succeeded')).toEqual([]);
	});
});
