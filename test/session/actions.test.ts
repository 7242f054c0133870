import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import type {ActionRequest} from '../../source/actions/types.js';
import {createKubeCluster} from '../../source/clients/kube-cluster.js';
import {loadRunbook} from '../../source/runbook/library.js';
import type {Session} from '../../source/session/cockpit.js';
import {startFakeKubeServer, type FakeKubeServer} from '../support/fake-kube-server.js';
import {commandChoice} from '../../source/store/types.js';
import {waitFor} from '../support/wait.js';
import {eventsOf, journalEvents, SessionHarness, writeRunbook} from './support.js';
import {podsData} from '../../source/kinds/pods/data.js';
import {actions, editAction} from '../../source/actions/registry.js';
import {actionBinding, actionKey} from '../../source/kinds/action-key.js';
import {podRows} from '../../source/kinds/pods/rows.js';
import {podsKind} from '../../source/kinds/pods/index.js';
import type {KeyContext, Row} from '../../source/kinds/types.js';
import {RowCache} from '../../source/store/memo.js';

const harness = new SessionHarness();
afterEach(() => harness.cleanup());

const incidentId = 'inc-20261122-0304-acts';

async function kubeSession(): Promise<{server: FakeKubeServer; session: Session}> {
	const server = await startFakeKubeServer();
	harness.onCleanup(() => server.close());
	server.addDeployment({name: 'checkout', images: ['shop/checkout:1.7.2', 'shop/checkout:1.8.0'], replicas: 2});
	const cluster = createKubeCluster({kubeconfig: server.kubeconfigPath, readonly: false, fieldManager: `incident-tui/${incidentId}`, backoff: {initialMs: 20, maxMs: 200}});
	const session = await harness.open({stateDir: harness.tempDir(), incidentId, cluster, context: server.context, namespace: server.namespace});
	session.start();
	await waitFor(() => podsData.of(session.store.getState()).deployments['checkout'], {message: 'checkout deployment in the store'});
	return {server, session};
}

async function confirmDialog(session: Session): Promise<ActionRequest> {
	const dialog = await waitFor(
		() => {
			const d = session.store.getState().ui.dialog;
			return d?.kind === 'confirm' ? d : undefined;
		},
		{message: `confirm dialog (flash: ${session.store.getState().ui.flash?.text ?? 'none'})`},
	);
	return dialog.request;
}

const mutations = (server: FakeKubeServer) => server.requests.filter(r => r.method !== 'GET');

describe('session: rollback through the controller', () => {
	it('confirm names the target, sends the PATCH, and journals requested -> confirmed -> succeeded with the kubectl equivalent', async () => {
		const {server, session} = await kubeSession();
		session.controller.requestAction('rollback', {deployment: 'checkout'});
		const request = await confirmDialog(session);
		expect(request.target).toEqual({context: 'test-ctx', namespace: 'shop', object: 'deployment/checkout'});
		expect(request.change).toMatch(/revision 2.*->.*revision 1/);
		expect(request.kubectl).toMatch(/kubectl --context test-ctx (-n|--namespace) shop rollout undo deployment\/checkout/);
		expect(mutations(server)).toEqual([]);

		session.controller.confirm(request);
		const patch = await waitFor(() => mutations(server).find(r => r.method === 'PATCH' && r.path.endsWith('/deployments/checkout')), {message: 'PATCH of deployment/checkout'});
		expect(patch.path).toBe('/apis/apps/v1/namespaces/shop/deployments/checkout');
		await waitFor(() => eventsOf(session.store.getState().timeline, 'action.succeeded').length === 1, {message: 'action.succeeded'});
		expect(server.get('deployments', 'checkout')!.spec.template.spec.containers[0].image).toBe('shop/checkout:1.7.2');
		// The footer names the object and how it went, not just "Roll back deployment: succeeded".
		await waitFor(() => /^Roll back deployment\/checkout: succeeded \(.*revision 2.*1\b.*\)$/.test(session.store.getState().ui.flash?.text ?? ''), {message: 'the outcome in the footer'});

		const actions = (await journalEvents(session.journal.path)).filter(e => e.type.startsWith('action.'));
		expect(actions.map(e => e.type)).toEqual(['action.requested', 'action.confirmed', 'action.succeeded']);
		for (const event of actions) {
			const data = event.data as {actionId: string; kubectl?: string; target: unknown};
			expect(data.actionId).toBe(request.id);
			expect(data.kubectl).toBe(request.kubectl);
			expect(data.target).toEqual(request.target);
		}
	});

	it('cancel journals action.cancelled and sends nothing', async () => {
		const {server, session} = await kubeSession();
		session.controller.requestAction('rollback', {deployment: 'checkout'});
		const request = await confirmDialog(session);
		session.controller.cancel(request);
		await waitFor(() => eventsOf(session.store.getState().timeline, 'action.cancelled').length === 1, {message: 'action.cancelled'});
		await waitFor(() => session.store.getState().ui.flash?.text === 'cancelled: Roll back deployment/checkout', {message: 'flash of the cancel'});
		expect(session.store.getState().ui.dialog).toBeNull();
		const actions = (await journalEvents(session.journal.path)).filter(e => e.type.startsWith('action.'));
		expect(actions.map(e => e.type)).toEqual(['action.requested', 'action.cancelled']);
		expect(mutations(server)).toEqual([]);
		expect(server.get('deployments', 'checkout')!.spec.template.spec.containers[0].image).toBe('shop/checkout:1.8.0');
	});
});

