import {execFile} from 'node:child_process';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {describe, expect, it} from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs an ES module script in a child node (the functions under test change process-wide V8 flags); returns what it prints as a number. */
async function childNumber(script: string): Promise<number> {
	const {stdout} = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {cwd: root, timeout: 60_000});
	return Number(stdout);
}

const heapModule = JSON.stringify(path.join(root, 'source/session/heap.ts'));

/**
 * Runs a child node that keeps many young objects alive (as listing 10,000 pods does) and reports
 * the largest new space it saw. A child, because the cap changes a process-wide V8 flag.
 */
async function largestNewSpaceMb(capped: boolean): Promise<number> {
	return childNumber(`
		import v8 from 'node:v8';
		import {capYoungGeneration} from ${heapModule};
		if (${capped}) capYoungGeneration(8);
		const newSpace = () => v8.getHeapSpaceStatistics().find(s => s.space_name === 'new_space').space_size;
		let largest = newSpace();
		let kept = [];
		for (let round = 0; round < 60; round++) {
			// Objects that survive a few scavenges: V8 grows new space when many survive.
			for (let i = 0; i < 20000; i++) kept.push({name: 'pod-' + round + '-' + i, restarts: i});
			if (kept.length > 200000) kept = kept.slice(100000);
			largest = Math.max(largest, newSpace());
			// Let the cap's GC observer run between bursts, as the cockpit's event loop does.
			await new Promise(resolve => setTimeout(resolve, 15));
		}
		process.stdout.write(String(largest / 1024 / 1024));
	`);
}

describe('capYoungGeneration', () => {
	it('keeps new space at the cap where V8 alone grows it past', async () => {
		const [free, capped] = await Promise.all([largestNewSpaceMb(false), largestNewSpaceMb(true)]);
		expect(free, 'without the cap V8 grows new space past 8 MB (else this test proves nothing)').toBeGreaterThan(8);
		expect(capped).toBeLessThanOrEqual(8);
	}, 90_000);
});

/** Runs a child node whose old generation fills with objects that live a while and die (promoted garbage). */
async function largestOldSpaceMb(limited: boolean): Promise<number> {
	return childNumber(`
		import v8 from 'node:v8';
		import {limitOldGenerationGrowth} from ${heapModule};
		if (${limited}) limitOldGenerationGrowth(25);
		const oldSpace = () => v8.getHeapSpaceStatistics().find(s => s.space_name === 'old_space').space_size;
		const live = Array.from({length: 200000}, (_, i) => ({name: 'pod-' + i, n: i}));
		let largest = 0;
		const queue = [];
		for (let round = 0; round < 400; round++) {
			for (let i = 0; i < 10000; i++) queue.push({round, i, text: 'row ' + round + ' ' + i});
			if (queue.length > 100000) queue.splice(0, 10000);
			largest = Math.max(largest, oldSpace());
			await new Promise(resolve => setImmediate(resolve));
		}
		process.stdout.write(String(largest / 1024 / 1024 + 0 * live.length));
	`);
}

describe('limitOldGenerationGrowth', () => {
	it('keeps the old generation much closer to what is live than V8 alone does', async () => {
		const [free, limited] = await Promise.all([largestOldSpaceMb(false), largestOldSpaceMb(true)]);
		// About 25 MB stay live; V8 alone lets the old generation reach 120-130 MB here, limited it stays near 50.
		expect(free, 'without the limit the old generation grows well past what is live (else this test proves nothing)').toBeGreaterThan(90);
		expect(limited).toBeLessThan(free * 0.6);
	}, 90_000);
});
