/**
 * The requests a cluster client makes, through client-node's generated API clients: each with its
 * deadline, errors said as one line naming what was being done, context and namespace, and the one
 * read-only gate every mutation passes. Everything else in this folder asks the API server through here.
 */
import type {RequestOptions as HttpsRequestOptions} from 'node:https';
import type * as K8s from '@kubernetes/client-node';
import {describeKubeError, KubeError, where} from '../kube-errors.js';
import type {KubeTarget, Loaded} from './config.js';

/** The object-parameter API takes Observable-style middleware (client-node's own minimal Observable). */
export type CallOptions = K8s.ConfigurationOptions<K8s.ObservableMiddleware>;

/** The patch content types this client sends (client-node's PatchStrategy names). */
export type PatchKind = 'JsonPatch' | 'MergePatch' | 'StrategicMergePatch';

/** One request's deadline (see KubeApi.deadline). */
export interface RequestDeadline {
	signal: AbortSignal;
	missed(): boolean;
}

export interface KubeApiSettings {
	/** When true, every mutation throws before sending anything. */
	readonly: boolean;
	/** Sent as ?fieldManager= on every mutation. */
	fieldManager: string;
	/** How long one request may go unanswered. */
	requestTimeoutMs: number;
}

/** The generated API clients, shared by every namespace's view of one client. */
interface ApiClients {
	core: K8s.CoreV1Api;
	apps: K8s.AppsV1Api;
	autoscaling: K8s.AutoscalingV2Api;
}

export class KubeApi {
	readonly core: K8s.CoreV1Api;
	readonly apps: K8s.AppsV1Api;
	readonly autoscaling: K8s.AutoscalingV2Api;
	/** The namespace this view acts in; '' at cluster scope (every namespace). */
	readonly namespace: string;
	/** The views of other namespaces made so far (see in()), kept by the view they came from. */
	private readonly views: Map<string, KubeApi>;

	constructor(
		private readonly k8s: Loaded,
		private readonly kc: K8s.KubeConfig,
		readonly target: KubeTarget,
		readonly settings: KubeApiSettings,
		shared?: {clients: ApiClients; views: Map<string, KubeApi>},
	) {
		const clients = shared?.clients ?? {core: kc.makeApiClient(k8s.CoreV1Api), apps: kc.makeApiClient(k8s.AppsV1Api), autoscaling: kc.makeApiClient(k8s.AutoscalingV2Api)};
		({core: this.core, apps: this.apps, autoscaling: this.autoscaling} = clients);
		this.namespace = target.namespace;
		this.views = shared?.views ?? new Map([[target.namespace, this]]);
	}

	/**
	 * The same client acting in `namespace` ('' for every namespace): its requests, and the "where" of
	 * its messages, name that namespace. One view per namespace, made on first use.
	 */
	in(namespace: string | undefined): KubeApi {
		if (namespace === undefined || namespace === this.namespace) return this;
		let view = this.views.get(namespace);
		if (!view) {
			view = new KubeApi(this.k8s, this.kc, {...this.target, namespace}, this.settings, {clients: {core: this.core, apps: this.apps, autoscaling: this.autoscaling}, views: this.views});
			this.views.set(namespace, view);
		}
		return view;
	}

	get fieldManager(): string {
		return this.settings.fieldManager;
	}

	/** "context X, namespace Y", as every message says where. */
	where(): string {
		return where(this.target);
	}

	/** Per-call options: abort signal, and optionally a captured copy of the raw response body. */
	callOptions(signal?: AbortSignal, capture?: {text?: string}): CallOptions {
		const {k8s, settings} = this;
		const middleware: K8s.ObservableMiddleware = {
			pre(request) {
				// Defence in depth behind `assertWritable()`: nothing but reads leaves a read-only cockpit.
				if (settings.readonly && request.getHttpMethod() !== k8s.HttpMethod.GET) {
					return new k8s.Observable(
						Promise.reject(new KubeError(`read-only mode: ${request.getHttpMethod()} ${request.getUrl()} not sent`, undefined, 'ReadOnly')),
					);
				}
				if (signal) request.setSignal(signal);
				return new k8s.Observable(Promise.resolve(request));
			},
			post(response) {
				if (!capture) return new k8s.Observable(Promise.resolve(response));
				// Raw JSON, so a rollback restores the template exactly, including fields this
				// client's models do not know (deserialization would drop them).
				return new k8s.Observable(
					response.body.text().then(text => {
						capture.text = text;
						response.body = {text: () => Promise.resolve(text), binary: () => Promise.resolve(Buffer.from(text))};
						return response;
					}),
				);
			},
		};
		return {middleware: [middleware], middlewareMergeStrategy: 'append'};
	}

