import {describe, expect, it} from 'vitest';
import {parseYamlRunbook} from '../../source/runbook/yaml.js';
import {LocatedError} from '../../source/config/located-error.js';

const valid = `id: api-errors
title: API errors
severity: SEV2
alerts:
  - ApiErrors
  - name: ApiDown
    labels: {team: core}
    labelsRegex: {namespace: "prod-.*"}
variables:
  - {name: namespace, default: shop, required: true}
  - {name: deployment, required: true, pattern: "[a-z-]+"}
queries:
  - id: error_ratio
    promql: sum(rate(http_requests_total{status=~"5.."}[1m])) / sum(rate(http_requests_total[1m]))
    unit: ratio
    warn: 0.01
    critical: 0.05
primaryQuery: error_ratio
steps:
  - title: Check pods
    section: Triage
    query: error_ratio
    body: |
      first line
      second line
    command: [kubectl, get, pods, -n, "{{namespace}}"]
  - title: Roll back
    section: Mitigate
    action: {kind: rollback, deployment: "{{deployment}}"}
    doneWhen: {query: error_ratio, below: 0.01, forSeconds: 120}
    role: commander
  - title: Roll back
    id: second
    script: echo "{{deployment}}"
escalation:
  - {afterMinutes: 15, to: team lead}
`;

function error(text: string): LocatedError {
	try {
		parseYamlRunbook(text, 'rb.yaml');
	} catch (caught) {
		expect(caught).toBeInstanceOf(LocatedError);
		return caught as LocatedError;
	}
	throw new Error('expected a LocatedError');
}

