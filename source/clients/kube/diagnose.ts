/**
 * What the details of a pod, deployment or ReplicaSet show, read as kubectl reads it: an object's
 * events (`kubectl describe`), a pod as it is now with its containers, and a container's log, its
 * tail (`kubectl logs --previous --tail=N`) or followed (`kubectl logs -f`). Reads only: all of it
 * works in read-only mode.
 */
import type {ContainerStatusInfo, EventInfo, EventSubject, LogFollower, PodLogTail, PodNow} from '../../ports/cluster.js';
import {KubeError} from '../kube-errors.js';
import {openLogStream} from '../log-stream.js';
import type {KubeApi} from './api.js';
import {records, toPodInfo, type RawPod} from './convert.js';

interface RawEvent {
	type?: string;
	reason?: string;
	message?: string;
	count?: number;
	lastTimestamp?: string;
	eventTime?: string;
	firstTimestamp?: string;
	series?: {count?: number; lastObservedTime?: string};
	metadata?: {creationTimestamp?: string};
}

/** How many of an object's events the details show: the newest, as `kubectl describe` ends with them. */
export const eventLimit = 15;

/** core/v1 Events (what kubectl describe reads) to rows: series events (events.k8s.io) count and time by their series. */
export function toEvents(items: readonly RawEvent[]): EventInfo[] {
	const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
	const number = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
	return items
		.filter(e => typeof e === 'object' && e !== null)
		.map(e => ({
			type: text(e.type) ?? 'Normal',
			reason: text(e.reason) ?? '',
			message: (text(e.message) ?? '').trim(),
			count: number(e.series?.count) ?? number(e.count) ?? 1,
			lastSeen: text(e.series?.lastObservedTime) ?? text(e.lastTimestamp) ?? text(e.eventTime) ?? text(e.firstTimestamp) ?? text(e.metadata?.creationTimestamp) ?? '',
		}))
		.sort((a, b) => Date.parse(a.lastSeen) - Date.parse(b.lastSeen))
		.slice(-eventLimit);
}

/** A pod's containers as `kubectl describe pod` lists them: state, restarts, and how the last run ended. */
export function toContainerStatuses(pod: RawPod): ContainerStatusInfo[] {
	const init = new Set(records(pod.status?.initContainerStatuses));
	return [...init, ...records(pod.status?.containerStatuses)].map(s => {
		const {waiting, terminated} = s.state ?? {};
		const state = waiting ? `waiting: ${waiting.reason ?? '?'}` : terminated ? `terminated: ${terminated.reason ?? '?'}${terminated.exitCode === undefined ? '' : ` (exit ${terminated.exitCode})`}` : s.state?.running ? 'running' : 'unknown';
		const last = s.lastState?.terminated;
		return {
			name: s.name ?? '',
			...(init.has(s) ? {init: true} : {}),
			ready: Boolean(s.ready),
			restarts: s.restartCount ?? 0,
			state,
			...(last
				? {
						lastTermination: {
							reason: last.reason ?? '?',
							...(last.exitCode === undefined ? {} : {exitCode: last.exitCode}),
							...(last.finishedAt ? {finishedAt: last.finishedAt} : {}),
							...(last.message ? {message: last.message.trim()} : {}),
						},
					}
				: {}),
		};
	});
}

/**
 * The container whose log tells why a pod is unwell: the one, init containers included (a failing
 * migration), that restarted last, from before the restart; else an init container that failed and
 * has not been restarted yet; else the first container, running.
 */
export function logContainerOf(pod: RawPod): {container: string; previous: boolean} | undefined {
	let chosen: {container: string; finishedAt: number} | undefined;
	for (const s of [...records(pod.status?.initContainerStatuses), ...records(pod.status?.containerStatuses)]) {
		const finished = s.lastState?.terminated ? Date.parse(s.lastState.terminated.finishedAt ?? '') || 0 : undefined;
		if (typeof s.name === 'string' && s.name && finished !== undefined && (s.restartCount ?? 0) > 0 && (!chosen || finished > chosen.finishedAt)) chosen = {container: s.name, finishedAt: finished};
	}
	if (chosen) return {container: chosen.container, previous: true};
	const failedInit = records(pod.status?.initContainerStatuses).find(s => typeof s.name === 'string' && s.name && (s.state?.terminated?.exitCode ?? 0) !== 0);
	if (failedInit?.name) return {container: failedInit.name, previous: false};
	const first: unknown = records(pod.spec?.containers as Array<{name?: string}> | undefined)[0]?.name;
	return typeof first === 'string' && first ? {container: first, previous: false} : undefined;
}

