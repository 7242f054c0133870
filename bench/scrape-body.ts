/**
 * Micro-benchmark: direct scrape mode against one target with a very large body: 450,000 series,
 * about 7 MB, over HTTP on loopback, with the default series limit (20,000). Reports, for the first
 * scrape and for the next ones: how long the scrape took, the longest the event loop was held
 * (what a key pressed meanwhile waits), the series kept and what the target's state says, and the
 * RSS after.
 * Run: node --import tsx bench/scrape-body.ts   (SCRAPE_SERIES=450000, SCRAPE_ROUNDS=5)
 */
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {ScrapeMetrics} from '../source/clients/scrape/metrics.js';

const seriesCount = Number(process.env.SCRAPE_SERIES ?? 450_000);
const rounds = Number(process.env.SCRAPE_ROUNDS ?? 5);

/** About 16 bytes a series, as in the body the issue measured (450,000 series in 7 MB). */
function body(n: number, round: number): Buffer {
	const chunks: Buffer[] = [Buffer.from('# TYPE r counter\n')];
	let lines: string[] = [];
	for (let i = 0; i < n; i++) {
		lines.push(`r{i="${i}"} ${round}`);
		if (lines.length === 10_000) {
			chunks.push(Buffer.from(`${lines.join('\n')}\n`));
			lines = [];
		}
	}
	chunks.push(Buffer.from(lines.length ? `${lines.join('\n')}\n` : ''));
	return Buffer.concat(chunks);
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * The longest the event loop went without a turn while `work` ran: what a key pressed meanwhile
 * would wait. A setImmediate chain notes each turn (perf_hooks' monitorEventLoopDelay missed a
 * scrape that held the loop for seconds).
 */
async function longestBlock<T>(work: () => Promise<T>): Promise<{value: T; blockMs: number}> {
	let last = performance.now();
	let blockMs = 0;
	let running = true;
	const turn = () => {
		const now = performance.now();
		blockMs = Math.max(blockMs, now - last);
		last = now;
		if (running) setImmediate(turn);
	};
	setImmediate(turn);
	try {
		const value = await work();
		turn();
		return {value, blockMs};
	} finally {
		running = false;
	}
}

async function main(): Promise<void> {
	let round = 0;
	// Two bodies made beforehand, the values differing, served in turn.
	const bodies = [body(seriesCount, 1), body(seriesCount, 2)];
	let current = bodies[0]!;
	const server = http.createServer((_req, res) => {
		res.setHeader('content-type', 'text/plain; version=0.0.4');
		res.end(current);
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	const metrics = new ScrapeMetrics({targets: [{name: 'big', url: `http://127.0.0.1:${port}/metrics`, timeoutMs: 30_000}]});
	// httpGet's default body cap (8 MiB) is reached at about 500,000 such series.
	console.log(`body: ${seriesCount} series, ${mb(current.length)}; rss at start ${mb(process.memoryUsage().rss)}`);
	const signal = new AbortController().signal;
	// What a busy machine alone does to the event loop, over 1 s of doing nothing.
	const idle = await longestBlock(() => new Promise(resolve => setTimeout(resolve, 1000)));
	console.log(`idle: longest event-loop block ${idle.blockMs.toFixed(1)} ms over 1 s, doing nothing`);
	for (round = 0; round < rounds; round++) {
		current = bodies[round % 2]!;
		const started = performance.now();
		const {blockMs} = await longestBlock(() => metrics.scrapeOnce(signal));
		const took = performance.now() - started;
		const state = metrics.targetStates()[0]!;
		console.log(
			`scrape ${round + 1}: ${took.toFixed(0)} ms, longest event-loop block ${blockMs.toFixed(1)} ms, ` +
				`${metrics.seriesCount} series kept, state ${state.health}${state.warning ? ` (${state.warning})` : ''}, rss ${mb(process.memoryUsage().rss)}, heap used ${mb(process.memoryUsage().heapUsed)}`,
		);
	}
	server.close();
}

await main();
