/**
 * Where a `{{variable}}` may sit in a command, and which values may fill it.
 *
 * A value from an alert label or a `--var` is data someone else chose. It reaches a script as a
 * positional parameter (source/runbook/shell-bind.ts) and an argv command as (part of) one argument,
 * so the shell never reads it as code. What is left are the places where a *program* reads an
 * argument as code or as a variable name, and the values a program reads as options:
 *
 * - the program to run (the first word): the value would choose what runs;
 * - the code argument of `eval`, `trap`, `sh -c`/`bash -c` (also behind `kubectl exec … --`, `sudo`,
 *   `xargs`, `find -exec`), `su -c`, `flock -c`, the remote command of `ssh` and `watch`: these
 *   programs parse their argument as shell code;
 * - the name arguments of `read`, `unset`, `mapfile`, `printf -v`, `test -v`, `source`: bash evaluates
 *   an array subscript in a name (`a[$(…)]`) as arithmetic, which runs command substitutions;
 * - a value starting with `-`, which a program reads as an option (`--kubeconfig=/etc/passwd`).
 *
 * Hand-written: these are rules about programs, not about shell syntax; no library knows them.
 */

import type {RunbookVariable} from './model.js';

/** Programs that run their `-c` argument as shell code. */
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish', 'busybox', 'rbash']);
/** Programs that run the argument after `-c`/`--command` as shell code. */
const DASH_C = new Set(['su', 'runuser', 'flock', 'script']);
/** Programs whose every argument is shell code (or, for `source`, a file to run). */
const ALL_CODE = new Set(['eval', 'trap', 'source', '.', 'watch']);
/** Bash builtins whose arguments are variable names: a subscript in a name is evaluated. */
const NAME_ARGS = new Set(['read', 'unset', 'mapfile', 'readarray', 'getopts', 'let']);
/** ssh's options that take a value: the first word after the options (and their values) is the destination. */
const SSH_OPTIONS_WITH_VALUE = new Set('BbcDEeFIiJLlmOoPpQRSWw'.split(''));

const basename = (word: string): string => word.slice(word.lastIndexOf('/') + 1);

/** Why word `index` of a simple command (its words as written) is read as code or a name, or undefined. */
export function codeWordReason(words: readonly string[], index: number): string | undefined {
	if (index === 0) return 'it names the program to run';
	const program = basename(words[0] ?? '');
	if (ALL_CODE.has(program)) return `\`${program}\` runs its arguments as shell code`;
	if (NAME_ARGS.has(program)) return `\`${program}\` reads its arguments as variable names, and bash evaluates a subscript in a name`;
	const previous = words[index - 1] ?? '';
	if (program === 'printf' && previous === '-v') return '`printf -v` reads it as a variable name';
	if ((program === 'test' || program === '[') && (previous === '-v' || previous === '-R')) return `\`${program} ${previous}\` reads it as a variable name`;
	if (/^-[a-zA-Z]*c$/.test(previous) && words.slice(0, index - 1).some(word => SHELLS.has(basename(word)))) return 'a shell runs the argument after -c as code';
	if ((previous === '-c' || previous === '--command') && words.slice(0, index - 1).some(word => DASH_C.has(basename(word)))) return `the argument after ${previous} is run as shell code`;
	if (program === 'ssh') {
		let destination = -1;
		for (let i = 1; i < words.length; i++) {
			const word = words[i]!;
			if (word === '--') {
				destination = i + 1;
				break;
			}
			if (word.startsWith('-') && word.length > 1) {
				if (word.length === 2 && SSH_OPTIONS_WITH_VALUE.has(word[1]!)) i++;
				continue;
			}
			destination = i;
			break;
		}
		if (destination >= 0 && index > destination) return 'ssh runs its remote command through the remote shell';
	}
	return undefined;
}

/** Placeholder-free text of a value as shown in a confirmation: quoted, control characters visible. */
export function showValue(value: string): string {
	return JSON.stringify(value);
}

/** Characters that mean something to a shell: such a value is marked in the confirmation. */
const SHELL_SYNTAX = /[$`;|&<>(){}\\'"*?[\]!#~\n\r]/;

export interface ValueMark {
	name: string;
	value: string;
	/** Shown beside the value: why the operator should look at it. */
	notes: string[];
}

/**
 * What the confirmation says about a value: it starts with `-` (a program may read it as an option)
 * or contains shell syntax (it is passed as data and does not run).
 */
export function markValue(name: string, value: string): ValueMark {
	const notes: string[] = [];
	if (value.startsWith('-')) notes.push('starts with "-": a program may read it as an option');
	if (SHELL_SYNTAX.test(value)) notes.push('contains shell syntax: it is passed as data and does not run');
	return {name, value, notes};
}

export class UnsafeValueError extends Error {
	constructor(
		readonly variable: string,
		readonly value: string,
		readonly problem: string,
	) {
		super(`refused: the value of {{${variable}}}, ${showValue(value)}, ${problem}`);
		this.name = 'UnsafeValueError';
	}
}

/**
 * Refuses a value that a command would receive when it starts with `-` (a program reads it as an
 * option: `--kubeconfig=/etc/passwd`) unless the runbook declares the variable with a `pattern` or
 * `allowed` list that admits it, and a value outside its declared `pattern` or `allowed`.
 */
export function checkValue(name: string, value: string, declared: readonly RunbookVariable[] = []): void {
	const variable = declared.find(v => v.name === name);
	if (variable?.allowed && !variable.allowed.includes(value)) throw new UnsafeValueError(name, value, `is not one of ${variable.allowed.join(', ')} (the runbook's allowed values)`);
	if (variable?.pattern !== undefined) {
		let matches = false;
		try {
			matches = new RegExp(`^(?:${variable.pattern})$`).test(value);
		} catch {
			matches = false;
		}
		if (!matches) throw new UnsafeValueError(name, value, `does not match the runbook's pattern ${variable.pattern}`);
	}
	const explicit = variable?.pattern !== undefined || variable?.allowed !== undefined;
	if (value.startsWith('-') && !explicit) {
		throw new UnsafeValueError(name, value, `starts with "-", so the command would read it as an option; if such a value is expected, declare the variable with a pattern that allows it`);
	}
}
