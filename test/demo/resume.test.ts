/**
 * Resuming a demo incident resumes its scenario where its journal left it: rolled back stays rolled
 * back, scaled stays scaled; the bad deploy is not started again.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {SimulatedCluster} from '../../source/demo/cluster.js';
import {demoChanges, kubectlChange, readDemoResume} from '../../source/demo/resume.js';
import type {AnyTimelineEvent, EventData, EventType} from '../../source/timeline/events.js';
import {openJournal, readJournal} from '../../source/timeline/journal.js';
import {createRedactor} from '../../source/timeline/redact.js';
import {journalPath} from '../../source/timeline/state-dir.js';
import {scriptFound, startCli, type CliTerminal} from '../support/cli-terminal.js';
import {waitFor} from '../support/wait.js';

const target = {context: 'demo', namespace: 'shop', object: 'deployment/checkout'};
const rollback = {actionId: 'act-1', kind: 'rollback', target, change: 'revision 3 -> 2', kubectl: 'kubectl --context demo -n shop rollout undo deployment/checkout --to-revision=2'};

/** A demo incident's journal as the cockpit writes it: opened, rolled back, mitigated, and `more`. */
async function writeDemoJournal(stateDir: string, id: string, more: Array<[EventType, unknown]> = []): Promise<string> {
	const file = journalPath(stateDir, id);
	const journal = await openJournal({path: file, author: 'alice@bastion', redact: createRedactor()});
	const events: Array<[EventType, unknown]> = [
		['incident.opened', {title: 'Checkout 5xx after deploy of 1.8.0', severity: 'SEV2', demo: true, context: 'demo', namespace: 'shop'}],
		['action.requested', rollback],
		['action.confirmed', rollback],
		['action.succeeded', {...rollback, outcome: 'rolled back to revision 2', durationMs: 90}],
		['status.changed', {from: 'investigating', to: 'mitigated'}],
		...more,
	];
	for (const [type, data] of events) await journal.append(type, data as EventData[typeof type]);
	await journal.close();
	return file;
}

