/**
 * The demo's simulated cluster served over the Kubernetes API on a loopback port, so that the
 * runbook's kubectl steps run for real against it and print what the panes show: discovery (/api,
 * /apis and their resource lists, as kubectl reads them before any request), pods, deployments,
 * replicasets and events (lists as Tables for `kubectl get`, objects for `-o json`, `describe`,
 * `rollout history`), a pod's log (`kubectl logs`, --previous, --tail, --since, -f), watches of pods
 * and deployments (`kubectl rollout status`), and the PATCHes kubectl sends: a JSON patch of the pod
 * template (`rollout undo`), a strategic merge patch (`rollout restart`, `set image`), and a merge
 * patch of the scale subresource (`scale`; older kubectl PUTs it).
 *
 * Plain http on 127.0.0.1 and no authentication: kubectl sends credentials over TLS only
 * (kubernetes/kubectl#744), and making a certificate at each start would take a library for a cluster
 * that holds nothing real. Everything is read from, and changes go to, the SimulatedCluster.
 *
 * Written by hand: no maintained package serves the Kubernetes API from an in-process model, and
 * kubectl needs only these few paths (they are listed in `resourceLists`).
 */
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo, Socket} from 'node:net';
import {isDeepStrictEqual} from 'node:util';
import type {ClusterChange, ClusterWatcher} from '../ports/cluster.js';
import {demoNamespace, type SimDeployment} from './cluster-model.js';
import {previousRun, runSoFar} from './cluster-story.js';
import type {SimulatedCluster} from './cluster.js';
import {deploymentObject, eventObjects, podObject, replicaSetObject, tableOf, templateFromObject} from './kube-objects.js';
import {applyPatch, PatchError, scaleOf, selectObjects, sendJson, sendStatus, type KObject} from './kube-wire.js';

export interface DemoApiServer {
	/** http://127.0.0.1:PORT */
	url: string;
	close(): Promise<void>;
}

type Resource = 'pods' | 'deployments' | 'replicasets' | 'events';