describe('session: runbook command step', () => {
	it('runs argv without a shell: a value with "; touch MARKER" is echoed, never executed', async () => {
		const dir = harness.tempDir('runbook-');
		const marker = join(dir, 'MARKER');
		const file = writeRunbook(
			dir,
			'echo.yaml',
			[
				'id: echo-test',
				'title: Echo test',
				'variables:',
				'  - name: target',
				'steps:',
				'  - id: say',
				'    title: Say the target',
				'    command: [echo, "target={{target}}"]',
				'',
			].join('\n'),
		);
		const value = `checkout; touch ${marker}`;
		const session = await harness.open({stateDir: harness.tempDir(), incidentId, runbookRef: file, variables: {target: value}});
		session.start();
		expect(session.store.getState().runbook?.id).toBe('echo-test');

		session.controller.requestStep('say');
		const request = await confirmDialog(session);
		expect(request.kind).toBe('command');
		expect(request.details.join('\n')).toContain(JSON.stringify(`target=${value}`));
		session.controller.confirm(request);

		const details = await waitFor(
			() => {
				const d = session.store.getState().ui.dialog;
				return d?.kind === 'details' && d.title.endsWith('(exit 0)') ? d : undefined;
			},
			{message: 'finished output in the details dialog'},
		);
		expect(details.lines).toEqual([`target=${value}`]);
		expect(session.store.getState().activity.running).toBeUndefined();

		const events = await journalEvents(session.journal.path);
		const succeeded = eventsOf(events, 'action.succeeded');
		expect(succeeded).toHaveLength(1);
		expect(succeeded[0]!.data).toMatchObject({actionId: request.id, kind: 'command', exitCode: 0});
		expect(succeeded[0]!.data.output).toContain(`target=${value}`);
		expect(eventsOf(events, 'action.confirmed')).toHaveLength(1);
		expect(existsSync(marker)).toBe(false);
	});
});

/** Writes a YAML runbook of `lines`, lists it (the picker chooses among listed runbooks) and makes it the active one. */
async function activeRunbook(session: Session, lines: string[]) {
	const runbook = await loadRunbook(writeRunbook(harness.tempDir(), 'runbook.yaml', [...lines, ''].join('\n')));
	session.store.getState().runbooksAvailable([runbook]);
	session.controller.selectRunbook(runbook.id);
	return waitFor(() => (session.store.getState().runbook?.id === runbook.id ? session.store.getState().runbook! : undefined), {message: `runbook ${runbook.id} active`});
}

describe('session: a runbook step bound to an action', () => {
	it('passes the step’s replicas to the scale confirmation', async () => {
		const {session} = await kubeSession();
		const runbook = await activeRunbook(session, ['id: scale-out', 'title: Scale out', 'steps:', '  - title: Add replicas', '    action: {kind: scale, deployment: checkout, replicas: 6}']);
		session.controller.requestStep(runbook.steps[0]!.id);
		const request = await confirmDialog(session);
		expect(request.kind).toBe('scale');
		expect(request.change).toBe('replicas 2 -> 6');
	});
});

