import {mkdir, readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {cliTestTimeoutMs, runCli, tempDir} from './run-cli.js';

const incidentId = 'inc-20261122-0304-ab12';
const title = 'Checkout 5xx after deploy';

/** A journal written by hand in the documented envelope: {"v":1,"id","at","by","type","data"}. */
const events = [
	{at: '2026-11-22T03:04:05.000Z', by: 'alice@bastion-1', type: 'incident.opened', data: {title, severity: 'SEV2', context: 'prod-eu', namespace: 'shop'}},
	{at: '2026-11-22T03:06:00.000Z', by: 'alice@bastion-1', type: 'note.added', data: {text: '5xx began right after revision 3 rolled out'}},
	{at: '2026-11-22T03:08:00.000Z', by: 'alice@bastion-1', type: 'status.changed', data: {from: 'investigating', to: 'identified'}},
	{
		at: '2026-11-22T03:09:00.000Z',
		by: 'alice@bastion-1',
		type: 'action.succeeded',
		data: {
			actionId: 'a1',
			kind: 'rollback',
			target: {context: 'prod-eu', namespace: 'shop', object: 'deployment/checkout'},
			change: 'revision 3 -> 2',
			kubectl: 'kubectl rollout undo deployment/checkout -n shop --context prod-eu',
			durationMs: 4200,
		},
	},
	{at: '2026-11-22T03:12:00.000Z', by: 'bob@bastion-1', type: 'status.changed', data: {from: 'identified', to: 'mitigated'}},
	{at: '2026-11-22T03:15:00.000Z', by: 'bob@bastion-1', type: 'status.changed', data: {from: 'mitigated', to: 'resolved'}},
];

let home: string;
let stateDir: string;
let remove: () => Promise<void>;

beforeEach(async () => {
	({dir: home, remove} = await tempDir('incidents'));
	stateDir = path.join(home, '.local', 'state', 'incident-tui');
	await mkdir(path.join(stateDir, 'incidents'), {recursive: true});
	const lines = events.map((e, i) => JSON.stringify({v: 1, id: `evt${i + 1}`, ...e}));
	await writeFile(path.join(stateDir, 'incidents', `${incidentId}.jsonl`), `${lines.join('\n')}\n`);
	// A second, older and still open incident.
	const older = {v: 1, id: 'old1', at: '2026-11-01T10:00:00.000Z', by: 'carol@bastion-2', type: 'incident.opened', data: {title: 'Disk filling on db-1', severity: 'SEV3'}};
	await writeFile(path.join(stateDir, 'incidents', 'inc-20261101-1000-zz99.jsonl'), `${JSON.stringify(older)}\n`);
});
afterEach(async () => {
	await remove();
});

describe('incident-tui incidents', {timeout: cliTestTimeoutMs}, () => {
	it('lists the incidents of --state-dir, newest first', async () => {
		const result = await runCli(['--state-dir', stateDir, 'incidents'], {home});
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		const lines = result.stdout.trimEnd().split('\n');
		expect(lines).toHaveLength(3);
		expect(lines[0]).toMatch(/^ID\s+SEV\s+STATUS\b/);
		expect(lines[1]).toMatch(new RegExp(`^${incidentId}\\s+SEV2\\s+resolved\\s+2026-11-22 03:04\\s+2026-11-22 03:15\\s+6\\s+${title}$`));
		expect(lines[2]).toMatch(/^inc-20261101-1000-zz99\s+SEV3\s+investigating\s+2026-11-01 10:00\s+2026-11-01 10:00\s+1\s+Disk filling on db-1$/);
	});

	it('reads $XDG_STATE_HOME/incident-tui without --state-dir, and says so when there is nothing', async () => {
		// runCli points XDG_STATE_HOME at <home>/.local/state, where beforeEach wrote the journals.
		const found = await runCli(['incidents'], {home});
		expect(found.code).toBe(0);
		expect(found.stdout).toContain(incidentId);
		const empty = await runCli(['incidents', '--state-dir', path.join(home, 'elsewhere')], {home});
		expect(empty.code).toBe(0);
		expect(empty.stdout).toMatch(/^No incidents yet\./);
	});
});

describe('the state directory of the config', {timeout: cliTestTimeoutMs}, () => {
	it('incidents and export look in the config\'s stateDir, where the cockpit writes journals', async () => {
		const elsewhere = path.join(home, 'elsewhere');
		await mkdir(path.join(elsewhere, 'incidents'), {recursive: true});
		const opened = {v: 1, id: 'x1', at: '2026-11-23T08:00:00.000Z', by: 'dan@bastion-3', type: 'incident.opened', data: {title: 'Search latency', severity: 'SEV3'}};
		await writeFile(path.join(elsewhere, 'incidents', 'inc-20261123-0800-qq11.jsonl'), `${JSON.stringify(opened)}\n`);
		await writeFile(path.join(home, 'incident.yaml'), `stateDir: ${elsewhere}\n`);
		const list = await runCli(['incidents'], {home});
		expect(list.code).toBe(0);
		expect(list.stdout).toContain('inc-20261123-0800-qq11');
		expect(list.stdout).not.toContain(incidentId);
		const exported = await runCli(['export', 'inc-20261123-0800-qq11'], {home});
		expect(exported.code).toBe(0);
		expect(exported.stdout).toMatch(/^# .*Search latency$/m);
		// --state-dir still wins over the config.
		const explicit = await runCli(['--state-dir', stateDir, 'incidents'], {home});
		expect(explicit.stdout).toContain(incidentId);
	});
});

describe('incident-tui export', {timeout: cliTestTimeoutMs}, () => {
	it('--format md prints a post-mortem draft with the title and the timeline as a table', async () => {
		const result = await runCli(['--state-dir', stateDir, 'export', incidentId, '--format', 'md'], {home});
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		const md = result.stdout;
		expect(md).toMatch(new RegExp(`^# .*${title}$`, 'm'));
		expect(md).toContain(incidentId);
		expect(md).toMatch(/^\| *Severity *\| *SEV2 *\|$/m);
		const timeline = md.slice(md.indexOf('## Timeline'));
		expect(timeline).toMatch(/^\| *Time *\| *Who *\| *Type *\| *What *\|$/m);
		expect(timeline).toMatch(/^\|[-| ]+\|$/m);
		expect(timeline).toMatch(/^\| 03:06:00 \| alice@bastion-1 \| note\.added \| .*5xx began right after revision 3 rolled out.* \|$/m);
		expect(timeline).toMatch(/^\| 03:09:00 \| alice@bastion-1 \| action\.succeeded \| .*deployment\/checkout.* \|$/m);
		expect(timeline).toMatch(/^\| 03:15:00 \| bob@bastion-1 \| status\.changed \| .*resolved.* \|$/m);
		expect(md).toContain('kubectl rollout undo deployment/checkout -n shop --context prod-eu');
	});

	it('md is the default format, and the export subcommand accepts --state-dir after the id', async () => {
		const result = await runCli(['export', incidentId, '--state-dir', stateDir], {home});
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(new RegExp(`^# .*${title}$`, 'm'));
	});

	it('--format json parses as JSON and holds the incident and every event', async () => {
		const result = await runCli(['--state-dir', stateDir, 'export', incidentId, '--format', 'json'], {home});
		expect(result.code).toBe(0);
		const doc = JSON.parse(result.stdout) as {incident: {id: string; title: string; severity: string; status: string}; timeline: unknown[]};
		expect(doc.incident).toMatchObject({id: incidentId, title, severity: 'SEV2', status: 'resolved'});
		expect(doc.timeline).toHaveLength(events.length);
		expect(JSON.stringify(doc.timeline)).toContain('5xx began right after revision 3 rolled out');
	});

	it('-o FILE writes the draft to the file and nothing to stdout', async () => {
		const out = path.join(home, 'postmortem.md');
		const result = await runCli(['--state-dir', stateDir, 'export', incidentId, '-o', out], {home});
		expect(result.code).toBe(0);
		expect(result.stdout).toBe('');
		expect(result.stderr).toContain(out);
		const md = await readFile(out, 'utf8');
		expect(md).toMatch(new RegExp(`^# .*${title}$`, 'm'));
		expect(md).toContain('## Timeline');
	});

	it('an unknown id exits non-zero and says which journal is missing', async () => {
		const result = await runCli(['--state-dir', stateDir, 'export', 'inc-20260101-0000-nope'], {home});
		expect(result.code).not.toBe(0);
		expect(result.stdout).toBe('');
		expect(result.stderr).toContain('inc-20260101-0000-nope');
		expect(result.stderr).toContain(path.join(stateDir, 'incidents'));
		expect(result.stderr).toContain('incident-tui incidents');
	});

	it('an id that is not an id (a path) is refused before any file is touched', async () => {
		const result = await runCli(['--state-dir', stateDir, 'export', '../../etc/passwd'], {home});
		expect(result.code).not.toBe(0);
		expect(result.stdout).toBe('');
		expect(result.stderr).toMatch(/not an incident id: \.\.\/\.\.\/etc\/passwd/);
	});

	it('an unknown --format is refused with the allowed choices', async () => {
		const result = await runCli(['--state-dir', stateDir, 'export', incidentId, '--format', 'pdf'], {home});
		expect(result.code).not.toBe(0);
		expect(result.stdout).toBe('');
		expect(result.stderr).toMatch(/md, json/);
	});
});
