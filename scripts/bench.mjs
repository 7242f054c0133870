#!/usr/bin/env node
/**
 * `npm run bench`: runs the bundled cockpit (dist/incident-tui.mjs, built when missing or stale) in
 * a pseudo-terminal against the generated workload of bench/workload.ts, reads everything it writes
 * through a terminal emulator (@xterm/headless) to know what the screen shows and when, and prints
 * one line per figure, `name value unit`, plus bench/results/latest.json.
 *
 * The pseudo-terminal is util-linux `script`, driven through pipes (node-pty would need a native
 * build): `script -qfec "stty cols 200 rows 50; exec node dist/incident-tui.mjs --config X" /dev/null`.
 * CPU and memory come from /proc/<pid> of the node process itself (Linux only).
 *
 * BENCH_BUNDLE=file measures another build; BENCH_NODE_FLAGS="--max-semi-space-size=4" passes flags to node. BENCH_UPDATES_PER_S, BENCH_DEPLOYMENTS, ... change the
 * workload (see bench/workload.ts).
 *
 * BENCH_QUICK=1: a shorter smoke run (fewer keys, 5 s windows, RSS at the end): same figure names,
 * not comparable with the targets.
 *
 * Two workloads, one after the other: today's (10,000 pods in one namespace, 200 updates/s) and the
 * whole-cluster one (50,000 pods in 1,000 deployments across 100 namespaces, 1,000 updates/s, watched
 * with -A: cluster-scoped lists in pages of 500 and watches with bookmarks); the second's figures carry
 * the suffix `_50k`. BENCH_ONLY=10k or BENCH_ONLY=50k runs one of them.
 */
import {spawn, execFileSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import xterm from '@xterm/headless';

const root = fileURLToPath(new URL('..', import.meta.url));
/** BENCH_BUNDLE=file: measure that build instead (e.g. to compare two builds); it is never rebuilt. */
const bundle = process.env.BENCH_BUNDLE ? path.resolve(process.env.BENCH_BUNDLE) : path.join(root, 'dist', 'incident-tui.mjs');
const quick = process.env.BENCH_QUICK === '1';
const COLUMNS = 200;
const ROWS = 50;

const plan = quick
	? {keys: 100, idleSeconds: 5, rssAtSeconds: 0, scrollSeconds: 3, starts: 2, settledAtSeconds: 0, floorAtSeconds: 2}
	: {keys: 600, idleSeconds: 30, rssAtSeconds: 60, scrollSeconds: 10, starts: 7, settledAtSeconds: 240, floorAtSeconds: 17};

/** The figures of a workload, in print order, with their unit and the issue's targets (10k, 50k; null: no target). */
const figures = [
	{name: 'first_frame_ms', unit: 'ms', target: 200, target50k: 300},
	{name: 'first_frame_cold_ms', unit: 'ms', target: null, target50k: null},
	{name: 'all_pods_listed_ms', unit: 'ms', target: 1500, target50k: 4000},
	{name: 'key_to_frame_ms_p50', unit: 'ms', target: null, target50k: null},
	{name: 'key_to_frame_ms_p99', unit: 'ms', target: 20, target50k: 30},
	{name: 'idle_cpu_pct', unit: '%', target: null, target50k: null},
	{name: 'idle_cpu_pct_settled', unit: '%', target: null, target50k: null},
	{name: 'io_floor_cpu_pct', unit: '%', target: null, target50k: null},
	{name: 'idle_cpu_added_pct', unit: '%', target: 0.3, target50k: 1},
	{name: 'idle_cpu_quiet_pct', unit: '%', target: 0.1, target50k: 0.2},
	{name: 'io_floor_quiet_cpu_pct', unit: '%', target: null, target50k: null},
	{name: 'rss_mb', unit: 'MB', target: 120, target50k: 220},
	{name: 'rss_per_pod_bytes', unit: 'B', target: null, target50k: null},
	{name: 'output_bytes_per_s_idle', unit: 'B/s', target: 1000, target50k: 1000},
	{name: 'output_bytes_per_s_idle_settled', unit: 'B/s', target: 1000, target50k: 1000},
	{name: 'output_bytes_per_key_p99', unit: 'B', target: 2000, target50k: 2000},
	{name: 'output_bytes_per_s_scroll', unit: 'B/s', target: null, target50k: null},
];

/** The two workloads (bench/workload.ts's environment), the second's figures named with its suffix. */
const workloads = [
	{id: '10k', suffix: '', env: {}},
	{id: '50k', suffix: '_50k', env: {BENCH_DEPLOYMENTS: '1000', BENCH_PODS_PER_DEPLOYMENT: '50', BENCH_NAMESPACES: '100', BENCH_UPDATES_PER_S: '1000'}, args: ['-A']},
].filter(w => !process.env.BENCH_ONLY || process.env.BENCH_ONLY === w.id);

const log = message => process.stderr.write(`bench: ${message}\n`);

/** XDG_CACHE_HOME of every cockpit a run starts: where the bundle keeps its V8 code cache. */
let codeCacheHome;

class BenchError extends Error {}

/** Waits for `condition` to hold, polling; throws with `what` after `timeoutMs`. */
async function until(condition, timeoutMs, what) {
	const deadline = performance.now() + timeoutMs;
	for (;;) {
		const value = condition();
		if (value) return value;
		if (performance.now() > deadline) throw new BenchError(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(5);
	}
}

// ---------------------------------------------------------------- build

function newestMtime(target) {
	if (!existsSync(target)) return 0;
	const info = statSync(target);
	if (!info.isDirectory()) return info.mtimeMs;
	let newest = info.mtimeMs;
	for (const name of readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, name)));
	return newest;
}

