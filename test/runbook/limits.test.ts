import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {LocatedError} from '../../source/config/located-error.js';
import {parseRunbookText} from '../../source/runbook/library.js';
import {markdownLimits} from '../../source/runbook/limits.js';
import {fileLimits} from '../../source/config/limits.js';

/**
 * Runbooks come from wikis and other teams: the Markdown parser (micromark) spends time and memory
 * that grow faster than the input for some shapes (emphasis runs, brackets, deep lists, big tables).
 * Inputs past the documented limits are refused before the parser sees them, with file:line.
 */

/** The LocatedError `load` throws; fails the test when it loads or throws anything else. */
function refusal(load: () => unknown): LocatedError {
	try {
		load();
	} catch (error) {
		if (error instanceof LocatedError) return error;
		throw error;
	}
	throw new Error('expected a LocatedError, but the runbook loaded');
}

const md = (text: string) => () => parseRunbookText(text, 'wiki/huge.md');
const payments = readFileSync(fileURLToPath(new URL('../fixtures/runbooks/payments.md', import.meta.url)), 'utf8');

describe('runbook limits: refused before parsing, with file and line', () => {
	it('a Markdown runbook over 256 KiB: 1 MB of emphasis, a 2 MB table, 300 KB of prose, each refused at the line where it passes the limit', () => {
		const emphasis = refusal(md(`# Big\n\n${'*a '.repeat(350_000)}\n`));
		expect(emphasis.file).toBe('wiki/huge.md');
		// The emphasis paragraph starts on line 3 and is one line: it passes 256 KiB there.
		expect(emphasis.line).toBe(3);
		expect(emphasis.problem).toMatch(/^the runbook passes 256 KiB on this line \(it is 1\.0 MiB\); split it into smaller runbooks$/);
		const table = refusal(md(`| a | b |\n| - | - |\n${'| x | y |\n'.repeat(210_000)}`));
		expect(table.line).toBe(2 + Math.ceil((fileLimits.bytes - 20) / 10));
		expect(table.problem).toContain('passes 256 KiB');
		let prose = '';
		for (let n = 1; prose.length < 300_000; n++) prose += `${payments.replace('id: payments-api', `id: payments-${n}`)}\n`;
		expect(refusal(md(prose)).problem).toContain('passes 256 KiB');
	});

	it('a YAML runbook over 256 KiB is refused the same way', () => {
		const yaml = `id: big\ntitle: Big\nsteps:\n${'  - title: Look at the dashboard and write down what you see\n'.repeat(5000)}`;
		const error = refusal(() => parseRunbookText(yaml, 'big.yaml'));
		expect(error.file).toBe('big.yaml');
		expect(error.problem).toContain('passes 256 KiB');
	});

	it('more than 10,000 blocks (paragraphs, headings, list items, table rows, code blocks): each costs the parser kilobytes', () => {
		const error = refusal(md(`# Many\n\n${'- a\n'.repeat(12_000)}`));
		// "# Many" is the first block; the list items start on line 3.
		expect(error.line).toBe(markdownLimits.blocks + 2);
		expect(error.problem).toBe('more than 10,000 blocks (paragraphs, headings, list items, table rows, code blocks); split the runbook into smaller ones');
	});

	it('a line longer than 10,000 characters, even in a code block', () => {
		const error = refusal(md(`# Long\n\n\`\`\`bash\necho ${'x'.repeat(20_000)}\n\`\`\`\n`));
		expect(error.line).toBe(4);
		expect(error.problem).toBe('this line is 20,005 characters long; a line may have at most 10,000');
	});

	it('quotes nested deeper than 16 levels: 9,000 ">" (a stack overflow in the parser) and "> > > ..."', () => {
		const deep = refusal(md(`# Deep\n\nok\n${'>'.repeat(9000)} a\n`));
		expect(deep.line).toBe(4);
		expect(deep.problem).toBe('quotes and lists nested more than 16 levels deep on this line');
		expect(refusal(md(`${'> '.repeat(17)}a\n`)).problem).toContain('nested more than 16 levels');
		expect(() => parseRunbookText(`${'> '.repeat(16)}a\n`, 'fine.md')).not.toThrow();
		expect(refusal(md(`${'- '.repeat(40)}a\n`)).problem).toContain('nested more than 16 levels');
		// A thematic break made of dashes is no list.
		expect(() => parseRunbookText(`# Fine\n\n${'- '.repeat(40)}\n\ntext\n`, 'fine.md')).not.toThrow();
	});

	it('lists nested by indentation: a line indented more than 64 columns outside a code block', () => {
		const nested = Array.from({length: 100}, (_, i) => `${'  '.repeat(i)}- level ${i}`).join('\n');
		const error = refusal(md(`# Nested\n\n${nested}\n`));
		// Line 3 holds level 0 at column 0; level 33 is the first indented 66 columns.
		expect(error.line).toBe(3 + 33);
		expect(error.problem).toBe('this line is indented 66 columns; outside a code block at most 64 (lists nested too deep?)');
		// Code inside a fence may be indented as it likes.
		const fenced = `# Fine\n\n1. Apply\n   \`\`\`yaml\n${Array.from({length: 50}, (_, i) => `   ${'  '.repeat(i)}k${i}:`).join('\n')}\n   \`\`\`\n`;
		expect(() => parseRunbookText(fenced, 'fine.md')).not.toThrow();
	});

	it('a paragraph longer than 10,000 characters', () => {
		const paragraph = Array.from({length: 400}, () => 'the consumer lag keeps growing').join('\n');
		const error = refusal(md(`# Long\n\nIntro.\n\n${paragraph}\n`));
		expect(error.line).toBe(5);
		expect(error.problem).toMatch(/^a paragraph of more than 10,000 characters \(lines 5-\d+\); separate it with blank lines$/);
	});

	it('more than 1,000 emphasis or link marks in one paragraph, heading or table row (the parser is quadratic in them)', () => {
		const pairs = refusal(md(`# Marks\n\n${'*a* '.repeat(1500)}\n`));
		expect(pairs.line).toBe(3);
		expect(pairs.problem).toMatch(/^more than 1,000 emphasis or link marks \(\* _ ~ \[ \] <\) in one paragraph \(lines 3-3\)/);
		expect(refusal(md(`# Marks\n\n${'a* '.repeat(1200)}\n`)).problem).toContain('more than 1,000 emphasis or link marks');
		expect(refusal(md(`# Marks\n\n${'[a](b '.repeat(600)}\n`)).problem).toContain('more than 1,000 emphasis or link marks');
		const row = refusal(md(`| a | b |\n| - | - |\n| x | ${'_a_ '.repeat(600)} |\n`));
		expect(row.line).toBe(3);
		// The same marks spread over paragraphs are fine.
		expect(() => parseRunbookText(`# Fine\n\n${'*a* '.repeat(100)}\n\n`.repeat(20), 'fine.md')).not.toThrow();
	});

	it('tables with more than 5,000 cells', () => {
		const rows = Array.from({length: 1300}, (_, i) => `| ${i} | b | c | d |`).join('\n');
		const error = refusal(md(`# Table\n\n| a | b | c | d |\n| - | - | - | - |\n${rows}\n`));
		expect(error.problem).toBe('tables with more than 5,000 cells; split the runbook or link to the data');
		expect(error.line).toBeGreaterThan(1200);
	});

	it('front matter nested deeper than 64 levels is refused with its line in the file', () => {
		const error = refusal(md(`---\nid: deep\nalerts: ${'['.repeat(100)}${']'.repeat(100)}\n---\n# Deep\n`));
		expect(error.line).toBe(3);
		expect(error.problem).toBe('YAML nested more than 64 levels deep');
	});

	it('a real runbook stays well inside the limits: the payments guide repeated to 200 KB loads', () => {
		let text = '';
		for (let n = 1; text.length < 200_000; n++) text += `\n## Part ${n}\n${payments.replace(/^---[\s\S]*?---\n/, '')}`;
		const runbook = parseRunbookText(text, 'payments-big.md');
		expect(runbook.steps.length).toBeGreaterThan(1000);
	}, 60_000);
});
