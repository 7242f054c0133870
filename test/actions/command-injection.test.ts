/**
 * Values chosen by someone else (an alert's labels, a `--var`, a runbook's defaults) run nothing,
 * in every quoting context a runbook script can put them in, and still arrive byte for byte. Real
 * bash runs every script; a canary file says whether anything in a value ran.
 */
import {existsSync} from 'node:fs';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {commandAction, UnsafeCommandError} from '../../source/actions/command.js';
import type {ActionContext} from '../../source/actions/types.js';
import {UnsafeValueError} from '../../source/runbook/command-safety.js';
import {resolveVariables} from '../../source/runbook/library.js';
import type {RunbookCommand, RunbookVariable} from '../../source/runbook/model.js';
import {parseYamlRunbook} from '../../source/runbook/yaml.js';
import type {EnvInfo} from '../../source/store/types.js';
import {runAction} from '../../source/actions/registry.js';

const env: EnvInfo = {demo: false, readonly: false, context: 'prod-eu', namespace: 'shop', production: false};
const newId = () => 'act-1';

function context(): ActionContext {
	return {env, cluster: null, append: (() => Promise.reject(new Error('not used'))) as unknown as ActionContext['append'], signal: new AbortController().signal};
}

let dir: string;
let canary: string;
let out: string;
beforeEach(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'inject-ctx-'));
	canary = path.join(dir, 'pwned');
	out = path.join(dir, 'out');
});
afterEach(async () => {
	await rm(dir, {recursive: true, force: true});
});

/** Values that run `touch <canary>` if any shell reads them as code. */
function hostile(): string[] {
	return [
		`$(touch ${canary})`,
		`\`touch ${canary}\``,
		`"; touch ${canary}; echo "`,
		`'; touch ${canary}; echo '`,
		`x\ntouch ${canary}\n`,
		`EOF\ntouch ${canary}\nEOF`,
		`$(touch${'${IFS}'}${canary})`,
		`\\$(touch ${canary})`,
		`a[$(touch ${canary})]`,
		`'"$(touch ${canary})"'`,
		`$'\\x27'$(touch ${canary})`,
	];
}
const ordinary = ['checkout-7d9f4c', 'shop', 'two words', "o'brien", ''];

/**
 * Each quoting context a runbook script can put `{{v}}` in, and what the script writes to `out`
 * for a value (the context's own characters around it).
 */
function contexts(): Array<{name: string; script: string; expected: (value: string) => string}> {
	// `out` is set for each test: the list is built when a test runs, not when the file is collected.
	const to = JSON.stringify(out);
	return [
		{name: 'bare', script: `printf '%s' {{v}} > ${to}`, expected: v => v},
		{name: 'bare, inside a word', script: `printf '%s' pod/{{v}}/x > ${to}`, expected: v => `pod/${v}/x`},
		{name: 'double quotes', script: `printf '%s' "checking pod {{v}} now" > ${to}`, expected: v => `checking pod ${v} now`},
		{name: 'single quotes', script: `printf '%s' 'checking pod {{v}} now' > ${to}`, expected: v => `checking pod ${v} now`},
		{name: "$'…' quotes", script: `printf '%s' $'pod\\t{{v}}' > ${to}`, expected: v => `pod\t${v}`},
		{name: 'here-document', script: `cat > ${to} <<EOF\npod "{{v}}" in '$HOSTNAME_UNSET'\nEOF`, expected: v => `pod "${v}" in ''\n`},
		{name: '$(…)', script: `printf '%s' "$(printf '%s' {{v}})" > ${to}`, expected: v => v.replace(/\n+$/, '')},
		{name: '"$(…)" with quotes inside', script: `printf '%s' "$(printf '%s' "<{{v}}>")" > ${to}`, expected: v => `<${v}>`},
		{name: 'backquotes', script: `printf '%s' "\`printf '%s' {{v}}\`" > ${to}`, expected: v => v.replace(/\n+$/, '')},
		{name: 'assignment, then "$var"', script: `pod={{v}}\nprintf '%s' "$pod" > ${to}`, expected: v => v},
	];
}

