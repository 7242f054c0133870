import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {readFileSync} from 'node:fs';
import os from 'node:os';
import {performance} from 'node:perf_hooks';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {LocatedError} from '../../source/config/located-error.js';
import {listRunbooks, loadRunbook} from '../../source/runbook/library.js';
import {createRunbookParser} from '../../source/runbook/off-thread.js';

/**
 * Runbooks from `runbooks:` (and files named on the command line) are parsed in a worker thread,
 * one at a time, each under a deadline and a memory cap: the cockpit's keys keep working while a
 * wiki's 250 KB runbook parses, and a runbook the parser chokes on becomes a located error.
 */

const payments = readFileSync(fileURLToPath(new URL('../fixtures/runbooks/payments.md', import.meta.url)), 'utf8');

/** A real runbook grown to ~250 KB, inside every limit: it takes the parser seconds on a busy machine. */
function heavyRunbook(): string {
	let text = '---\nid: heavy\n---\n# Heavy\n';
	for (let n = 1; text.length < 250_000; n++) text += `\n## Part ${n}\n${payments.replace(/^---[\s\S]*?---\n/, '')}`;
	return text;
}

let dir: string;
beforeAll(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'incident-tui-off-thread-'));
});
afterAll(async () => rm(dir, {recursive: true, force: true}));

describe('runbooks load off the main thread', () => {
	it('the event loop keeps turning while a heavy runbook in runbooks: parses', async () => {
		const heavy = path.join(dir, 'heavy');
		await rm(heavy, {recursive: true, force: true});
		await import('node:fs/promises').then(fs => fs.mkdir(heavy));
		await writeFile(path.join(heavy, 'heavy.md'), heavyRunbook());
		// The main thread's event-loop utilization over the load: the share of the time its loop was
		// busy rather than waiting. A parse on the main thread keeps it busy for nearly all of the load
		// (close to 1); off the thread it waits for the worker. A ratio of the loop's own time, so a
		// busy machine (which slows both) does not change the verdict as a stall in milliseconds would.
		const before = performance.eventLoopUtilization();
		const {runbooks, errors} = await listRunbooks([heavy], {builtins: {}});
		const {utilization} = performance.eventLoopUtilization(before);
		expect(errors).toEqual([]);
		expect(runbooks.map(r => r.id)).toEqual(['heavy']);
		expect(runbooks[0]!.steps.length).toBeGreaterThan(1000);
		// Off the thread, the main loop is busy only reading the file and checking the limits.
		expect(utilization, `the main thread's loop was busy ${Math.round(utilization * 100)}% of the load`).toBeLessThan(0.5);
	}, 120_000);

	it('a runbook that misses the per-file deadline is a located error, and the parser starts again for the next one', async () => {
		const parser = createRunbookParser({deadlineMs: 1});
		try {
			const error = await parser.parse(heavyRunbook(), 'wiki/heavy.md').then(
				() => expect.unreachable(),
				(e: unknown) => e as LocatedError,
			);
			expect(error).toBeInstanceOf(LocatedError);
			expect(error.message).toBe('wiki/heavy.md:1: parsing took longer than 0.001 s, the limit for one runbook; split it into smaller runbooks');
			const small = await parser.parse('id: small\ntitle: Small\nsteps: [{title: Look}]\n', 'small.yaml', 'small.yaml', 60_000);
			expect(small).toMatchObject({id: 'small', title: 'Small', format: 'yaml', steps: [{title: 'Look'}]});
		} finally {
			parser.close();
		}
	}, 120_000);

	it('a runbook that needs more memory than the cap is a located error', async () => {
		// A deadline far away: on a busy machine the default 10 s could come before the memory runs out.
		const parser = createRunbookParser({memoryMb: 64, deadlineMs: 600_000});
		try {
			// 10,000 one-word list items: inside every limit, ~200 MB of the parser's events.
			const error = await parser.parse(`# Many\n\n${'- a\n'.repeat(9_990)}`, 'many.md').then(
				() => expect.unreachable(),
				(e: unknown) => e as LocatedError,
			);
			expect(error).toBeInstanceOf(LocatedError);
			expect(error.message).toBe('many.md:1: the parser ran out of its 64 MB of memory on this runbook; split it into smaller runbooks');
		} finally {
			parser.close();
		}
	}, 120_000);

	it('a runbook over the limits in runbooks: is refused at once with its line, and the others still load', async () => {
		const mixed = path.join(dir, 'mixed');
		await import('node:fs/promises').then(fs => fs.mkdir(mixed, {recursive: true}));
		await writeFile(path.join(mixed, 'a-huge.md'), `# Huge\n\n${'*a '.repeat(350_000)}\n`);
		await writeFile(path.join(mixed, 'b-deep.md'), `# Deep\n\n${'>'.repeat(5000)} a\n`);
		await writeFile(path.join(mixed, 'c-fine.md'), '# Fine\n\n- [ ] Look at the dashboard\n');
		await writeFile(path.join(mixed, 'd-fine.yaml'), 'id: d-fine\ntitle: D\nsteps: [{title: Look}]\n');
		const {runbooks, errors} = await listRunbooks([mixed], {builtins: {}});
		expect(runbooks.map(r => r.id)).toEqual(['c-fine', 'd-fine']);
		expect(errors.map(e => e.message)).toEqual([
			`${path.join(mixed, 'a-huge.md')}:3: the runbook passes 256 KiB on this line (it is 1.0 MiB); split it into smaller runbooks`,
			`${path.join(mixed, 'b-deep.md')}:3: quotes and lists nested more than 16 levels deep on this line`,
		]);
	}, 60_000);

	it('a file named by path loads through the worker too, and a broken one says where', async () => {
		const file = path.join(dir, 'named.md');
		await writeFile(file, '---\nid: named\n---\n# Named\n\n1. Check the pods\n   ```bash\n   kubectl get pods\n   ```\n');
		const runbook = await loadRunbook(file);
		expect(runbook).toMatchObject({id: 'named', source: file, steps: [{title: 'Check the pods', commands: [{script: 'kubectl get pods'}]}]});
		const broken = path.join(dir, 'broken.yaml');
		await writeFile(broken, 'id: broken\ntitle: B\nsteps: [{titel: x}]\n');
		await expect(loadRunbook(broken)).rejects.toThrowError(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3:\\d+: `));
	}, 60_000);
});