describe('YAML runbooks', () => {
	it('loads every field into the model', () => {
		const runbook = parseYamlRunbook(valid, 'rb.yaml', 'builtin:api-errors');
		expect(runbook).toMatchObject({id: 'api-errors', title: 'API errors', format: 'yaml', source: 'builtin:api-errors', severity: 'SEV2', primaryQuery: 'error_ratio'});
		expect(runbook.alerts).toEqual([{name: 'ApiErrors'}, {name: 'ApiDown', labels: {team: 'core'}, labelsRegex: {namespace: 'prod-.*'}}]);
		expect(runbook.variables[0]).toEqual({name: 'namespace', default: 'shop', required: true, origin: 'declared', uses: [26]});
		expect(runbook.queries[0]).toMatchObject({id: 'error_ratio', title: 'error_ratio', unit: 'ratio', warn: 0.01, critical: 0.05, line: 13});
		expect(runbook.sections).toEqual([
			{title: 'Triage', level: 2, line: 20},
			{title: 'Mitigate', level: 2, line: 27},
		]);
		const [check, rollback, second] = runbook.steps;
		expect(check).toMatchObject({id: 'check-pods', depth: 0, queries: ['error_ratio'], text: ['first line', 'second line'], line: 20});
		expect(check!.commands).toEqual([{id: 'check-pods-cmd', argv: ['kubectl', 'get', 'pods', '-n', '{{namespace}}'], lang: 'argv', line: 26, section: 'Triage'}]);
		expect(rollback).toMatchObject({id: 'roll-back', action: {kind: 'rollback', deployment: '{{deployment}}'}, doneWhen: {query: 'error_ratio', below: 0.01, forSeconds: 120}, role: 'commander'});
		expect(second).toMatchObject({id: 'second'});
		expect(second!.commands[0]).toMatchObject({script: 'echo "{{deployment}}"', lang: 'bash'});
		expect(runbook.escalation).toEqual([{afterMinutes: 15, to: 'team lead'}]);
	});

	it('generates stable, unique step ids from titles', () => {
		const text = 'id: x\ntitle: X\nsteps:\n  - title: Do it\n  - title: Do it\n  - title: "!!!"\n';
		const ids = parseYamlRunbook(text, 'x.yaml').steps.map(s => s.id);
		expect(ids).toEqual(['do-it', 'do-it-2', 'step-3']);
		expect(parseYamlRunbook(text, 'x.yaml').steps.map(s => s.id)).toEqual(ids);
	});

	it('names file, line, column and key for an unknown key', () => {
		const e = error(valid.replace('    role: commander', '    rolee: commander'));
		expect(e.message).toBe("rb.yaml:31:5: steps[1]: unknown key 'rolee'");
	});

	it('names the key of a wrong type', () => {
		const e = error(valid.replace('warn: 0.01', 'warn: lots'));
		expect([e.line, e.column, e.key]).toEqual([16, 11, 'queries[0].warn']);
		expect(e.problem).toMatch(/number/);
	});

	it('reports YAML syntax errors with their position', () => {
		const e = error('id: x\ntitle: [oops\nsteps: []\n');
		expect(e.file).toBe('rb.yaml');
		expect(e.line).toBeGreaterThanOrEqual(2);
	});

	it('locates an alias without its anchor (the YAML library throws a bare ReferenceError there)', () => {
		const e = error('id: x\ntitle: X\nsteps:\n  - title: *nowhere\n');
		expect([e.line, e.column]).toEqual([4, 12]);
		expect(e.problem).toMatch(/alias/i);
	});

	it('prefers "unknown key" over "Required" for a misspelt key', () => {
		expect(error('id: x\ntitle: X\nsteps:\n  - titel: a\n').message).toBe("rb.yaml:4:5: steps[0]: unknown key 'titel'");
	});

	it('rejects an unknown action kind', () => {
		const e = error(valid.replace('kind: rollback', 'kind: explode'));
		expect(e.key).toBe('steps[1].action.kind');
		expect(e.problem).toBe('kind must be rollback, scale or restart');
		expect(e.line).toBe(29);
	});

	it('cross-checks a step watching an unknown query', () => {
		const e = error(valid.replace('    query: error_ratio', '    query: error_rate'));
		expect(e.message).toBe("rb.yaml:22:12: steps[0].query: unknown query id 'error_rate' (declared: error_ratio)");
	});

	it('cross-checks doneWhen on an unknown query and needs exactly one of below/above', () => {
		expect(error(valid.replace('doneWhen: {query: error_ratio', 'doneWhen: {query: nope')).key).toBe('steps[1].doneWhen.query');
		expect(error(valid.replace('below: 0.01, forSeconds', 'forSeconds')).key).toBe('steps[1].doneWhen');
	});

	it('rejects duplicate query ids, step ids and variables, and an unknown primaryQuery', () => {
		const dupQuery = valid.replace('primaryQuery: error_ratio', '  - {id: error_ratio, promql: up}\nprimaryQuery: error_ratio');
		expect(error(dupQuery).message).toMatch(/^rb\.yaml:18:\d+: queries\[1\]\.id: duplicate query id 'error_ratio'/);
		// An explicit id wins; the generated one moves aside.
		expect(parseYamlRunbook(valid.replace('    id: second', '    id: check-pods'), 'rb.yaml').steps.map(s => s.id)).toEqual(['check-pods-2', 'roll-back', 'check-pods']);
		const dupStep = valid.replace('  - title: Check pods\n', '  - title: Check pods\n    id: second\n');
		expect(error(dupStep).key).toBe('steps[2].id');
		expect(error(valid.replace('{name: deployment,', '{name: namespace,')).message).toMatch(/variables\[1\]\.name: duplicate variable 'namespace'/);
		expect(error(valid.replace('primaryQuery: error_ratio', 'primaryQuery: p95')).key).toBe('primaryQuery');
	});

	it('checks variable defaults against allowed values and pattern', () => {
		expect(error(valid.replace('{name: namespace, default: shop,', '{name: namespace, default: shop, allowed: [a, b],')).key).toBe('variables[0].default');
		expect(error(valid.replace('pattern: "[a-z-]+"', 'pattern: "[a-z"')).key).toBe('variables[1].pattern');
	});

	it('requires id, title and steps, and a mapping at the top', () => {
		expect(error('title: X\nsteps: [{title: a}]\n').problem).toBe('Required');
		expect(error('id: x\ntitle: X\nsteps: []\n').problem).toBe('a runbook needs at least one step');
		const empty = error('');
		expect([empty.line, empty.file]).toEqual([1, 'rb.yaml']);
		expect(error('- a\n- b\n').line).toBe(1);
	});
});
