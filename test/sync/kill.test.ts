import {spawn} from 'node:child_process';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {requirePostgres, startPostgres, type RunningPostgres} from '../support/postgres.js';
import {Hosts, missingFrom} from '../support/sync-hosts.js';
import {waitFor} from '../support/wait.js';

/**
 * A cockpit killed (SIGKILL) while its sync runs loses no event its journal acknowledged: the next
 * start of the same host pushes what was left, and another host ends with every acknowledged event,
 * each stored once on the server.
 */

const bin = requirePostgres('sync kill test against a real PostgreSQL');
const incidentId = 'inc-20261122-0304-kill';
const childScript = path.join(import.meta.dirname, '..', 'support', 'sync-child.ts');

describe.skipIf(!bin)('a host killed during sync', {timeout: 180_000}, () => {
	let server: RunningPostgres;
	const hosts = new Hosts();
	let stateDir: string;

	beforeAll(async () => {
		server = await startPostgres(bin!);
		stateDir = await mkdtemp(path.join(tmpdir(), 'sync-kill-'));
	}, 60_000);
	afterAll(async () => {
		await server?.close();
		if (stateDir) await rm(stateDir, {recursive: true, force: true});
	});
	afterEach(async () => {
		await hosts.cleanup();
	});

	it('loses no acknowledged event over several kills', async () => {
		const bob = await hosts.open('bob', {incidentId, postgres: server.url});
		const acknowledged: string[] = [];
		const rounds = 4;
		for (let round = 0; round < rounds; round++) {
			const child = spawn(process.execPath, ['--import', 'tsx', childScript, stateDir, incidentId, server.url, String(round)], {stdio: ['ignore', 'pipe', 'pipe']});
			let stdout = '';
			let stderr = '';
			const ids: string[] = [];
			child.stdout.on('data', (chunk: Buffer) => {
				stdout += chunk.toString();
				const parts = stdout.split('\n');
				stdout = parts.pop()!;
				ids.push(...parts);
			});
			child.stderr.on('data', (chunk: Buffer) => {
				stderr += chunk.toString();
			});
			const exited = new Promise<void>(resolve => child.on('exit', () => resolve()));
			// Killed after some of its events reached bob (its sync is pushing) and a random number more were acknowledged.
			const target = 20 + Math.floor(Math.random() * 200);
			await waitFor(
				async () => child.exitCode !== null || (ids.length >= target && missingFrom(new Set(ids.slice(0, 5)), await bob.ids()).length === 0),
				{timeoutMs: 60_000, message: `child round ${round}: ${target} acknowledged and its first events at bob's (stderr: ${stderr})`},
			);
			child.kill('SIGKILL');
			await exited;
			expect(child.signalCode, stderr).toBe('SIGKILL');
			acknowledged.push(...ids);
		}
		// The host comes back once more (in this process) and pushes what the kills left waiting.
		const kid = await hosts.open('kid', {incidentId, postgres: server.url, stateDir});
		await waitFor(async () => missingFrom(new Set(acknowledged), await bob.ids()).length === 0, {timeoutMs: 60_000, message: `every acknowledged event at bob's (kid: ${JSON.stringify(kid.status())})`});
		await waitFor(() => kid.status()?.waiting === 0, {timeoutMs: 30_000, message: 'nothing waiting'});
		const counts = (await server.psql(`SELECT count(*) || '|' || count(DISTINCT event_id) FROM incident_events`)).trim().split('|').map(Number);
		expect(counts[0]).toBe(counts[1]);
		const kidIds = await kid.ids();
		expect(missingFrom(new Set(acknowledged), kidIds)).toEqual([]);
		// No duplicates in the host's journal either (pulled events appended once).
		expect((await kid.events()).length).toBe(kidIds.size);
	});
});
