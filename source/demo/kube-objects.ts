/**
 * The simulated cluster's state as Kubernetes API objects (Pod, Deployment, ReplicaSet, Event) and as
 * the Tables the API server answers `kubectl get` with, so that kubectl run against the served demo
 * (kube-api.ts) prints what the panes show. Built on each request from the simulation: nothing here
 * keeps state of its own.
 */
import {createHash} from 'node:crypto';
import type {EventInfo} from '../ports/cluster.js';
import {apiTime, demoNamespace, type ReplicaSet, type SimDeployment, type SimPod, type Template} from './cluster-model.js';
import {deploymentEvents, podEvents, runStart} from './cluster-story.js';
import {humanDuration, type KObject} from './kube-wire.js';

export const revisionAnnotation = 'deployment.kubernetes.io/revision';
export const changeCauseAnnotation = 'kubernetes.io/change-cause';
export const restartedAtAnnotation = 'kubectl.kubernetes.io/restartedAt';
/** The demo app's memory limit, which the bad release's cache outgrows. */
const memoryLimit = '512Mi';

/** What the served objects are read from: the simulation's deployments and pods, and its clock. */
export interface ClusterState {
	deployments: ReadonlyMap<string, SimDeployment>;
	pods: ReadonlyMap<string, SimPod>;
	now(): number;
}

