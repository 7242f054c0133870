import {describe, expect, it} from 'vitest';
import {runCommand} from '../../source/clients/command-runner.js';
import {waitFor} from '../support/wait.js';

const never = new AbortController().signal;

describe('runCommand', () => {
	it('runs argv without a shell and streams lines from both streams', async () => {
		const lines: Array<[string, string]> = [];
		const result = await runCommand({argv: [process.execPath, '-e', 'console.log("out 1"); console.error("err 1"); process.stdout.write("no newline")']}, {
			timeoutMs: 10_000,
			signal: never,
			onLine: (stream, line) => lines.push([stream, line]),
		});
		expect(result).toMatchObject({exitCode: 0, timedOut: false, cancelled: false});
		expect(result.error).toBeUndefined();
		expect(lines).toContainEqual(['stdout', 'out 1']);
		expect(lines).toContainEqual(['stderr', 'err 1']);
		expect(lines).toContainEqual(['stdout', 'no newline']);
		expect(result.output.split('\n').sort()).toEqual(['err 1', 'no newline', 'out 1']);
	});

	it('reports a non-zero exit without rejecting', async () => {
		const result = await runCommand({script: 'echo failing >&2; exit 3'}, {timeoutMs: 10_000, signal: never});
		expect(result).toMatchObject({exitCode: 3, timedOut: false, cancelled: false, output: 'failing'});
	});

	it('reports a missing program clearly', async () => {
		const result = await runCommand({argv: ['definitely-not-a-command-xyz', 'a']}, {timeoutMs: 10_000, signal: never});
		expect(result.exitCode).toBeNull();
		expect(result.error).toMatch(/command not found: definitely-not-a-command-xyz/);
	});

	it('passes env and cwd', async () => {
		const result = await runCommand({script: 'printf "%s %s" "$GREETING" "$(pwd)"'}, {timeoutMs: 10_000, signal: never, env: {GREETING: 'hello'}, cwd: '/'});
		expect(result.output).toBe('hello /');
	});

	it('kills the whole process group on timeout', async () => {
		const pids: number[] = [];
		// bash starts a grandchild and waits: killing bash alone would leave the sleep running.
		const result = await runCommand({script: 'sleep 30 & echo "child $!"; wait'}, {
			timeoutMs: 300,
			signal: never,
			killGraceMs: 200,
			onLine: (_s, line) => {
				const match = /^child (\d+)$/.exec(line);
				if (match) pids.push(Number(match[1]));
			},
		});
		expect(result.timedOut).toBe(true);
		expect(result.exitCode).toBeNull();
		expect(result.error).toMatch(/timed out after 300 ms/);
		expect(pids).toHaveLength(1);
		await waitFor(() => !isAlive(pids[0]!), {message: `grandchild ${pids[0]} was killed`});
	});

	it('escalates to SIGKILL when SIGTERM is ignored', async () => {
		const result = await runCommand({script: 'trap "" TERM; echo ready; while true; do sleep 0.05; done'}, {timeoutMs: 300, signal: never, killGraceMs: 200});
		expect(result.timedOut).toBe(true);
		expect(result.signal).toBe('SIGKILL');
	});

	it('cancels on abort', async () => {
		const controller = new AbortController();
		const running = runCommand({script: 'echo started; sleep 30'}, {
			timeoutMs: 60_000,
			signal: controller.signal,
			onLine: (_stream, line) => line === 'started' && controller.abort(),
		});
		const result = await running;
		expect(result).toMatchObject({cancelled: true, timedOut: false, exitCode: null, error: 'cancelled by the operator'});
	});

	it('does not start when already aborted', async () => {
		const controller = new AbortController();
		controller.abort();
		const result = await runCommand({argv: ['touch', '/tmp/should-not-exist']}, {timeoutMs: 1000, signal: controller.signal});
		expect(result).toMatchObject({cancelled: true, exitCode: null});
	});

	it('caps output, keeping the beginning and the end', async () => {
		const result = await runCommand({script: 'for i in $(seq 1 2000); do echo "line $i"; done'}, {timeoutMs: 10_000, signal: never, maxOutputBytes: 1024});
		expect(Buffer.byteLength(result.output)).toBeLessThan(1200);
		expect(result.output.startsWith('line 1\n')).toBe(true);
		expect(result.output.endsWith('line 2000')).toBe(true);
		expect(result.output).toMatch(/… \d+ lines cut …/);
	});
});

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}
