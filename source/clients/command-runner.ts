import {createInterface} from 'node:readline';

/**
 * Runs runbook and config commands with execa.
 *
 * - `{argv}` runs the program directly (`shell: false`): every element is one argument, exactly as
 *   given; nothing is split, globbed or expanded.
 * - `{script, args}` runs `bash -c <script> bash <args…>`: the only place a shell is used, for
 *   runbook scripts and Markdown runbooks' shell blocks, shown to the operator before they confirm.
 *   `args` are the script's positional parameters (`"${1}"`…): values reach the script as data,
 *   never as text bash parses (source/runbook/shell-bind.ts).
 *
 * The child runs in its own process group (detached), so a timeout or a cancel (esc) can stop the
 * whole pipeline it started (SIGTERM to the group, SIGKILL after a grace period), not only bash.
 * Never rejects because of the command's outcome: non-zero exits, signals, timeouts, cancels and
 * spawn failures (command not found) are all reported in the result.
 *
 * execa is imported on the first command, not at start: loading it costs about 13 ms before the
 * cockpit's first frame, and many incidents never run a command.
 */

export type CommandSpec = {argv: string[]} | {script: string; args?: string[]; shell?: 'bash'};

export interface RunOptions {
	timeoutMs: number;
	signal: AbortSignal;
	env?: Record<string, string>;
	cwd?: string;
	onLine?: (stream: 'stdout' | 'stderr', line: string) => void;
	/** Cap on `output` (default 64 KiB): the beginning and the end are kept, the middle is cut. */
	maxOutputBytes?: number;
	/** Time between SIGTERM and SIGKILL (default 2000 ms). */
	killGraceMs?: number;
}

export interface RunResult {
	exitCode: number | null;
	signal?: string;
	timedOut: boolean;
	cancelled: boolean;
	durationMs: number;
	/** stdout and stderr lines, interleaved in arrival order, capped. */
	output: string;
	/** Why the command could not run or finish (spawn failure, timeout, cancel, signal). */
	error?: string;
}

/** Keeps the first quarter and the last three quarters of at most `max` bytes of lines. */
class CappedOutput {
	private head: string[] = [];
	private headBytes = 0;
	private tail: string[] = [];
	private tailBytes = 0;
	private dropped = 0;

	constructor(private readonly max: number) {}

	push(line: string): void {
		const bytes = Buffer.byteLength(line) + 1;
		if (this.dropped === 0 && this.tail.length === 0 && this.headBytes + bytes <= this.max / 4) {
			this.head.push(line);
			this.headBytes += bytes;
			return;
		}
		this.tail.push(line);
		this.tailBytes += bytes;
		while (this.tailBytes > (this.max * 3) / 4 && this.tail.length > 1) {
			this.tailBytes -= Buffer.byteLength(this.tail.shift()!) + 1;
			this.dropped++;
		}
	}

	toString(): string {
		const middle = this.dropped > 0 ? [`… ${this.dropped} line${this.dropped === 1 ? '' : 's'} cut …`] : [];
		return [...this.head, ...middle, ...this.tail].join('\n');
	}
}

function describeSpec(spec: CommandSpec): string {
	return 'argv' in spec ? spec.argv.join(' ') : `bash -c (${spec.script.split('\n').length}-line script)`;
}

export async function runCommand(spec: CommandSpec, options: RunOptions): Promise<RunResult> {
	const started = performance.now();
	const elapsed = () => Math.round(performance.now() - started);
	if ('argv' in spec && (spec.argv.length === 0 || !spec.argv[0])) {
		return {exitCode: null, timedOut: false, cancelled: false, durationMs: 0, output: '', error: 'the command is empty (argv has no program)'};
	}
	const {execa} = await import('execa');
	if (options.signal.aborted) {
		return {exitCode: null, timedOut: false, cancelled: true, durationMs: 0, output: '', error: 'cancelled before it started'};
	}
	// `bash` is the script's $0, so its messages read as bash's own ("bash: line 1: …").
	const [file, args] = 'argv' in spec ? [spec.argv[0]!, spec.argv.slice(1)] : ['bash', ['-c', spec.script, 'bash', ...(spec.args ?? [])]];
	const subprocess = execa(file, args, {
		shell: false,
		reject: false,
		buffer: false,
		stdin: 'ignore',
		detached: true,
		env: options.env,
		cwd: options.cwd,
		// We stop the process group ourselves (execa's timeout would signal bash only).
		forceKillAfterDelay: false,
	});

	const output = new CappedOutput(options.maxOutputBytes ?? 64 * 1024);
	const drained: Array<Promise<void>> = [];
	for (const stream of ['stdout', 'stderr'] as const) {
		const readable = subprocess[stream];
		if (!readable) continue;
		const lines = createInterface({input: readable, crlfDelay: Infinity});
		lines.on('line', line => {
			output.push(line);
			options.onLine?.(stream, line);
		});
		// readline emits a last line without newline on close; wait for it before reporting.
		drained.push(new Promise(resolve => lines.once('close', resolve)));
	}

	let timedOut = false;
	let cancelled = false;
	let killTimer: NodeJS.Timeout | undefined;
	const stopGroup = () => {
		if (killTimer) return;
		signalGroup(subprocess.pid, 'SIGTERM');
		killTimer = setTimeout(() => signalGroup(subprocess.pid, 'SIGKILL'), options.killGraceMs ?? 2000);
	};
	const timeout = setTimeout(() => {
		timedOut = true;
		stopGroup();
	}, options.timeoutMs);
	const onAbort = () => {
		cancelled = true;
		stopGroup();
	};
	options.signal.addEventListener('abort', onAbort, {once: true});

	try {
		const result = await subprocess;
		await Promise.all(drained);
		// The leader exited: make sure nothing it left in its group outlives it after a stop.
		if (killTimer) signalGroup(subprocess.pid, 'SIGKILL');
		const exitCode = typeof result.exitCode === 'number' ? result.exitCode : null;
		let error: string | undefined;
		if (timedOut) error = `timed out after ${options.timeoutMs} ms: ${describeSpec(spec)}`;
		else if (cancelled) error = 'cancelled by the operator';
		else if (result.signal) error = `killed by ${result.signal}`;
		else if (exitCode === null && result.failed) error = spawnError(result, file);
		return {
			exitCode,
			...(result.signal ? {signal: result.signal} : {}),
			timedOut,
			cancelled,
			durationMs: elapsed(),
			output: output.toString(),
			...(error ? {error} : {}),
		};
	} finally {
		clearTimeout(timeout);
		if (killTimer) clearTimeout(killTimer);
		options.signal.removeEventListener('abort', onAbort);
	}
}

function spawnError(result: {code?: string; shortMessage?: string; message?: string}, file: string): string {
	if (result.code === 'ENOENT') return `command not found: ${file} (is it installed and on PATH?)`;
	if (result.code === 'EACCES') return `permission denied running ${file}`;
	return result.shortMessage ?? result.message ?? `could not run ${file}`;
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
	if (!pid) return;
	try {
		// A negative pid signals the whole process group the detached child leads.
		process.kill(-pid, signal);
	} catch {
		// Already gone.
	}
}
