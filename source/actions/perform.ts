import type {AppendEvent, TimelineEvent} from '../timeline/events.js';
import {runAction} from './registry.js';
import type {ActionContext, ActionOutcome, ActionRequest} from './types.js';

/**
 * How the UI runs any action (Kubernetes or command): every step lands in the journal, fsynced,
 * before the screen moves on. The kubectl equivalent (or exact command text) goes with each event.
 */

/**
 * Logs that the operator opened the confirmation for this action. A change still to be decided in
 * the confirmation (a replica count to type) is recorded as its proposal, without a command: what
 * is done is recorded when it is confirmed.
 */
export function requestAction(request: ActionRequest, append: AppendEvent): Promise<TimelineEvent<'action.requested'>> {
	return append('action.requested', {
		actionId: request.id,
		kind: request.kind,
		target: request.target,
		change: request.proposal ?? request.change,
		...(request.kubectl && request.proposal === undefined ? {kubectl: request.kubectl} : {}),
	});
}

/** Logs that the operator declined (esc or n): a cancel is part of the story too. */
export function cancelAction(request: ActionRequest, append: AppendEvent): Promise<TimelineEvent<'action.cancelled'>> {
	return append('action.cancelled', {actionId: request.id, kind: request.kind, target: request.target, change: request.change});
}

function errorDetails(error: unknown): {message: string; exitCode?: number; output?: string} {
	const value = error as {message?: unknown; exitCode?: unknown; output?: unknown} | undefined;
	return {
		message: typeof value?.message === 'string' && value.message ? value.message : String(error),
		...(typeof value?.exitCode === 'number' ? {exitCode: value.exitCode} : {}),
		...(typeof value?.output === 'string' && value.output ? {output: value.output} : {}),
	};
}

/** How an action ended, for the operator: `detail` is its summary ("exit 0", "replicas 2 -> 4") or its error ("exit 2", "timed out after 60 s"). */
export interface ActionResult {
	result: 'succeeded' | 'failed';
	detail: string;
}

/**
 * Runs a confirmed action: appends action.confirmed (if that cannot be written, the action does not
 * run), runs it under the request's timeout and the caller's signal, then appends action.succeeded
 * or action.failed with the duration, exit code and redacted output. Throws only when the journal
 * cannot be written. `run` is the action registry's (a test gives its own).
 */
export async function performAction(request: ActionRequest, ctx: ActionContext, run: typeof runAction = runAction): Promise<ActionResult> {
	const base = {actionId: request.id, kind: request.kind, target: request.target, change: request.change, ...(request.kubectl ? {kubectl: request.kubectl} : {})};
	await ctx.append('action.confirmed', base);

	const controller = new AbortController();
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		controller.abort(new Error(`timed out after ${request.timeoutMs} ms`));
	}, request.timeoutMs);
	const onAbort = () => controller.abort(ctx.signal.reason);
	if (ctx.signal.aborted) onAbort();
	else ctx.signal.addEventListener('abort', onAbort, {once: true});

	const started = performance.now();
	let outcome: ActionOutcome | undefined;
	let failure: ReturnType<typeof errorDetails> | undefined;
	try {
		if (controller.signal.aborted) throw new Error('cancelled by the operator before it started');
		outcome = await run(request, {...ctx, signal: controller.signal});
	} catch (error) {
		failure = errorDetails(error);
		if (timedOut) failure.message = `timed out after ${formatDuration(request.timeoutMs)}`;
		else if (ctx.signal.aborted && !/cancel/i.test(failure.message)) failure.message = `cancelled by the operator (${failure.message})`;
	} finally {
		clearTimeout(timer);
		ctx.signal.removeEventListener('abort', onAbort);
	}
	const durationMs = Math.round(performance.now() - started);

	if (outcome && !failure) {
		await ctx.append('action.succeeded', {
			...base,
			// What the cluster (or the command) says was done, read as it was done: "replicas 5 -> 6" when
			// someone else scaled in between, "skipped rollback (...)" when there was nothing to undo.
			...(outcome.summary ? {outcome: outcome.summary} : {}),
			durationMs,
			...(outcome.exitCode === undefined ? {} : {exitCode: outcome.exitCode}),
			...(outcome.output ? {output: outcome.output} : {}),
		});
		return {result: 'succeeded', detail: outcome.summary};
	}
	const {message, exitCode, output} = failure ?? {message: 'the action returned no outcome'};
	await ctx.append('action.failed', {
		...base,
		durationMs,
		error: message,
		...(exitCode === undefined ? {} : {exitCode}),
		...(output ? {output} : {}),
	});
	return {result: 'failed', detail: message};
}

function formatDuration(ms: number): string {
	return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
