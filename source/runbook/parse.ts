import {checkSize} from '../config/limits.js';
import type {Runbook} from './model.js';
import {checkMarkdownLimits} from './limits.js';
import {parseMarkdownRunbook} from './markdown.js';
import {collectYamlRunbook, parseYamlRunbook} from './yaml.js';
import {LocatedError} from '../config/located-error.js';
import {sortProblems} from '../config/collect.js';

const YAML_EXT = /\.ya?ml$/i;

/** Parses runbook text by file name: YAML for .yaml/.yml, Markdown for anything else. */
export function parseRunbookText(text: string, file: string, source = file): Runbook {
	return YAML_EXT.test(file) ? parseYamlRunbook(text, file, source) : parseMarkdownRunbook(text, file, source);
}

/**
 * The limits parseRunbookText checks first (source/runbook/limits.ts), on their own: a few
 * milliseconds for the largest runbook allowed, so they answer before a worker has even started.
 */
export function checkRunbookText(text: string, file: string): void {
	if (YAML_EXT.test(file)) checkSize(text, file, 'runbook');
	else checkMarkdownLimits(text, file);
}

/**
 * Every problem of a runbook file in one pass, for `runbook lint`: its limits, YAML syntax, schema
 * and references (source/config/collect.ts), and the runbook made of its valid parts for the checks
 * that follow. No runbook when the file cannot be read as one.
 */
export function collectRunbookText(text: string, file: string): {runbook?: Runbook; problems: LocatedError[]} {
	if (YAML_EXT.test(file)) return collectYamlRunbook(text, file);
	const problems: LocatedError[] = [];
	try {
		const runbook = parseMarkdownRunbook(text, file, file, problems);
		return {runbook, problems: sortProblems(problems)};
	} catch (error) {
		if (!(error instanceof LocatedError)) throw error;
		return {problems: sortProblems([...problems, error])};
	}
}