describe('session: actions with -A act in the namespace of the row', () => {
	it('u and r on a deployment named alike in two namespaces: the confirmation names the row\'s namespace, the history is read and the PATCH sent there', async () => {
		const server = await startFakeKubeServer();
		harness.onCleanup(() => server.close());
		server.addNamespace('team-a');
		server.addNamespace('team-b');
		server.addDeployment({name: 'checkout', images: ['a/checkout:1', 'a/checkout:2'], replicas: 1, namespace: 'team-a'});
		server.addDeployment({name: 'checkout', images: ['b/checkout:1', 'b/checkout:2'], replicas: 1, namespace: 'team-b'});
		const cluster = createKubeCluster({kubeconfig: server.kubeconfigPath, readonly: false, fieldManager: `incident-tui/${incidentId}`, backoff: {initialMs: 20, maxMs: 200}, namespaces: 'all'});
		const session = await harness.open({stateDir: harness.tempDir(), incidentId, cluster, context: server.context, namespace: server.namespace});
		session.start();
		const cache = new RowCache();
		const deploymentRow = (namespace: string): Row | undefined => podRows(session.store.getState(), cache).find(r => r.ref.deployment === 'checkout' && !r.ref.pod && r.ref.namespace === namespace);
		await waitFor(() => deploymentRow('team-a') && deploymentRow('team-b'), {message: 'checkout of both namespaces in the Pods pane'});
		const press = (id: string, row: Row) => podsKind.keys.find(k => k.id === id)!.run(row, session.controller, {state: session.store.getState(), paneNumber: () => 1, sortChanged: session.store.getState().sortChanged} satisfies KeyContext);

		press('rollback', deploymentRow('team-b')!);
		const rollback = await confirmDialog(session);
		expect(rollback.target).toEqual({context: 'test-ctx', namespace: 'team-b', object: 'deployment/checkout'});
		expect(rollback.change).toBe('revision 2 (b/checkout:2) -> revision 1 (b/checkout:1)');
		expect(rollback.kubectl).toMatch(/kubectl --context test-ctx (-n|--namespace) team-b rollout undo deployment\/checkout/);
		session.controller.confirm(rollback);
		const undo = await waitFor(() => mutations(server).find(r => r.method === 'PATCH'), {message: 'PATCH of the rollback'});
		expect(undo.path).toBe('/apis/apps/v1/namespaces/team-b/deployments/checkout');
		await waitFor(() => server.get('deployments', 'checkout', 'team-b')!.spec.template.spec.containers[0].image === 'b/checkout:1', {message: 'team-b rolled back'});
		expect(server.get('deployments', 'checkout', 'team-a')!.spec.template.spec.containers[0].image).toBe('a/checkout:2');
		await waitFor(() => session.store.getState().ui.dialog === null && eventsOf(session.store.getState().timeline, 'action.succeeded').length === 1, {message: 'rollback done'});

		press('restart', deploymentRow('team-a')!);
		const restart = await confirmDialog(session);
		expect(restart.target).toEqual({context: 'test-ctx', namespace: 'team-a', object: 'deployment/checkout'});
		session.controller.confirm(restart);
		await waitFor(() => mutations(server).filter(r => r.method === 'PATCH').length === 2, {message: 'PATCH of the restart'});
		expect(mutations(server).filter(r => r.method === 'PATCH')[1]!.path).toBe('/apis/apps/v1/namespaces/team-a/deployments/checkout');
		await waitFor(() => session.store.getState().ui.dialog === null && eventsOf(session.store.getState().timeline, 'action.succeeded').length === 2, {message: 'restart done'});

		press('scale', deploymentRow('team-b')!);
		const proposed = await confirmDialog(session);
		expect(proposed.target).toEqual({context: 'test-ctx', namespace: 'team-b', object: 'deployment/checkout'});
		expect(proposed.change).toBe('replicas 1 -> 1');
		session.controller.confirm(editAction(proposed, {type: 'input', value: '3'})!);
		await waitFor(() => server.get('deployments', 'checkout', 'team-b')!.spec.replicas === 3, {message: 'team-b scaled to 3'});
		expect(server.get('deployments', 'checkout', 'team-a')!.spec.replicas).toBe(1);
	});
});

