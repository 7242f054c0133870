/**
 * Fuzz targets for the files a user (or a wiki) hands the cockpit: Markdown and YAML runbooks, and
 * the config. A case loads or is refused with a LocatedError naming the file and a line; what the
 * CLI does next with a loaded runbook (lint, inspect) must not throw either.
 */
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {LocatedError} from '../../source/config/located-error.js';
import {parseConfig} from '../../source/config/load.js';
import {parseRunbookText} from '../../source/runbook/library.js';
import {lintRunbook} from '../../source/runbook/lint.js';
import {inspectRunbook} from '../../source/runbook/inspect.js';
import {int, mutateLines, NOISE, pick, type Random} from './random.js';
import {FuzzFailure, type FuzzTarget, type Outcome} from './target.js';

const yamlRunbook = `id: fuzz
title: Fuzz
severity: SEV2
alerts:
  - HighErrorRate
  - name: ServiceDown
    labels: {team: a}
variables:
  - {name: namespace, default: shop, required: true}
  - {name: deployment, pattern: "[a-z]+", allowed: [checkout, cart]}
queries:
  - id: ratio
    promql: |
      sum(rate(http_requests_total{status=~"5.."}[1m]))
      / sum(rate(http_requests_total[1m]))
    unit: ratio
    warn: 0.01
    critical: 0.05
primaryQuery: ratio
steps:
  - title: Look
    section: Triage
    query: ratio
    body: [one, two]
    command: [kubectl, get, pods, -n, "{{namespace}}"]
  - title: Roll back
    id: rb
    action: {kind: rollback, deployment: "{{deployment}}", toRevision: 2}
    doneWhen: {query: ratio, below: 0.01, forSeconds: 60}
    commands:
      - {id: c1, script: "echo hi"}
  - title: Health
    doneWhen: {health: checkout}
    role: scribe
escalation:
  - {afterMinutes: 15, to: lead}
`;

const markdownRunbook = readFileSync(fileURLToPath(new URL('../fixtures/runbooks/payments.md', import.meta.url)), 'utf8');

const config = `title: Checkout 5xx
severity: SEV2
prometheus: {url: "http://127.0.0.1:9090", timeoutMs: 5000}
alertmanager: {url: "http://127.0.0.1:9093"}
kubernetes:
  context: prod-eu
  namespace: shop
  contexts:
    prod-eu: {production: true}
    staging: {readonly: true}
services:
  - name: checkout
    health: http://127.0.0.1:8080/health
    scrape: http://127.0.0.1:8080/metrics
    deployment: checkout
    headers: {x-token: abc}
  - {name: cart, health: "http://127.0.0.1:8081/health", timeoutMs: 2000}
queries:
  - {id: ratio, title: 5xx ratio, promql: "sum(rate(x[1m]))", unit: ratio, warn: 0.01, critical: 0.05}
runbook: bad-deploy
runbooks: [./runbooks, ~/team]
redact: ["token=\\\\S+"]
stateDir: ./state
refresh: {healthMs: 5000}
`;

const repeat = (unit: string, bytes: number) => unit.repeat(Math.max(1, Math.ceil(bytes / unit.length)));

