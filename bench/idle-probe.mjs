#!/usr/bin/env node
/**
 * A narrow look at idle CPU and output, for comparing builds and trying changes quickly (not part of
 * `npm run bench`): starts bench/workload.ts, one cockpit in a 200x50 pseudo-terminal (as the bench
 * does), waits for every pod to be listed, focuses the Pods pane, then measures windows of
 * PROBE_WINDOW_S seconds (default 20): PROBE_LOUD windows with pod updates (default 2), then
 * PROBE_QUIET windows with the pod updates stopped (default 2). Prints one line per window: CPU (% of
 * a core, from /proc/<pid>/stat), bytes written per second and frames per second.
 *
 * PROBE_BUNDLE=file measures another build; PROBE_NO_NEW=1 leaves out `--new` (builds older than it);
 * PROBE_NODE_FLAGS passes flags to node (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`); PROBE_50K=1
 * runs the whole-cluster workload (-A). The workload's own BENCH_* variables apply.
 */
import {spawn, execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import xterm from '@xterm/headless';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = path.resolve(process.env.PROBE_BUNDLE ?? path.join(root, 'dist', 'incident-tui.mjs'));
const windowS = Number(process.env.PROBE_WINDOW_S ?? 20);
const loudWindows = Number(process.env.PROBE_LOUD ?? 2);
const quietWindows = Number(process.env.PROBE_QUIET ?? 2);
const big = process.env.PROBE_50K === '1';
const workloadEnv = big ? {BENCH_DEPLOYMENTS: '1000', BENCH_PODS_PER_DEPLOYMENT: '50', BENCH_NAMESPACES: '100', BENCH_UPDATES_PER_S: '1000'} : {};
const ticks = Number(execFileSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}).trim()) || 100;

async function until(condition, timeoutMs, what) {
	const deadline = performance.now() + timeoutMs;
	for (;;) {
		if (condition()) return;
		if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(20);
	}
}

function cpuSeconds(pid) {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return (Number(fields[11]) + Number(fields[12])) / ticks;
}

function nodeUnder(pid) {
	const queue = [pid];
	while (queue.length > 0) {
		const next = queue.shift();
		let comm = '';
		try {
			comm = readFileSync(`/proc/${next}/comm`, 'utf8').trim();
		} catch {}
		if (next !== pid && comm === 'node') return next;
		try {
			for (const task of readdirSync(`/proc/${next}/task`)) queue.push(...readFileSync(`/proc/${next}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
		} catch {}
	}
	return undefined;
}

const workload = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench', 'workload.ts')], {cwd: root, env: {...process.env, ...workloadEnv}, stdio: ['pipe', 'pipe', 'inherit']});
let workloadOut = '';
workload.stdout.on('data', chunk => (workloadOut += chunk));
await until(() => workloadOut.includes('\n'), 120_000, 'the workload');
const described = JSON.parse(workloadOut.split('\n')[0]);
const home = mkdtempSync(path.join(os.tmpdir(), 'incident-tui-probe-'));
const env = {...process.env, TERM: 'xterm-256color', COLORTERM: 'truecolor', HOME: home, XDG_STATE_HOME: path.join(home, 'state'), XDG_CACHE_HOME: path.join(home, 'cache'), LANG: process.env.LANG ?? 'C.UTF-8'};
for (const name of ['CI', 'CONTINUOUS_INTEGRATION', 'NO_COLOR', 'FORCE_COLOR', 'KUBECONFIG', 'NODE_OPTIONS', 'INCIDENT_TUI_CODE_CACHE']) delete env[name];
const quote = value => `'${value.replaceAll("'", "'\\''")}'`;
const args = [...(process.env.PROBE_NO_NEW === '1' ? [] : ['--new']), ...(big ? ['-A'] : [])];
const command = `stty cols 200 rows 50; exec ${quote(process.execPath)} ${process.env.PROBE_NODE_FLAGS ?? ''} ${quote(bundle)} --config ${quote(described.config)} ${args.join(' ')}`;
const terminal = new xterm.Terminal({cols: 200, rows: 50, allowProposedApi: true, scrollback: 0});
const child = spawn('script', ['-qfec', command, '/dev/null'], {cwd: home, env, stdio: ['pipe', 'pipe', 'pipe']});
let bytes = 0;
let frames = 0;
child.stdout.on('data', chunk => {
	bytes += chunk.length;
	if (chunk.includes('\u001B[?2026l')) frames++;
	terminal.write(chunk);
});
const lines = () => {
	const buffer = terminal.buffer.active;
	const out = [];
	for (let y = 0; y < 50; y++) out.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
	return out;
};
const started = performance.now();
try {
	await until(() => lines().some(line => line.includes(' 3 Pods ') && line.includes(`${described.pods} pods`)), 120_000, 'every pod listed');
	const listedCpu = cpuSeconds(nodeUnder(child.pid));
	process.stdout.write(`all ${described.pods} pods listed after ${((performance.now() - started) / 1000).toFixed(1)} s, ${listedCpu.toFixed(2)} s of CPU since start\n`);
	child.stdin.write('3');
	await sleep(3000);
	const pid = nodeUnder(child.pid);
	const threads = () => {
		const out = new Map();
		for (const task of readdirSync(`/proc/${pid}/task`)) {
			try {
				out.set(`${task} ${readFileSync(`/proc/${pid}/task/${task}/comm`, 'utf8').trim()}`, cpuSeconds(`${pid}/task/${task}`));
			} catch {}
		}
		return out;
	};
	const measure = async label => {
		const threads0 = threads();
		const cpu0 = cpuSeconds(pid);
		const bytes0 = bytes;
		const frames0 = frames;
		const t0 = performance.now();
		await sleep(windowS * 1000);
		const s = (performance.now() - t0) / 1000;
		process.stdout.write(`${label} at ${((t0 - started) / 1000).toFixed(0)} s: cpu ${(((cpuSeconds(pid) - cpu0) / s) * 100).toFixed(2)} %, ${((bytes - bytes0) / s).toFixed(0)} B/s, ${((frames - frames0) / s).toFixed(2)} frames/s, load ${os.loadavg()[0].toFixed(2)}\n`);
		if (process.env.PROBE_THREADS === '1') {
			for (const [name, cpu] of threads()) {
				const used = cpu - (threads0.get(name) ?? 0);
				if (used > 0) process.stdout.write(`  ${name}: ${((used / s) * 100).toFixed(2)} %\n`);
			}
		}
	};
	for (let i = 0; i < loudWindows; i++) await measure('loud');
	workload.stdin.write('quiet\n');
	await sleep(5000);
	for (let i = 0; i < quietWindows; i++) await measure('quiet');
	if (process.env.PROBE_SCREEN === '1') process.stdout.write(`${lines().join('\n')}\n`);
} finally {
	const pid = nodeUnder(child.pid);
	if (pid) process.kill(pid, 'SIGTERM');
	await Promise.race([new Promise(resolve => child.once('exit', resolve)), sleep(5000)]);
	workload.stdin.end();
	workload.kill('SIGTERM');
	rmSync(home, {recursive: true, force: true});
}
