import {spawn} from 'node:child_process';
import {appendFile, mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {AnyTimelineEvent} from '../../source/timeline/events.js';
import {journalLimits, openJournal, readJournal, type Journal} from '../../source/timeline/journal.js';
import {createRedactor, REDACTED} from '../../source/timeline/redact.js';
import {oversized} from '../support/size-limits.js';
import {waitFor} from '../support/wait.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const childScript = path.join(here, '..', 'support', 'journal-child.ts');

let dir: string;
const opened: Journal[] = [];
beforeEach(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'journal-'));
});
afterEach(async () => {
	for (const journal of opened.splice(0)) await journal.close();
	await rm(dir, {recursive: true, force: true});
});

async function open(file: string, author = 'alice@bastion-1', now?: () => Date): Promise<Journal> {
	const journal = await openJournal({path: file, author, redact: createRedactor(), now});
	opened.push(journal);
	return journal;
}

/** Alice and Bob on one journal: Alice opened the incident and Bob has read it. */
async function twoOperators(name: string): Promise<{alice: Journal; bob: Journal}> {
	const file = path.join(dir, name);
	const alice = await open(file, 'alice@bastion');
	const bob = await open(file, 'bob@bastion');
	await alice.append('incident.opened', {title: 'x', severity: 'SEV3'});
	await bob.read();
	return {alice, bob};
}

describe('append and read', () => {
	it('writes one envelope line per event and replays them in order', async () => {
		const file = path.join(dir, 'incidents', 'inc-1.jsonl');
		const journal = await open(file, 'alice@bastion-1', () => new Date('2026-11-22T03:04:05.678Z'));
		const opened = await journal.append('incident.opened', {title: 'Checkout 5xx', severity: 'SEV2'});
		await journal.append('note.added', {text: 'looking at pods'});
		expect(opened).toMatchObject({v: 1, at: '2026-11-22T03:04:05.678Z', by: 'alice@bastion-1', type: 'incident.opened', data: {title: 'Checkout 5xx', severity: 'SEV2'}});
		expect(opened.id).toMatch(/^[0-9a-z]{12}$/);
		const text = await readFile(file, 'utf8');
		expect(text.split('\n')).toHaveLength(3);
		expect(JSON.parse(text.split('\n')[0]!)).toEqual(opened);
		const {events, warnings} = await journal.read();
		expect(warnings).toEqual([]);
		expect(events.map(e => e.type)).toEqual(['incident.opened', 'note.added']);
	});

	it('creates the directory 0700 and the file 0600', async () => {
		const file = path.join(dir, 'state', 'incidents', 'inc-2.jsonl');
		const journal = await open(file);
		await journal.append('note.added', {text: 'x'});
		expect((await stat(file)).mode & 0o777).toBe(0o600);
		expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
	});

	it('redacts every string in data before it reaches the file', async () => {
		const file = path.join(dir, 'r.jsonl');
		const journal = await open(file);
		const event = await journal.append('command.output', {actionId: 'a1', stream: 'stdout', text: 'connecting to postgres://app:hunter2@db/app'});
		expect(event.data.text).toBe(`connecting to postgres://app:${REDACTED}@db/app`);
		expect(await readFile(file, 'utf8')).not.toContain('hunter2');
	});

	it('caps long strings so a line stays small', async () => {
		const file = path.join(dir, 'c.jsonl');
		const journal = await open(file);
		const event = await journal.append('note.added', {text: 'y'.repeat(100_000)});
		expect(event.data.text.length).toBeLessThan(journalLimits.stringChars + 100);
		expect(event.data.text).toMatch(/more characters cut\]$/);
		const line = (await readFile(file, 'utf8')).split('\n')[0]!;
		expect(Buffer.byteLength(line)).toBeLessThan(journalLimits.lineBytes);
	});

	it('serialises concurrent appends within a process', async () => {
		const file = path.join(dir, 's.jsonl');
		const journal = await open(file);
		const written = await Promise.all(Array.from({length: 50}, (_, n) => journal.append('note.added', {text: `n${n}`})));
		const {events} = await journal.read();
		expect(events.map(e => e.id)).toEqual(written.map(e => e.id));
	});

	it('reads a missing file as empty and rejects appends after close', async () => {
		const file = path.join(dir, 'm.jsonl');
		const journal = await open(file);
		await rm(file);
		expect(await journal.read()).toEqual({events: [], warnings: []});
		await journal.close();
		await expect(journal.append('note.added', {text: 'late'})).rejects.toThrow(/closed/);
	});
});

