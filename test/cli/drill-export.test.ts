/** `incident-tui export ID` of a demo incident scores the drill in the post-mortem. */
import {afterEach, describe, expect, it} from 'vitest';
import {openJournal} from '../../source/timeline/journal.js';
import {createRedactor} from '../../source/timeline/redact.js';
import {journalPath} from '../../source/timeline/state-dir.js';
import {cliTestTimeoutMs, runCli, tempDir} from './run-cli.js';

let remove: (() => Promise<void>) | undefined;
afterEach(async () => {
	await remove?.();
	remove = undefined;
});

describe('incident-tui export of a demo incident', {timeout: cliTestTimeoutMs}, () => {
	it('has a drill score: times to detect, act and recover, and the steps followed', async () => {
		const home = await tempDir('drill-export-');
		remove = home.remove;
		const id = 'inc-20261206-0300-demo';
		const journal = await openJournal({path: journalPath(home.dir, id), author: 'alice@bastion', redact: createRedactor()});
		const rollback = {actionId: 'act-1', kind: 'rollback', target: {context: 'demo', namespace: 'shop', object: 'deployment/checkout'}, change: 'revision 3 -> 2', kubectl: 'kubectl --context demo -n shop rollout undo deployment/checkout --to-revision=2'};
		await journal.append('incident.opened', {title: 'Checkout 5xx after deploy of 1.8.0', severity: 'SEV2', demo: true, context: 'demo', namespace: 'shop'});
		await journal.append('runbook.selected', {id: 'bad-deploy', title: 'Bad deploy', source: 'builtin:bad-deploy', reason: 'configured', variables: {namespace: 'shop', deployment: 'checkout'}});
		await journal.append('note.added', {text: 'checkout errors since 1.8.0'});
		await journal.append('action.succeeded', {...rollback, durationMs: 90});
		await journal.append('signal', {kind: 'recovery.verified', level: 'ok', message: 'recovery verified after the rollback', subject: 'deployment/checkout'});
		await journal.close();
		const result = await runCli(['export', id, '--state-dir', home.dir], {home: home.dir});
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('## Drill score');
		expect(result.stdout).toMatch(/\| Time to detect \| [^|]+ \| note: checkout errors since 1\.8\.0 \|/);
		expect(result.stdout).toMatch(/\| Time to act \| [^|]+ \| rollback of deployment\/checkout \(kubectl --context demo -n shop rollout undo deployment\/checkout --to-revision=2\) \|/);
		expect(result.stdout).toMatch(/\| Time to recover \| [^|]+ \| recovery verified after the rollback \|/);
		expect(result.stdout).toContain('| Steps followed | 0 of 9 | not done: Take command and open the incident channel;');
	});
});
