import {execFileSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {commandAction, CommandFailedError} from '../../source/actions/command.js';
import type {ActionContext} from '../../source/actions/types.js';
import type {RunbookCommand} from '../../source/runbook/model.js';
import type {EnvInfo} from '../../source/store/types.js';
import {REDACTED} from '../../source/timeline/redact.js';
import {runAction} from '../../source/actions/registry.js';

const env: EnvInfo = {demo: false, readonly: false, context: 'prod-eu', namespace: 'shop', production: true};
let counter = 0;
const newId = () => `act-${++counter}`;

function context(lines: Array<[string, string]> = [], signal = new AbortController().signal): ActionContext {
	return {
		env,
		cluster: null,
		append: (() => Promise.reject(new Error('not used'))) as unknown as ActionContext['append'],
		onOutput: (stream, line) => lines.push([stream, line]),
		signal,
	};
}

// Prints its arguments (after `--`, so node itself parses none of them) as one JSON line, so the test sees exactly where each argument begins and ends.
const printArgs = 'process.stdout.write(JSON.stringify(process.argv.slice(1)))';

let dir: string;
let marker: string;
let canary: string;
beforeEach(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'inject-'));
	marker = path.join(dir, 'MARKER');
	canary = path.join(dir, 'canary');
	await writeFile(canary, 'still here');
});
afterEach(async () => {
	await rm(dir, {recursive: true, force: true});
});

function payloads(): string[] {
	return [
		`; rm -rf "${dir}"; touch "${marker}"`,
		`$(touch ${marker})`,
		`\`touch ${marker}\``,
		`'; touch ${marker}; echo '`,
		`"; touch ${marker}; echo "`,
		`a\ntouch ${marker}\n`,
		`x && touch ${marker} || touch ${marker}`,
		`| touch ${marker}`,
		`> ${marker}`,
		`$HOME * ?`,
		`it's "quoted" \\ back\\slash`,
		`--help`,
		'',
	];
}

// Admits every payload, `--help` included: a value starting with "-" needs a declared pattern.
const anything = [{name: 'v', pattern: '[\\s\\S]*'}];

describe('injection: variables run nothing extra and arrive byte for byte', () => {
	it('argv commands pass each value as one argument', async () => {
		for (const value of payloads()) {
			const command: RunbookCommand = {id: 'echo-args', lang: 'argv', argv: [process.execPath, '-e', printArgs, '--', '{{v}}', 'prefix-{{ v }}-suffix']};
			const request = await commandAction.prepare({command, vars: {v: value}, declared: anything, env, newId});
			const outcome = await runAction(request, context());
			expect(JSON.parse(outcome.output!)).toEqual([value, `prefix-${value}-suffix`]);
		}
		expect(existsSync(marker)).toBe(false);
		expect(existsSync(canary)).toBe(true);
	});

	it('script commands get each value as a positional parameter', async () => {
		for (const value of payloads()) {
			const command: RunbookCommand = {id: 'echo-script', lang: 'bash', script: `${JSON.stringify(process.execPath)} -e '${printArgs}' -- {{v}} prefix-{{v}}-suffix`};
			const request = await commandAction.prepare({command, vars: {v: value}, declared: anything, env, newId});
			const outcome = await runAction(request, context());
			expect(JSON.parse(outcome.output!)).toEqual([value, `prefix-${value}-suffix`]);
			// What the confirmation shows is exactly what runs.
			expect(JSON.parse(execFileSync('bash', ['-c', request.kubectl!], {encoding: 'utf8'}))).toEqual([value, `prefix-${value}-suffix`]);
		}
		expect(existsSync(marker)).toBe(false);
		expect(existsSync(canary)).toBe(true);
	});

	it('values are not re-expanded as templates', async () => {
		const command: RunbookCommand = {id: 'x', lang: 'argv', argv: [process.execPath, '-e', printArgs, '{{a}}']};
		const request = await commandAction.prepare({command, vars: {a: '{{b}}', b: 'expanded'}, env, newId});
		expect(JSON.parse((await runAction(request, context())).output!)).toEqual(['{{b}}']);
	});
});

