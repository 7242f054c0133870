/**
 * Per-context settings (`kubernetes.contexts.NAME.readonly`, `.production`) apply to the context the
 * cockpit acts on when that context is the kubeconfig's current-context (no --context, no
 * `kubernetes.context`): the real cockpit in a real terminal, keys pressed as an operator would, and
 * the fake API server counting what reaches it.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {startCli, scriptFound, type CliTerminal} from '../support/cli-terminal.js';
import {startFakeKubeServer, type FakeKubeServer} from '../support/fake-kube-server.js';
import {waitFor} from '../support/wait.js';
import {cliTestTimeoutMs} from './run-cli.js';

let server: FakeKubeServer | undefined;
let cli: CliTerminal | undefined;
afterEach(async () => {
	await cli?.close();
	await server?.close();
	cli = undefined;
	server = undefined;
});

const mutations = (s: FakeKubeServer) => s.requests.filter(r => r.method !== 'GET');

describe.runIf(scriptFound)('per-context settings for the kubeconfig’s current-context', () => {
	it(
		'readonly: true for test-ctx: the header says READ-ONLY and u, s, r send nothing',
		async () => {
			const started = await startWithKubeconfig({'test-ctx': {readonly: true}});
			await started.cli.shown('READ-ONLY', 'the header to say READ-ONLY');
			await started.cli.shown('api-', 'the pods of deployment/api');
			started.cli.type('3');
			await started.cli.shown('▶ 3 Pods', 'the Pods pane focused');
			// Each key says it is disabled instead of opening a confirmation (on the pod's deployment).
			for (const [key, help] of [['u', 'roll back the deployment'], ['s', 'scale the deployment'], ['r', 'restart the deployment']] as const) {
				started.cli.type(key);
				await waitFor(async () => (await started.cli.screen()).includes(`read-only mode: ${help}`) || started.cli.events().some(e => e.type === 'action.requested'), {message: `${key} answered`});
				expect(started.cli.events().filter(e => e.type === 'action.requested'), `${key} opened a confirmation`).toEqual([]);
			}
			await started.cli.barrier('after the keys');
			expect(mutations(started.server)).toEqual([]);
			expect(started.cli.events().filter(e => e.type.startsWith('action.'))).toEqual([]);
		},
		cliTestTimeoutMs,
	);

	it(
		'production: true for test-ctx: a bare y does not confirm a rollback; typing the name does',
		async () => {
			const started = await startWithKubeconfig({'test-ctx': {production: true}});
			await started.cli.shown('PROD', 'the header to say PROD');
			await started.cli.shown('api-', 'the pods of deployment/api');
			started.cli.type('3');
			await started.cli.shown('▶ 3 Pods', 'the Pods pane focused');
			started.cli.type('u');
			await started.cli.event(e => e.type === 'action.requested', 'the rollback confirmation');
			await started.cli.shown('Production: type “api” to confirm:', 'the confirmation to ask for the name');
			started.cli.type('y');
			await started.cli.shown('to confirm: y', 'y typed into the name field');
			started.cli.type('\r');
			await started.cli.shown('type “api” exactly to confirm', 'the confirmation to refuse a bare y');
			expect(mutations(started.server)).toEqual([]);
			expect(started.cli.events().some(e => e.type === 'action.confirmed')).toBe(false);
			// Typing the deployment's name confirms it (in a new confirmation: esc cancels this one).
			started.cli.type('\u001B');
			await started.cli.event(e => e.type === 'action.cancelled', 'the cancel');
			started.cli.type('u');
			await waitFor(() => started.cli.events().filter(e => e.type === 'action.requested').length === 2, {message: 'a second confirmation'});
			await started.cli.shown(/Production: type “api” to confirm: *│/, 'the second confirmation drawn, its name field empty');
			started.cli.type('api');
			await started.cli.shown('to confirm: api', 'the name typed');
			started.cli.type('\r');
			await started.cli.event(e => e.type === 'action.succeeded', 'the rollback');
			expect(mutations(started.server).map(r => r.method)).toContain('PATCH');
		},
		cliTestTimeoutMs,
	);
});

/** The cockpit on the fake server, found through $KUBECONFIG (current-context test-ctx), with `contexts` in its config. */
async function startWithKubeconfig(contexts: Record<string, unknown>): Promise<{server: FakeKubeServer; cli: CliTerminal}> {
	server = await startFakeKubeServer();
	server.addDeployment({name: 'api', images: ['shop/api:1.3.2', 'shop/api:1.4.0'], pods: 2});
	cli = startCli(['--config', 'incident.yaml'], {env: {KUBECONFIG: server.kubeconfigPath}, files: {'incident.yaml': `kubernetes:\n  contexts: ${JSON.stringify(contexts)}\n`}});
	return {server, cli};
}
