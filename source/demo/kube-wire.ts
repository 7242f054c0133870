/**
 * Pieces of the Kubernetes API's wire format that a server answering kubectl or client-node needs:
 * the patch content types and how each applies to an object, label and field selectors of the
 * equality kind, Status bodies, the Scale subresource's shape, and the age kubectl prints.
 * Shared by the demo's served cluster (kube-api.ts) and the tests' fake API server.
 *
 * Written by hand: the patch formats are small RFCs (6902, 7386) of which only the operations the
 * API server's clients send are needed, and no maintained package serves the Kubernetes API.
 */
import {isDeepStrictEqual} from 'node:util';
import type {ServerResponse} from 'node:http';

export type KObject = {metadata: any; spec?: any; status?: any; [key: string]: any};

export const patchTypes = {
	json: 'application/json-patch+json',
	merge: 'application/merge-patch+json',
	strategic: 'application/strategic-merge-patch+json',
	apply: 'application/apply-patch+yaml',
} as const;

/** A failure as the API server answers it: a Status object with its reason and code. */
export function statusBody(code: number, reason: string, message: string, details?: Record<string, string>): KObject {
	return {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? {details} : {}), code};
}

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
	res.writeHead(code, {'content-type': 'application/json'});
	res.end(JSON.stringify(body));
}

export function sendStatus(res: ServerResponse, code: number, reason: string, message: string, details?: Record<string, string>): void {
	sendJson(res, code, statusBody(code, reason, message, details));
}

/** `app=checkout,tier=web` as a map; undefined for none. Only equality selectors (what kubectl and the cockpit send). */
export function parseSelector(selector: string | undefined): Record<string, string> | undefined {
	if (!selector) return undefined;
	return Object.fromEntries(selector.split(',').map(part => part.replace('==', '=').split('=') as [string, string]));
}

/** Objects matching `labelSelector` and `fieldSelector` (dotted paths: involvedObject.name=checkout-abc). */
export function selectObjects<T extends KObject>(items: T[], query: Record<string, string>): T[] {
	const labels = parseSelector(query.labelSelector);
	const fields = parseSelector(query.fieldSelector);
	return items.filter(
		o =>
			(!labels || Object.entries(labels).every(([k, v]) => o.metadata.labels?.[k] === v)) &&
			(!fields || Object.entries(fields).every(([path, v]) => String(path.split('.').reduce<any>((at, key) => at?.[key], o)) === v)),
	);
}

/** The Scale subresource of a deployment (autoscaling/v1). */
export function scaleOf(deployment: KObject): KObject {
	const labels = deployment.spec.selector?.matchLabels ?? {};
	return {
		kind: 'Scale',
		apiVersion: 'autoscaling/v1',
		metadata: {name: deployment.metadata.name, namespace: deployment.metadata.namespace, uid: deployment.metadata.uid, resourceVersion: deployment.metadata.resourceVersion},
		spec: {replicas: deployment.spec.replicas},
		status: {replicas: deployment.status?.replicas ?? 0, selector: Object.entries(labels).map(([k, v]) => `${k}=${String(v)}`).join(',')},
	};
}

/** A failure to apply a patch: the HTTP code and reason the API server would answer with. */
export class PatchError extends Error {
	constructor(readonly code: number, readonly reason: string, message: string) {
		super(message);
		this.name = 'PatchError';
	}
}

/** `target` with `patch` applied as `contentType` says; throws PatchError as the API server answers. */
export function applyPatch(contentType: string | undefined, target: KObject, patch: unknown): KObject {
	switch (contentType) {
		case patchTypes.json: {
			if (!Array.isArray(patch)) throw new PatchError(400, 'BadRequest', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
			try {
				return applyJsonPatch(target, patch);
			} catch (error) {
				throw new PatchError(422, 'Invalid', (error as Error).message);
			}
		}
		case patchTypes.merge:
		case patchTypes.strategic: {
			if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
				throw new PatchError(400, 'BadRequest', `error decoding patch: json: cannot unmarshal ${Array.isArray(patch) ? 'array' : typeof patch} into Go value of type map[string]interface {}`);
			}
			return mergePatch(target, patch, contentType === patchTypes.strategic) as KObject;
		}
		default:
			throw new PatchError(
				415,
				'UnsupportedMediaType',
				`the body of the request was in an unknown format - accepted media types include: ${patchTypes.json}, ${patchTypes.merge}, ${patchTypes.apply}, ${patchTypes.strategic}`,
			);
	}
}