/** A stable UID per object, so that owner references and `kubectl describe`'s event lookup agree across requests. */
export function uidOf(kind: string, name: string): string {
	const hex = createHash('sha1').update(`${kind}/${demoNamespace}/${name}`).digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The pod template of a ReplicaSet; `withHash` adds the pod-template-hash label as the ReplicaSet's copy has it. */
export function podTemplate(deployment: string, template: Template, hash?: string): KObject {
	return {
		metadata: {
			labels: {app: deployment, ...(hash ? {'pod-template-hash': hash} : {})},
			...(template.restartedAt ? {annotations: {[restartedAtAnnotation]: template.restartedAt}} : {}),
		},
		spec: {containers: [{name: deployment, image: template.image, ports: [{containerPort: 8080, protocol: 'TCP'}], resources: {limits: {memory: memoryLimit}}}]},
	};
}

/** The Template a pod template object stands for; null when it asks for more than the simulation can run (a second container, another port). */
export function templateFromObject(deployment: string, object: KObject): Template | null {
	const containers = object?.spec?.containers;
	if (!Array.isArray(containers) || containers.length !== 1) return null;
	const image = containers[0]?.image;
	if (typeof image !== 'string' || image === '') return null;
	const restartedAt = object.metadata?.annotations?.[restartedAtAnnotation];
	const rebuilt = podTemplate(deployment, {image, ...(typeof restartedAt === 'string' ? {restartedAt} : {})});
	const labels = {...(object.metadata?.labels ?? {})};
	delete labels['pod-template-hash'];
	const same = JSON.stringify(containers) === JSON.stringify(rebuilt.spec.containers) && JSON.stringify(labels) === JSON.stringify(rebuilt.metadata.labels);
	return same ? {image, ...(typeof restartedAt === 'string' ? {restartedAt} : {})} : null;
}

function podIp(name: string): string {
	const digest = createHash('sha1').update(name).digest();
	return `10.4.${digest[0]! % 8}.${2 + (digest[1]! % 250)}`;
}

function containerState(pod: SimPod): Record<string, unknown> {
	if (pod.waitingReason === 'CrashLoopBackOff') {
		return {waiting: {reason: 'CrashLoopBackOff', message: `back-off 40s restarting failed container=${pod.deployment} pod=${pod.name}_${demoNamespace}(${uidOf('Pod', pod.name)})`}};
	}
	if (pod.waitingReason) return {waiting: {reason: pod.waitingReason}};
	return {running: {startedAt: apiTime(runStart(pod))}};
}

function lastState(pod: SimPod): Record<string, unknown> {
	const reason = pod.lastTerminationReason;
	if (!reason || pod.restarts === 0) return {};
	const finished = pod.restartedAt ?? runStart(pod);
	return {terminated: {reason, exitCode: reason === 'OOMKilled' ? 137 : 1, startedAt: apiTime(finished - 40_000), finishedAt: apiTime(finished)}};
}

export function podObject(pod: SimPod, d: SimDeployment | undefined, resourceVersion: string): KObject {
	const rsName = `${pod.deployment}-${pod.hash}`;
	const containerStatus = {
		name: pod.deployment,
		image: pod.image,
		imageID: `docker.io/${pod.image}@sha256:${createHash('sha256').update(pod.image).digest('hex')}`,
		ready: pod.ready,
		started: pod.phase === 'Running' && !pod.waitingReason,
		restartCount: pod.restarts,
		state: containerState(pod),
		lastState: lastState(pod),
	};
	const readyStatus = pod.ready ? 'True' : 'False';
	const created = apiTime(pod.createdAt);
	return {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: {
			name: pod.name,
			namespace: demoNamespace,
			uid: uidOf('Pod', pod.name),
			resourceVersion,
			creationTimestamp: created,
			labels: {app: pod.deployment, 'pod-template-hash': pod.hash},
			ownerReferences: [{apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName, uid: uidOf('ReplicaSet', rsName), controller: true, blockOwnerDeletion: true}],
			...(pod.terminating ? {deletionTimestamp: apiTime(pod.createdAt), deletionGracePeriodSeconds: 30} : {}),
		},
		spec: {...(d ? podTemplate(d.name, d.replicaSets.get(pod.hash)?.template ?? {image: pod.image}).spec : {}), nodeName: pod.node, restartPolicy: 'Always'},
		status: {
			phase: pod.phase,
			conditions: [
				{type: 'PodScheduled', status: 'True', lastTransitionTime: created},
				{type: 'Initialized', status: 'True', lastTransitionTime: created},
				{type: 'ContainersReady', status: readyStatus, lastTransitionTime: apiTime(runStart(pod))},
				{type: 'Ready', status: readyStatus, lastTransitionTime: apiTime(runStart(pod))},
			],
			hostIP: `10.0.0.${2 + (pod.node.length % 200)}`,
			...(pod.phase === 'Running' ? {podIP: podIp(pod.name)} : {}),
			startTime: created,
			containerStatuses: [containerStatus],
			qosClass: 'Burstable',
		},
	};
}

/** Live (not terminating) pods of a deployment, and of one of its ReplicaSets when `hash` is given. */
function livePods(state: ClusterState, deployment: string, hash?: string): SimPod[] {
	return [...state.pods.values()].filter(p => p.deployment === deployment && !p.terminating && (hash === undefined || p.hash === hash));
}

export function deploymentObject(d: SimDeployment, state: ClusterState, resourceVersion: string): KObject {
	const current = d.replicaSets.get(d.current)!;
	const live = livePods(state, d.name);
	const updated = live.filter(p => p.hash === d.current).length;
	const ready = live.filter(p => p.ready).length;
	const observed = d.observedGeneration === d.generation;
	const complete = observed && updated === d.replicas && live.length === d.replicas && ready >= d.replicas;
	const now = apiTime(state.now());
	return {
		apiVersion: 'apps/v1',
		kind: 'Deployment',
		metadata: {
			name: d.name,
			namespace: demoNamespace,
			uid: uidOf('Deployment', d.name),
			resourceVersion,
			generation: d.generation,
			creationTimestamp: apiTime(d.createdAt),
			labels: {app: d.name},
			annotations: {[revisionAnnotation]: String(current.revision)},
		},
		spec: {
			replicas: d.replicas,
			selector: {matchLabels: {app: d.name}},
			template: podTemplate(d.name, current.template),
			strategy: {type: 'RollingUpdate', rollingUpdate: {maxSurge: 1, maxUnavailable: 0}},
			revisionHistoryLimit: 10,
			progressDeadlineSeconds: 600,
		},
		status: {
			observedGeneration: d.observedGeneration,
			replicas: live.length,
			updatedReplicas: updated,
			readyReplicas: ready,
			availableReplicas: ready,
			...(live.length > ready ? {unavailableReplicas: live.length - ready} : {}),
			conditions: [
				{type: 'Available', status: ready >= d.replicas ? 'True' : 'False', reason: ready >= d.replicas ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', lastUpdateTime: now, lastTransitionTime: now},
				{
					type: 'Progressing',
					status: 'True',
					reason: complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
					message: complete ? `ReplicaSet "${current.name}" has successfully progressed.` : `ReplicaSet "${current.name}" is progressing.`,
					lastUpdateTime: now,
					lastTransitionTime: now,
				},
			],
		},
	};
}

export function replicaSetObject(d: SimDeployment, rs: ReplicaSet, state: ClusterState, resourceVersion: string): KObject {
	const live = livePods(state, d.name, rs.hash);
	const ready = live.filter(p => p.ready).length;
	return {
		apiVersion: 'apps/v1',
		kind: 'ReplicaSet',
		metadata: {
			name: rs.name,
			namespace: demoNamespace,
			uid: uidOf('ReplicaSet', rs.name),
			resourceVersion,
			generation: 1,
			creationTimestamp: apiTime(rs.createdAt),
			labels: {app: d.name, 'pod-template-hash': rs.hash},
			annotations: {
				[revisionAnnotation]: String(rs.revision),
				'deployment.kubernetes.io/desired-replicas': String(d.replicas),
				'deployment.kubernetes.io/max-replicas': String(d.replicas + 1),
				...(rs.changeCause ? {[changeCauseAnnotation]: rs.changeCause} : {}),
			},
			ownerReferences: [{apiVersion: 'apps/v1', kind: 'Deployment', name: d.name, uid: uidOf('Deployment', d.name), controller: true, blockOwnerDeletion: true}],
		},
		spec: {
			replicas: rs.hash === d.current ? d.replicas : live.length,
			selector: {matchLabels: {app: d.name, 'pod-template-hash': rs.hash}},
			template: podTemplate(d.name, rs.template, rs.hash),
		},
		status: {replicas: live.length, fullyLabeledReplicas: live.length, readyReplicas: ready, availableReplicas: ready, observedGeneration: 1},
	};
}

function eventObject(kind: 'Pod' | 'Deployment', name: string, event: EventInfo, index: number, resourceVersion: string): KObject {
	const component = kind === 'Deployment' ? 'deployment-controller' : event.reason === 'Scheduled' ? 'default-scheduler' : 'kubelet';
	const eventName = `${name}.${createHash('sha1').update(`${event.reason}/${index}`).digest('hex').slice(0, 16)}`;
	return {
		apiVersion: 'v1',
		kind: 'Event',
		metadata: {name: eventName, namespace: demoNamespace, uid: uidOf('Event', eventName), resourceVersion, creationTimestamp: event.lastSeen},
		involvedObject: {kind, name, namespace: demoNamespace, uid: uidOf(kind, name), apiVersion: kind === 'Pod' ? 'v1' : 'apps/v1'},
		type: event.type,
		reason: event.reason,
		message: event.message,
		count: event.count,
		firstTimestamp: event.lastSeen,
		lastTimestamp: event.lastSeen,
		source: {component},
		reportingComponent: component,
	};
}

/** Every event the API server would still hold about the simulated objects, oldest first. */
export function eventObjects(state: ClusterState, resourceVersion: string): KObject[] {
	const now = state.now();
	const out: KObject[] = [];
	for (const d of state.deployments.values()) deploymentEvents(d, now).forEach((e, i) => out.push(eventObject('Deployment', d.name, e, i, resourceVersion)));
	for (const pod of state.pods.values()) podEvents(pod, now).forEach((e, i) => out.push(eventObject('Pod', pod.name, e, i, resourceVersion)));
	return out.sort((a, b) => Date.parse(a.lastTimestamp) - Date.parse(b.lastTimestamp));
}

// ---- Tables: what `kubectl get` asks for (Accept: application/json;as=Table;g=meta.k8s.io;v=v1) ----

interface Column {
	name: string;
	type: 'string' | 'integer' | 'date';
	format?: string;
	/** 1: shown with `-o wide` only. */
	priority?: number;
}

/** A meta.k8s.io/v1 Table of `objects`, one row of `cells` each, with the objects' metadata as kubectl wants it. */
export function table(columns: Column[], objects: KObject[], cells: (object: KObject) => unknown[], resourceVersion: string): KObject {
	return {
		kind: 'Table',
		apiVersion: 'meta.k8s.io/v1',
		metadata: {resourceVersion},
		columnDefinitions: columns.map(c => ({name: c.name, type: c.type, format: c.format ?? '', description: '', priority: c.priority ?? 0})),
		rows: objects.map(object => ({
			cells: cells(object),
			object: {kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata},
		})),
	};
}

const none = '<none>';

/** The pod's STATUS as kubectl prints it: the waiting reason, else the phase; Terminating once deleted. */
function podStatusText(pod: KObject): string {
	if (pod.metadata.deletionTimestamp) return 'Terminating';
	const waiting = pod.status.containerStatuses?.[0]?.state?.waiting?.reason;
	return waiting ?? pod.status.phase;
}

function podTable(pods: KObject[], now: number, rv: string): KObject {
	const columns: Column[] = [
		{name: 'Name', type: 'string', format: 'name'},
		{name: 'Ready', type: 'string'},
		{name: 'Status', type: 'string'},
		{name: 'Restarts', type: 'string'},
		{name: 'Age', type: 'string'},
		{name: 'IP', type: 'string', priority: 1},
		{name: 'Node', type: 'string', priority: 1},
		{name: 'Nominated Node', type: 'string', priority: 1},
		{name: 'Readiness Gates', type: 'string', priority: 1},
	];
	return table(
		columns,
		pods,
		pod => {
			const status = pod.status.containerStatuses[0];
			const finished = status.lastState?.terminated?.finishedAt;
			const restarts = finished ? `${status.restartCount} (${humanDuration(now - Date.parse(finished))} ago)` : String(status.restartCount);
			return [
				pod.metadata.name,
				`${status.ready ? 1 : 0}/1`,
				podStatusText(pod),
				restarts,
				humanDuration(now - Date.parse(pod.metadata.creationTimestamp)),
				pod.status.podIP ?? none,
				pod.spec.nodeName ?? none,
				none,
				none,
			];
		},
		rv,
	);
}

function selectorText(object: KObject): string {
	return Object.entries(object.spec.selector.matchLabels as Record<string, string>)
		.map(([k, v]) => `${k}=${v}`)
		.join(',');
}

function workloadColumns(first: Column[]): Column[] {
	return [
		...first,
		{name: 'Age', type: 'string'},
		{name: 'Containers', type: 'string', priority: 1},
		{name: 'Images', type: 'string', priority: 1},
		{name: 'Selector', type: 'string', priority: 1},
	];
}

function workloadCells(object: KObject, now: number): string[] {
	const containers = object.spec.template.spec.containers as Array<{name: string; image: string}>;
	return [
		humanDuration(now - Date.parse(object.metadata.creationTimestamp)),
		containers.map(c => c.name).join(','),
		containers.map(c => c.image).join(','),
		selectorText(object),
	];
}

function deploymentTable(deployments: KObject[], now: number, rv: string): KObject {
	const columns = workloadColumns([
		{name: 'Name', type: 'string', format: 'name'},
		{name: 'Ready', type: 'string'},
		{name: 'Up-to-date', type: 'integer'},
		{name: 'Available', type: 'integer'},
	]);
	return table(columns, deployments, d => [d.metadata.name, `${d.status.readyReplicas}/${d.spec.replicas}`, d.status.updatedReplicas, d.status.availableReplicas, ...workloadCells(d, now)], rv);
}

function replicaSetTable(replicaSets: KObject[], now: number, rv: string): KObject {
	const columns = workloadColumns([
		{name: 'Name', type: 'string', format: 'name'},
		{name: 'Desired', type: 'integer'},
		{name: 'Current', type: 'integer'},
		{name: 'Ready', type: 'integer'},
	]);
	return table(columns, replicaSets, rs => [rs.metadata.name, rs.spec.replicas, rs.status.replicas, rs.status.readyReplicas, ...workloadCells(rs, now)], rv);
}

function eventTable(events: KObject[], now: number, rv: string): KObject {
	const columns: Column[] = [
		{name: 'Last Seen', type: 'string'},
		{name: 'Type', type: 'string'},
		{name: 'Reason', type: 'string'},
		{name: 'Object', type: 'string'},
		{name: 'Message', type: 'string'},
	];
	return table(
		columns,
		events,
		e => [humanDuration(now - Date.parse(e.lastTimestamp)), e.type, e.reason, `${String(e.involvedObject.kind).toLowerCase()}/${e.involvedObject.name}`, e.message],
		rv,
	);
}

/** The Table `kubectl get` prints for a list of one resource. */
export function tableOf(resource: string, objects: KObject[], now: number, rv: string): KObject {
	switch (resource) {
		case 'pods':
			return podTable(objects, now, rv);
		case 'deployments':
			return deploymentTable(objects, now, rv);
		case 'replicasets':
			return replicaSetTable(objects, now, rv);
		default:
			return eventTable(objects, now, rv);
	}
}