/** `kubectl describe KIND NAME`'s events: the newest, oldest first. */
export async function objectEvents(api: KubeApi, kind: EventSubject, name: string, signal?: AbortSignal): Promise<EventInfo[]> {
	const {core, namespace} = api;
	const doing = `list events of ${kind.toLowerCase()}/${name}`;
	const fieldSelector = `involvedObject.kind=${kind},involvedObject.name=${name}`;
	const list = await api.readRaw<{items?: RawEvent[]}>(doing, opts => core.listNamespacedEvent({namespace, fieldSelector}, opts), signal);
	if (list.items !== undefined && !Array.isArray(list.items)) throw new KubeError(`${doing}: the API server sent items that are not a list (${api.where()})`, undefined, 'Malformed');
	return toEvents(records(list.items));
}

function readPod(api: KubeApi, pod: string, signal?: AbortSignal): Promise<RawPod> {
	const {core, namespace} = api;
	return api.readRaw<RawPod>(`read pod/${pod}`, opts => core.readNamespacedPod({name: pod, namespace}, opts), signal);
}

/** The pod and its containers, from one read. */
export async function podNow(api: KubeApi, pod: string, signal?: AbortSignal): Promise<PodNow> {
	const raw = await readPod(api, pod, signal);
	// No ReplicaSet index here: the pod-template-hash label names the deployment, as it does for
	// every pod a Deployment made; the details keep the watch's answer when this has none.
	return {pod: toPodInfo(raw, new Map()), containers: toContainerStatuses(raw)};
}

/** The container whose log to read (logContainerOf), or an error saying the pod has none. */
async function logContainer(api: KubeApi, pod: string, signal?: AbortSignal): Promise<{container: string; previous: boolean}> {
	const which = logContainerOf(await readPod(api, pod, signal));
	if (!which) throw new KubeError(`pod/${pod} has no containers`, undefined, undefined);
	return which;
}

/** `kubectl logs POD -c C [--previous] --tail=N` of the container logContainerOf picks. */
export async function podLog(api: KubeApi, pod: string, tailLines: number, signal?: AbortSignal): Promise<PodLogTail> {
	const which = await logContainer(api, pod, signal);
	const {container, previous} = which;
	const {core, namespace} = api;
	const doing = `read the log of pod/${pod} -c ${container}${previous ? ' --previous' : ''}`;
	const text = await api.read(doing, opts => core.readNamespacedPodLog({name: pod, namespace, container, previous, tailLines}, opts), signal);
	const lines = String(text).split('\n');
	if (lines.at(-1) === '') lines.pop();
	return {...which, lines};
}

/** `kubectl logs -f POD -c C --tail=N`: resolves with the container once the log is open; lines go to `follower`. */
export async function followLog(api: KubeApi, pod: string, tailLines: number, follower: LogFollower, signal: AbortSignal): Promise<string> {
	const {container} = await logContainer(api, pod, signal);
	const {server} = api.target;
	const url = new URL(`${server}/api/v1/namespaces/${encodeURIComponent(api.namespace)}/pods/${encodeURIComponent(pod)}/log`);
	url.searchParams.set('container', container);
	url.searchParams.set('follow', 'true');
	url.searchParams.set('tailLines', String(tailLines));
	const requestOptions = await api.requestOptions();
	if (signal.aborted) return container;
	const close = openLogStream(url, requestOptions, {
		line: text => follower.line(text),
		done: error => {
			signal.removeEventListener('abort', close);
			follower.done(error && api.fail(error, `follow the log of pod/${pod} -c ${container}`));
		},
	});
	signal.addEventListener('abort', close, {once: true});
	return container;
}
