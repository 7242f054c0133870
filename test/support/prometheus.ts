import {spawn, type ChildProcess} from 'node:child_process';
import {accessSync, constants} from 'node:fs';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {delimiter, join} from 'node:path';
import {closedPort} from '../clients/local-server.js';
import {waitFor} from './wait.js';

export const installHint = 'apt-get update && apt-get install -y --no-install-recommends prometheus';

/** The prometheus binary on PATH or at /usr/bin/prometheus, or null. */
export function findPrometheus(): string | null {
	const candidates = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map(dir => join(dir, 'prometheus')), '/usr/bin/prometheus'];
	for (const candidate of candidates) {
		try {
			accessSync(candidate, constants.X_OK);
			return candidate;
		} catch {
			// try the next one
		}
	}
	return null;
}

export interface RunningPrometheus {
	url: string;
	close(): Promise<void>;
	/** What the process wrote, for failure messages. */
	output(): string;
}

/**
 * Starts a real Prometheus on a free loopback port with a temporary config and data directory,
 * scraping `targets` (host:port) every second. Resolves once /-/ready answers.
 */
export async function startPrometheus(binary: string, targets: string[], options: {scrapeIntervalS?: number} = {}): Promise<RunningPrometheus> {
	const dir = await mkdtemp(join(tmpdir(), 'incident-tui-prom-'));
	const interval = `${options.scrapeIntervalS ?? 1}s`;
	const config = [
		'global:',
		`  scrape_interval: ${interval}`,
		`  evaluation_interval: ${interval}`,
		'scrape_configs:',
		'  - job_name: app',
		'    static_configs:',
		`      - targets: [${targets.map(t => JSON.stringify(t)).join(', ')}]`,
		'',
	].join('\n');
	await writeFile(join(dir, 'prometheus.yml'), config);
	const port = await closedPort();
	const child: ChildProcess = spawn(
		binary,
		[`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
		{stdio: ['ignore', 'pipe', 'pipe']},
	);
	let output = '';
	const keep = (chunk: Buffer) => {
		output = (output + chunk.toString()).slice(-20_000);
	};
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	let exited = false;
	const exit = new Promise<void>(resolve => child.once('exit', () => ((exited = true), resolve())));
	const url = `http://127.0.0.1:${port}`;

	const close = async () => {
		if (!exited) {
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
			await exit;
			clearTimeout(timer);
		}
		await rm(dir, {recursive: true, force: true});
	};

	try {
		await waitFor(
			async () => {
				if (exited) throw new Error(`prometheus exited early:\n${output}`);
				const res = await fetch(`${url}/-/ready`).catch(() => null);
				return res?.ok ?? false;
			},
			{timeoutMs: 20_000, intervalMs: 100, message: `prometheus on ${url} did not become ready`},
		);
	} catch (error) {
		await close();
		throw error;
	}
	return {url, close, output: () => output};
}
