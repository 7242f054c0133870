import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {gzipSync} from 'node:zlib';
import {afterEach, describe, expect, it} from 'vitest';
import type {KubeApi} from '../../../source/clients/kube/api.js';
import {listPage, MalformedList} from '../../../source/clients/kube/list-page.js';
import {describeKubeError, statusCodeOf} from '../../../source/clients/kube-errors.js';

let server: Server | undefined;

afterEach(async () => {
	await new Promise(resolve => server?.close(resolve));
	server = undefined;
});

/** A server answering every GET with `answer(url)`, and the part of KubeApi listPage uses, pointed at it. */
async function serve(answer: (url: URL) => {status: number; body: string}, options: {gzip?: boolean} = {}): Promise<{api: KubeApi; asked: URL[]; encodings: string[]}> {
	const asked: URL[] = [];
	const encodings: string[] = [];
	server = createServer((request, response) => {
		const url = new URL(request.url ?? '/', 'http://localhost');
		asked.push(url);
		encodings.push(request.headers['accept-encoding'] ?? '');
		const {status, body} = answer(url);
		// As kube-apiserver does for a client that accepts it.
		if (options.gzip && /\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) {
			response.writeHead(status, {'content-type': 'application/json', 'content-encoding': 'gzip'}).end(gzipSync(body));
			return;
		}
		response.writeHead(status, {'content-type': 'application/json'}).end(body);
	});
	await new Promise<void>(resolve => server!.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	const api = {target: {server: `http://127.0.0.1:${port}`, context: 'test', namespace: 'shop'}, requestOptions: async () => ({})} as unknown as KubeApi;
	return {api, asked, encodings};
}

describe('a list page read by hand', () => {
	it('asks for limit and the continue token, and gives the items, the resourceVersion and the next token', async () => {
		const {api, asked} = await serve(() => ({status: 200, body: JSON.stringify({kind: 'PodList', metadata: {resourceVersion: '42', continue: 'next-page'}, items: [{metadata: {name: 'api-1'}}]})}));
		const page = await listPage<{metadata: {name: string}}>(api, '/api/v1/namespaces/shop/pods', {limit: 500, _continue: 'this-page'}, new AbortController().signal);
		expect(page).toEqual({items: [{metadata: {name: 'api-1'}}], metadata: {resourceVersion: '42', _continue: 'next-page'}});
		expect(asked[0]!.pathname).toBe('/api/v1/namespaces/shop/pods');
		expect(Object.fromEntries(asked[0]!.searchParams)).toEqual({limit: '500', continue: 'this-page'});
	});

	it('asks for a compressed answer and reads it, as the API server compresses large lists (a refusal too)', async () => {
		const items = Array.from({length: 500}, (_, i) => ({metadata: {name: `api-${i}`, namespace: 'shop'}, status: {phase: 'Running'}}));
		const {api, encodings} = await serve(url => (url.searchParams.get('continue') === 'denied' ? {status: 403, body: JSON.stringify({kind: 'Status', message: 'pods is forbidden', code: 403})} : {status: 200, body: JSON.stringify({metadata: {resourceVersion: '9'}, items})}), {gzip: true});
		expect(await listPage(api, '/api/v1/pods', {limit: 500}, new AbortController().signal)).toEqual({items, metadata: {resourceVersion: '9'}});
		expect(encodings[0]).toContain('gzip');
		const refused = await listPage(api, '/api/v1/pods', {limit: 500, _continue: 'denied'}, new AbortController().signal).catch((e: unknown) => e);
		expect(describeKubeError(refused, {context: 'test', namespace: 'shop'}).message).toBe('pods is forbidden (context test, namespace shop)');
	});

	it('a last page has no token, and a list with no items is empty', async () => {
		const {api} = await serve(() => ({status: 200, body: JSON.stringify({metadata: {resourceVersion: '7', continue: ''}, items: null})}));
		expect(await listPage(api, '/api/v1/pods', {limit: 500}, new AbortController().signal)).toEqual({items: [], metadata: {resourceVersion: '7'}});
	});

	it('a refusal is said with the server’s Status message and code, as client-node’s errors are', async () => {
		const status = {kind: 'Status', status: 'Failure', message: 'pods is forbidden: User "viewer" cannot list resource "pods" in API group "" at the cluster scope', reason: 'Forbidden', code: 403};
		const {api} = await serve(() => ({status: 403, body: JSON.stringify(status)}));
		const error = await listPage(api, '/api/v1/pods', {limit: 500}, new AbortController().signal).catch((e: unknown) => e);
		expect(statusCodeOf(error)).toBe(403);
		expect(describeKubeError(error, {context: 'test', namespace: '', doing: 'list pods'}).message).toBe(`list pods: ${status.message} (context test, all namespaces)`);
	});

	it('an answer that is not a JSON list (a proxy’s HTML page) is an error naming the path', async () => {
		const {api} = await serve(() => ({status: 200, body: '<html>sign in</html>'}));
		const error = await listPage(api, '/api/v1/pods', {limit: 500}, new AbortController().signal).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(MalformedList);
		expect((error as Error).message).toContain('GET /api/v1/pods is not a list');
	});

	it('stops when its signal aborts (the caller’s deadline)', async () => {
		const {api} = await serve(() => ({status: 200, body: '{}'}));
		const stopper = new AbortController();
		stopper.abort(new Error('deadline'));
		await expect(listPage(api, '/api/v1/pods', {limit: 500}, stopper.signal)).rejects.toThrow('deadline');
	});
});