/** Shapes that make Markdown parsers slow, deep or big: sizes from harmless to far past the limits. */
function hostileMarkdown(random: Random): string {
	const size = pick(random, [2_000, 20_000, 120_000, 300_000, 1_200_000]);
	switch (int(random, 16)) {
		case 0:
			return `# Emphasis\n\n${repeat(pick(random, ['*a ', 'a* ', '*a* ', '**a ', '_a_ ', '*_a ', '~a ', '~~a~~ ']), size)}\n`;
		case 1:
			return `# Quotes\n\n${'>'.repeat(1 + int(random, 20_000))} a\n`;
		case 2:
			return `# Lists\n\n${Array.from({length: 1 + int(random, 300)}, (_, i) => `${' '.repeat(i * pick(random, [1, 2, 4]))}- level ${i}`).join('\n')}\n`;
		case 3:
			return `# Markers\n\n${'- '.repeat(1 + int(random, 6000))}a\n`;
		case 4: {
			const columns = 1 + int(random, 40);
			const row = `|${' x |'.repeat(columns)}\n`;
			return `# Table\n\n|${' h |'.repeat(columns)}\n|${' - |'.repeat(columns)}\n${repeat(row, size)}`;
		}
		case 5:
			return `# Wide\n\n|${' h |'.repeat(1 + int(random, 4000))}\n|${' - |'.repeat(1 + int(random, 4000))}\n`;
		case 6:
			return `# Links\n\n${repeat(pick(random, ['[a](b ', '[a](b\n', '[^a] ', '[a', '![a ', '<a ', '<a\n', '[a]: b\n', '`a ', '\\[']), size)}\n`;
		case 7:
			return `# Long\n\n${'x'.repeat(size)}\n`;
		case 8:
			return `# Many\n\n${repeat(pick(random, ['- a\n', '1. a\n', '> a\n', '# a\n', 'a\n\n', '- [ ] a\n', '```\n', '<div>\n', 'a\n=\n']), size)}`;
		case 9:
			return `---\nid: deep\nalerts: ${'['.repeat(1 + int(random, 5000))}\n---\n# Deep\n`;
		case 10:
			return `---\n${Array.from({length: 1 + int(random, 200)}, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} x\n---\n# Deep\n`;
		case 11:
			return Array.from({length: 1 + int(random, size / 10)}, () => pick(random, NOISE)).join('');
		case 12:
			return `# Fence\n\n\`\`\`${pick(random, ['bash', 'promql', 'console', '', '{"name": "x"}'])}\n${repeat(pick(random, ['kubectl get pods\n', 'if x; then\n', "echo '\n", 'cat <<EOF\n', '$ a \\\n', '# c\n']), Math.min(size, 200_000))}`;
		case 13: {
			let text = '';
			while (text.length < Math.min(size, 150_000)) text += `\n## Part ${text.length}\n${markdownRunbook.replace(/^---[\s\S]*?---\n/, '')}`;
			return text;
		}
		case 14:
			return `# Nest\n\n${'*'.repeat(1 + int(random, 3000))}a${'*'.repeat(1 + int(random, 3000))}\n`;
		default:
			return `# HTML\n\n${repeat(pick(random, ['<div>', '<!-- a', '<script>', '<a href="x">', '</div>']) + '\n', size)}`;
	}
}

function hostileYaml(random: Random, base: string): string {
	const size = pick(random, [2_000, 50_000, 300_000, 2_000_000]);
	switch (int(random, 9)) {
		case 0:
			return `${base}\nx: ${'['.repeat(1 + int(random, 5000))}${']'.repeat(int(random, 5000))}\n`;
		case 1:
			return `${base}\nx:\n${Array.from({length: 1 + int(random, 300)}, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')} x\n`;
		case 2:
			return `a: &a [x, x, x, x, x, x, x, x, x, x]\n${'bcdefghij'.split('').map((name, i) => `${name}: &${name} [${Array(10).fill(`*${'abcdefghij'[i]}`).join(', ')}]`).join('\n')}\n${base}`;
		case 3:
			return `${base}\nx: "${'a'.repeat(size)}"\n`;
		case 4:
			return repeat(`${base}\n---\n`, size);
		case 5:
			return `${base}\nx: !!binary ${'QUFB'.repeat(1 + int(random, 1000))}\ny: !!js/function "x"\nz: !custom {a: 1}\n`;
		case 6:
			return `${base}\n${'- '.repeat(1 + int(random, 3000))}x\n`;
		case 7:
			return `base: &b {a: 1}\nmerged: {<<: *b, c: 2}\n${base.replace(/^title:/m, 'title: *nope\ntitl:')}`;
		default:
			return Array.from({length: 1 + int(random, 2000)}, () => pick(random, NOISE)).join('');
	}
}

/** A thrown value is a refusal when it is a LocatedError naming `file` and a line. */
function refusal(error: unknown, file: string, needLine = true): Outcome {
	if (error instanceof LocatedError && error.file === file && (!needLine || (typeof error.line === 'number' && error.line >= 1))) return 'refused';
	throw new FuzzFailure(error instanceof LocatedError ? `a LocatedError ${needLine ? 'without a line' : 'for another file'}: ${error.message}` : `not a LocatedError: ${(error as Error)?.stack ?? String(error)}`);
}

/** The shapes the issue reports, first: 1 MB of emphasis, a 2 MB table, 10,000 quotes, 1,000 nested lists. */
const markdownCorpus = [
	markdownRunbook,
	`# Emphasis\n\n${'*a '.repeat(350_000)}\n`,
	`| a | b |\n| - | - |\n${'| x | y |\n'.repeat(210_000)}`,
	`# Quotes\n\n${'>'.repeat(10_000)} a\n`,
	`# Lists\n\n${Array.from({length: 1000}, (_, i) => `${'  '.repeat(i)}- level ${i}`).join('\n')}\n`,
	`# Pairs\n\n${'*a* '.repeat(25_000)}\n`,
	`# Brackets\n\n${'[a](b '.repeat(30_000)}\n`,
];

const yamlCorpus = [
	yamlRunbook,
	`${yamlRunbook}x: ${'['.repeat(10_000)}\n`,
	`a: &a [x, x, x, x, x, x, x, x, x, x]\n${'bcdefghij'.split('').map((name, i) => `${name}: &${name} [${Array(10).fill(`*${'abcdefghij'[i]}`).join(', ')}]`).join('\n')}\n`,
	`${yamlRunbook}${'  - title: Look\n'.repeat(700_000)}`,
];

function runbookTarget(kind: 'markdown' | 'yaml'): FuzzTarget<string> {
	const file = kind === 'markdown' ? 'fuzz.md' : 'fuzz.yaml';
	return {
		name: `runbooks (${kind === 'markdown' ? 'Markdown' : 'YAML'})`,
		corpus: kind === 'markdown' ? markdownCorpus : yamlCorpus,
		generate(random) {
			if (random() < 0.08) return kind === 'markdown' ? hostileMarkdown(random) : hostileYaml(random, yamlRunbook);
			return mutateLines(kind === 'markdown' ? markdownRunbook : yamlRunbook, random);
		},
		async run(text) {
			try {
				const runbook = parseRunbookText(text, file);
				lintRunbook(runbook);
				JSON.stringify(inspectRunbook(runbook));
				return 'accepted';
			} catch (error) {
				return refusal(error, file);
			}
		},
	};
}

export const markdownRunbooks = runbookTarget('markdown');
export const yamlRunbooks = runbookTarget('yaml');

export const configs: FuzzTarget<string> = {
	name: 'configs (YAML)',
	// A 10 MB config (it took ~10 s and 1.3 GB to reject), deep nesting, a billion laughs.
	corpus: [
		config,
		`services:\n${'  - {name: api, health: "http://127.0.0.1:8080/health"}\n'.repeat(190_000)}`,
		`title: x\nservices: ${'['.repeat(10_000)}\n`,
		`a: &a [x, x, x, x, x, x, x, x, x, x]\n${'bcdefghij'.split('').map((name, i) => `${name}: &${name} [${Array(10).fill(`*${'abcdefghij'[i]}`).join(', ')}]`).join('\n')}\n`,
	],
	generate(random) {
		return random() < 0.08 ? hostileYaml(random, config) : mutateLines(config, random);
	},
	async run(text) {
		try {
			parseConfig(text, '/etc/incident-tui/fuzz.yaml');
			return 'accepted';
		} catch (error) {
			return refusal(error, '/etc/incident-tui/fuzz.yaml');
		}
	},
};