describe('session: a runbook step run again', () => {
	it('warns that a checked step runs again, saying when and by what it was checked, also after a typed replica count', async () => {
		const {session} = await kubeSession();
		const runbook = await activeRunbook(session, ['id: scale-out', 'title: Scale out', 'steps:', '  - title: Add replicas', '    action: {kind: scale, deployment: checkout, replicas: 6}']);
		const step = runbook.steps[0]!;
		session.controller.requestStep(step.id);
		const first = await confirmDialog(session);
		expect(first.warnings.join('\n')).not.toContain('already checked');
		session.controller.confirm(first);
		await waitFor(() => session.store.getState().incident.checkedSteps[step.id], {message: 'the step ticked by its scale'});

		session.controller.requestStep(step.id);
		const again = await waitFor(
			() => {
				const d = session.store.getState().ui.dialog;
				return d?.kind === 'confirm' && d.request.id !== first.id ? d.request : undefined;
			},
			{message: 'the second confirmation'},
		);
		expect(again.warnings[0]).toMatch(/^step "Add replicas" is already checked \(\d\d:\d\d:\d\d UTC, .+, by the scale of deployment\/checkout\): this runs it again\.$/);
		expect(editAction(again, {type: 'input', value: '7'})!.warnings[0]).toBe(again.warnings[0]);
		expect(editAction(again, {type: 'input', value: '7'})!.change).toMatch(/-> 7$/);
	});
});

describe('session: a rollback taken is a runbook step done', () => {
	it('ticks the step whose action it is, taken from the Pods pane, and not a step acting on another deployment or one with a done-when condition', async () => {
		const {session} = await kubeSession();
		const runbook = await activeRunbook(session, [
				'id: bad-deploy',
				'title: Bad deploy',
				'variables: [{name: deployment, default: checkout}]',
				'steps:',
				'  - title: Roll back checkout',
				'    action: {kind: rollback, deployment: "{{deployment}}"}',
				'  - title: Roll back cart',
				'    action: {kind: rollback, deployment: cart}',
				'  - title: Restart checkout',
				'    action: {kind: restart, deployment: checkout}',
				'  - title: Roll back checkout until errors stop',
				'    action: {kind: rollback, deployment: checkout}',
				'    doneWhen: {health: checkout}',
		]);
		const [checkout, cart, restart, conditional] = runbook.steps;

		// u on the Pods pane, not x on the step.
		session.controller.requestAction('rollback', {deployment: 'checkout'});
		const rollback = await confirmDialog(session);
		session.controller.confirm(rollback);
		await waitFor(() => session.store.getState().incident.checkedSteps[checkout!.id], {message: 'the rollback step ticked'});
		const ticked = eventsOf(session.store.getState().timeline, 'step.checked');
		expect(ticked.map(e => e.data)).toEqual([
			{
				runbookId: 'bad-deploy',
				stepId: checkout!.id,
				title: 'Roll back checkout',
				auto: true,
				doneBy: 'rollback of deployment/checkout',
				cause: {type: 'action', actionId: rollback.id, action: 'rollback of deployment/checkout'},
			},
		]);
		expect(session.store.getState().incident.checkedSteps[cart!.id]).toBeUndefined();
		expect(session.store.getState().incident.checkedSteps[restart!.id]).toBeUndefined();
		// A step with a done-when condition waits for it.
		expect(session.store.getState().incident.checkedSteps[conditional!.id]).toBeUndefined();
		// On disk, and in words on the timeline.
		expect((await journalEvents(session.journal.path)).filter(e => e.type === 'step.checked')).toHaveLength(1);
	});
});

