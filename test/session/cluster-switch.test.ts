/**
 * Switching context and namespace at run time (the `:ctx` and `:ns` of k9s): the pickers, the switch
 * (old rows gone, new ones in, never together), its record in the timeline, where the next action
 * acts, a 403 on listing namespaces, read-only mode, and a runbook step's action acting where its
 * runbook or the selected row says. Against the fake API server.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import type {ActionRequest} from '../../source/actions/types.js';
import {createKubeCluster} from '../../source/clients/kube-cluster.js';
import {createKubeSwitcher} from '../../source/clients/kube/switcher.js';
import {podsData} from '../../source/kinds/pods/data.js';
import {podRows} from '../../source/kinds/pods/rows.js';
import type {ContextSettingsNow} from '../../source/ports/cluster.js';
import {loadRunbook} from '../../source/runbook/library.js';
import type {Session} from '../../source/session/cockpit.js';
import {RowCache} from '../../source/store/memo.js';
import type {Dialog} from '../../source/store/types.js';
import {startFakeKubeServer, type FakeKubeServer} from '../support/fake-kube-server.js';
import {waitFor} from '../support/wait.js';
import {eventsOf, journalEvents, SessionHarness, writeRunbook} from './support.js';

const harness = new SessionHarness();
afterEach(() => harness.cleanup());

const incidentId = 'inc-20261206-1300-swch';
const backoff = {initialMs: 20, maxMs: 200};
const writable: ContextSettingsNow = {readonly: false, production: false};

const mutations = (server: FakeKubeServer) => server.requests.filter(r => r.method !== 'GET');

/** One kubeconfig naming each server as a context of its own (namespace shop in each). */
function twoContexts(servers: Record<string, FakeKubeServer>): string {
	const lines = ['apiVersion: v1', 'kind: Config', 'clusters:'];
	for (const [name, server] of Object.entries(servers)) lines.push(`- name: ${name}`, '  cluster:', `    server: ${server.url}`, '    insecure-skip-tls-verify: true');
	lines.push('users:', '- name: viewer', '  user:', '    token: fake-token', 'contexts:');
	for (const name of Object.keys(servers)) lines.push(`- name: ${name}`, '  context:', `    cluster: ${name}`, '    user: viewer', '    namespace: shop');
	lines.push(`current-context: ${Object.keys(servers)[0]}`, '');
	const dir = mkdtempSync(join(tmpdir(), 'switch-kubeconfig-'));
	harness.onCleanup(() => rmSync(dir, {recursive: true, force: true}));
	const file = join(dir, 'kubeconfig');
	writeFileSync(file, lines.join('\n'));
	return file;
}

/** A session on `kubeconfig`'s current context, with a switcher whose contexts have `settings`. */
async function switchingSession(kubeconfig: string, options: {settings?: (context: string) => ContextSettingsNow; readonly?: boolean; config?: Record<string, unknown>; context?: string} = {}): Promise<Session> {
	const settings = options.settings ?? (() => ({...writable, readonly: Boolean(options.readonly)}));
	const base = {kubeconfig, fieldManager: `incident-tui/${incidentId}`, backoff};
	const cluster = createKubeCluster({...base, readonly: Boolean(options.readonly)});
	const session = await harness.open({
		stateDir: harness.tempDir(),
		incidentId,
		cluster,
		switcher: createKubeSwitcher(base, settings),
		context: options.context ?? 'test-ctx',
		namespace: 'shop',
		readonly: Boolean(options.readonly),
		...(options.config ? {config: harness.config(options.config)} : {}),
	});
	session.start();
	return session;
}

function pickDialog(session: Session, purpose: string): Promise<Extract<Dialog, {kind: 'pick'}>> {
	return waitFor(
		() => {
			const d = session.store.getState().ui.dialog;
			return d?.kind === 'pick' && d.purpose === purpose ? d : undefined;
		},
		{message: `the ${purpose} picker (flash: ${session.store.getState().ui.flash?.text ?? 'none'})`},
	);
}

async function confirmDialog(session: Session): Promise<ActionRequest> {
	const dialog = await waitFor(
		() => {
			const d = session.store.getState().ui.dialog;
			return d?.kind === 'confirm' ? d : undefined;
		},
		{message: `a confirmation (flash: ${session.store.getState().ui.flash?.text ?? 'none'})`},
	);
	return dialog.request;
}

