import {describe, expect, it} from 'vitest';
import {execFileSync} from 'node:child_process';
import {MissingVariableError, renderTemplate, shellQuote, templateVariables} from '../../source/runbook/template.js';

describe('templateVariables', () => {
	it('lists names unique and in order, tolerating whitespace', () => {
		expect(templateVariables('kubectl -n {{namespace}} logs {{ pod }} --since={{  since}} {{namespace}}')).toEqual(['namespace', 'pod', 'since']);
	});
	it('ignores text that is not a placeholder', () => {
		expect(templateVariables('{ x } {{}} {{ 1abc }} $HOME')).toEqual([]);
	});
	it('accepts dots and dashes in names', () => {
		expect(templateVariables('{{service.name}} {{ my-var }}')).toEqual(['service.name', 'my-var']);
	});
});

describe('renderTemplate', () => {
	it('substitutes values', () => {
		expect(renderTemplate('rate(x{job="{{ job }}"}[{{window}}])', {job: 'api', window: '5m'})).toBe('rate(x{job="api"}[5m])');
	});
	it('names the missing variable', () => {
		expect(() => renderTemplate('echo {{ who }}', {})).toThrow(MissingVariableError);
		expect(() => renderTemplate('echo {{ who }}', {})).toThrow(/'who'/);
	});
	it('keeps missing placeholders when asked', () => {
		expect(renderTemplate('a {{ b }} {{c}}', {c: 'C'}, {missing: 'keep'})).toBe('a {{ b }} C');
	});
	it('applies quote to each value', () => {
		expect(renderTemplate('echo {{a}}', {a: "it's"}, {quote: shellQuote})).toBe(`echo 'it'\\''s'`);
	});
	it('does not treat inherited properties as values', () => {
		expect(() => renderTemplate('{{toString}}', {})).toThrow(/toString/);
	});
	it('does not expand placeholders inside substituted values', () => {
		expect(renderTemplate('{{a}}', {a: '{{b}}', b: 'nope'})).toBe('{{b}}');
	});
});

describe('shellQuote', () => {
	const values = ['plain', '', "it's", 'a b', '$(touch x)', '`id`', '"dq"', 'line1\nline2', "'", "''", '\\', '*', '-n', 'é ünï'];
	it.each(values)('round-trips %j through bash', value => {
		const out = execFileSync('bash', ['-c', `printf '%s' ${shellQuote(value)}`], {encoding: 'utf8'});
		expect(out).toBe(value);
	});
	it('leaves safe words unquoted and quotes the rest', () => {
		expect(shellQuote('api-7d9f')).toBe('api-7d9f');
		expect(shellQuote('a b')).toBe("'a b'");
		expect(shellQuote('')).toBe("''");
	});
});
