/**
 * `incident-tui completion bash|zsh`: a shell completion script made from the command line's own
 * definition (commander's commands, options and arguments), so a new command or option completes
 * without anyone editing the script. What an option's value is (a file, a directory, one of a few
 * words) comes from the option: its choices, or `valueKinds` below.
 *
 * Written by hand: commander has no completion of its own, and the packages that add it
 * (omelette, tabtab) install themselves into the user's shell files, which a tool run on a shared
 * bastion must not do. The scripts use nothing beyond bash's `complete`/`compgen` and zsh's
 * `compdef`/`_describe`/`_files`.
 */
import type {Command, Option} from 'commander';

export type ValueKind = 'file' | 'directory' | 'none' | readonly string[];

export interface CompletionOption {
	/** `--config` and `-c`. */
	flags: string[];
	description: string;
	/** What follows the option: nothing (a switch, `takesValue` false), a file, a directory, a word from a list, or anything (`none`: no completion). */
	takesValue: boolean;
	value: ValueKind;
}

export interface CompletionCommand {
	/** The words after the program's name: [] for the program, ['runbook', 'lint']. */
	path: string[];
	description: string;
	subcommands: Array<{name: string; description: string}>;
	/** Its own options and every parent's (commander reads a program's options after a subcommand too). */
	options: CompletionOption[];
	/** Its arguments are files (`runbook lint <paths...>`, `runbook inspect <file>`). */
	files: boolean;
	/** The words its arguments may be (`completion <shell>`: bash, zsh). */
	words: string[];
}

/** Values that are paths, by option name; options with choices complete those. */
const valueKinds: Record<string, ValueKind> = {
	'--config': 'file',
	'--runbook': 'file',
	'--output': 'file',
	'--state-dir': 'directory',
};

/** Argument names that are paths. */
const fileArguments = new Set(['file', 'files', 'path', 'paths']);

function optionOf(option: Option): CompletionOption {
	const flags = [option.long, option.short].filter((flag): flag is string => Boolean(flag));
	const takesValue = option.required || option.optional;
	const value: ValueKind = !takesValue ? 'none' : option.argChoices ? option.argChoices : (valueKinds[option.long ?? ''] ?? 'none');
	return {flags, description: option.description, takesValue, value};
}

const help: CompletionOption = {flags: ['--help', '-h'], description: 'display help for command', takesValue: false, value: 'none'};

/** Every command of `program`, depth first, with the options that apply at it. */
export function completionSpec(program: Command): CompletionCommand[] {
	const out: CompletionCommand[] = [];
	const walk = (command: Command, path: string[], inherited: CompletionOption[]) => {
		const options = [...inherited, ...command.options.map(optionOf)];
		out.push({
			path,
			description: command.description(),
			subcommands: command.commands.map(sub => ({name: sub.name(), description: sub.description()})),
			options: [...options, help],
			files: command.registeredArguments.some(argument => fileArguments.has(argument.name())),
			words: command.registeredArguments.flatMap(argument => argument.argChoices ?? []),
		});
		for (const sub of command.commands) walk(sub, [...path, sub.name()], options);
	};
	walk(program, [], []);
	return out;
}

/** Single-quoted for both shells. */
function quote(text: string): string {
	return `'${text.replaceAll("'", "'\\''")}'`;
}

function valueOptions(spec: CompletionCommand[]): Map<string, ValueKind> {
	const out = new Map<string, ValueKind>();
	for (const command of spec) for (const option of command.options) if (option.takesValue) for (const flag of option.flags) out.set(flag, option.value);
	return out;
}

/** A bash `case` pattern list: 'a'|'b'. */
function patterns(words: readonly string[]): string {
	return words.map(quote).join('|');
}

export function bashCompletion(spec: CompletionCommand[], name = 'incident-tui'): string {
	const fn = `_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
	const values = valueOptions(spec);
	const valueCase = (kind: ValueKind) => [...values].filter(([, v]) => v === kind || (Array.isArray(v) && Array.isArray(kind) && v.join() === kind.join())).map(([flag]) => flag);
	const lines: string[] = [
		`# ${name} completion for bash. Load it in this shell:  source <(${name} completion bash)`,
		`# or for every shell: ${name} completion bash > ~/.local/share/bash-completion/completions/${name}`,
		`${fn}() {`,
		'\tlocal cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" path="" word i',
		'\t# The command path so far (runbook lint): the words that are not options or option values.',
		'\tfor ((i = 1; i < COMP_CWORD; i++)); do',
		'\t\tword="${COMP_WORDS[i]}"',
		'\t\tcase "$word" in -*) continue ;; esac',
		`\t\tcase "\${COMP_WORDS[i-1]}" in ${patterns([...values.keys()])}) continue ;; esac`,
		'\t\tcase "$path/$word" in',
		...spec.filter(c => c.path.length > 0).map(c => `\t\t\t${quote(`${c.path.slice(0, -1).join(' ')}/${c.path.at(-1)}`)}) path="${c.path.join(' ')}" ;;`),
		'\t\tesac',
		'\tdone',
		'\tcase "$prev" in',
	];
	const files = valueCase('file');
	const dirs = valueCase('directory');
	if (files.length > 0) lines.push(`\t\t${patterns(files)}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`);
	if (dirs.length > 0) lines.push(`\t\t${patterns(dirs)}) COMPREPLY=($(compgen -d -- "$cur")); return ;;`);
	const choiceLists = new Map<string, string[]>();
	for (const [flag, kind] of values) if (Array.isArray(kind)) choiceLists.set(kind.join(' '), [...(choiceLists.get(kind.join(' ')) ?? []), flag]);
	for (const [words, flags] of choiceLists) lines.push(`\t\t${patterns(flags)}) COMPREPLY=($(compgen -W ${quote(words)} -- "$cur")); return ;;`);
	const free = [...values].filter(([, v]) => v === 'none').map(([flag]) => flag);
	if (free.length > 0) lines.push(`\t\t${patterns(free)}) COMPREPLY=(); return ;;`);
	lines.push('\tesac', '\tlocal commands="" options="" files=""', '\tcase "$path" in');
	for (const command of spec) {
		const options = command.options.flatMap(o => o.flags).join(' ');
		const commands = [...command.subcommands.map(s => s.name), ...command.words].join(' ');
		lines.push(`\t\t${quote(command.path.join(' '))}) commands=${quote(commands)}; options=${quote(options)}; files=${command.files ? 1 : '""'} ;;`);
	}
	lines.push(
		'\tesac',
		'\tif [[ "$cur" == -* ]]; then',
		'\t\tCOMPREPLY=($(compgen -W "$options" -- "$cur"))',
		'\telse',
		'\t\tCOMPREPLY=($(compgen -W "$commands" -- "$cur"))',
		'\t\t[[ -n "$files" ]] && COMPREPLY+=($(compgen -f -- "$cur"))',
		'\tfi',
		'}',
		`complete -o filenames -F ${fn} ${name}`,
		'',
	);
	return lines.join('\n');
}