describe('what a demo incident changed, read from its journal', () => {
	it('reads the kubectl of actions and of runbook commands that succeeded, in the demo’s context and namespace only', () => {
		expect(kubectlChange('kubectl --context demo -n shop rollout undo deployment/checkout --to-revision=2')).toEqual({kind: 'undo', deployment: 'checkout', toRevision: 2});
		expect(kubectlChange('kubectl rollout undo deploy/checkout --namespace shop')).toEqual({kind: 'undo', deployment: 'checkout'});
		expect(kubectlChange('kubectl --context demo -n shop scale deployment/checkout --replicas=6')).toEqual({kind: 'scale', deployment: 'checkout', replicas: 6});
		expect(kubectlChange("kubectl scale 'deployment/checkout' --replicas 2")).toEqual({kind: 'scale', deployment: 'checkout', replicas: 2});
		expect(kubectlChange('kubectl -n shop rollout restart deployment cart')).toEqual({kind: 'restart', deployment: 'cart'});
		expect(kubectlChange('kubectl set image deployment/checkout checkout=shop/checkout:1.7.4')).toEqual({kind: 'image', deployment: 'checkout', image: 'shop/checkout:1.7.4'});
		// Read-only commands, other namespaces and contexts, dry runs and shell scripts change nothing here.
		expect(kubectlChange('kubectl rollout history deployment/checkout --namespace shop')).toBeNull();
		expect(kubectlChange('kubectl -n other rollout undo deployment/checkout')).toBeNull();
		expect(kubectlChange('kubectl --context prod rollout undo deployment/checkout')).toBeNull();
		expect(kubectlChange('kubectl rollout undo deployment/checkout --dry-run=client')).toBeNull();
		expect(kubectlChange('kubectl rollout undo deployment/checkout; kubectl scale deployment/checkout --replicas=9')).toBeNull();
		const at = '2026-12-06T03:00:00.000Z';
		const event = (type: string, data: object) => ({v: 1, id: type, at, by: 'a@b', type, data}) as AnyTimelineEvent;
		expect(
			demoChanges([
				event('action.succeeded', {...rollback, durationMs: 1}),
				event('action.failed', {...rollback, kubectl: 'kubectl scale deployment/checkout --replicas=9', durationMs: 1, error: 'x'}),
				event('action.succeeded', {actionId: 'c', kind: 'command', target, change: 'run', kubectl: 'kubectl scale deployment/checkout --replicas=5', durationMs: 1, exitCode: 0}),
			]),
		).toEqual([
			{kind: 'undo', deployment: 'checkout', toRevision: 2, at: Date.parse(at)},
			{kind: 'scale', deployment: 'checkout', replicas: 5, at: Date.parse(at)},
		]);
	});

	it('starts the simulated cluster with those changes done and their rollouts finished', () => {
		const openedAt = Date.now() - 20 * 60_000;
		const cluster = new SimulatedCluster({
			scenario: false,
			startedAt: openedAt,
			changes: [
				{kind: 'undo', deployment: 'checkout', at: openedAt + 60_000},
				{kind: 'scale', deployment: 'checkout', replicas: 6, at: openedAt + 120_000},
				{kind: 'scale', deployment: 'cart', replicas: 1, at: openedAt + 120_000},
			],
		});
		try {
			const checkout = cluster.listDeployments().find(d => d.name === 'checkout')!;
			expect(checkout).toMatchObject({revision: 4, images: ['shop/checkout:1.7.4'], replicas: 6, readyReplicas: 6, rolloutComplete: true});
			const pods = cluster.listPods().filter(p => p.deployment === 'checkout');
			expect(pods).toHaveLength(6);
			expect(pods.every(p => p.ready && !p.name.startsWith('checkout-6d5dbb8967'))).toBe(true);
			// The autoscaler keeps cart within its range.
			expect(cluster.desiredReplicas('cart')).toBe(3);
			// The shop's history is dated from the incident's opening: the bad deploy went out 7 minutes before it.
			const bad = cluster.listDeployments().find(d => d.name === 'checkout')!;
			expect(Date.parse(bad.createdAt)).toBe(openedAt - 143 * 24 * 3_600_000);
		} finally {
			cluster.stop();
		}
	});
});

describe.skipIf(!scriptFound)('incident-tui demo --incident ID', () => {
	let cli: CliTerminal | undefined;
	let stateDir = '';
	afterEach(async () => {
		await cli?.close();
		cli = undefined;
		if (stateDir) await rm(stateDir, {recursive: true, force: true});
	});

	it('resumes a rolled-back demo incident rolled back: checkout on 1.7.4, the 5xx ratio not critical, no new OOM kills', {timeout: 150_000}, async () => {
		stateDir = await mkdtemp(path.join(os.tmpdir(), 'demo-resume-'));
		const id = 'inc-20261206-0300-demo';
		const file = await writeDemoJournal(stateDir, id);
		expect((await readDemoResume(stateDir, id))?.changes).toHaveLength(1);
		cli = startCli(['demo', '--incident', id, '--state-dir', stateDir]);
		await cli.shown(/mitigated/, 'the header says mitigated');
		await cli.shown(/checkout\s+4\/4\s+rolled out · rev 4/, 'checkout at revision 4, rolled out');
		// Under 5% (critical), where the bad deploy keeps it near 10%; its 1 m window fills as traffic comes.
		let last = '';
		await waitFor(async () => /5xx ratio\s+[0-4](?:\.\d+)?%/.test((last = await cli!.screen())), {timeoutMs: 60_000, message: 'the 5xx ratio under 5%'}).catch((error: Error) => {
			throw new Error(`${error.message}; the screen:\n${last}`);
		});
		const screen = await cli.screen();
		expect(screen).not.toContain('checkout-6d5dbb8967');
		expect(screen).not.toContain('OOMKilled');
		const {events} = await readJournal(file);
		expect(events.filter(e => e.type === 'signal' && (e.data.kind === 'pod.oomkilled' || e.data.kind === 'pod.crashloop'))).toEqual([]);
	});
});