const deploymentNames = (session: Session) => Object.values(podsData.of(session.store.getState()).deployments).map(d => d.name).sort();

/** Records whether the store ever held deployments of both `a` and `b` at once. */
function watchMixing(session: Session, a: string, b: string): () => boolean {
	let mixed = false;
	const unsubscribe = session.store.subscribe(state => {
		const names = Object.values(podsData.of(state).deployments).map(d => d.name);
		if (names.includes(a) && names.includes(b)) mixed = true;
	});
	harness.onCleanup(unsubscribe);
	return () => mixed;
}

describe('switching the namespace at run time', () => {
	it('N lists the namespaces and all namespaces; choosing one stops the old watch, shows only the new rows, records the switch, and the next PATCH goes there', async () => {
		const server = await startFakeKubeServer();
		harness.onCleanup(() => server.close());
		server.addDeployment({name: 'checkout', images: ['shop/checkout:1.7.2', 'shop/checkout:1.8.0'], replicas: 2});
		server.addNamespace('team-b');
		server.addDeployment({name: 'ledger', images: ['b/ledger:1', 'b/ledger:2'], replicas: 1, namespace: 'team-b'});
		const session = await switchingSession(server.kubeconfigPath);
		await waitFor(() => deploymentNames(session).includes('checkout'), {message: 'checkout listed'});
		const mixed = watchMixing(session, 'checkout', 'ledger');

		session.controller.pickNamespace();
		const picker = await pickDialog(session, 'namespace');
		expect(picker.items.map(i => i.label)).toEqual(['all namespaces', 'shop', 'team-b']);
		expect(picker.filterable).toBe(true);
		expect(picker.note).toBeUndefined();
		expect(picker.title).toContain('now shop');

		const watchesBefore = server.requests.filter(r => r.query.watch === 'true' && r.path.includes('/namespaces/shop/')).length;
		session.controller.switchScope({namespace: 'team-b'});
		await waitFor(() => deploymentNames(session).join() === 'ledger', {message: `only team-b's ledger shown (now: ${deploymentNames(session).join()})`});
		expect(mixed()).toBe(false);
		expect(session.store.getState().env).toMatchObject({context: 'test-ctx', namespace: 'team-b'});
		// The old namespace is no longer watched: no new watch of shop after the switch, even after a change there.
		server.update('deployments', 'checkout', d => void (d.spec.replicas = 5));
		await waitFor(() => server.requests.some(r => r.query.watch === 'true' && r.path.includes('/namespaces/team-b/')), {message: 'team-b watched'});
		expect(server.requests.filter(r => r.query.watch === 'true' && r.path.includes('/namespaces/shop/')).length).toBe(watchesBefore);
		expect(deploymentNames(session)).toEqual(['ledger']);

		// Recorded: from -> to, by whom, in the journal.
		const switched = eventsOf(await journalEvents(session.journal.path), 'cluster.switched');
		expect(switched).toHaveLength(1);
		expect(switched[0]!.data).toEqual({from: {context: 'test-ctx', namespace: 'shop'}, to: {context: 'test-ctx', namespace: 'team-b'}});
		expect(switched[0]!.by).toBe(session.store.getState().env.author);

		// The next action acts in the new namespace, and its confirmation names it.
		session.controller.requestAction('rollback', {deployment: 'ledger'});
		const rollback = await confirmDialog(session);
		expect(rollback.target).toEqual({context: 'test-ctx', namespace: 'team-b', object: 'deployment/ledger'});
		session.controller.confirm(rollback);
		const patch = await waitFor(() => mutations(server).find(r => r.method === 'PATCH'), {message: 'the rollback PATCH'});
		expect(patch.path).toBe('/apis/apps/v1/namespaces/team-b/deployments/ledger');
	});

	it('all namespaces: one cluster-scoped watch, rows of every namespace, and the header says so', async () => {
		const server = await startFakeKubeServer();
		harness.onCleanup(() => server.close());
		server.addDeployment({name: 'checkout', images: ['shop/checkout:1'], replicas: 1});
		server.addNamespace('team-b');
		server.addDeployment({name: 'ledger', images: ['b/ledger:1'], replicas: 1, namespace: 'team-b'});
		const session = await switchingSession(server.kubeconfigPath);
		await waitFor(() => deploymentNames(session).includes('checkout'), {message: 'checkout listed'});
		session.controller.switchScope({allNamespaces: true});
		await waitFor(() => deploymentNames(session).join() === 'checkout,ledger', {message: 'both namespaces shown'});
		expect(server.requests.some(r => r.path === '/apis/apps/v1/deployments')).toBe(true);
		expect(session.store.getState().env).toMatchObject({namespace: 'shop', allNamespaces: true});
		expect(eventsOf(session.store.getState().timeline, 'cluster.switched')[0]!.data.to).toEqual({context: 'test-ctx', namespace: 'shop', allNamespaces: true});
	});

	it('403 on listing namespaces: the picker offers the namespaces the config and the incident know, and says why', async () => {
		const server = await startFakeKubeServer();
		harness.onCleanup(() => server.close());
		server.addDeployment({name: 'checkout', images: ['shop/checkout:1'], replicas: 1});
		server.forbid('list', 'namespaces');
		const session = await switchingSession(server.kubeconfigPath, {config: {kubernetes: {namespace: 'shop', namespaces: ['shop', 'team-a']}}});
		await waitFor(() => deploymentNames(session).includes('checkout'), {message: 'checkout listed'});
		session.controller.pickNamespace();
		const picker = await pickDialog(session, 'namespace');
		expect(picker.note).toMatch(/^cannot list namespaces \(403 Forbidden, context test-ctx\): .*forbidden.*Offered instead: the namespaces the config and this incident know\.$/);
		expect(picker.items.map(i => i.label)).toEqual(['all namespaces', 'shop', 'team-a']);
	});

	it('read-only: switching is allowed (it is no mutation), and nothing mutating is ever sent', async () => {
		const server = await startFakeKubeServer();
		harness.onCleanup(() => server.close());
		server.addDeployment({name: 'checkout', images: ['shop/checkout:1', 'shop/checkout:2'], replicas: 1});
		server.addNamespace('team-b');
		server.addDeployment({name: 'ledger', images: ['b/ledger:1', 'b/ledger:2'], replicas: 1, namespace: 'team-b'});
		const session = await switchingSession(server.kubeconfigPath, {readonly: true});
		await waitFor(() => deploymentNames(session).includes('checkout'), {message: 'checkout listed'});
		session.controller.switchScope({namespace: 'team-b'});
		await waitFor(() => deploymentNames(session).join() === 'ledger', {message: 'team-b shown'});
		expect(session.store.getState().env.readonly).toBe(true);
		expect(eventsOf(session.store.getState().timeline, 'cluster.switched')).toHaveLength(1);
		session.controller.requestAction('rollback', {deployment: 'ledger'});
		await waitFor(() => session.store.getState().ui.flash?.text.includes('read-only'), {message: 'rollback refused'});
		expect(mutations(server)).toEqual([]);
	});
});