	/** Per-call options of a PATCH: its content type says how the server merges the body. */
	patchOptions(kind: PatchKind, signal?: AbortSignal): CallOptions {
		return this.k8s.setHeaderOptions('Content-Type', this.k8s.PatchStrategy[kind], this.callOptions(signal));
	}

	/** Options for a request sent by hand (watches, followed logs): credentials applied per request, as an exec plugin may have renewed them. */
	async requestOptions(): Promise<HttpsRequestOptions> {
		const options: HttpsRequestOptions = {};
		await this.kc.applyToHTTPSOptions(options);
		return options;
	}

	/**
	 * One request's deadline: `signal` aborts when the caller's does or when requestTimeoutMs pass;
	 * `missed()` tells the second from the first.
	 */
	deadline(caller?: AbortSignal): RequestDeadline {
		const timer = AbortSignal.timeout(this.settings.requestTimeoutMs);
		return {signal: caller ? AbortSignal.any([caller, timer]) : timer, missed: () => timer.aborted && !caller?.aborted};
	}

	/** The error of a request whose deadline passed: no answer, said as such (a mutation's outcome is then unknown). */
	noAnswer(doing: string, mutating = false): KubeError {
		const unknown = mutating ? '; whether the change was made is not known: check before trying again' : '';
		return new KubeError(`${doing}: no answer from the API server in ${this.settings.requestTimeoutMs / 1000} s${unknown} (${this.where()})`, undefined, 'Timeout');
	}

	/** `error` of `doing` as one line; a missed `limit` deadline is said as no answer. */
	fail(error: unknown, doing: string, limit?: RequestDeadline, mutating = false): KubeError {
		if (limit?.missed()) return this.noAnswer(doing, mutating);
		return describeKubeError(error, {...this.target, doing});
	}

	/** The single gate every mutation passes: in read-only mode it throws before any request. */
	assertWritable(what: string): void {
		if (this.settings.readonly) throw new KubeError(`read-only mode: ${what} not sent`, undefined, 'ReadOnly');
	}

	/** Sends one read (`send` with the call's options) under its deadline; its error says `doing`. */
	async read<T>(doing: string, send: (options: CallOptions) => Promise<T>, signal?: AbortSignal): Promise<T> {
		const limit = this.deadline(signal);
		try {
			return await send(this.callOptions(limit.signal));
		} catch (error) {
			throw this.fail(error, doing, limit);
		}
	}

	/** Like read(), but the object as the server sent it (raw JSON), which must be a JSON object. */
	async readRaw<T>(doing: string, send: (options: CallOptions) => Promise<unknown>, signal?: AbortSignal): Promise<T> {
		const capture: {text?: string} = {};
		const limit = this.deadline(signal);
		try {
			await send(this.callOptions(limit.signal, capture));
		} catch (error) {
			throw this.fail(error, doing, limit);
		}
		const body: unknown = JSON.parse(capture.text ?? '{}');
		// Every object this reads is a JSON object; anything else (null, a list) says what came, not a TypeError later.
		if (typeof body !== 'object' || body === null || Array.isArray(body)) {
			throw new KubeError(`${doing}: the API server sent ${body === null ? 'null' : Array.isArray(body) ? 'a list' : `a ${typeof body}`} instead of an object (${this.where()})`, undefined, 'Malformed');
		}
		return body as T;
	}

	/**
	 * Sends one PATCH (`send` with the call's options, which carry the `kind` content type) under its
	 * deadline; a missed deadline says the change may or may not have been made.
	 */
	async patch(doing: string, kind: PatchKind, send: (options: CallOptions) => Promise<unknown>, signal?: AbortSignal): Promise<void> {
		const limit = this.deadline(signal);
		try {
			await send(this.patchOptions(kind, limit.signal));
		} catch (error) {
			throw this.fail(error, doing, limit, true);
		}
	}
}
