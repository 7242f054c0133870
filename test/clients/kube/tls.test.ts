import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {createKubeCluster, type KubeCluster} from '../../../source/clients/kube/cluster.js';
import {startFakeKubeServer, type FakeKubeServer, type FakeKubeServerOptions} from '../../support/fake-kube-server.js';
import {clientCertificate, selfSignedCertificate, hasOpenssl} from '../../support/tls.js';
import {waitFor} from '../../support/wait.js';
import {RecordingWatcher} from './support.js';

let stop: AbortController;

beforeEach(() => {
	stop = new AbortController();
});

afterEach(() => {
	stop.abort();
});

describe.skipIf(!hasOpenssl)('KubeCluster over TLS', () => {
	/** Runs `body` against a fake API server over TLS made with `options(dir)`, then cleans up. */
	async function overTls(options: (dir: string) => FakeKubeServerOptions, body: (server: FakeKubeServer) => Promise<void>): Promise<void> {
		const dir = await mkdtemp(join(tmpdir(), 'kube-tls-'));
		try {
			const tlsServer = await startFakeKubeServer(options(dir));
			try {
				expect(tlsServer.url).toMatch(/^https:/);
				await body(tlsServer);
			} finally {
				stop.abort();
				await tlsServer.close();
			}
		} finally {
			await rm(dir, {recursive: true, force: true});
		}
	}

	/** Lists `server` (one deployment, one pod) and watches it until a new pod `podName` arrives. */
	async function listAndWatch(tlsServer: FakeKubeServer, readonly: boolean, podName: string): Promise<KubeCluster> {
		tlsServer.addDeployment({name: 'api', images: ['shop/api:1.4.0'], pods: 1});
		const watcher = new RecordingWatcher();
		const c = await createKubeCluster({kubeconfig: tlsServer.kubeconfigPath, readonly, fieldManager: 'incident-tui/inc-test'});
		await c.watch(watcher, stop.signal);
		await waitFor(() => tlsServer.watchCount('pods') === 1, {message: 'pods watched over TLS'});
		expect(watcher.resets[0]!.pods).toHaveLength(1);
		tlsServer.addPod('api', {name: podName});
		await waitFor(() => watcher.podUpsert(podName), {message: `${podName} seen over TLS`});
		expect(watcher.errors).toEqual([]);
		return c;
	}

	it('lists and watches an https API server trusted through the kubeconfig\'s CA, with its token', async () => {
		// The kubeconfig names the server's self-signed certificate as the CA.
		await overTls(
			dir => ({tls: selfSignedCertificate(dir)}),
			async tlsServer => {
				expect(tlsServer.kubeconfig()).toContain('token: fake-token');
				await listAndWatch(tlsServer, true, 'api-tls');
			},
		);
	});

	it('authenticates with the kubeconfig\'s client certificate for lists, watches and patches', async () => {
		await overTls(
			dir => ({tls: selfSignedCertificate(dir), clientCertificate: clientCertificate(dir, 'oncall')}),
			async tlsServer => {
				expect(tlsServer.kubeconfig()).toContain('client-certificate-data:');
				expect(tlsServer.kubeconfig()).not.toContain('token:');
				const c = await listAndWatch(tlsServer, false, 'api-mtls');
				await expect(c.scale('api', 3)).resolves.toMatchObject({after: '3'});
				expect(tlsServer.get('deployments', 'api')!.spec.replicas).toBe(3);

				// Without the certificate the server refuses the handshake: an error, not a hang.
				const anonymous = join(tlsServer.kubeconfigPath, '..', 'anonymous');
				await writeFile(anonymous, tlsServer.kubeconfig().replace(/^ {4}client-(certificate|key)-data: .*\n/gm, ''));
				const refused = await createKubeCluster({kubeconfig: anonymous, readonly: true, fieldManager: 'incident-tui/inc-test'});
				await expect(refused.history('api')).rejects.toThrow();
			},
		);
	});
});
