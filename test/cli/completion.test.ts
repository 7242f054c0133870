/**
 * `incident-tui completion bash|zsh` prints a script that completes the commands, the options of
 * each, and files or words where the CLI takes them. Bash: the script is sourced in a real bash and
 * its function asked as bash's completion asks it (COMP_WORDS, COMP_CWORD -> COMPREPLY). Zsh: it is
 * registered through a real compinit (sourced, and from $fpath), and its function asked with
 * zsh's completion builtins replaced by functions that print what they were given.
 */
import {execFileSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cliTestTimeoutMs, runCli, tempDir} from './run-cli.js';

const zsh = ['/usr/bin/zsh', '/bin/zsh'].find(file => existsSync(file));
if (!zsh) console.warn('\n*** SKIPPING the zsh completion tests: no zsh. Install it to run them: apt-get install -y --no-install-recommends zsh\n');

let home: string;
let remove: () => Promise<void>;
let bashScript: string;
let zshScript: string;
let commands: string[];

beforeAll(async () => {
	({dir: home, remove} = await tempDir('completion'));
	await writeFile(path.join(home, 'incident.yaml'), 'services: []\n');
	await writeFile(path.join(home, 'payments.md'), '# Payments\n');
	await mkdir(path.join(home, 'state'));
	const [bash, z, help] = await Promise.all([runCli(['completion', 'bash'], {home}), runCli(['completion', 'zsh'], {home}), runCli(['--help'], {home})]);
	expect(bash.code, bash.stderr).toBe(0);
	expect(z.code, z.stderr).toBe(0);
	bashScript = bash.stdout;
	zshScript = z.stdout;
	// The commands `--help` lists: the script must offer each of them.
	const section = help.stdout.slice(help.stdout.indexOf('Commands:'));
	commands = [...section.matchAll(/^ {2}([a-z]+)\b/gm)].map(m => m[1]!).filter(name => name !== 'help');
	await writeFile(path.join(home, 'completion.bash'), bashScript);
	await writeFile(path.join(home, 'completion.zsh'), zshScript);
}, cliTestTimeoutMs);
afterAll(async () => remove?.());

/** What bash completes for the command line `line` (the cursor at its end), one candidate a line, sorted. */
function bashComplete(line: string): string[] {
	const words = line.split(' ');
	const script = [
		'source ./completion.bash',
		`COMP_WORDS=(${words.map(w => `'${w}'`).join(' ')})`,
		`COMP_CWORD=${words.length - 1}`,
		'_incident_tui',
		'printf "%s\\n" "${COMPREPLY[@]}"',
	].join('\n');
	return execFileSync('bash', ['--norc', '--noprofile', '-c', script], {cwd: home, encoding: 'utf8'}).split('\n').filter(Boolean).sort();
}

describe('incident-tui completion bash', () => {
	it('registers itself for incident-tui when sourced', () => {
		expect(execFileSync('bash', ['--norc', '-c', 'source ./completion.bash && complete -p incident-tui'], {cwd: home, encoding: 'utf8'}).trim()).toBe(
			'complete -o filenames -F _incident_tui incident-tui',
		);
	});

	it('completes every command --help lists, and a prefix to its command', () => {
		expect(commands).toEqual(expect.arrayContaining(['demo', 'status', 'check', 'incidents', 'export', 'runbook', 'completion']));
		expect(bashComplete('incident-tui ')).toEqual([...commands].sort());
		expect(bashComplete('incident-tui ch')).toEqual(['check']);
		expect(bashComplete('incident-tui runbook ')).toEqual(['inspect', 'lint']);
		expect(bashComplete('incident-tui runbook l')).toEqual(['lint']);
		expect(bashComplete('incident-tui completion ')).toEqual(['bash', 'zsh']);
	});

	it("completes each command's own options and the program's, after options with values too", () => {
		expect(bashComplete('incident-tui check --')).toEqual(expect.arrayContaining(['--config', '--timeout', '--help', '--readonly']));
		expect(bashComplete('incident-tui check --')).not.toContain('--json');
		expect(bashComplete('incident-tui status --j')).toEqual(['--json']);
		expect(bashComplete('incident-tui --config incident.yaml status --scr')).toEqual(['--scrape-interval']);
		expect(bashComplete('incident-tui export inc-1 --')).toEqual(expect.arrayContaining(['--format', '--output']));
		expect(bashComplete('incident-tui export inc-1 -')).toEqual(expect.arrayContaining(['--format', '--output', '-o', '-h']));
	});

	it('completes files, directories and choices where an option or argument takes them', () => {
		expect(bashComplete('incident-tui --config ')).toEqual(['completion.bash', 'completion.zsh', 'incident.yaml', 'payments.md', 'state']);
		expect(bashComplete('incident-tui check -c inc')).toEqual(['incident.yaml']);
		expect(bashComplete('incident-tui --state-dir ')).toEqual(['state']);
		expect(bashComplete('incident-tui export inc-1 --format ')).toEqual(['json', 'md']);
		expect(bashComplete('incident-tui runbook lint pay')).toEqual(['payments.md']);
		// A value nobody can guess (a namespace) completes nothing rather than a wrong word.
		expect(bashComplete('incident-tui -n ')).toEqual([]);
	});
});