describe('damaged journals', () => {
	const line = (id: string, text: string) => JSON.stringify({v: 1, id, at: '2026-11-22T03:00:00.000Z', by: 'a@b', type: 'note.added', data: {text}});

	it('skips a torn last line and a corrupted middle line with warnings naming file and line', async () => {
		const file = path.join(dir, 'torn.jsonl');
		await writeFile(file, [line('e1', 'one'), '{"v":1,"id":"e2","at":"20', line('e3', 'three'), 'garbage', `{"v":1,"id":"e4","at":"2026-11-22T0`].join('\n'));
		const journal = await open(file);
		const {events, warnings} = await journal.read();
		expect(events.map(e => e.id)).toEqual(['e1', 'e3']);
		expect(warnings).toEqual([
			`${file}:2: not valid JSON; line skipped`,
			`${file}:4: not valid JSON; line skipped`,
			`${file}:5: incomplete last line (the writer stopped mid-write); skipped`,
		]);
	});

	it('starts its own first event on a new line after a torn last line', async () => {
		const file = path.join(dir, 'torn2.jsonl');
		await writeFile(file, `${line('e1', 'one')}\n{"v":1,"id":"e2","at`);
		const journal = await open(file);
		const appended = await journal.append('note.added', {text: 'after crash'});
		const {events, warnings} = await journal.read();
		expect(events.map(e => e.id)).toEqual(['e1', appended.id]);
		expect(warnings).toEqual([`${file}:2: not valid JSON; line skipped`]);
	});

	it('opening a journal to read it does not change the file', async () => {
		const file = path.join(dir, 'torn3.jsonl');
		const content = `${line('e1', 'one')}\n{"v":1,"id":"e2","at`;
		await writeFile(file, content);
		const journal = await open(file);
		expect((await journal.read()).events.map(e => e.id)).toEqual(['e1']);
		expect((await readJournal(file)).warnings).toEqual([`${file}:2: incomplete last line (the writer stopped mid-write); skipped`]);
		expect(await readFile(file, 'utf8')).toBe(content);
	});

	it('recovers a complete event written right after a torn fragment on the same line', async () => {
		const file = path.join(dir, 'glued.jsonl');
		await writeFile(file, `{"v":1,"id":"e0","at":"2026${line('e1', 'one')}\n`);
		const journal = await open(file);
		const {events, warnings} = await journal.read();
		expect(events.map(e => e.id)).toEqual(['e1']);
		expect(warnings[0]).toMatch(/glued\.jsonl:1: a torn fragment of \d+ bytes before the event was skipped/);
	});

	it('rejects malformed envelopes but keeps unknown event types', async () => {
		const file = path.join(dir, 'env.jsonl');
		const rows = [
			JSON.stringify({v: 2, id: 'x', at: '2026-11-22T03:00:00Z', type: 'note.added', data: {}}),
			JSON.stringify({v: 1, at: '2026-11-22T03:00:00Z', type: 'note.added', data: {}}),
			JSON.stringify({v: 1, id: 'x', at: 'yesterday', type: 'note.added', data: {}}),
			JSON.stringify({v: 1, id: 'x', at: '2026-11-22T03:00:00Z', data: {}}),
			JSON.stringify({v: 1, id: 'x', at: '2026-11-22T03:00:00Z', type: 'note.added', data: 'text'}),
			JSON.stringify([1, 2]),
			JSON.stringify({v: 1, id: 'future', at: '2026-11-22T03:00:00Z', by: 'a@b', type: 'something.new', data: {x: 1}}),
		];
		await writeFile(file, `${rows.join('\n')}\n`);
		const journal = await open(file);
		const {events, warnings} = await journal.read();
		expect(events.map(e => e.id)).toEqual(['future']);
		expect(warnings.map(w => w.replace(`${file}:`, ''))).toEqual([
			'1: unsupported version 2 (expected 1); line skipped',
			"2: missing 'id'; line skipped",
			"3: missing or invalid 'at' time; line skipped",
			"4: missing 'type'; line skipped",
			"5: missing 'data' object; line skipped",
			'6: not a JSON object; line skipped',
		]);
	});
});

describe('crash safety', () => {
	it('keeps every acknowledged event across 30 SIGKILLs at random points', async () => {
		const file = path.join(dir, 'incidents', 'crash.jsonl');
		const acknowledged: string[] = [];
		const rounds = 30;
		for (let round = 0; round < rounds; round++) {
			const child = spawn(process.execPath, ['--import', 'tsx', childScript, file, String(round)], {stdio: ['ignore', 'pipe', 'pipe']});
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
			// Kill after a random number of acknowledged appends (1..40), not after a fixed delay.
			const target = 1 + Math.floor(Math.random() * 40);
			await waitFor(() => ids.length >= target || child.exitCode !== null, {timeoutMs: 20_000, message: `child round ${round} acknowledged ${target} events (stderr: ${stderr})`});
			child.kill('SIGKILL');
			await exited;
			// Lines already printed before the kill are acknowledged; a partial last line of stdout is not.
			acknowledged.push(...ids);
			expect(ids.length).toBeGreaterThanOrEqual(target);
		}
		const reader = await open(file);
		const {events} = await reader.read();
		const present = new Set(events.map(e => e.id));
		const missing = acknowledged.filter(id => !present.has(id));
		expect(missing).toEqual([]);
		expect(acknowledged.length).toBeGreaterThan(rounds);
	}, 120_000);
});

