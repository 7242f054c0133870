import {execFileSync} from 'node:child_process';
import {readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {cliTestTimeoutMs, repoRoot, runCli, tempDir} from './run-cli.js';

let home: string;
let remove: () => Promise<void>;

beforeEach(async () => {
	({dir: home, remove} = await tempDir('basics'));
});
afterEach(async () => {
	await remove();
});

describe('incident-tui --version and --help', {timeout: cliTestTimeoutMs}, () => {
	it('--version prints the version from package.json and the commit of the checkout it runs from', async () => {
		const pkg = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as {version: string};
		const result = await runCli(['--version'], {home});
		expect(result.code).toBe(0);
		const head = execFileSync('git', ['-C', repoRoot, 'rev-parse', '--short=12', 'HEAD'], {encoding: 'utf8'}).trim();
		expect(result.stdout).toMatch(new RegExp(`^${pkg.version.replaceAll('.', '\\.')} \\(commit ${head}(-dirty)?\\)\n$`));
	});

	it('--help lists every subcommand and the global options', async () => {
		const result = await runCli(['--help'], {home});
		expect(result.code).toBe(0);
		for (const command of ['demo', 'status', 'incidents', 'export', 'runbook']) expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
		for (const option of ['--config <file>', '--context <name>', '--namespace <name>', '--prometheus <url>', '--runbook <id|file>', '--incident <id>', '--readonly', '--state-dir <dir>', '--version', '--help']) {
			expect(result.stdout).toContain(option);
		}
	});

	it('runbook --help lists inspect and lint; status --help lists --json and --timeout; export --help lists --format and --output', async () => {
		const [runbook, status, exported] = await Promise.all([
			runCli(['runbook', '--help'], {home}),
			runCli(['status', '--help'], {home}),
			runCli(['export', '--help'], {home}),
		]);
		expect(runbook.code).toBe(0);
		expect(runbook.stdout).toMatch(/^\s+inspect \[options\] <file>/m);
		expect(runbook.stdout).toMatch(/^\s+lint <paths\.\.\.>/m);
		expect(status.code).toBe(0);
		expect(status.stdout).toContain('--json');
		expect(status.stdout).toContain('--timeout <ms>');
		expect(status.stdout).toContain('--scrape-interval <duration>');
		expect(exported.code).toBe(0);
		expect(exported.stdout).toContain('--format <format>');
		expect(exported.stdout).toContain('--output <file>');
	});
});

describe('configuration errors', {timeout: cliTestTimeoutMs}, () => {
	const badConfig = ['title: Checkout 5xx', 'services:', '  - name: api', '    health: not-a-url', ''].join('\n');

	it('status exits 2 with file:line:column: key: problem on stderr', async () => {
		const file = path.join(home, 'bad.yaml');
		await writeFile(file, badConfig);
		const result = await runCli(['status', '--config', file], {home});
		expect(result.code).toBe(2);
		expect(result.stdout).toBe('');
		expect(result.stderr).toContain(`${file}:4:13: services[0].health: Invalid url`);
		expect(result.stderr).not.toMatch(/\n\s+at /);
	});

	it('the cockpit exits 2 on a bad config before drawing anything', async () => {
		const file = path.join(home, 'bad.yaml');
		await writeFile(file, badConfig);
		const result = await runCli(['--config', file], {home, env: {CI: ''}});
		expect(result.timedOut).toBe(false);
		expect(result.code).toBe(2);
		expect(result.stdout).toBe('');
		expect(result.stderr).toContain(`${file}:4:13: services[0].health: Invalid url`);
	});

	it('the cockpit refuses an --incident that is not an id before drawing anything', async () => {
		const result = await runCli(['--incident', '../../etc/passwd', '--state-dir', home], {home, env: {CI: ''}});
		expect(result.timedOut).toBe(false);
		expect(result.code).toBe(2);
		expect(result.stdout).toBe('');
		expect(result.stderr).toContain('not an incident id: ../../etc/passwd');
	});

	it('a relative --config is resolved from the working directory and named in full', async () => {
		await writeFile(path.join(home, 'incident.yaml'), 'severity: SEV9\n');
		const result = await runCli(['status', '--config', 'incident.yaml'], {home});
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(new RegExp(`${path.join(home, 'incident.yaml').replaceAll('.', '\\.')}:1:11: severity: `));
	});

	it('./incident.yaml is read without --config', async () => {
		await writeFile(path.join(home, 'incident.yaml'), 'refresh:\n  healthMs: -5\n');
		const result = await runCli(['status'], {home});
		expect(result.code).toBe(2);
		expect(result.stderr).toContain(`${path.join(home, 'incident.yaml')}:2:13: refresh.healthMs: `);
	});

	it('a YAML syntax error is located too', async () => {
		const file = path.join(home, 'broken.yaml');
		await writeFile(file, 'title: ok\nservices: [\n  {name: api\n');
		const result = await runCli(['status', '--config', file], {home});
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(new RegExp(`^incident-tui: ${file.replaceAll('.', '\\.')}:\\d+:\\d+: `, 'm'));
	});

	it('a missing --config file is a clear error naming the file, for status and for the cockpit', async () => {
		const file = path.join(home, 'nope.yaml');
		const [status, cockpit] = await Promise.all([runCli(['status', '--config', file], {home}), runCli(['--config', file], {home, env: {CI: ''}})]);
		for (const result of [status, cockpit]) {
			expect(result.timedOut).toBe(false);
			expect(result.code).toBe(2);
			expect(result.stdout).toBe('');
			expect(result.stderr).toContain(file);
			expect(result.stderr).toMatch(/cannot read config/);
			expect(result.stderr).toMatch(/ENOENT|no such file/);
		}
	});

	it('a usage error exits 2, never 1 (which status uses for "something is critical")', async () => {
		const [option, value, missing] = await Promise.all([
			runCli(['status', '--jsn'], {home}),
			runCli(['export', 'inc-20261122-0304-ab12', '--format', 'pdf'], {home}),
			runCli(['runbook', 'lint'], {home}),
		]);
		expect(option.code).toBe(2);
		expect(option.stderr).toContain("unknown option '--jsn'");
		expect(option.stderr).not.toMatch(/\n\s+at /);
		expect(value.code).toBe(2);
		expect(value.stderr).toMatch(/md, json/);
		expect(missing.code).toBe(2);
		expect(missing.stderr).toContain("missing required argument 'paths'");
	});

	it('an unknown subcommand is named as such, exits 2 and does not open the cockpit', async () => {
		const result = await runCli(['statsu'], {home, env: {CI: ''}});
		expect(result.timedOut).toBe(false);
		expect(result.code).toBe(2);
		expect(result.stdout).toBe('');
		expect(result.stderr).toContain("unknown command 'statsu'");
		expect(result.stderr).toContain('--help');
	});

	it('a subcommand still refuses extra arguments', async () => {
		const result = await runCli(['incidents', 'extra'], {home});
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('too many arguments');
	});
});
