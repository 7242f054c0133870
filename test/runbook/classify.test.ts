import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {parseMarkdownRunbook} from '../../source/runbook/markdown.js';
import {inspectRunbook} from '../../source/runbook/inspect.js';
import {namesContext, withoutNumbering} from '../../source/runbook/classify.js';

const fixture = fileURLToPath(new URL('../fixtures/runbooks/search-cluster.md', import.meta.url));
const inspected = () => inspectRunbook(parseMarkdownRunbook(readFileSync(fixture, 'utf8'), fixture));
const md = (text: string) => inspectRunbook(parseMarkdownRunbook(text, 'test.md'));

/** The class and rule of the list item whose text starts with `text`. */
function item(json: ReturnType<typeof inspected>, text: string) {
	const found = json.items.find(i => i.text.startsWith(text));
	if (!found) throw new Error(`no item '${text}' among ${json.items.map(i => i.text).join(' | ')}`);
	return {class: found.class, rule: found.rule};
}

describe('steps or information: every list item has a class and the rule that decided', () => {
	it('a checklist item and a numbered list are steps; the numbering typed twice is dropped', () => {
		const json = inspected();
		expect(item(json, 'Watch relocation finish')).toEqual({class: 'step', rule: 'checkbox'});
		expect(item(json, 'Confirm the alert')).toEqual({class: 'step', rule: 'numbered'});
		expect(json.steps.map(s => s.title)).toContain('Confirm the alert is still firing');
		expect(json.steps.some(s => /^\d/.test(s.title) || s.title === '')).toBe(false);
	});

	it('a list under a heading or a bold lead-in that names actions is steps, in the runbook\'s own wording', () => {
		const json = inspected();
		expect(item(json, 'Move the stuck shards')).toEqual({class: 'step', rule: 'action-heading'});
		expect(json.items.find(i => i.text.startsWith('Move the stuck shards'))!.reason).toContain('"What to do"');
		expect(md('# T\n\n## Mitigation\n\n- Drain the node\n').items[0]).toMatchObject({class: 'step', rule: 'action-heading'});
		expect(md('# T\n\n## NOTES\n\n**REMEDIATION STEPS:**\n\n- drain the node\n').items[0]).toMatchObject({class: 'step', rule: 'action-lead-in'});
	});

	it('symptoms, impact, contacts, links and long-term ideas are information, kept as the section\'s text', () => {
		const json = inspected();
		expect(item(json, 'Search p95 above')).toEqual({class: 'information', rule: 'information-heading'});
		expect(item(json, 'Shoppers see empty')).toEqual({class: 'information', rule: 'information-heading'});
		expect(item(json, 'Search overview')).toEqual({class: 'information', rule: 'links'});
		expect(item(json, 'Search lead: #search-oncall').class).toBe('information');
		expect(item(json, 'Add a disk alert')).toEqual({class: 'information', rule: 'information-lead-in'});
		expect(json.sections.find(s => s.title === 'Signs')!.text).toEqual(['- Search p95 above three seconds', '- Shard relocation never finishes']);
		expect(json.steps.map(s => s.title)).not.toContain('Search p95 above three seconds');
	});

	it('items that are all "Label: value" are information; a label whose value is an instruction is a step', () => {
		const json = inspected();
		expect(item(json, 'Hosting: two racks')).toEqual({class: 'information', rule: 'details'});
		expect(item(json, 'Cluster settings')).toEqual({class: 'information', rule: 'details'});
		expect(md('# T\n\n## Escalation\n\n- P1: Page the search lead\n- After an hour: Call the director\n').items.map(i => i.class)).toEqual(['step', 'step']);
	});

	it('a step\'s sub-list that starts with verbs is sub-steps, even under a title that names information', () => {
		const json = inspected();
		expect(item(json, 'Review the last index template')).toEqual({class: 'step', rule: 'nested-in-step'});
		expect(item(json, 'Check the disk watermarks')).toEqual({class: 'step', rule: 'nested-in-step'});
	});

	it('severity definitions are information, and become the runbook\'s severity guidance', () => {
		const json = inspected();
		expect(item(json, 'Searches fail for every shop')).toEqual({class: 'information', rule: 'severity-definition'});
		expect(item(json, 'Response Time: < 10 minutes')).toEqual({class: 'information', rule: 'severity-definition'});
		expect(json.steps.map(s => s.title)).not.toContain('Response Time: < 10 minutes');
	});

	it('outside any named section, bulleted items are steps only when they start with a verb', () => {
		expect(md('# T\n\n- Restart the worker\n- Tell the channel\n').items.map(i => i.rule)).toEqual(['imperative', 'imperative']);
		expect(md('# T\n\n- The worker is slow\n- The channel is quiet\n').items.map(i => [i.class, i.rule])).toEqual([
			['information', 'outside-procedure'],
			['information', 'outside-procedure'],
		]);
	});

	it('an item that holds a shell command in backticks is a step with that command, wherever it sits', () => {
		const json = md('# T\n\n## Useful commands\n\n- `ledgerctl status --all`\n- Quorum: `kubectl -n <ledger-namespace> get cm ledger-quorum -o yaml`\n- `select 1` in psql\n');
		expect(json.items.map(i => [i.class, i.rule])).toEqual([
			['step', 'inline-command'],
			['step', 'inline-command'],
			['information', 'outside-procedure'],
		]);
		expect(json.commands.map(c => c.template)).toEqual(['ledgerctl status --all', 'kubectl -n {{ledger-namespace}} get cm ledger-quorum -o yaml']);
	});

	it('a numbered list under a bulleted severity heading is what to do at that level, not its definition', () => {
		const json = md('# T\n\n### SEV1 - Critical\n\n- Everything is down\n\n1. Page the commander\n');
		expect(json.items.map(i => [i.text, i.class])).toEqual([
			['Everything is down', 'information'],
			['Page the commander', 'step'],
		]);
	});

	it('names what a heading or lead-in is about by its last naming word, in any case', () => {
		expect(namesContext('Escalation Criteria')).toEqual({kind: 'information', word: 'Criteria'});
		expect(namesContext('Investigation Steps')).toEqual({kind: 'action', word: 'Steps'});
		expect(namesContext('SYMPTOMS')).toEqual({kind: 'information', word: 'SYMPTOMS'});
		expect(namesContext('Check Metrics')).toEqual({kind: 'action', word: 'Check'});
		expect(namesContext('Architecture notes')?.kind).toBe('information');
		expect(namesContext('Kafka')).toBeNull();
		expect(withoutNumbering('Step 2: Check logs')).toBe('Check logs');
		expect(withoutNumbering('1. Detection & Triage')).toBe('Detection & Triage');
		// A heading's attributes (`{#id}`) are not part of its title.
		expect(md('# T\n\n### 2) Check the node {#step-2}\n\n```\nkubectl get nodes\n```\n').steps.map(s => s.title)).toEqual(['Check the node']);
	});
});
