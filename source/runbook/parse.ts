import {checkSize} from '../config/limits.js';
import type {Runbook} from './model.js';
import {checkMarkdownLimits} from './limits.js';
import {parseMarkdownRunbook} from './markdown.js';
import {parseYamlRunbook} from './yaml.js';

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