describe('two writers', () => {
	it('interleaves whole lines from two processes appending concurrently', async () => {
		const file = path.join(dir, 'shared.jsonl');
		const children = [0, 1].map(tag => spawn(process.execPath, ['--import', 'tsx', childScript, file, `w${tag}`], {stdio: ['ignore', 'pipe', 'inherit']}));
		const counts = [0, 0];
		children.forEach((child, index) => child.stdout!.on('data', (chunk: Buffer) => {
			counts[index]! += chunk.toString().split('\n').length - 1;
		}));
		await waitFor(() => counts[0]! >= 200 && counts[1]! >= 200, {timeoutMs: 30_000, message: 'both writers appended 200 events'});
		await Promise.all(children.map(child => new Promise(resolve => {
			child.on('exit', resolve);
			child.kill('SIGTERM');
		})));
		const text = await readFile(file, 'utf8');
		const lines = text.split('\n').filter(Boolean);
		for (const row of lines) expect(() => JSON.parse(row)).not.toThrow();
		const authors = new Set(lines.map(row => (JSON.parse(row) as AnyTimelineEvent).by));
		expect(authors).toEqual(new Set(['child-w0@test', 'child-w1@test']));
	}, 60_000);

	it('follow() delivers the other journal instance\'s events, not its own, and stops on abort', async () => {
		const {alice, bob} = await twoOperators('follow.jsonl');
		const seen: AnyTimelineEvent[] = [];
		const warnings: string[] = [];
		const controller = new AbortController();
		bob.follow(events => seen.push(...events), controller.signal, 20, w => warnings.push(w));
		const mine = await bob.append('note.added', {text: 'bob here'});
		const theirs = await alice.append('note.added', {text: 'alice here'});
		await waitFor(() => seen.some(e => e.id === theirs.id), {message: "bob saw alice's note"});
		expect(seen.map(e => e.id)).toEqual([theirs.id]);
		expect(seen.some(e => e.id === mine.id)).toBe(false);
		controller.abort();
		const afterAbort = await alice.append('note.added', {text: 'unseen'});
		// A second follower with the same interval sees the event; by then a follower that failed to
		// stop would have delivered it too.
		const control: AnyTimelineEvent[] = [];
		const second = new AbortController();
		bob.follow(events => control.push(...events), second.signal, 20);
		const later = await alice.append('note.added', {text: 'for the control follower'});
		await waitFor(() => control.some(e => e.id === later.id), {message: 'the control follower saw the later note'});
		second.abort();
		expect(seen.some(e => e.id === afterAbort.id || e.id === later.id)).toBe(false);
		expect(warnings).toEqual([]);
	});

	it('follow() reads a change as fs.watch reports it, without waiting for the poll', async () => {
		const {alice, bob} = await twoOperators('watched.jsonl');
		const seen: AnyTimelineEvent[] = [];
		const controller = new AbortController();
		// A poll an hour apart: only the file watch can bring these within the wait's deadline.
		bob.follow(events => seen.push(...events), controller.signal, 3_600_000);
		try {
			for (const text of ['first', 'second', 'third']) {
				const note = await alice.append('note.added', {text});
				await waitFor(() => seen.some(e => e.id === note.id), {message: `bob saw "${text}"`});
			}
			expect(seen.map(e => (e.data as {text: string}).text)).toEqual(['first', 'second', 'third']);
		} finally {
			controller.abort();
		}
	});

	it('follow() buffers a partial last line until it is complete', async () => {
		const file = path.join(dir, 'partial.jsonl');
		const journal = await open(file);
		await journal.read();
		const seen: AnyTimelineEvent[] = [];
		const warnings: string[] = [];
		const controller = new AbortController();
		journal.follow(events => seen.push(...events), controller.signal, 10, w => warnings.push(w));
		const row = (id: string) => JSON.stringify({v: 1, id, at: '2026-11-22T03:00:00.000Z', by: 'x@y', type: 'note.added', data: {text: id}});
		// One complete line plus half of the next: once p1 arrives, the follower has read the half line too.
		await appendFile(file, `${row('p1')}\n${row('p2').slice(0, 25)}`);
		await waitFor(() => seen.length === 1, {message: 'the complete line was delivered'});
		await appendFile(file, `${row('p2').slice(25)}\n`);
		await waitFor(() => seen.length === 2, {message: 'the completed line was delivered'});
		expect(seen.map(e => e.id)).toEqual(['p1', 'p2']);
		expect(warnings).toEqual([]);
		controller.abort();
	});
});

describe('the journal’s code', () => {
	it('has no file over 400 lines and no function over 80', async () => {
		expect(await oversized(['source/timeline/journal*.ts'])).toEqual([]);
	});
});