async function ensureBundle() {
	if (process.env.BENCH_BUNDLE) {
		if (!existsSync(bundle)) throw new BenchError(`BENCH_BUNDLE=${process.env.BENCH_BUNDLE}: no such file`);
		return;
	}
	const inputs = ['cli.tsx', 'source', 'runbooks', 'package-lock.json', 'scripts/build.mjs', 'patches'].map(p => path.join(root, p));
	const built = existsSync(bundle) ? statSync(bundle).mtimeMs : 0;
	if (built > 0 && inputs.every(input => newestMtime(input) <= built)) return;
	log(built ? 'sources changed since the last build: rebuilding' : 'no dist/incident-tui.mjs yet: building');
	const {buildBundle} = await import('./build.mjs');
	await buildBundle();
}

// ---------------------------------------------------------------- processes

/** Starts bench/workload.ts in its own node process; resolves with what it printed when ready. */
async function startWorkload(extraEnv = {}) {
	const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench', 'workload.ts')], {cwd: root, env: {...process.env, ...extraEnv}, stdio: ['pipe', 'pipe', 'inherit']});
	let out = '';
	const described = await new Promise((resolve, reject) => {
		child.stdout.on('data', chunk => {
			out += chunk;
			const line = out.split('\n')[0];
			if (out.includes('\n')) {
				try {
					resolve(JSON.parse(line));
				} catch {
					reject(new BenchError(`the workload printed something other than JSON: ${line}`));
				}
			}
		});
		child.once('exit', code => reject(new BenchError(`the workload exited with code ${code} before it was ready`)));
		child.once('error', reject);
	});
	return {
		...described,
		/** A quiet cluster (no pod updates), or updates again. */
		quiet(on) {
			child.stdin.write(on ? 'quiet\n' : 'loud\n');
		},
		async stop() {
			if (child.exitCode !== null) return;
			const exited = new Promise(resolve => child.once('exit', resolve));
			child.stdin.end();
			child.kill('SIGTERM');
			await Promise.race([exited, sleep(5000).then(() => child.kill('SIGKILL'))]);
		},
	};
}

function childrenOf(pid) {
	try {
		return readdirSync(`/proc/${pid}/task`).flatMap(task =>
			readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
		);
	} catch {
		return [];
	}
}