function pointer(path: string): string[] {
	if (path === '') return [];
	if (!path.startsWith('/')) throw new Error(`invalid JSON pointer ${path}`);
	return path
		.slice(1)
		.split('/')
		.map(p => p.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** RFC 6902 (add, remove, replace, test): what kubectl and client-node send. */
export function applyJsonPatch(target: KObject, ops: any[]): KObject {
	const root = {doc: target} as any;
	for (const op of ops) {
		const parts = ['doc', ...pointer(op.path)];
		const key = parts.pop()!;
		let parent = root;
		for (const part of parts) {
			parent = parent?.[part];
			if (parent === undefined) throw new Error(`${op.op} operation does not apply: doc is missing path: ${op.path}`);
		}
		applyOperation(parent, key, op);
	}
	return root.doc;
}

function applyOperation(parent: any, key: string, op: any): void {
	switch (op.op) {
		case 'test': {
			if (!isDeepStrictEqual(parent[key], op.value)) throw new Error(`testing value ${op.path} failed: test failed`);
			break;
		}
		case 'replace': {
			if (!(key in parent)) throw new Error(`replace operation does not apply: doc is missing key: ${op.path}`);
			parent[key] = structuredClone(op.value);
			break;
		}
		case 'add': {
			if (Array.isArray(parent)) parent.splice(key === '-' ? parent.length : Number(key), 0, structuredClone(op.value));
			else parent[key] = structuredClone(op.value);
			break;
		}
		case 'remove': {
			if (!(key in parent)) throw new Error(`remove operation does not apply: doc is missing key: ${op.path}`);
			if (Array.isArray(parent)) parent.splice(Number(key), 1);
			else delete parent[key];
			break;
		}
		default:
			throw new Error(`unsupported JSON patch operation ${String(op.op)}`);
	}
}

/** RFC 7386 merge patch; `strategic` also merges lists of named objects (containers, env) by name, like the common strategic merge keys. */
export function mergePatch(target: any, patch: any, strategic: boolean): any {
	if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
		if (strategic && Array.isArray(patch) && Array.isArray(target) && patch.every(p => p && typeof p === 'object' && 'name' in p)) {
			const out = [...target];
			for (const item of patch) {
				const index = out.findIndex(t => t?.name === item.name);
				if (index >= 0) out[index] = mergePatch(out[index], item, true);
				else out.push(item);
			}
			return out;
		}
		return structuredClone(patch);
	}
	const out = typeof target === 'object' && target !== null && !Array.isArray(target) ? {...target} : {};
	for (const [key, value] of Object.entries(patch)) {
		if (value === null) delete out[key];
		else out[key] = mergePatch(out[key], value, strategic);
	}
	return out;
}

/** An age as kubectl prints it (apimachinery's duration.HumanDuration): 45s, 5m30s, 47m, 3h5m, 23h, 6d2h, 143d, 2y10d. */
export function humanDuration(ms: number): string {
	const seconds = Math.floor(ms / 1000);
	if (seconds < -1) return '<invalid>';
	if (seconds < 0) return '0s';
	if (seconds < 120) return `${seconds}s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
	if (minutes < 180) return `${minutes}m`;
	const hours = Math.floor(minutes / 60);
	if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
	if (hours < 48) return `${hours}h`;
	if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
	if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
	const years = Math.floor(hours / 24 / 365);
	const days = Math.floor(hours / 24) % 365;
	if (hours < 24 * 365 * 8) return days === 0 ? `${years}y` : `${years}y${days}d`;
	return `${years}y`;
}
