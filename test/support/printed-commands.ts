/**
 * Runs every command incident-tui prints for the operator, where it prints it: the resume command
 * in the quit dialog and at exit, the post-mortem export, and the commands its errors suggest
 * (`incidents`, `--help`). Used for the clone's sources (test/cli/printed-commands.test.ts) and
 * the single-file build (test/render/bundle.test.ts).
 */
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {execa} from 'execa';
import {expect} from 'vitest';
import {runInTerminal} from './terminal-command.js';

export interface Quit {
	/** The command the quit dialog gives. */
	dialog: string;
	id: string;
	journal: string;
	resume: string;
	export: string;
}

/** The quit dialog's `Resume with:` command, joined again where the dialog wrapped it. */
function dialogCommand(screen: string): string {
	const lines = screen.split('\n');
	const at = lines.findIndex(line => line.includes('Resume with: '));
	const inner = (line: string) => line.replace(/^[\s│|]*/, '').replace(/[\s│|]*$/, '');
	const parts = [inner(lines[at]!.slice(lines[at]!.indexOf('Resume with: ') + 'Resume with: '.length))];
	// Continuation lines of the wrapped command sit in the dialog up to its footer.
	for (const line of lines.slice(at + 1)) {
		const text = inner(line);
		if (!text || text.includes('y/enter/q quit') || /^[─╰└+-]+$/.test(text)) break;
		parts.push(text);
	}
	return parts.join(' ').replace(/\s+/g, ' ').trim();
}

function lastMatch(text: string, pattern: RegExp): RegExpMatchArray {
	const all = [...text.matchAll(new RegExp(pattern.source, 'gm'))];
	expect(all.length, `${pattern} in:\n${text.slice(-3000)}`).toBeGreaterThan(0);
	return all.at(-1)!;
}

/** Opens the cockpit with `commandLine` in a terminal, quits it with q then y, and reads what the dialog and the exit said. */
export async function openAndQuit(commandLine: string, options: {cwd: string; env: NodeJS.ProcessEnv}): Promise<Quit> {
	const terminal = runInTerminal(commandLine, options);
	try {
		await terminal.shown('1 Health');
		terminal.type('q');
		const screen = await terminal.shown('Resume with: ', 'the quit dialog');
		const dialog = dialogCommand(screen);
		terminal.type('y');
		expect(await terminal.exited, terminal.output().slice(-2000)).toBe(0);
		const out = terminal.output();
		const saved = lastMatch(out, /^incident (\S+) saved in (.*)$/);
		return {dialog, id: saved[1]!, journal: saved[2]!.trim(), resume: lastMatch(out, /^resume: (.*)$/)[1]!.trim(), export: lastMatch(out, /^post-mortem draft: (.*)$/)[1]!.trim()};
	} finally {
		await terminal.close();
	}
}

/** Runs one printed command line as a shell would. */
export async function runPrinted(commandLine: string, options: {cwd: string; env: NodeJS.ProcessEnv}): Promise<{code: number | undefined; stdout: string; stderr: string}> {
	const result = await execa('sh', ['-c', commandLine], {cwd: options.cwd, env: options.env, extendEnv: false, reject: false, stdin: 'ignore', timeout: 60_000});
	return {code: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr)};
}

/** The command an error suggests: `(see: COMMAND)`. */
function suggested(stderr: string): string {
	const match = /\(see: (.*)\)\s*$/.exec(stderr.trim());
	expect(match, `a suggested command in: ${stderr}`).not.toBeNull();
	return match![1]!;
}

/**
 * The whole walk: open the cockpit with `start`, quit, and run what was printed: the resume
 * command (the same incident opens, and quitting it prints the same commands), the export (the
 * draft is written in the directory), and each command an error suggests. `invocation` is how the
 * printed commands must start (`npx incident-tui`, `node incident-tui.mjs`, `incident-tui`).
 */
export async function followPrintedCommands(start: string, options: {cwd: string; env: NodeJS.ProcessEnv; invocation: string; demo?: boolean}): Promise<Quit> {
	const first = await openAndQuit(start, options);
	expect(first.resume).toBe(`${options.invocation} ${options.demo === false ? '' : 'demo '}--incident ${first.id}`);
	expect(first.dialog, 'the quit dialog gives the resume command printed at exit').toBe(first.resume);
	expect(first.export).toBe(`${options.invocation} export ${first.id} -o ${first.id}.md`);

	const again = await openAndQuit(first.resume, options);
	expect(again).toEqual(first);

	const exported = await runPrinted(first.export, options);
	expect(exported, exported.stderr).toMatchObject({code: 0});
	const draft = path.join(options.cwd, `${first.id}.md`);
	expect(existsSync(draft), `${draft} written`).toBe(true);
	expect(readFileSync(draft, 'utf8')).toContain(first.id);

	const badId = await runPrinted(`${options.invocation} --incident 'not an id'`, options);
	expect(badId.code).toBe(2);
	const list = await runPrinted(suggested(badId.stderr), options);
	expect(list, list.stderr).toMatchObject({code: 0});
	expect(list.stdout).toContain(first.id);

	const noJournal = await runPrinted(`${options.invocation} export inc-never-was`, options);
	expect(noJournal.code).toBe(2);
	const listed = await runPrinted(suggested(noJournal.stderr), options);
	expect(listed, listed.stderr).toMatchObject({code: 0});
	expect(listed.stdout).toContain(first.id);

	const typo = await runPrinted(`${options.invocation} incidnets`, options);
	expect(typo.code).toBe(2);
	const help = await runPrinted(suggested(typo.stderr), options);
	expect(help, help.stderr).toMatchObject({code: 0});
	expect(help.stdout).toContain('Usage:');
	return first;
}