function commOf(pid) {
	try {
		return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
	} catch {
		return '';
	}
}

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid, ticksPerSecond) {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	// Fields after the command name (which may hold spaces) start at field 3; utime is 14, stime 15.
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

function rssMegabytes(pid) {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
	return kb / 1024;
}

/**
 * The I/O floor (bench/io-floor.ts): a process doing only the workload's I/O with the cockpit's own
 * I/O code. Built into one file with esbuild, as the cockpit is, and run with plain node. Returns
 * its CPU (% of a core) over one idle window starting `plan.floorAtSeconds` after it is ready (the
 * first idle window's place in the cockpit's life), and what it received meanwhile.
 */
async function measureIoFloor(configPath, dir, ticksPerSecond, workload) {
	const esbuild = await import('esbuild');
	const script = path.join(dir, 'io-floor.mjs');
	await esbuild.build({
		entryPoints: [path.join(root, 'bench', 'io-floor.ts')],
		outfile: script,
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		banner: {js: "import {createRequire} from 'node:module'; const require = createRequire(import.meta.url);"},
		logLevel: 'warning',
	});
	const child = spawn(process.execPath, [script, configPath], {stdio: ['pipe', 'pipe', 'inherit']});
	let out = '';
	child.stdout.on('data', chunk => (out += chunk));
	let exitCode;
	const exited = new Promise(resolve => child.once('exit', code => resolve((exitCode = code))));
	try {
		await until(() => out.includes('ready\n') || exitCode !== undefined, 60_000, 'the I/O floor process to start');
		if (!out.includes('ready\n')) throw new BenchError(`the I/O floor process exited with code ${exitCode} before it was ready`);
		await sleep(plan.floorAtSeconds * 1000);
		const cpuStart = cpuSeconds(child.pid, ticksPerSecond);
		const start = performance.now();
		await sleep(plan.idleSeconds * 1000);
		const cpuPct = ((cpuSeconds(child.pid, ticksPerSecond) - cpuStart) / ((performance.now() - start) / 1000)) * 100;
		// The quiet cluster's floor: no pod updates; the health checks and queries go on, as in the cockpit's quiet window.
		workload.quiet(true);
		await sleep(5000);
		const quietStart = cpuSeconds(child.pid, ticksPerSecond);
		const quietAt = performance.now();
		await sleep(plan.idleSeconds * 1000);
		const quietPct = ((cpuSeconds(child.pid, ticksPerSecond) - quietStart) / ((performance.now() - quietAt) / 1000)) * 100;
		workload.quiet(false);
		child.stdin.end();
		await Promise.race([exited, sleep(5000)]);
		const summary = out.split('\n').find(line => line.startsWith('{'));
		return {cpuPct, quietPct, received: summary ? JSON.parse(summary) : null};
	} finally {
		if (child.exitCode === null) child.kill('SIGKILL');
	}
}

/** The cockpit in a pseudo-terminal, with a terminal emulator reading its output. */
function startCockpit(configPath, home, args = []) {
	// --new: the starts share the workload's state directory, and a start must never stop at the
	// question whether to resume the incident an earlier start left open.
	// Every start of a run shares one code cache directory, empty when the run begins (see the starts).
	const env = {...process.env, TERM: 'xterm-256color', COLORTERM: 'truecolor', HOME: home, XDG_STATE_HOME: path.join(home, 'state'), XDG_CACHE_HOME: codeCacheHome, LANG: process.env.LANG ?? 'C.UTF-8'};
	// Ink draws nothing until exit when it thinks it runs in CI; the code cache runs as it would for a user.
	for (const name of ['CI', 'CONTINUOUS_INTEGRATION', 'NO_COLOR', 'FORCE_COLOR', 'KUBECONFIG', 'NODE_OPTIONS', 'INCIDENT_TUI_CODE_CACHE']) delete env[name];
	const quote = value => `'${value.replaceAll("'", "'\\''")}'`;
	// Run the bundle as its shebang would (`#!/usr/bin/env -S node FLAGS`), with this node binary.
	const shebang = readFileSync(bundle, 'utf8').slice(0, 200).split('\n')[0];
	const shebangFlags = shebang.startsWith('#!/usr/bin/env -S node') ? shebang.slice('#!/usr/bin/env -S node'.length) : '';
	const nodeFlags = `${shebangFlags} ${process.env.BENCH_NODE_FLAGS ?? ''}`.split(/\s+/).filter(Boolean).map(quote).join(' ');
	const command = `stty cols ${COLUMNS} rows ${ROWS}; exec ${quote(process.execPath)} ${nodeFlags} ${quote(bundle)} --config ${quote(configPath)} --new${args.map(arg => ` ${quote(arg)}`).join('')}`;
	const terminal = new xterm.Terminal({cols: COLUMNS, rows: ROWS, allowProposedApi: true, scrollback: 0});
	const startedAt = performance.now();
	const child = spawn('script', ['-qfec', command, '/dev/null'], {cwd: home, env, stdio: ['pipe', 'pipe', 'pipe']});
	let stderr = '';
	child.stderr.on('data', chunk => (stderr += chunk));

	const state = {
		bytes: 0,
		/** Called after each chunk is parsed, with the time the chunk arrived. */
		onParsed: undefined,
		/** Arrival time of the most recently parsed chunk that ended a synchronized frame (ESU). */
		lastFrameEndAt: 0,
	};
	child.stdout.on('data', chunk => {
		const arrivedAt = performance.now();
		state.bytes += chunk.length;
		const endsFrame = chunk.includes('\u001B[?2026l');
		terminal.write(chunk, () => {
			if (endsFrame) state.lastFrameEndAt = arrivedAt;
			state.onParsed?.(arrivedAt, endsFrame);
		});
	});
	const exited = new Promise(resolve => child.once('exit', code => resolve(code)));

	return {
		child,
		startedAt,
		state,
		exited,
		stderr: () => stderr,
		write: data => child.stdin.write(data),
		/** Rows of the screen as text. */
		lines() {
			const buffer = terminal.buffer.active;
			const out = [];
			for (let y = 0; y < ROWS; y++) out.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
			return out;
		},
		/** The pane whose title cell is drawn inverse (the focused one), or null. */
		focusedPane() {
			const buffer = terminal.buffer.active;
			for (let y = 0; y < ROWS; y++) {
				const line = buffer.getLine(buffer.viewportY + y);
				if (!line) continue;
				const text = line.translateToString(true);
				for (const match of text.matchAll(/[ ▶]([1-5]) (Health|Metrics|Pods|Runbook|Timeline) /g)) {
					const cell = line.getCell(match.index + 1);
					if (cell?.isInverse()) return match[2];
				}
			}
			return null;
		},
		/** Resolves at the arrival time of the first chunk, from now on, after which `predicate()` holds and a frame has ended. */
		waitFor(predicate, timeoutMs, what) {
			return new Promise((resolve, reject) => {
				let matchedAt = 0;
				const timer = setTimeout(() => {
					state.onParsed = undefined;
					reject(new BenchError(`timed out after ${timeoutMs} ms waiting for ${what}; screen:\n${this.lines().join('\n')}`));
				}, timeoutMs);
				state.onParsed = (arrivedAt, endsFrame) => {
					if (!matchedAt && predicate()) matchedAt = arrivedAt;
					if (matchedAt && endsFrame) {
						clearTimeout(timer);
						state.onParsed = undefined;
						resolve(arrivedAt);
					}
				};
			});
		},
		/** The node process inside the pseudo-terminal (script -> sh -> exec node). */
		async nodePid() {
			return until(
				() => {
					const queue = [child.pid];
					while (queue.length > 0) {
						const pid = queue.shift();
						if (pid !== child.pid && commOf(pid) === 'node') return pid;
						queue.push(...childrenOf(pid));
					}
					return undefined;
				},
				10_000,
				'the node process under script',
			);
		},
	};
}

/** Stops a cockpit started by startCockpit: SIGTERM to node (it unmounts and saves), SIGKILL after 5 s. */
async function stopCockpit(cockpit) {
	const pid = (() => {
		const queue = [cockpit.child.pid];
		while (queue.length > 0) {
			const next = queue.shift();
			if (next !== cockpit.child.pid && commOf(next) === 'node') return next;
			queue.push(...childrenOf(next));
		}
		return undefined;
	})();
	if (pid) process.kill(pid, 'SIGTERM');
	else cockpit.child.kill('SIGTERM');
	await Promise.race([cockpit.exited, sleep(5000).then(() => cockpit.child.kill('SIGKILL'))]);
}

const paneTitles = ['1 Health', '2 Metrics', '3 Pods', '4 Runbook', '5 Timeline'];

/** Time from spawning to the first frame showing all five pane titles. */
async function timeFirstFrame(cockpit) {
	const allPanes = () => {
		const text = cockpit.lines().join('\n');
		return paneTitles.every(title => text.includes(title));
	};
	const firstFrameAt = await cockpit.waitFor(allPanes, 20_000, 'the first frame (all five pane titles)').catch(error => {
		throw new BenchError(`${error.message}\nstderr: ${cockpit.stderr()}`);
	});
	return firstFrameAt - cockpit.startedAt;
}

// ---------------------------------------------------------------- measurements

/** The selected row of the focused list: its screen row and its first two words (names, not counters). */
function selectionSignature(lines) {
	for (const [y, line] of lines.entries()) {
		const at = line.indexOf('▶ ');
		if (at < 0 || /▶ ?[1-5] (Health|Metrics|Pods|Runbook|Timeline) /.test(line.slice(at))) continue;
		return `${y}:${line.slice(at + 2).trim().split(/\s+/).slice(0, 2).join(' ')}`;
	}
	return null;
}

function percentile(sorted, p) {
	if (sorted.length === 0) return NaN;
	const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[index];
}

const DOWN = '\u001B[B';
const helpTitle = 'Keys — ? or esc closes';

/**
 * Sends `count` keys one at a time, each after the frame of the previous one plus a short random
 * pause (like a person, not a key-repeat flood), and times each from the write to the arrival of
 * the frame that shows it. Mix: selection moves in the pods pane (most), pane switches, help,
 * and filtering the pods as you type.
 */
async function measureKeys(cockpit, count) {
	const samples = {move: [], pane: [], help: [], filter: [], bytes: [], bytesByKind: {move: [], pane: [], help: [], filter: []}};
	let sent = 0;
	const press = async (kind, data, predicate, what) => {
		const before = performance.now();
		const bytesBefore = cockpit.state.bytes;
		const arrived = cockpit.waitFor(predicate, 3000, what);
		cockpit.write(data);
		samples[kind].push((await arrived) - before);
		// What the key cost on the wire: every byte written from the key to the frame that shows it.
		samples.bytes.push(cockpit.state.bytes - bytesBefore);
		samples.bytesByKind[kind].push(cockpit.state.bytes - bytesBefore);
		sent++;
		await sleep(5 + Math.random() * 30);
	};
	while (sent < count) {
		for (let i = 0; i < 16 && sent < count; i++) {
			const previous = selectionSignature(cockpit.lines());
			await press('move', DOWN, () => selectionSignature(cockpit.lines()) !== previous, 'the selection to move down');
		}
		if (sent >= count) break;
		await press('pane', '5', () => cockpit.focusedPane() === 'Timeline', 'the Timeline pane to take focus');
		await press('pane', '3', () => cockpit.focusedPane() === 'Pods', 'the Pods pane to take focus');
		if (sent >= count) break;
		await press('help', '?', () => cockpit.lines().some(line => line.includes(helpTitle)), 'the help overlay to open');
		await press('help', '?', () => !cockpit.lines().some(line => line.includes(helpTitle)), 'the help overlay to close');
		if (sent >= count) break;
		// Filtering the 10,000 pods as you type: `/`, one character (the pane narrows live), enter;
		// then `/`, backspace (the filter is gone), enter.
		const podsTitle = () => cockpit.lines().find(line => line.includes(' 3 Pods ')) ?? '';
		const footerFilter = () => cockpit.lines().some(line => line.includes('filter pods · enter keep'));
		await press('filter', '/', footerFilter, 'the filter line to open');
		await press('filter', '7', () => podsTitle().includes('/7'), 'the pods pane to filter on "7"');
		await press('filter', '\r', () => !footerFilter(), 'the filter line to close');
		await press('filter', '/', footerFilter, 'the filter line to open');
		await press('filter', '\u007F', () => !podsTitle().includes('/7'), 'the filter to clear');
		await press('filter', '\r', () => !footerFilter(), 'the filter line to close');
	}
	return samples;
}

/**
 * A 100 KB paste into the note prompt, as a terminal hands it over (4 KB reads): from the first
 * chunk written to the frame that says how much of it the note keeps. Then esc drops the note.
 */
async function measurePaste(cockpit) {
	const promptTitle = 'Add a note to the timeline';
	const opened = cockpit.waitFor(() => cockpit.lines().some(line => line.includes(promptTitle)), 3000, 'the note prompt to open');
	cockpit.write('n');
	await opened;
	const paste = `${'incident notes '.repeat(6)}end of line. `.repeat(1100);
	const started = performance.now();
	const limited = cockpit.waitFor(() => cockpit.lines().some(line => line.includes('more were not added')), 120_000, 'the pasted note to be taken');
	for (let at = 0; at < paste.length; at += 4096) cockpit.write(paste.slice(at, at + 4096));
	const took = (await limited) - started;
	const closed = cockpit.waitFor(() => !cockpit.lines().some(line => line.includes(promptTitle)), 3000, 'the note prompt to close');
	cockpit.write('\u001B');
	await closed;
	return took;
}

function machine() {
	const cpus = os.cpus();
	let free = '';
	try {
		free = execFileSync('free', ['-h'], {encoding: 'utf8'}).trim();
	} catch {
		free = `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB total`;
	}
	return {nproc: os.availableParallelism(), cpu: cpus[0]?.model ?? 'unknown', memory: free, node: process.version, kernel: os.release(), loadavg: os.loadavg().map(n => Math.round(n * 100) / 100)};
}

/** Runs the cockpit against one workload and measures it; the figures without their suffix. */
async function measureWorkload(spec, ticksPerSecond) {
	const workload = await startWorkload(spec.env);
	const w = workload.options;
	log(`workload ${spec.id}: ${workload.pods} pods in ${workload.deployments} deployments, ${w.updatesPerSecond} pod updates/s, ${w.services} health checks, ${w.queries} queries, refresh ${w.refreshMs / 1000} s`);
	const home = mkdtempSync(path.join(os.tmpdir(), 'incident-tui-bench-home-'));
	codeCacheHome = mkdtempSync(path.join(os.tmpdir(), 'incident-tui-bench-cache-'));
	let cockpit;
	const results = {};
	const notes = [];
	let screen = [];
	try {
		log(`starting the cockpit in a ${COLUMNS}x${ROWS} pseudo-terminal`);
		// One start is a noisy sample (the page cache, the workload's own start): the figure is the
		// median of several starts, the first ones started and stopped before the measured session.
		// The first start finds no V8 code cache (a first run after installing or upgrading) and
		// writes one; the others use it, as every later start on a machine does. first_frame_ms is
		// the median of those, first_frame_cold_ms the first start.
		const starts = [];
		for (let i = 1; i < plan.starts; i++) {
			const extraHome = mkdtempSync(path.join(os.tmpdir(), 'incident-tui-bench-home-'));
			const extra = startCockpit(workload.config, extraHome, spec.args);
			try {
				starts.push(await timeFirstFrame(extra));
			} finally {
				await stopCockpit(extra);
				rmSync(extraHome, {recursive: true, force: true});
			}
		}
		cockpit = startCockpit(workload.config, home, spec.args);
		starts.push(await timeFirstFrame(cockpit));
		const warm = starts.length > 1 ? starts.slice(1) : starts;
		results.first_frame_ms = percentile([...warm].sort((a, b) => a - b), 50);
		results.first_frame_cold_ms = starts[0];
		results.first_frame_ms_starts = starts.map(ms => Math.round(ms));
		const pid = await cockpit.nodePid();
		log(`first frame after ${starts.map(ms => ms.toFixed(0)).join(', ')} ms (the first without a code cache; median of the others ${results.first_frame_ms.toFixed(0)}); waiting for the pods to load`);
		const podsLoaded = () => cockpit.lines().some(line => /\bd-199\b/.test(line) || /\d{4,5} pods/.test(line));
		await until(() => cockpit.lines().some(line => /\bd-000-/.test(line)) || podsLoaded(), 120_000, 'the pods pane to list pods');
		const loadedAfter = performance.now() - cockpit.startedAt;
		results.pods_listed_ms = loadedAfter;
		// All of them: the Pods pane's title says the full count.
		const fullCount = new RegExp(`\\b${workload.pods} pods\\b`);
		await until(() => cockpit.lines().some(line => line.includes(' 3 Pods ') && fullCount.test(line)), 120_000, `the Pods pane title to say ${workload.pods} pods`);
		results.all_pods_listed_ms = performance.now() - cockpit.startedAt;
		log(`first pods listed after ${(loadedAfter / 1000).toFixed(1)} s, all ${workload.pods} after ${(results.all_pods_listed_ms / 1000).toFixed(1)} s`);

		// Focus the pods pane, then time the keys.
		if (cockpit.focusedPane() !== 'Pods') {
			const focused = cockpit.waitFor(() => cockpit.focusedPane() === 'Pods', 3000, 'the Pods pane to take focus');
			cockpit.write('3');
			await focused;
		}
		log(`timing ${plan.keys} keys`);
		const samples = await measureKeys(cockpit, plan.keys);
		const all = [...samples.move, ...samples.pane, ...samples.help, ...samples.filter].sort((a, b) => a - b);
		results.output_bytes_per_key_p99 = percentile([...samples.bytes].sort((a, b) => a - b), 99);
		results.output_bytes_per_key_p50 = percentile([...samples.bytes].sort((a, b) => a - b), 50);
		results.key_to_frame_ms_p50 = percentile(all, 50);
		results.key_to_frame_ms_p99 = percentile(all, 99);
		results.keys_timed = all.length;
		for (const kind of ['move', 'pane', 'help', 'filter']) {
			const sorted = [...samples[kind]].sort((a, b) => a - b);
			results[`key_to_frame_ms_p50_${kind}`] = percentile(sorted, 50);
			results[`key_to_frame_ms_p99_${kind}`] = percentile(sorted, 99);
			// Which keys make the bytes' tail: each kind's own p50 and p99 (output_bytes_per_key_p99 is over all keys).
			const bytes = [...samples.bytesByKind[kind]].sort((a, b) => a - b);
			results[`output_bytes_per_key_p50_${kind}`] = percentile(bytes, 50);
			results[`output_bytes_per_key_p99_${kind}`] = percentile(bytes, 99);
		}

		/** CPU (% of a core) and bytes written per second while `during` runs, and when it started. */
		const measure = async during => {
			const cpuStart = cpuSeconds(pid, ticksPerSecond);
			const bytesStart = cockpit.state.bytes;
			const start = performance.now();
			await during();
			const seconds = (performance.now() - start) / 1000;
			return {cpuPct: ((cpuSeconds(pid, ticksPerSecond) - cpuStart) / seconds) * 100, bytesPerS: (cockpit.state.bytes - bytesStart) / seconds, atS: (start - cockpit.startedAt) / 1000};
		};

		log(`idle for ${plan.idleSeconds} s (data refreshing, no keys)`);
		await sleep(1000);
		const idle = await measure(() => sleep(plan.idleSeconds * 1000));
		results.idle_cpu_pct = idle.cpuPct;
		results.output_bytes_per_s_idle = idle.bytesPerS;
		results.idle_at_s = idle.atS;
		screen = cockpit.lines();

		const rssWait = plan.rssAtSeconds * 1000 - (performance.now() - cockpit.startedAt);
		if (rssWait > 0) await sleep(rssWait);
		results.rss_mb = rssMegabytes(pid);
		results.rss_at_s = (performance.now() - cockpit.startedAt) / 1000;

		log(`holding the down key for ${plan.scrollSeconds} s`);
		const before = selectionSignature(cockpit.lines());
		const scroll = await measure(async () => {
			// A held key repeats about 30 times a second in common terminal setups.
			const scrollStart = performance.now();
			while (performance.now() - scrollStart < plan.scrollSeconds * 1000) {
				cockpit.write(DOWN);
				await sleep(33);
			}
		});
		results.output_bytes_per_s_scroll = scroll.bytesPerS;
		results.scroll_cpu_pct = scroll.cpuPct;
		if (selectionSignature(cockpit.lines()) === before) notes.push('the selection did not move while the down key was held');

		// The same idle window again once V8 has settled. In the first minutes V8's helper threads
		// compile the refresh path's functions with TurboFan as each becomes hot, which for this
		// workload is 0.5-1 % of a core at the first window's time and falls to 0.15-0.2 % after
		// three minutes (bench/README.md). A cockpit stays open for the whole incident, so this is
		// the figure an operator lives with; the first window is still reported as it is.
		const settledWait = plan.settledAtSeconds * 1000 - (performance.now() - cockpit.startedAt);
		if (settledWait > 0) {
			log(`waiting ${(settledWait / 1000).toFixed(0)} s, then idle for ${plan.idleSeconds} s again`);
			await sleep(settledWait);
		}
		const settled = await measure(() => sleep(plan.idleSeconds * 1000));
		results.idle_cpu_pct_settled = settled.cpuPct;
		results.output_bytes_per_s_idle_settled = settled.bytesPerS;
		results.idle_settled_at_s = settled.atS;

		// A quiet cluster: no pod updates at all (health checks and queries still refresh, as configured).
		log(`quiet cluster: pod updates stopped; idle for ${plan.idleSeconds} s after 5 s`);
		workload.quiet(true);
		await sleep(5000);
		const quiet = await measure(() => sleep(plan.idleSeconds * 1000));
		results.idle_cpu_quiet_pct = quiet.cpuPct;
		results.output_bytes_per_s_idle_quiet = quiet.bytesPerS;
		workload.quiet(false);

		log('pasting 100 KB into the note prompt');
		results.note_paste_100kb_ms = await measurePaste(cockpit);

		// What the workload's data alone costs, on the same machine, against the same workload, with
		// the cockpit stopped so that the two never share the CPU.
		await stopCockpit(cockpit);
		cockpit = undefined;
		log(`measuring the I/O floor: a process doing only the workload's I/O, idle for ${plan.idleSeconds} s`);
		const floor = await measureIoFloor(workload.config, home, ticksPerSecond, workload);
		results.io_floor_cpu_pct = floor.cpuPct;
		results.io_floor_quiet_cpu_pct = floor.quietPct;
		// What the cockpit adds on top of receiving its data, both measured at the same point of a life.
		results.idle_cpu_added_pct = results.idle_cpu_pct - floor.cpuPct;
		const got = floor.received;
		if (!got || got.watchEvents === 0 || got.healthAnswers === 0 || got.prometheusAnswers === 0 || got.failures > 0) {
			notes.push(`the I/O floor process did not receive everything: ${JSON.stringify(got)}`);
		}
		results.io_floor_received = got;
	} finally {
		if (cockpit) await stopCockpit(cockpit);
		await workload.stop();
		rmSync(home, {recursive: true, force: true});
		rmSync(codeCacheHome, {recursive: true, force: true});
	}

	return {results, notes, screen, workload: {id: spec.id, pods: workload.pods, deployments: workload.deployments, namespaces: Number(spec.env.BENCH_NAMESPACES ?? 0) || 1, podUpdatesPerSecond: workload.options.updatesPerSecond, healthChecks: workload.options.services, queries: workload.options.queries, refreshSeconds: workload.options.refreshMs / 1000, terminal: `${COLUMNS}x${ROWS}`, args: spec.args ?? []}};
}

async function main() {
	if (process.platform !== 'linux') throw new BenchError('the benchmark reads /proc and needs util-linux script: run it on Linux');
	try {
		execFileSync('script', ['--version'], {stdio: 'ignore'});
	} catch {
		throw new BenchError('util-linux `script` is not installed (apt-get install bsdutils / util-linux)');
	}
	const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}).trim()) || 100;
	await ensureBundle();
	const loadBefore = os.loadavg().map(n => Math.round(n * 100) / 100);
	if (loadBefore[0] > os.availableParallelism()) log(`the machine is busy (load ${loadBefore[0]} on ${os.availableParallelism()} cores): timings will be pessimistic`);
	const runs = [];
	for (const spec of workloads) runs.push(await measureWorkload(spec, ticksPerSecond));
	// The marginal cost of a pod: the RSS difference of the two workload sizes over their pod difference.
	const [small, large] = [runs.find(r => r.workload.id === '10k'), runs.find(r => r.workload.id === '50k')];
	if (small && large) {
		const perPod = ((large.results.rss_mb - small.results.rss_mb) * 2 ** 20) / (large.workload.pods - small.workload.pods);
		small.results.rss_per_pod_bytes = perPod;
		large.results.rss_per_pod_bytes = perPod;
	}
	const round = value => (Number.isFinite(value) ? Math.round(value * 10) / 10 : value);
	const report = {date: new Date().toISOString(), quick, plan, machine: {...machine(), loadavgBefore: loadBefore}, workloads: {}};
	for (const run of runs) {
		const suffix = workloads.find(w => w.id === run.workload.id).suffix;
		for (const figure of figures) process.stdout.write(`${figure.name}${suffix} ${round(run.results[figure.name])} ${figure.unit}\n`);
		report.workloads[run.workload.id] = {
			workload: run.workload,
			figures: Object.fromEntries(
				figures.map(f => {
					const target = suffix ? f.target50k : f.target;
					const value = run.results[f.name];
					return [`${f.name}${suffix}`, {value: round(value), unit: f.unit, target, met: target === null || value === undefined ? null : value < target}];
				}),
			),
			details: Object.fromEntries(Object.entries(run.results).filter(([name]) => !figures.some(f => f.name === name)).map(([name, value]) => [name, Array.isArray(value) || typeof value === 'object' ? value : round(value)])),
			notes: run.notes,
			/** The screen at the end of the idle window, to see what was measured. */
			screen: run.screen,
		};
	}
	const out = path.join(root, 'bench', 'results');
	mkdirSync(out, {recursive: true});
	writeFileSync(path.join(out, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
	log(`wrote ${path.relative(process.cwd(), path.join(out, 'latest.json'))}`);
}

main().catch(error => {
	log(error instanceof BenchError ? error.message : (error?.stack ?? String(error)));
	process.exit(1);
});
