import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {formatLint, lintRunbook, lintRunbooks} from '../../source/runbook/lint.js';
import {checkPromql} from '../../source/runbook/promql-check.js';
import {parseMarkdownRunbook} from '../../source/runbook/markdown.js';

const dir = fileURLToPath(new URL('../fixtures/runbooks/lint/', import.meta.url));

describe('PromQL syntax check', () => {
	it('accepts valid expressions, with {{placeholders}} in label values, ranges and metric names', () => {
		expect(checkPromql('histogram_quantile(0.95, sum by (le) (rate({{metric}}_bucket{job="{{job}}"}[{{window}}])))')).toBeNull();
		expect(checkPromql('sum(rate(x[5m])) / sum(rate(y[5m])) > 0.05')).toBeNull();
		expect(checkPromql('max_over_time(x[1h:{{step}}]) offset {{ago}}')).toBeNull();
	});

	it('reports where an expression breaks, in the original text', () => {
		expect(checkPromql('sum(rate(x{a="{{long_variable_name}}"}[5m])) bogus')).toMatchObject({line: 0, column: 46});
		expect(checkPromql('sum(x)\n  / )')).toMatchObject({line: 1, column: 5});
		expect(checkPromql('sum(rate(x[5m])')?.message).toMatch(/ends too early/);
		expect(checkPromql('  ')?.message).toMatch(/empty/);
	});
});

describe('lintRunbooks', () => {
	it('reports bad PromQL with the file line of the broken expression line', async () => {
		const [result] = await lintRunbooks([path.join(dir, 'bad-promql.yaml')]);
		expect(result!.errors).toHaveLength(1);
		expect(result!.errors[0]).toMatchObject({line: 12});
		expect(result!.errors[0]!.message).toMatch(/^query 'broken': PromQL syntax error/);
	});

	it('reports unknown {{variables}} but accepts declared ones and well-known alert labels', async () => {
		const [result] = await lintRunbooks([path.join(dir, 'unknown-variable.md')]);
		const messages = result!.errors.map(e => `${e.line}: ${e.message.split(':')[0]}`);
		// In the order of the file.
		expect(messages).toEqual(["9: unknown variable {{deploymnet}} in a command of step 'Restart'", "13: unknown variable {{jbo}} in query 'q1'"]);
	});

	it('reports an empty runbook and a step without a title', async () => {
		const [empty] = await lintRunbooks([path.join(dir, 'empty.md')]);
		expect(empty!.errors[0]!.message).toMatch(/^empty runbook/);
		const runbook = parseMarkdownRunbook('# T\n\n1. first\n2. second\n', 't.md');
		runbook.steps[1]!.title = ' ';
		expect(lintRunbook(runbook).errors).toEqual([{line: 4, message: "step 'second' has no title"}]);
	});

	it('flags a {{variable}} in a command where no value can be made safe, and passes safe ones', async () => {
		const tmp = await mkdtemp(path.join(os.tmpdir(), 'rb-lint-unsafe-'));
		try {
			const file = path.join(tmp, 'unsafe.md');
			await writeFile(
				file,
				[
					'# Unsafe places',
					'',
					'1. Describe the pod',
					'   ```bash',
					'   kubectl describe pod "{{pod}}" -n {{namespace}}',
					'   ```',
					'2. Count',
					'   ```bash',
					'   echo $(( {{pod}} + 1 ))',
					'   ```',
					'3. Dump',
					'   ```bash',
					'   kubectl exec {{pod}} -- sh -c "cat /tmp/{{pod}}"',
					'   ```',
					'',
				].join('\n'),
			);
			const yaml = path.join(tmp, 'unsafe.yaml');
			await writeFile(yaml, ['id: u', 'title: U', 'steps:', '  - title: Run it', '    command: [bash, -c, "echo {{pod}}"]', ''].join('\n'));
			const [markdown, argv] = await lintRunbooks([file, yaml]);
			expect(markdown!.errors.map(e => `${e.line}: ${e.message}`)).toEqual([
				"9: {{pod}} at line 1, column 10 of the script of step 'Count' cannot be filled safely: bash evaluates it as arithmetic, which runs any $(…) in the value",
				"13: {{pod}} at line 1, column 41 of the script of step 'Dump' cannot be filled safely: a shell runs the argument after -c as code",
			]);
			expect(argv!.errors.map(e => e.message)).toEqual(["{{pod}} in argument 2 of a command of step 'Run it' cannot be filled safely: a shell runs the argument after -c as code"]);
		} finally {
			await rm(tmp, {recursive: true, force: true});
		}
	});

	it('walks directories and reports load errors with their location', async () => {
		const results = await lintRunbooks([dir, path.join(dir, 'missing.yaml')]);
		expect(results.map(r => path.basename(r.file))).toEqual(['bad-promql.yaml', 'empty.md', 'unknown-variable.md', 'missing.yaml']);
		expect(results[3]!.errors[0]!.message).toMatch(/no such file/);
	});

	describe('with a broken YAML file', () => {
		let tmp: string;
		beforeAll(async () => {
			tmp = await mkdtemp(path.join(os.tmpdir(), 'rb-lint-'));
			await writeFile(path.join(tmp, 'typo.yaml'), 'id: t\ntitle: T\nsteps:\n  - title: a\n    comand: [ls]\n');
		});
		afterAll(async () => rm(tmp, {recursive: true, force: true}));

		it('turns the located error into an issue and formats it as file:line:col', async () => {
			const results = await lintRunbooks([tmp]);
			expect(results[0]!.errors).toEqual([{line: 5, column: 5, message: "steps[0]: unknown key 'comand'"}]);
			const text = formatLint(results);
			expect(text).toContain(`${path.join(tmp, 'typo.yaml')}:5:5: error: steps[0]: unknown key 'comand'`);
			// The summary is the last line, ended like every line (the shell prompt starts on its own line).
			// The steps past the mistake are still checked: the runbook answers no alert.
			expect(text.endsWith('\n1 file checked: 1 error, 1 warning\n')).toBe(true);
		});
	});
});