describe('switching the context at run time', () => {
	it('C lists the kubeconfig’s contexts; choosing a production one watches the other API server, marks the cockpit production, and its actions go there', async () => {
		const [eu, us] = await Promise.all([startFakeKubeServer(), startFakeKubeServer()]);
		harness.onCleanup(() => Promise.all([eu.close(), us.close()]).then(() => undefined));
		eu.addDeployment({name: 'checkout', images: ['eu/checkout:1'], replicas: 1});
		us.addDeployment({name: 'payments', images: ['us/payments:1', 'us/payments:2'], replicas: 2});
		const kubeconfig = twoContexts({'prod-eu': eu, 'prod-us': us});
		const settings = (context: string): ContextSettingsNow => ({readonly: false, production: context === 'prod-us'});
		const session = await switchingSession(kubeconfig, {settings, context: 'prod-eu'});
		await waitFor(() => deploymentNames(session).includes('checkout'), {message: 'prod-eu listed'});
		const mixed = watchMixing(session, 'checkout', 'payments');

		session.controller.pickContext();
		const picker = await pickDialog(session, 'context');
		expect(picker.items.map(i => i.label)).toEqual(['prod-eu', 'prod-us  PROD']);
		expect(picker.current).toBe('ctx:prod-eu');

		session.controller.switchScope({context: 'prod-us'});
		await waitFor(() => deploymentNames(session).join() === 'payments', {message: `only prod-us's payments shown (now: ${deploymentNames(session).join()})`});
		expect(mixed()).toBe(false);
		expect(session.store.getState().env).toMatchObject({context: 'prod-us', namespace: 'shop', production: true});
		expect(session.store.getState().ui.flash?.text).toBe('now watching context prod-us, namespace shop (PRODUCTION)');
		expect(eventsOf(session.store.getState().timeline, 'cluster.switched')[0]!.data).toEqual({from: {context: 'prod-eu', namespace: 'shop'}, to: {context: 'prod-us', namespace: 'shop'}});

		// A production context: the rollback's confirmation names the context and asks for the name.
		session.controller.requestAction('rollback', {deployment: 'payments'});
		const rollback = await confirmDialog(session);
		expect(rollback.target.context).toBe('prod-us');
		expect(rollback.typeToConfirm).toBe('payments');
		session.controller.cancel(rollback);
		await waitFor(() => session.store.getState().ui.dialog === null, {message: 'cancelled'});
		session.controller.requestAction('restart', {deployment: 'payments'});
		const restart = await confirmDialog(session);
		session.controller.confirm(restart);
		await waitFor(() => mutations(us).some(r => r.method === 'PATCH'), {message: 'the restart sent to prod-us'});
		expect(mutations(us)[0]!.path).toBe('/apis/apps/v1/namespaces/shop/deployments/payments');
		expect(mutations(eu)).toEqual([]);
	});

	it('a context the kubeconfig does not have: not switched, the cockpit stays where it was and says why', async () => {
		const server = await startFakeKubeServer();
		harness.onCleanup(() => server.close());
		server.addDeployment({name: 'checkout', images: ['shop/checkout:1'], replicas: 1});
		const session = await switchingSession(server.kubeconfigPath);
		await waitFor(() => deploymentNames(session).includes('checkout'), {message: 'checkout listed'});
		session.controller.switchScope({context: 'nowhere'});
		const flash = await waitFor(() => (session.store.getState().ui.flash?.text.startsWith('not switched') ? session.store.getState().ui.flash!.text : undefined), {message: 'the refusal'});
		expect(flash).toContain('still on context test-ctx, namespace shop');
		expect(flash).toContain('context "nowhere" not found');
		expect(session.store.getState().env.context).toBe('test-ctx');
		expect(deploymentNames(session)).toEqual(['checkout']);
		expect(eventsOf(session.store.getState().timeline, 'cluster.switched')).toEqual([]);
	});
});

