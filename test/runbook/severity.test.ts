import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {parseMarkdownRunbook} from '../../source/runbook/markdown.js';
import {inspectRunbook} from '../../source/runbook/inspect.js';
import {levelSummary, levelToken, severityGuidanceFor} from '../../source/runbook/severity.js';

const md = (text: string) => parseMarkdownRunbook(text, 'test.md');

describe('the runbook\'s own severity scale', () => {
	it('headings with their lists: criteria, response time and escalation per level, beside the cockpit\'s levels', () => {
		const fixture = fileURLToPath(new URL('../fixtures/runbooks/search-cluster.md', import.meta.url));
		const json = inspectRunbook(parseMarkdownRunbook(readFileSync(fixture, 'utf8'), fixture));
		expect(json.severityGuidance).toEqual([
			{level: 'SEV1', name: 'Critical', cockpit: 'SEV1', criteria: ['Searches fail for every shop'], responseTime: '< 10 minutes', escalation: 'search lead at once', examples: [], line: 7},
			{level: 'SEV2', name: 'High', cockpit: 'SEV2', criteria: ['Some indices unassigned, searches slow'], responseTime: '< 30 minutes', escalation: null, examples: [], line: 13},
		]);
	});

	it('table rows under any header naming severity or priority', () => {
		const runbook = md(['# T', '', '| Priority | Meaning | Respond within | Page |', '|---|---|---|---|', '| P0 | Ledger down | 5 min | director |', '| P1 | Writes slow | 15 min | lead |', '| P2 | One replica lagging | 1 h | nobody |', ''].join('\n'));
		const json = inspectRunbook(runbook);
		expect(json.severityGuidance.map(l => [l.level, l.cockpit, l.criteria, l.responseTime, l.escalation])).toEqual([
			['P0', 'SEV1', ['Ledger down'], '5 min', 'director'],
			['P1', 'SEV2', ['Writes slow'], '15 min', 'lead'],
			['P2', 'SEV3', ['One replica lagging'], '1 h', 'nobody'],
		]);
		expect(json.steps).toEqual([]);
	});

	it('items of a scale heading (- **P0**: …), and escalation notes for levels defined above', () => {
		const runbook = md(['# T', '', '## Incident priorities', '', '- **P1** - Writes failing', '- **P2** - Reads slow', '', '## Escalation', '', '- P1: call the director after 30 minutes', ''].join('\n'));
		expect(runbook.severityGuidance!.map(l => [l.level, l.criteria, l.escalation])).toEqual([
			['P1', ['Writes failing'], 'call the director after 30 minutes'],
			['P2', ['Reads slow'], undefined],
		]);
	});

	it('reads level tokens in the forms runbooks write them; the S dialog gets the levels beside each of its own', () => {
		expect(levelToken('SEV-2 (High)')).toMatchObject({level: 'SEV2', name: 'High', rank: 1});
		expect(levelToken('Severity 3: Medium')).toMatchObject({level: 'Severity 3', rank: 2});
		expect(levelToken('Critical')).toMatchObject({level: 'Critical', rank: 0});
		expect(levelToken('Check the pods')).toBeNull();
		const runbook = md(['# T', '', '## Severity levels', '', '### Critical', '', '- Everything down', '', '### Low', '', '- Cosmetic', ''].join('\n'));
		expect(severityGuidanceFor(runbook, 'SEV1').map(levelSummary)).toEqual(['Critical \u00B7 Everything down']);
		expect(severityGuidanceFor(runbook, 'SEV2')).toEqual([]);
		expect(severityGuidanceFor(runbook, 'SEV4').map(levelSummary)).toEqual(['Low \u00B7 Cosmetic']);
	});
});
