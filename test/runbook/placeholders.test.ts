import {describe, expect, it} from 'vitest';
import {BlockPlaceholders, rewritePromql} from '../../source/runbook/placeholders.js';
import {parseMarkdownRunbook} from '../../source/runbook/markdown.js';
import {inspectRunbook} from '../../source/runbook/inspect.js';

const shell = (script: string) => new BlockPlaceholders().shell(script);
const found = (script: string) => shell(script).placeholders.map(p => [p.name, p.written, p.form]);

describe('placeholders in commands become {{name}} variables', () => {
	it('<words-with-dashes>, named as written', () => {
		expect(shell('kubectl -n <ledger-namespace> delete pod <writer-pod>').template).toBe('kubectl -n {{ledger-namespace}} delete pod {{writer-pod}}');
		expect(found('oc adm drain <NODE_NAME> --ignore-daemonsets')).toEqual([['NODE_NAME', '<NODE_NAME>', 'angle']]);
		// Redirections, here-documents and tags are not placeholders.
		expect(shell('psql < dump.sql && cat <<EOF\nx\nEOF').placeholders).toEqual([]);
	});

	it('$UPPER and ${UPPER} not set earlier in the same command; $HOME and lower-case shell variables stay', () => {
		expect(shell('kubectl -n ${LEDGER_NS} logs $WRITERPOD').template).toBe('kubectl -n {{LEDGER_NS}} logs {{WRITERPOD}}');
		expect(shell('cp ~/x $HOME/y; for f in *.log; do gzip "$f"; done').placeholders).toEqual([]);
		expect(shell('POD=$(kubectl get pods -o name | head -1); kubectl logs $POD').placeholders).toEqual([]);
		// Single quotes and comments are not expanded by the shell, so nothing there is a variable.
		expect(shell("echo '$NOT_A_VAR' # uses $ALSO_NOT").placeholders).toEqual([]);
		expect(found('echo "${TOKEN:?set TOKEN first}"')).toEqual([['TOKEN', '${TOKEN:?set TOKEN first}', 'env']]);
	});

	it('a value an earlier command of the block set is a variable: from its output, or the value it was written with', () => {
		const block = new BlockPlaceholders();
		const first = block.shell('WRITER=$(kubectl get pods -l app=writer -o name)');
		expect(first.assigns).toEqual(['WRITER']);
		const literal = block.shell('LEDGER_NS=ledger');
		expect(literal.literals).toEqual({LEDGER_NS: 'ledger'});
		const later = block.shell('kubectl -n $LEDGER_NS logs $WRITER');
		expect(later.template).toBe('kubectl -n {{LEDGER_NS}} logs {{WRITER}}');
		expect(later.placeholders.find(p => p.name === 'LEDGER_NS')!.default).toBe('ledger');
	});

	it('{{ $labels.x }}, {{ .Labels.x }} and {{x}}: the label names the variable', () => {
		expect(shell('kubectl -n {{ $labels.namespace }} describe pod {{ .Labels.pod }} {{ deployment }}').template).toBe('kubectl -n {{namespace}} describe pod {{pod}} {{ deployment }}');
		expect(shell('kubectl -n {{ $labels.namespace }} get pods').placeholders[0]).toMatchObject({name: 'namespace', label: 'namespace', form: 'label'});
		// A Go template's own actions stay the command's text, quoted apart so the cockpit never takes them for a variable.
		const go = shell(`kubectl get nodes -o go-template='{{range .items}}{{.metadata.name}}{{end}}'`);
		expect(go.placeholders).toEqual([]);
		expect(go.template).toBe(`kubectl get nodes -o go-template='{{range .items}}{{.metadata.name}}{''{end}}'`);
	});

	it('all-x filler, named by where it sits', () => {
		expect(shell('kubectl -n ledger delete pod writer-7d9f-xxxxx').template).toBe('kubectl -n ledger delete pod {{pod}}');
		expect(shell('kubectl logs xxxxxxxx -n xxxx').template).toBe('kubectl logs {{pod}} -n {{namespace}}');
		expect(shell('aws ec2 stop-instances --instance-ids i-xxxxxxxxxxxx').template).toBe('aws ec2 stop-instances --instance-ids {{instance-id}}');
		expect(shell('ping xxx.xxx.xxx.xxx').template).toBe('ping {{ip}}');
		// A word that merely holds x's is not filler.
		expect(shell('xxd -p dump.bin; tar -xxf a.tar').placeholders).toEqual([]);
	});

	it('NAME=... and NAME="" lines are fill-ins', () => {
		expect(found('LEDGER_NS=...')).toEqual([['LEDGER_NS', 'LEDGER_NS=...', 'assignment']]);
		expect(shell('export API_TOKEN=""').template).toBe('export API_TOKEN={{API_TOKEN}}');
		expect(shell('REPLICAS=3').placeholders).toEqual([]);
	});

	it('queries: the same forms, and a dashboard\'s $variable', () => {
		const rewritten = rewritePromql('rate(ledger_writes_total{namespace="$namespace", pod="<writer-pod>", job="{{ $labels.job }}"}[$__rate_interval])');
		expect(rewritten.template).toBe('rate(ledger_writes_total{namespace="{{namespace}}", pod="{{writer-pod}}", job="{{job}}"}[$__rate_interval])');
	});

	it('runbook inspect lists every variable under the name the placeholder gives, with the lines that use it', () => {
		const text = [
			'# Ledger writer stalled',
			'',
			'## Diagnosis',
			'',
			'1. Find the writer',
			'   ```console',
			'   WRITERPOD=$(kubectl -n <ledger-namespace> get pods -l app=writer -o name)',
			'   ```',
			'2. Read its log',
			'   ```console',
			'   kubectl -n <ledger-namespace> logs $WRITERPOD',
			'   ```',
			'3. Watch the errors',
			'   ```promql',
			'   rate(ledger_errors_total{pod="{{ $labels.pod }}"}[5m])',
			'   ```',
			'',
		].join('\n');
		const json = inspectRunbook(parseMarkdownRunbook(text, 'ledger.md'));
		expect(json.variables.map(({name, source, uses}) => ({name, source, uses}))).toEqual([
			{name: 'ledger-namespace', source: 'placeholder', uses: [7, 11]},
			{name: 'WRITERPOD', source: 'step', uses: [11]},
			{name: 'pod', source: 'placeholder', uses: [15]},
		]);
		expect(json.commands.map(c => [c.run, c.template, c.sets])).toEqual([
			['WRITERPOD=$(kubectl -n <ledger-namespace> get pods -l app=writer -o name)', 'WRITERPOD=$(kubectl -n {{ledger-namespace}} get pods -l app=writer -o name)', ['WRITERPOD']],
			['kubectl -n <ledger-namespace> logs $WRITERPOD', 'kubectl -n {{ledger-namespace}} logs {{WRITERPOD}}', []],
		]);
		expect(json.variables.find(v => v.name === 'WRITERPOD')!.valueFrom).toContain('output of step find-the-writer');
	});
});
