import {mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {closedPort} from '../clients/local-server.js';
import {postgresForSuite, requirePostgres} from '../support/postgres.js';
import {Hosts} from '../support/sync-hosts.js';
import {waitFor} from '../support/wait.js';
import {cliTestTimeoutMs, runCli, tempDir} from './run-cli.js';

/**
 * The command line with a `sync:` section: `incident-tui incidents` lists the shared database's
 * incidents beside this host's, and says so when the database does not answer; `--incident ID` for
 * an incident this host cannot pull stops before the cockpit opens an empty one under that id.
 */

const bin = requirePostgres('the command line with sync');

describe.skipIf(!bin)('incident-tui with sync', {timeout: cliTestTimeoutMs}, () => {
	const postgres = postgresForSuite(bin!);
	const hosts = new Hosts();
	let home: string;
	let remove: () => Promise<void>;
	let stateDir: string;
	const localId = 'inc-20261101-1000-loc1';

	beforeEach(async () => {
		({dir: home, remove} = await tempDir('cli-sync'));
		stateDir = path.join(home, '.local', 'state', 'incident-tui');
		await mkdir(path.join(stateDir, 'incidents'), {recursive: true});
		const opened = {v: 1, id: 'loc1', at: '2026-11-01T10:00:00.000Z', by: 'carol@bastion-2', type: 'incident.opened', data: {title: 'Disk filling on db-1', severity: 'SEV3'}};
		await writeFile(path.join(stateDir, 'incidents', `${localId}.jsonl`), `${JSON.stringify(opened)}\n`);
	});
	afterEach(async () => {
		await hosts.cleanup();
		await remove();
	});

	it('incidents: lists the shared ones beside this host\'s, each marked where it is', async () => {
		const sharedId = 'inc-20261122-0304-cli1';
		const alice = await hosts.open('alice', {incidentId: sharedId, postgres: postgres.server.url});
		await alice.journal.append('incident.opened', {title: 'Checkout 5xx', severity: 'SEV2'});
		await waitFor(() => alice.status()?.state === 'online' && alice.status()!.waiting === 0, {timeoutMs: 20_000, message: 'alice pushed'});
		await writeFile(path.join(home, 'incident.yaml'), `sync:\n  postgres: ${postgres.server.url}\n`);
		const result = await runCli(['incidents'], {home});
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		const lines = result.stdout.trimEnd().split('\n');
		expect(lines[0]).toMatch(/\bEVENTS\s+WHERE\s+TITLE$/);
		expect(lines.find(line => line.startsWith(sharedId))).toMatch(/\bSEV2\s+investigating\b.*\bshared\s+Checkout 5xx$/);
		expect(lines.find(line => line.startsWith(localId))).toMatch(/\bhere\s+Disk filling on db-1$/);
	});

	it("incidents: with the database unreachable, this host's incidents and why the others are missing", async () => {
		const port = await closedPort();
		await writeFile(path.join(home, 'incident.yaml'), `sync:\n  postgres: postgres://app:pw-Never-7@127.0.0.1:${port}/incidents\n  timeoutMs: 2000\n`);
		const result = await runCli(['incidents'], {home});
		expect(result.code).toBe(0);
		expect(result.stdout).toContain(localId);
		expect(result.stderr).toMatch(/^incident-tui: shared incidents: postgres:\/\/app@127\.0\.0\.1:\d+\/incidents: .*; listing this host's incidents only\n$/);
		expect(result.stderr + result.stdout).not.toContain('pw-Never-7');
	});

	it("export: two hosts' post-mortems are the same, though their journals hold the events in different orders", async () => {
		const url = await postgres.server.createDatabase();
		const sharedId = 'inc-20261122-0304-exp1';
		// Alice's clock is two minutes behind: her note is older than bob's but reaches bob after his own.
		const alice = await hosts.open('alice', {incidentId: sharedId, postgres: url, now: () => new Date(Date.now() - 120_000)});
		await alice.journal.append('incident.opened', {title: 'Checkout 5xx', severity: 'SEV2'});
		const bob = await hosts.open('bob', {incidentId: sharedId, postgres: url});
		await bob.note('errors began at 03:02');
		await alice.note('written while the VPN was down');
		await alice.journal.append('status.changed', {from: 'investigating', to: 'resolved'});
		const all = async (host: typeof alice) => (await host.events()).length;
		await waitFor(async () => alice.status()?.waiting === 0 && bob.status()?.waiting === 0 && (await all(alice)) === (await all(bob)) && (await all(bob)) >= 6, {timeoutMs: 20_000, message: 'both hold every event'});
		const order = async (host: typeof alice) => (await host.events()).map(e => e.id).join(',');
		expect(await order(alice)).not.toBe(await order(bob));
		const drafts = [];
		for (const host of [alice, bob]) {
			const result = await runCli(['--state-dir', host.stateDir, 'export', sharedId], {home});
			expect(result.code, result.stderr).toBe(0);
			// The stamp says when each was exported.
			drafts.push(result.stdout.replace(/_Draft exported by incident-tui at .*_/, ''));
		}
		expect(drafts[0]).toContain('written while the VPN was down');
		expect(drafts[0]).toBe(drafts[1]);
	});

	it('--incident ID that this host never saw, with the database unreachable: stops and says what to do', async () => {
		const port = await closedPort();
		await writeFile(path.join(home, 'incident.yaml'), `sync:\n  postgres: postgres://app@127.0.0.1:${port}/incidents\n  timeoutMs: 2000\n`);
		const result = await runCli(['--incident', 'inc-20261122-0304-away'], {home});
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/cannot open incident inc-20261122-0304-away: this host has no journal of it, and the shared database did not answer/);
		expect(result.stderr).toMatch(/leave out --incident to open a new incident/);
	});
});