const contextNames = ['bare', 'bare, inside a word', 'double quotes', 'single quotes', "$'…' quotes", 'here-document', '$(…)', '"$(…)" with quotes inside', 'backquotes', 'assignment, then "$var"'];

async function runScript(script: string, vars: Record<string, string>, declared: RunbookVariable[] = []) {
	const command: RunbookCommand = {id: 's', lang: 'bash', script};
	const request = await commandAction.prepare({command, vars, declared, env, newId});
	const outcome = await runAction(request, context());
	return {request, outcome};
}

describe('a runbook script: no value runs, in any quoting context', () => {
	for (const name of contextNames) {
		it(`${name}: hostile values are written as text and nothing runs`, async () => {
			const ctx = contexts().find(c => c.name === name)!;
			for (const value of hostile()) {
				const {request} = await runScript(ctx.script, {v: value});
				expect(await readFile(out, 'utf8'), `${ctx.name} with ${JSON.stringify(value)}`).toBe(ctx.expected(value));
				expect(existsSync(canary), `${ctx.name} ran ${JSON.stringify(value)}`).toBe(false);
				// The confirmation marks the value, quoted so that it cannot be mistaken for the script.
				expect(request.warnings.join('\n')).toContain(`{{v}} = ${JSON.stringify(value)} contains shell syntax`);
			}
		});

		it(`${name}: ordinary values still work`, async () => {
			const ctx = contexts().find(c => c.name === name)!;
			for (const value of ordinary) {
				await runScript(ctx.script, {v: value});
				expect(await readFile(out, 'utf8'), `${ctx.name} with ${JSON.stringify(value)}`).toBe(ctx.expected(value));
			}
		});
	}

	it('the text shown in the confirmation runs the same way, and nothing in it runs a value either', async () => {
		const {execFileSync} = await import('node:child_process');
		for (const ctx of contexts()) {
			for (const value of [...hostile(), ...ordinary]) {
				const {request} = await runScript(ctx.script, {v: value});
				await rm(out, {force: true});
				execFileSync('bash', ['-c', request.kubectl!]);
				expect(await readFile(out, 'utf8')).toBe(ctx.expected(value));
			}
		}
		expect(existsSync(canary)).toBe(false);
	});

	it('values from a runbook default (resolved as the cockpit resolves them) run nothing', async () => {
		const runbook = parseYamlRunbook(
			[
				'id: defaults',
				'title: Defaults',
				'variables:',
				`  - {name: pod, default: ${JSON.stringify(`$(touch ${canary})`)}}`,
				'steps:',
				'  - title: Describe',
				`    script: echo "describing {{pod}}" > ${JSON.stringify(out)}`,
			].join('\n'),
			'defaults.yaml',
		);
		const {values} = resolveVariables(runbook, {});
		const command = runbook.steps[0]!.commands[0]!;
		const request = await commandAction.prepare({command, vars: values, declared: runbook.variables, env, newId});
		await runAction(request, context());
		expect(await readFile(out, 'utf8')).toBe(`describing $(touch ${canary})\n`);
		expect(existsSync(canary)).toBe(false);
	});
});