/** `name:description` for zsh's _describe, colons in the name escaped, one line of description. */
function described(name: string, description: string): string {
	return quote(`${name.replaceAll(':', '\\:')}:${description.split('\n')[0]!.slice(0, 120)}`);
}

export function zshCompletion(spec: CompletionCommand[], name = 'incident-tui'): string {
	const fn = `_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
	const values = valueOptions(spec);
	const lines: string[] = [
		`#compdef ${name}`,
		`# ${name} completion for zsh. Load it in this shell:  source <(${name} completion zsh)`,
		`# or for every shell: ${name} completion zsh > "\${fpath[1]}/_${name}" (then restart zsh)`,
		`${fn}() {`,
		'\tlocal cur="${words[CURRENT]}" prev="${words[CURRENT-1]}" cmdpath="" word i',
		'\tlocal -a cmds opts',
		// `commands`, `options` and `path` are zsh's own parameters: not these names.
		'\tlocal files=""',
		'\t# The command path so far (runbook lint): the words that are not options or option values.',
		'\tfor ((i = 2; i < CURRENT; i++)); do',
		'\t\tword="${words[i]}"',
		'\t\tcase "$word" in -*) continue ;; esac',
		`\t\tcase "\${words[i-1]}" in ${patterns([...values.keys()])}) continue ;; esac`,
		'\t\tcase "$cmdpath/$word" in',
		...spec.filter(c => c.path.length > 0).map(c => `\t\t\t${quote(`${c.path.slice(0, -1).join(' ')}/${c.path.at(-1)}`)}) cmdpath="${c.path.join(' ')}" ;;`),
		'\t\tesac',
		'\tdone',
		'\tcase "$prev" in',
	];
	const byKind = (test: (kind: ValueKind) => boolean) => [...values].filter(([, kind]) => test(kind)).map(([flag]) => flag);
	const files = byKind(kind => kind === 'file');
	const dirs = byKind(kind => kind === 'directory');
	if (files.length > 0) lines.push(`\t\t${patterns(files)}) _files; return ;;`);
	if (dirs.length > 0) lines.push(`\t\t${patterns(dirs)}) _files -/; return ;;`);
	for (const [flag, kind] of values) if (Array.isArray(kind)) lines.push(`\t\t${quote(flag)}) compadd -- ${kind.map(quote).join(' ')}; return ;;`);
	const free = byKind(kind => kind === 'none');
	if (free.length > 0) lines.push(`\t\t${patterns(free)}) return 1 ;;`);
	lines.push('\tesac', '\tcase "$cmdpath" in');
	for (const command of spec) {
		lines.push(
			`\t\t${quote(command.path.join(' '))})`,
			`\t\t\tcmds=(${[...command.subcommands.map(s => described(s.name, s.description)), ...command.words.map(word => described(word, `${word} completion script`))].join(' ')})`,
			`\t\t\topts=(${command.options.flatMap(o => o.flags.map(flag => described(flag, o.description))).join(' ')})`,
			`\t\t\tfiles=${command.files ? 1 : '""'} ;;`,
		);
	}
	lines.push(
		'\tesac',
		'\tif [[ "$cur" == -* ]]; then',
		"\t\t_describe -t options 'option' opts",
		'\telse',
		// Status 0 when something was offered, as compsys expects of a completion function.
		'\t\tlocal ret=1',
		"\t\t(( ${#cmds} )) && _describe -t commands 'command' cmds && ret=0",
		'\t\t[[ -n "$files" ]] && _files && ret=0',
		'\t\treturn ret',
		'\tfi',
		'}',
		// From $fpath, this file is the body of _NAME (compinit reads #compdef): complete now. Sourced: register with compdef.
		`if [[ "\${funcstack[1]}" == _${name} ]]; then`,
		`\t${fn} "$@"`,
		'else',
		`\tcompdef ${fn} ${name}`,
		'fi',
		'',
	);
	return lines.join('\n');
}
