import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {commandAction} from '../../source/actions/command.js';
import {cancelAction, performAction, requestAction} from '../../source/actions/perform.js';
import type {ActionContext, ActionOutcome, ActionRequest} from '../../source/actions/types.js';
import type {EnvInfo} from '../../source/store/types.js';
import type {AnyTimelineEvent, AppendEvent} from '../../source/timeline/events.js';
import {openJournal, type Journal} from '../../source/timeline/journal.js';
import {createRedactor} from '../../source/timeline/redact.js';

const env: EnvInfo = {demo: false, readonly: false, context: 'kind-dev', namespace: 'shop', production: false};

let dir: string;
let journal: Journal;
beforeEach(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'perform-'));
	journal = await openJournal({path: path.join(dir, 'inc.jsonl'), author: 'op@host', redact: createRedactor()});
});
afterEach(async () => {
	await journal.close();
	await rm(dir, {recursive: true, force: true});
});

function ctx(signal = new AbortController().signal, append: AppendEvent = journal.append): ActionContext {
	return {env, cluster: null, append, signal};
}

type Run = (request: ActionRequest, ctx: ActionContext) => Promise<ActionOutcome>;

/** A scale request whose run is `run` (given to performAction in place of the registry's). */
function fakeRequest(run: Run, timeoutMs = 5000): [ActionRequest, ActionContext, Run] {
	return [{
		id: 'a1',
		kind: 'scale',
		title: 'Scale api',
		dangerous: true,
		target: {context: 'kind-dev', namespace: 'shop', object: 'deployment/api'},
		change: 'replicas 2 -> 4',
		kubectl: 'kubectl --context kind-dev -n shop scale deployment/api --replicas=4',
		details: [],
		warnings: [],
		timeoutMs,
		params: {kind: 'scale', deployment: 'api', where: {context: 'kind-dev', namespace: 'shop'}, production: false, current: 2, value: '4', autoscaler: null},
	}, ctx(), run];
}

async function events(): Promise<AnyTimelineEvent[]> {
	return (await journal.read()).events;
}

describe('performAction', () => {
	it('logs requested, confirmed and succeeded for a command, with exit code and output', async () => {
		const request = await commandAction.prepare({command: {id: 'hello', lang: 'bash', script: 'echo hello {{name}}'}, vars: {name: 'world'}, env, newId: () => 'cmd-1'});
		await requestAction(request, journal.append);
		expect(await performAction(request, ctx())).toEqual({result: 'succeeded', detail: 'exit 0'});
		const log = await events();
		expect(log.map(e => e.type)).toEqual(['action.requested', 'action.confirmed', 'action.succeeded']);
		expect(log[0]!.data).toEqual({actionId: 'cmd-1', kind: 'command', target: {context: 'kind-dev', namespace: 'shop', object: 'command/hello'}, change: 'run bash script: echo hello "${1}" with $1 = "world"', kubectl: 'set -- world\necho hello "${1}"'});
		expect(log[2]!.data).toMatchObject({actionId: 'cmd-1', exitCode: 0, output: 'hello world', kubectl: 'set -- world\necho hello "${1}"'});
		expect(typeof (log[2]!.data as {durationMs: unknown}).durationMs).toBe('number');
	});

	it('logs action.failed with exit code, error and output for a failing command', async () => {
		const request = await commandAction.prepare({command: {id: 'f', lang: 'bash', script: 'echo "password=hunter2"; exit 2'}, vars: {}, env, newId: () => 'cmd-2'});
		expect(await performAction(request, ctx())).toEqual({result: 'failed', detail: 'exit 2'});
		const failed = (await events()).at(-1)!;
		expect(failed.type).toBe('action.failed');
		expect(failed.data).toMatchObject({actionId: 'cmd-2', exitCode: 2, error: 'exit 2', output: 'password=[REDACTED]'});
	});

	it('times out an action that does not finish, through the signal it gets', async () => {
		const [request, context, run] = fakeRequest((_request, {signal}) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('request aborted')))), 100);
		expect(await performAction(request, context, run)).toEqual({result: 'failed', detail: 'timed out after 100 ms'});
		expect((await events()).at(-1)!.data).toMatchObject({error: 'timed out after 100 ms'});
	});

	it('reports an operator cancel while running', async () => {
		const controller = new AbortController();
		const [request, , run] = fakeRequest((_request, {signal}) => {
			controller.abort();
			return new Promise((_, reject) => {
				if (signal.aborted) reject(new Error('request aborted'));
			});
		});
		expect(await performAction(request, ctx(controller.signal), run)).toEqual({result: 'failed', detail: 'cancelled by the operator (request aborted)'});
		expect((await events()).at(-1)!.data).toMatchObject({error: 'cancelled by the operator (request aborted)'});
	});

	it('records a Kubernetes-style outcome without exit code', async () => {
		expect(await performAction(...fakeRequest(async () => ({summary: 'replicas 2 -> 4'})))).toEqual({result: 'succeeded', detail: 'replicas 2 -> 4'});
		const done = (await events()).at(-1)!;
		expect(done.type).toBe('action.succeeded');
		expect(done.data).not.toHaveProperty('exitCode');
		expect(done.data).toMatchObject({kubectl: 'kubectl --context kind-dev -n shop scale deployment/api --replicas=4'});
	});

	it('does not run the action when action.confirmed cannot be written', async () => {
		let ran = false;
		const failing = (() => Promise.reject(new Error('disk full'))) as unknown as AppendEvent;
		const [request, , run] = fakeRequest(async () => {
			ran = true;
			return {summary: 'x'};
		});
		await expect(performAction(request, ctx(undefined, failing), run)).rejects.toThrow('disk full');
		expect(ran).toBe(false);
	});
});

describe('cancelAction', () => {
	it('logs the cancel with target and change', async () => {
		await cancelAction(fakeRequest(async () => ({summary: ''}))[0], journal.append);
		const [event] = await events();
		expect(event).toMatchObject({type: 'action.cancelled', data: {actionId: 'a1', kind: 'scale', change: 'replicas 2 -> 4', target: {object: 'deployment/api'}}});
	});
});