describe('a runbook script: a placeholder where no value can be safe is refused, with where and why', () => {
	const refused: Array<[string, string, RegExp]> = [
		['arithmetic', 'echo $(( {{v}} + 1 ))', /line 1, column 10.*arithmetic/],
		['[[ -eq ]]', '[[ {{v}} -eq 3 ]] && echo three', /-eq.*arithmetic/],
		['an array subscript', 'a[{{v}}]=1', /array subscript/],
		['${…} operators', 'echo ${pod:-{{v}}}', /inside \$\{…\}/],
		['a quoted here-document', "cat <<'EOF'\n{{v}}\nEOF", /line 2, column 1.*quoted here-document/],
		['eval', 'eval "echo {{v}}"', /`eval` runs its arguments as shell code/],
		['sh -c', 'kubectl exec api-0 -- sh -c "ls {{v}}"', /argument after -c/],
		['the program to run', '{{v}} --help', /names the program to run/],
		['trap', "trap 'echo {{v}}' EXIT", /`trap` runs its arguments/],
		['a script that does not parse', 'echo "{{v}}', /does not parse as bash/],
	];
	for (const [name, script, reason] of refused) {
		it(name, async () => {
			const error = await commandAction.prepare({command: {id: 'unsafe', lang: 'bash', script, line: 7}, vars: {v: `a[$(touch ${canary})]`}, env, newId}).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(UnsafeCommandError);
			expect((error as Error).message).toMatch(/runbook command 'unsafe' \(line 7\): \{\{v\}\}/);
			expect((error as Error).message).toMatch(reason);
			expect(existsSync(canary)).toBe(false);
		});
	}

	it('argv commands: a value that would be run as code, or name the program, is refused', async () => {
		for (const argv of [['bash', '-c', 'echo {{v}}'], ['kubectl', 'exec', 'api-0', '--', 'sh', '-c', 'ls {{v}}'], ['{{v}}', 'get', 'pods'], ['ssh', 'bastion', 'uptime', '{{v}}']]) {
			const error = await commandAction.prepare({command: {id: 'argv', lang: 'argv', argv}, vars: {v: `$(touch ${canary})`}, env, newId}).catch((e: unknown) => e);
			expect(error, argv.join(' ')).toBeInstanceOf(UnsafeCommandError);
		}
	});
});

describe('argument injection: a value starting with "-"', () => {
	const flag = '--kubeconfig=/etc/passwd';

	it('is refused in an argv command and in a script, unless the runbook declares a pattern for it', async () => {
		const argv: RunbookCommand = {id: 'history', lang: 'argv', argv: ['kubectl', 'rollout', 'history', '{{deployment}}']};
		await expect(commandAction.prepare({command: argv, vars: {deployment: flag}, env, newId})).rejects.toThrow(UnsafeValueError);
		await expect(commandAction.prepare({command: argv, vars: {deployment: flag}, env, newId})).rejects.toThrow(/\{\{deployment\}\}, "--kubeconfig=\/etc\/passwd", starts with "-"/);
		const script: RunbookCommand = {id: 'describe', lang: 'bash', script: 'kubectl describe deployment {{deployment}}'};
		await expect(commandAction.prepare({command: script, vars: {deployment: flag}, env, newId})).rejects.toThrow(UnsafeValueError);
	});

	it('a value outside its declared pattern is refused too', async () => {
		const command: RunbookCommand = {id: 'w', lang: 'argv', argv: ['echo', '{{window}}']};
		await expect(commandAction.prepare({command, vars: {window: '5m; rm -rf /'}, declared: [{name: 'window', pattern: '[0-9]+[smh]'}], env, newId})).rejects.toThrow(/does not match the runbook's pattern/);
	});

	it('allowed by a pattern: `--` goes before it, and the confirmation marks it', async () => {
		const command: RunbookCommand = {id: 'ls', lang: 'argv', argv: ['ls', '-d', '{{file}}']};
		const request = await commandAction.prepare({command, vars: {file: '--version'}, declared: [{name: 'file', pattern: '-?-?[a-z]+'}], env, newId});
		expect(request.kubectl).toBe('ls -d -- --version');
		expect(request.warnings.join('\n')).toContain('{{file}} = "--version" starts with "-": a program may read it as an option');
		const outcome = await runAction(request, context()).catch((error: {output: string}) => ({output: error.output}));
		// ls looked for a file named --version instead of printing its version.
		expect(outcome.output).toMatch(/cannot access '--version'/);
	});

	it('allowed by a pattern but followed by options: no `--`, and the confirmation says so', async () => {
		const command: RunbookCommand = {id: 'logs', lang: 'argv', argv: ['echo', '{{pod}}', '--since=5m']};
		const request = await commandAction.prepare({command, vars: {pod: '-x'}, declared: [{name: 'pod', pattern: '.+'}], env, newId});
		expect(request.kubectl).toBe('echo -x --since=5m');
		expect(request.warnings.join('\n')).toMatch(/no "--" could be put before it/);
	});
});