describe('session: the kubeconfig chooses the context and namespace', () => {
	it('without --context or -n, the current context and its namespace become the cockpit\'s, for the header, confirmations and {{namespace}}', async () => {
		const server = await startFakeKubeServer();
		harness.onCleanup(() => server.close());
		const dir = harness.tempDir();
		const file = writeRunbook(
			dir,
			'ns.yaml',
			['id: ns-test', 'title: Namespace test', 'steps:', '  - id: show', '    title: Show the namespace', '    command: [echo, "ns={{namespace}}"]', ''].join('\n'),
		);
		// What cli.tsx passes when neither the config nor the command line names them.
		const cluster = createKubeCluster({kubeconfig: server.kubeconfigPath, readonly: false, fieldManager: `incident-tui/${incidentId}`});
		const session = await harness.open({stateDir: harness.tempDir(), incidentId, cluster, context: '', namespace: 'default', runbookRef: file});
		expect(session.store.getState().env).toMatchObject({context: '', namespace: 'default'});
		session.start();
		await waitFor(() => session.store.getState().env.namespace === server.namespace, {message: "the kubeconfig context's namespace in the store"});
		expect(session.store.getState().env.context).toBe(server.context);

		session.controller.requestStep('show');
		const request = await confirmDialog(session);
		expect(request.title, 'named after its step').toBe('Run: Show the namespace');
		expect(request.target).toEqual({context: server.context, namespace: server.namespace, object: 'command/show-cmd'});
		expect(request.kubectl).toBe(`echo ns=${server.namespace}`);
		expect(request.details).toContain(`kubectl here acts on context ${server.context}, namespace ${server.namespace} (KUBECONFIG pinned)`);
		session.controller.cancel(request);
	});
});

describe('session: choosing which command to run', () => {
	async function pickDialog(session: Session) {
		return waitFor(
			() => {
				const d = session.store.getState().ui.dialog;
				return d?.kind === 'pick' ? d : undefined;
			},
			{message: `pick dialog (flash: ${session.store.getState().ui.flash?.text ?? 'none'})`},
		);
	}

	it('x on a step with several commands offers them all, and runs the one chosen', async () => {
		const dir = harness.tempDir('runbook-');
		const file = writeRunbook(
			dir,
			'two.yaml',
			[
				'id: two-commands',
				'title: Two commands',
				'steps:',
				'  - id: look',
				'    title: Look around',
				'    commands:',
				'      - {argv: [echo, "first {{namespace}}"]}',
				'      - {title: Second, argv: [echo, second]}',
				'',
			].join('\n'),
		);
		const session = await harness.open({stateDir: harness.tempDir(), incidentId, runbookRef: file});
		session.start();
		session.controller.requestStep('look');
		const pick = await pickDialog(session);
		expect(pick.purpose).toBe('command');
		expect(pick.items.map(i => i.label)).toEqual(['echo \'first shop\'', 'Second: echo second']);
		expect(commandChoice.parse(pick.items[1]!.value)).toEqual({stepId: 'look', index: 1});

		session.controller.requestStep('look', 1);
		const request = await confirmDialog(session);
		expect(request.kubectl).toBe('echo second');
		expect(request.title).toBe('Second');
		session.controller.confirm(request);
		await waitFor(() => eventsOf(session.store.getState().timeline, 'action.succeeded').length === 1, {message: 'action.succeeded'});
		expect(eventsOf(session.store.getState().timeline, 'action.succeeded')[0]!.data.output).toBe('second');
	});

	it('says how a command ended, in its output dialog and the flash: the exit code of a failure', async () => {
		const config = harness.config({commands: [{id: 'fail', title: 'Fail', argv: ['sh', '-c', 'echo oops; exit 3']}, {id: 'ok', title: 'Fine', argv: ['echo', 'fine']}]});
		const session = await harness.open({stateDir: harness.tempDir(), incidentId, config});
		session.start();
		const ended = async (id: string) => {
			session.controller.requestConfigCommand(id);
			session.controller.confirm(await confirmDialog(session));
			return waitFor(
				() => {
					const d = session.store.getState().ui.dialog;
					return d?.kind === 'details' ? d : undefined;
				},
				{message: `the output dialog of ${id} turned into its details`},
			);
		};
		const failed = await ended('fail');
		expect(failed.title).toBe("sh -c 'echo oops; exit 3' (exit 3)");
		expect(failed.lines).toEqual(['oops']);
		expect(session.store.getState().ui.flash).toMatchObject({text: 'Fail: failed (exit 3)', tone: 'crit'});
		session.store.getState().dialogClosed();
		expect((await ended('ok')).title).toBe('echo fine (exit 0)');
		expect(session.store.getState().ui.flash).toMatchObject({text: 'Fine: succeeded (exit 0)', tone: 'ok'});
	});

	it("c offers the config's commands, and runs the one chosen like a runbook command", async () => {
		const config = harness.config({commands: [{id: 'hello', title: 'Say hello', argv: ['echo', 'hello', 'from config']}, {id: 'date', argv: ['date', '-u']}]});
		const session = await harness.open({stateDir: harness.tempDir(), incidentId, config});
		session.start();
		session.controller.requestConfigCommand();
		const pick = await pickDialog(session);
		expect(pick.items.map(i => i.label)).toEqual(["Say hello: echo hello 'from config'", 'date: date -u']);
		expect(commandChoice.parse(pick.items[0]!.value)).toEqual({configId: 'hello'});

		session.controller.requestConfigCommand('hello');
		const request = await confirmDialog(session);
		expect(request).toMatchObject({kind: 'command', title: 'Say hello', dangerous: true, target: {context: 'test-ctx', namespace: 'shop', object: 'command/hello'}});
		expect(request.details).toContain('  [2] "from config"');
		session.controller.confirm(request);
		await waitFor(() => eventsOf(session.store.getState().timeline, 'action.succeeded').length === 1, {message: 'action.succeeded'});
		expect(eventsOf(session.store.getState().timeline, 'action.succeeded')[0]!.data.output).toBe('hello from config');
	});

	it('says so when the config has no commands, and runs none in read-only mode', async () => {
		const empty = await harness.open({stateDir: harness.tempDir(), incidentId});
		empty.controller.requestConfigCommand();
		expect(empty.store.getState().ui.dialog).toBeNull();
		expect(empty.store.getState().ui.flash?.text).toBe('the config has no commands (add them under `commands:`)');

		const config = harness.config({commands: [{id: 'hello', argv: ['echo', 'hello']}]});
		const readonly = await harness.open({stateDir: harness.tempDir(), incidentId: 'inc-20261122-0304-ro', config, readonly: true});
		readonly.controller.requestConfigCommand('hello');
		expect(readonly.store.getState().ui.dialog).toBeNull();
		expect(readonly.store.getState().ui.flash?.text).toBe('read-only mode: running commands is disabled');
	});
});