/** What the zsh function offers for `line`: `_describe`'s entries, `compadd`'s words, `_files` calls. */
function zshComplete(line: string): string[] {
	const words = line.split(' ');
	const script = [
		// Stand-ins for compsys, printing what they were given.
		'compdef() { : }',
		'_describe() { local name=${@[-1]}; print -l -- ${(P)name}; }',
		'compadd() { [[ $1 == -- ]] && shift; print -l -- "$@"; }',
		'_files() { print -- "FILES $*"; }',
		'source ./completion.zsh',
		`words=(${words.map(w => `'${w}'`).join(' ')})`,
		`CURRENT=${words.length}`,
		'_incident_tui',
	].join('\n');
	return execFileSync(zsh!, ['-f', '-c', script], {cwd: home, encoding: 'utf8'}).split('\n').filter(Boolean).sort();
}

describe.skipIf(!zsh)('incident-tui completion zsh', () => {
	it('is registered by compinit, sourced and from $fpath', async () => {
		const sourced = execFileSync(zsh!, ['-f', '-c', 'autoload -Uz compinit && compinit -u -D && source ./completion.zsh && print -- $_comps[incident-tui]'], {cwd: home, encoding: 'utf8'});
		expect(sourced.trim()).toBe('_incident_tui');
		const fpathDir = path.join(home, 'zfunc');
		await mkdir(fpathDir, {recursive: true});
		await writeFile(path.join(fpathDir, '_incident-tui'), zshScript);
		const fromFpath = execFileSync(zsh!, ['-f', '-c', `fpath=(${fpathDir} $fpath) && autoload -Uz compinit && compinit -u -D && print -- $_comps[incident-tui]`], {cwd: home, encoding: 'utf8'});
		expect(fromFpath.trim()).toBe('_incident-tui');
	});

	it('offers the commands with their descriptions, the options of the command, and files or choices where they are taken', () => {
		const top = zshComplete('incident-tui ');
		expect(top.map(entry => entry.split(':')[0])).toEqual([...commands].sort());
		expect(top.find(entry => entry.startsWith('check:'))).toMatch(/^check:check the config: every error in it \(file:line:column\), then try each endpoint/);
		expect(zshComplete('incident-tui runbook ').map(entry => entry.split(':')[0])).toEqual(['inspect', 'lint']);
		expect(zshComplete('incident-tui status --').map(entry => entry.split(':')[0])).toEqual(expect.arrayContaining(['--json', '--timeout', '--config', '--help']));
		expect(zshComplete('incident-tui --config ')).toEqual(['FILES ']);
		expect(zshComplete('incident-tui --state-dir ')).toEqual(['FILES -/']);
		expect(zshComplete('incident-tui export inc-1 --format ')).toEqual(['json', 'md']);
		expect(zshComplete('incident-tui runbook lint ')).toEqual(['FILES ']);
		expect(zshComplete('incident-tui completion ').map(entry => entry.split(':')[0])).toEqual(['bash', 'zsh']);
	});
});
