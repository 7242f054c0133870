import {appendFile, mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {ledgerPath, readLedger, recordFacts} from '../../source/sync/ledger.js';

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(path.join(tmpdir(), 'sync-ledger-'));
});
afterEach(async () => {
	await rm(dir, {recursive: true, force: true});
});

describe('the ledger beside the journal', () => {
	it('keeps what the server said of each event and how far the pull got, across reads; a torn line is skipped', async () => {
		const journal = path.join(dir, 'incidents', 'inc-1.jsonl');
		expect(ledgerPath(journal)).toBe(path.join(dir, 'sync', 'inc-1.jsonl'));
		const ledger = await readLedger(journal);
		expect(ledger.pulledThrough).toBe(0);
		await recordFacts(ledger, [{id: 'a', seq: 1, receivedAt: '2026-11-22T03:00:00.000Z'}, {id: 'b', seq: 2, receivedAt: '2026-11-22T03:00:01.000Z'}], 2);
		// Recording the same fact again writes nothing.
		const before = await readFile(ledger.file, 'utf8');
		await recordFacts(ledger, [{id: 'a', seq: 1, receivedAt: '2026-11-22T03:00:00.000Z'}]);
		expect(await readFile(ledger.file, 'utf8')).toBe(before);
		// A cockpit killed mid-line.
		await appendFile(ledger.file, '{"id":"c","se');
		const again = await readLedger(journal);
		expect(again.pulledThrough).toBe(2);
		expect([...again.facts.entries()]).toEqual([
			['a', {seq: 1, receivedAt: '2026-11-22T03:00:00.000Z'}],
			['b', {seq: 2, receivedAt: '2026-11-22T03:00:01.000Z'}],
		]);
	});
});