describe('session: a key that names an action', () => {
	it('needs no controller method of its own: the key asks the one path (requestAction), which prepares the action where the row is, journals the request and opens its confirmation', async () => {
		const {session} = await kubeSession();
		// A key no kind has: built from the registry's action alone.
		const key = actionKey(actionBinding('restart', {keys: ['X'], label: 'X', help: 'Restart (a key made in a test)'}), {id: 'restartAgain'});
		expect(key.binding.dangerous).toBe(actions.restart.dangerous);
		const row = podRows(session.store.getState(), new RowCache()).find(r => r.ref.deployment === 'checkout' && !r.ref.pod);
		expect(row).toBeDefined();
		key.run(row!, session.controller, {state: session.store.getState(), paneNumber: () => 1, sortChanged: () => {}} satisfies KeyContext);
		const request = await confirmDialog(session);
		expect(request.kind).toBe('restart');
		expect(request.target).toEqual({context: 'test-ctx', namespace: 'shop', object: 'deployment/checkout'});
		expect(request.change).toBe('restart all 2 pods (rolling)');
		await waitFor(() => eventsOf(session.store.getState().timeline, 'action.requested').length === 1, {message: 'action.requested'});
	});

	it('is refused on the same path in read-only mode, by the registry\'s dangerous, before anything is read', async () => {
		const readonly = await harness.open({stateDir: harness.tempDir(), incidentId: 'inc-20261122-0304-ro', readonly: true});
		readonly.controller.requestAction('scale', {deployment: 'checkout'});
		expect(readonly.store.getState().ui.dialog).toBeNull();
		expect(readonly.store.getState().ui.flash?.text).toBe('read-only mode: scale is disabled');
	});
});