/** What kubectl finds in discovery: the resources served, with their kinds, short names and verbs. */
const resourceLists: Record<string, {groupVersion: string; resources: Array<Record<string, unknown>>}> = {
	'/api/v1': {
		groupVersion: 'v1',
		resources: [
			{name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list', 'watch'], shortNames: ['po'], categories: ['all']},
			{name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get']},
			{name: 'events', singularName: 'event', namespaced: true, kind: 'Event', verbs: ['get', 'list'], shortNames: ['ev']},
		],
	},
	'/apis/apps/v1': {
		groupVersion: 'apps/v1',
		resources: [
			{name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: ['get', 'list', 'patch', 'watch'], shortNames: ['deploy'], categories: ['all']},
			{name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update']},
			{name: 'replicasets', singularName: 'replicaset', namespaced: true, kind: 'ReplicaSet', verbs: ['get', 'list'], shortNames: ['rs'], categories: ['all']},
		],
	},
};

interface WatchStream {
	resource: 'pods' | 'deployments';
	query: Record<string, string>;
	res: ServerResponse;
	/** What this watch last sent of each object, to send DELETED with it and ADDED for new ones. */
	sent: Map<string, KObject>;
}

/** The API server: one per demo, reading from and writing to `cluster`. */
class DemoApi {
	/** Bumped on every change of the simulation: every object carries it, and a watch resumes from it. */
	private resourceVersion = 1;
	private readonly streams = new Set<WatchStream>();

	constructor(private readonly cluster: SimulatedCluster) {}

	get rv(): string {
		return String(this.resourceVersion);
	}

	/** The simulation changed: a new resourceVersion, and each watch that cares is told. */
	changed(change: ClusterChange): void {
		this.resourceVersion++;
		for (const stream of this.streams) {
			if (change.kind === 'pod' && stream.resource === 'pods') this.sendCurrent(stream, change.type === 'upsert' ? change.pod.name : change.name);
			if (change.kind === 'deployment' && stream.resource === 'deployments') this.sendCurrent(stream, change.type === 'upsert' ? change.deployment.name : change.name);
		}
	}

	async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://localhost');
		const query = Object.fromEntries(url.searchParams);
		const body = await readBody(req);
		const method = req.method ?? 'GET';
		const path = url.pathname.replace(/\/$/, '');
		if (method === 'GET' && this.discovery(res, path)) return;
		const route = parsePath(path);
		if (!route) return sendStatus(res, 404, 'NotFound', `the server could not find the requested resource (${method} ${url.pathname}): the demo's cluster serves pods, deployments, replicasets and events`);
		const wantsTable = String(req.headers.accept ?? '').includes('as=Table');
		const contentType = req.headers['content-type']?.split(';')[0]?.trim();
		try {
			if (!route.name) {
				if (method !== 'GET') return sendStatus(res, 405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
				if (query.watch === 'true' || query.watch === '1') return this.watch(res, route.resource, query);
				return this.list(res, route.resource, route.namespace, query, wantsTable);
			}
			if (route.namespace !== demoNamespace) return notFound(res, route.resource, route.name);
			if (route.subresource === 'log' && route.resource === 'pods' && method === 'GET') return await this.log(res, route.name, query);
			if (route.subresource === 'scale' && route.resource === 'deployments') return await this.scale(res, method, route.name, contentType, body);
			if (route.subresource) return notFound(res, route.resource, route.name);
			if (method === 'GET') return this.getOne(res, route.resource, route.name);
			if (method === 'PATCH' && route.resource === 'deployments') return await this.patchDeployment(res, route.name, contentType, body);
			return sendStatus(res, 405, 'MethodNotAllowed', `the demo's cluster does not allow ${method} on ${route.resource}`);
		} catch (error) {
			if (error instanceof PatchError) return sendStatus(res, error.code, error.reason, error.message);
			return sendStatus(res, 500, 'InternalError', (error as Error).message);
		}
	}

	/** /api, /apis, /api/v1, /apis/apps/v1, /version: true when answered. */
	private discovery(res: ServerResponse, path: string): boolean {
		if (path === '/api') {
			sendJson(res, 200, {kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1'}]});
			return true;
		}
		if (path === '/apis') {
			const apps = {groupVersion: 'apps/v1', version: 'v1'};
			sendJson(res, 200, {kind: 'APIGroupList', apiVersion: 'v1', groups: [{name: 'apps', versions: [apps], preferredVersion: apps}]});
			return true;
		}
		const list = resourceLists[path];
		if (list) {
			sendJson(res, 200, {kind: 'APIResourceList', apiVersion: 'v1', ...list});
			return true;
		}
		if (path === '/version') {
			sendJson(res, 200, {major: '1', minor: '32', gitVersion: 'v1.32.0-incident-tui-demo', platform: 'linux/amd64'});
			return true;
		}
		return false;
	}

	/** Every object of `resource` in the demo's namespace (none elsewhere). */
	private objects(resource: Resource, namespace: string | undefined): KObject[] {
		if (namespace !== undefined && namespace !== demoNamespace) return [];
		const {state} = this.cluster;
		const rv = this.rv;
		switch (resource) {
			case 'pods':
				return [...state.pods.values()].map(pod => podObject(pod, state.deployments.get(pod.deployment), rv));
			case 'deployments':
				return [...state.deployments.values()].map(d => deploymentObject(d, state, rv));
			case 'replicasets':
				return [...state.deployments.values()].flatMap(d => [...d.replicaSets.values()].map(rs => replicaSetObject(d, rs, state, rv)));
			case 'events':
				return eventObjects(state, rv);
		}
	}

	private list(res: ServerResponse, resource: Resource, namespace: string | undefined, query: Record<string, string>, wantsTable: boolean): void {
		const items = selectObjects(this.objects(resource, namespace), query);
		if (wantsTable) return sendJson(res, 200, tableOf(resource, items, this.cluster.state.now(), this.rv));
		const kind = {pods: 'PodList', deployments: 'DeploymentList', replicasets: 'ReplicaSetList', events: 'EventList'}[resource];
		const apiVersion = resource === 'pods' || resource === 'events' ? 'v1' : 'apps/v1';
		sendJson(res, 200, {kind, apiVersion, metadata: {resourceVersion: this.rv}, items});
	}

	private getOne(res: ServerResponse, resource: Resource, name: string): void {
		const object = this.objects(resource, demoNamespace).find(o => o.metadata.name === name);
		if (!object) return notFound(res, resource, name);
		sendJson(res, 200, object);
	}

	/**
	 * A watch from now on. Changes made since the resourceVersion it names (between kubectl's list and
	 * its watch) come first, as the current objects: a watch never misses the change it waits for.
	 */
	private watch(res: ServerResponse, resource: Resource, query: Record<string, string>): void {
		if (resource !== 'pods' && resource !== 'deployments') return sendStatus(res, 405, 'MethodNotAllowed', `the demo's cluster watches pods and deployments only, not ${resource}`);
		res.writeHead(200, {'content-type': 'application/json', 'transfer-encoding': 'chunked'});
		res.flushHeaders();
		const stream: WatchStream = {resource, query, res, sent: new Map()};
		const from = query.resourceVersion;
		for (const object of selectObjects(this.objects(resource, demoNamespace), query)) {
			stream.sent.set(object.metadata.name, object);
			if (!from || from === '0' || Number(from) < this.resourceVersion) res.write(`${JSON.stringify({type: from && from !== '0' ? 'MODIFIED' : 'ADDED', object})}\n`);
		}
		this.streams.add(stream);
		const timeout = Number(query.timeoutSeconds);
		const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
		res.on('close', () => {
			this.streams.delete(stream);
			if (timer) clearTimeout(timer);
		});
	}

	/** Sends `name` as it is now (ADDED, MODIFIED, or DELETED when gone) to a watch whose selectors it matches. */
	private sendCurrent(stream: WatchStream, name: string): void {
		const object = this.objects(stream.resource, demoNamespace).find(o => o.metadata.name === name);
		const before = stream.sent.get(name);
		if (object && selectObjects([object], stream.query).length === 1) {
			stream.sent.set(name, object);
			stream.res.write(`${JSON.stringify({type: before ? 'MODIFIED' : 'ADDED', object})}\n`);
		} else if (before) {
			stream.sent.delete(name);
			stream.res.write(`${JSON.stringify({type: 'DELETED', object: {...before, metadata: {...before.metadata, resourceVersion: this.rv}}})}\n`);
		}
	}

	/** `kubectl logs POD [--previous] [--tail=N] [--since=D] [-f]`. */
	private async log(res: ServerResponse, name: string, query: Record<string, string>): Promise<void> {
		const {state} = this.cluster;
		const pod = state.pods.get(name);
		if (!pod) return notFound(res, 'pods', name);
		const container = query.container ?? pod.deployment;
		if (container !== pod.deployment) return sendStatus(res, 400, 'BadRequest', `container ${container} is not valid for pod ${name}`);
		const now = state.now();
		const previous = query.previous === 'true';
		if (previous && pod.restarts === 0) return sendStatus(res, 400, 'BadRequest', `previous terminated container "${container}" in pod "${name}" not found`);
		if (!previous && pod.waitingReason === 'ContainerCreating') {
			return sendStatus(res, 400, 'BadRequest', `container "${container}" in pod "${name}" is waiting to start: ContainerCreating`);
		}
		// With no --tail, the whole log as the kubelet keeps it: it rotates a container's log at 10 MiB, so a pod
		// that has run for days has only its recent lines (here the last 5000).
		const tail = query.tailLines ? Number(query.tailLines) : 5000;
		let lines = previous ? previousRun(pod, now) : runSoFar(pod, now, tail);
		if (query.sinceSeconds) {
			const since = now - Number(query.sinceSeconds) * 1000;
			lines = lines.filter(line => Date.parse(line.split(' ')[0]!) >= since);
		}
		lines = lines.slice(-tail);
		res.writeHead(200, {'content-type': 'text/plain'});
		if (query.follow !== 'true' || previous) {
			res.end(lines.map(line => `${line}\n`).join(''));
			return;
		}
		res.write(lines.map(line => `${line}\n`).join(''));
		await this.follow(res, name);
	}

	/** `-f`: a line as the app writes it, until the container stops or the client goes. */
	private async follow(res: ServerResponse, name: string): Promise<void> {
		const stop = new AbortController();
		res.on('close', () => stop.abort());
		await this.cluster.followLog(name, 0, {line: text => res.write(`${text}\n`), done: () => res.end()}, stop.signal).catch(() => res.end());
	}

	/** The scale subresource: GET, PUT (older kubectl), PATCH (kubectl scale since 1.26: a merge patch). */
	private async scale(res: ServerResponse, method: string, name: string, contentType: string | undefined, body: unknown): Promise<void> {
		const d = this.deployment(res, name);
		if (!d) return;
		const current = scaleOf(deploymentObject(d, this.cluster.state, this.rv));
		if (method === 'GET') return sendJson(res, 200, current);
		let replicas: unknown;
		if (method === 'PUT') replicas = (body as KObject | undefined)?.spec?.replicas;
		else if (method === 'PATCH') replicas = applyPatch(contentType, structuredClone(current), body).spec?.replicas;
		else return sendStatus(res, 405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
		if (typeof replicas !== 'number') return sendStatus(res, 422, 'Invalid', `Scale.apps "${name}" is invalid: spec.replicas: Required value`);
		await this.cluster.scale(name, replicas);
		sendJson(res, 200, scaleOf(deploymentObject(d, this.cluster.state, this.rv)));
	}

	/**
	 * A PATCH of a deployment, applied to it as it is and read back as what the simulation can do:
	 * a new pod template (rollout undo, restart, set image) and a new replica count. Anything else in
	 * the template is refused (422), rather than accepted and then not done.
	 */
	private async patchDeployment(res: ServerResponse, name: string, contentType: string | undefined, body: unknown): Promise<void> {
		const d = this.deployment(res, name);
		if (!d) return;
		const before = deploymentObject(d, this.cluster.state, this.rv);
		const patched = applyPatch(contentType, structuredClone(before), body);
		if (!isDeepStrictEqual(patched.spec?.template, before.spec.template)) {
			const template = templateFromObject(name, patched.spec?.template);
			if (!template) {
				return sendStatus(res, 422, 'Invalid', `Deployment.apps "${name}" is invalid: spec.template: the demo's cluster simulates a change of the image or of the ${'kubectl.kubernetes.io/restartedAt'} annotation only`);
			}
			await this.cluster.applyTemplate(name, template);
		}
		const replicas = patched.spec?.replicas;
		if (replicas !== before.spec.replicas) {
			if (typeof replicas !== 'number') return sendStatus(res, 422, 'Invalid', `Deployment.apps "${name}" is invalid: spec.replicas: must be a number`);
			await this.cluster.scale(name, replicas);
		}
		sendJson(res, 200, deploymentObject(d, this.cluster.state, this.rv));
	}

	private deployment(res: ServerResponse, name: string): SimDeployment | undefined {
		const d = this.cluster.state.deployments.get(name);
		if (!d) notFound(res, 'deployments', name);
		return d;
	}
}

function notFound(res: ServerResponse, resource: Resource, name: string): void {
	const group = resource === 'deployments' || resource === 'replicasets' ? 'apps' : '';
	sendStatus(res, 404, 'NotFound', `${group ? `${resource}.${group}` : resource} "${name}" not found`, {name, group, kind: resource});
}

async function readBody(req: IncomingMessage): Promise<unknown> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	const text = Buffer.concat(chunks).toString('utf8');
	if (!text) return undefined;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

/** `/api/v1/namespaces/shop/pods/NAME/log`, `/apis/apps/v1/deployments` (every namespace), and the like. */
function parsePath(path: string): {resource: Resource; namespace?: string; name?: string; subresource?: string} | undefined {
	const match = /^\/(api\/v1|apis\/apps\/v1)(?:\/namespaces\/([^/]+))?\/([a-z]+)(?:\/([^/]+))?(?:\/([a-z]+))?$/.exec(path);
	if (!match) return undefined;
	const [, groupVersion, namespace, resource, name, subresource] = match;
	const core = groupVersion === 'api/v1';
	if (!(core ? ['pods', 'events'] : ['deployments', 'replicasets']).includes(resource!)) return undefined;
	if (name && !namespace) return undefined;
	return {
		resource: resource as Resource,
		...(namespace ? {namespace: decodeURIComponent(namespace)} : {}),
		...(name ? {name: decodeURIComponent(name)} : {}),
		...(subresource ? {subresource} : {}),
	};
}

/** Serves `cluster` on a free loopback port until close() (or the signal); tells the cluster where, for its commands' kubeconfig. */
export async function serveDemoApi(cluster: SimulatedCluster, options: {signal?: AbortSignal} = {}): Promise<DemoApiServer> {
	const api = new DemoApi(cluster);
	const lifetime = new AbortController();
	const watcher: ClusterWatcher = {reset: () => {}, change: change => api.changed(change), error: () => {}};
	await cluster.watch(watcher, lifetime.signal);
	const server: Server = createServer((req, res) => {
		api.handle(req, res).catch((error: unknown) => {
			if (!res.headersSent) sendStatus(res, 500, 'InternalError', `the demo's API server failed: ${error instanceof Error ? error.message : String(error)}`);
			else res.end();
		});
	});
	const sockets = new Set<Socket>();
	server.on('connection', socket => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const {port} = server.address() as AddressInfo;
	const url = `http://127.0.0.1:${port}`;
	cluster.serveAt(url);
	let closing: Promise<void> | undefined;
	const close = () => {
		closing ??= new Promise<void>(resolve => {
			lifetime.abort();
			for (const socket of sockets) socket.destroy();
			server.close(() => resolve());
		});
		return closing;
	};
	// Aborted with the demo: see demo/index.ts onAbort.
	options.signal?.addEventListener('abort', () => void close(), {once: true});
	return {url, close};
}