describe('commandAction.prepare', () => {
	it('describes an argv command for the confirmation', async () => {
		const command: RunbookCommand = {id: 'logs', title: 'Tail API logs', lang: 'argv', argv: ['kubectl', '-n', '{{namespace}}', 'logs', '{{pod}}', '--since=5m'], timeoutMs: 30_000};
		const request = await commandAction.prepare({command, vars: {namespace: 'shop', pod: 'api 1'}, env, newId: () => 'id-1'});
		expect(request).toMatchObject({
			id: 'id-1',
			kind: 'command',
			title: 'Tail API logs',
			dangerous: true,
			target: {context: 'prod-eu', namespace: 'shop', object: 'command/logs'},
			change: "run kubectl -n shop logs 'api 1' --since=5m",
			kubectl: "kubectl -n shop logs 'api 1' --since=5m",
			timeoutMs: 30_000,
		});
		expect(request.details).toContain('  [4] "api 1"');
		expect(request.details.at(-1)).toBe('Timeout: 30 s; esc cancels.');
	});

	it('shows a script exactly, with a warning, and defaults to a 60 s timeout', async () => {
		const command: RunbookCommand = {id: 's', lang: 'bash', script: 'echo {{who}}\nuptime'};
		const request = await commandAction.prepare({command, vars: {who: "o'brien"}, env, newId, dangerous: false});
		// Runnable as shown: `set --` gives the script the positional parameter it is run with.
		expect(request.kubectl).toBe(`set -- 'o'\\''brien'\necho "\${1}"\nuptime`);
		expect(request.details).toEqual([
			'Runs with bash -c, exactly this text:',
			'  echo "${1}"',
			'  uptime',
			'Its values, passed as positional parameters (never read as shell code):',
			`  $1  who = "o'brien"`,
			'Timeout: 60 s; esc cancels.',
		]);
		expect(request.change).toBe(`run bash script (2 lines) with $1 = "o'brien"`);
		expect(request.dangerous).toBe(false);
		expect(request.warnings).toEqual([`{{who}} = "o'brien" contains shell syntax: it is passed as data and does not run.`, 'This is a shell script from the runbook: check it before confirming.']);
		expect(request.timeoutMs).toBe(60_000);
	});

	it('names a missing variable', async () => {
		const command: RunbookCommand = {id: 'x', lang: 'argv', argv: ['echo', '{{ missing }}']};
		await expect(commandAction.prepare({command, vars: {}, env, newId})).rejects.toThrow(/'missing'/);
	});

	it('rejects a command with neither argv nor script', async () => {
		await expect(commandAction.prepare({command: {id: 'empty', lang: 'sh', line: 12}, vars: {}, env, newId})).rejects.toThrow(/'empty' \(line 12\) has neither argv nor script/);
	});
});

describe('secrets', () => {
	it('masks secret variables in what is shown, streamed and kept', async () => {
		const secret = 'correct-horse-battery';
		const command: RunbookCommand = {id: 'login', lang: 'argv', argv: [process.execPath, '-e', 'console.log("using " + process.argv[1]); console.error("token=abc123")', '{{pw}}']};
		const request = await commandAction.prepare({command, vars: {pw: secret}, secretVars: ['pw'], env, newId});
		expect(request.kubectl).not.toContain(secret);
		expect(request.kubectl).toContain(REDACTED);
		expect(request.details.join('\n')).not.toContain(secret);
		const lines: Array<[string, string]> = [];
		const outcome = await runAction(request, context(lines));
		expect(lines).toContainEqual(['stdout', `using ${REDACTED}`]);
		expect(lines).toContainEqual(['stderr', `token=${REDACTED}`]);
		expect(outcome.output).not.toContain(secret);
		expect(outcome.output).not.toContain('abc123');
	});
});

describe('run', () => {
	it('returns exit 0 with the output', async () => {
		const request = await commandAction.prepare({command: {id: 'ok', lang: 'bash', script: 'echo one; echo two'}, vars: {}, env, newId});
		expect(await runAction(request, context())).toEqual({summary: 'exit 0', exitCode: 0, output: 'one\ntwo'});
	});

	it('throws a CommandFailedError with exit code and output on failure', async () => {
		const request = await commandAction.prepare({command: {id: 'bad', lang: 'bash', script: 'echo partial; exit 4'}, vars: {}, env, newId});
		const error = await runAction(request, context()).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(CommandFailedError);
		expect(error).toMatchObject({message: 'exit 4', exitCode: 4, output: 'partial'});
	});

	it('is cancelled through the context signal', async () => {
		const controller = new AbortController();
		const request = await commandAction.prepare({command: {id: 'slow', lang: 'bash', script: 'echo go; sleep 30'}, vars: {}, env, newId});
		const ctx = context([], controller.signal);
		ctx.onOutput = () => controller.abort();
		await expect(runAction(request, ctx)).rejects.toThrow('cancelled by the operator');
	});
});