describe('a runbook step’s action, watching several namespaces', () => {
	it('acts in the namespace of the selected row naming its deployment, and the confirmation names it', async () => {
		const server = await startFakeKubeServer();
		harness.onCleanup(() => server.close());
		server.addNamespace('team-a');
		server.addNamespace('team-b');
		server.addDeployment({name: 'checkout', images: ['a/checkout:1', 'a/checkout:2'], replicas: 1, namespace: 'team-a'});
		server.addDeployment({name: 'checkout', images: ['b/checkout:1', 'b/checkout:2'], replicas: 1, namespace: 'team-b'});
		const cluster = createKubeCluster({kubeconfig: server.kubeconfigPath, readonly: false, fieldManager: `incident-tui/${incidentId}`, backoff, namespaces: 'all'});
		const session = await harness.open({stateDir: harness.tempDir(), incidentId, cluster, context: server.context, namespace: server.namespace});
		session.start();
		const cache = new RowCache();
		const rows = () => podRows(session.store.getState(), cache);
		await waitFor(() => rows().filter(r => r.ref.deployment === 'checkout' && !r.ref.pod).length === 2, {message: 'checkout of both namespaces'});
		const runbook = await loadRunbook(writeRunbook(harness.tempDir(), 'runbook.yaml', ['id: undo', 'title: Undo', 'steps:', '  - title: Roll back checkout', '    action: {kind: rollback, deployment: checkout}', ''].join('\n')));
		session.store.getState().runbooksAvailable([runbook]);
		session.controller.selectRunbook(runbook.id);
		await waitFor(() => session.store.getState().runbook?.id === 'undo', {message: 'runbook active'});

		const shown = rows();
		const teamB = shown.findIndex(r => r.ref.deployment === 'checkout' && !r.ref.pod && r.ref.namespace === 'team-b');
		session.store.getState().selectionSet('pods', teamB, shown);
		session.controller.requestStep(session.store.getState().runbook!.steps[0]!.id);
		const request = await confirmDialog(session);
		expect(request.target).toEqual({context: 'test-ctx', namespace: 'team-b', object: 'deployment/checkout'});
		expect(request.change).toBe('revision 2 (b/checkout:2) -> revision 1 (b/checkout:1)');
	});
});
