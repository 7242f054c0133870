import {execFile} from 'node:child_process';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {describe, expect, it} from 'vitest';
import type {RunbookVariable} from '../../source/runbook/model.js';
import {parseMarkdownRunbook} from '../../source/runbook/markdown.js';
import {keysFor, markedCommand, resolveVariable, resolveVariableSources, sourceText, unknownVariables, variableValues, type VariableInputs} from '../../source/runbook/variables.js';
import {captureScript, readCapture} from '../../source/runbook/step-output.js';
import {resolveVariables} from '../../source/runbook/library.js';

const run = promisify(execFile);
const placeholder = (name: string, extra: Partial<RunbookVariable> = {}): RunbookVariable => ({name, origin: 'placeholder', ...extra});

/** Every source holds a value for the pod, so the first in the order wins. */
const everywhere: VariableInputs = {
	alert: {labels: {pod: 'from-alert'}},
	row: {pod: 'from-row'},
	session: {namespace: 'from-session'},
	stepOutputs: {pod: {value: 'from-step', step: 'find-writer'}},
};

describe('where a variable\'s value comes from, in order', () => {
	it('the alert\'s labels first, with common names mapped: pod-name is pod, cluster-namespace is namespace', () => {
		expect(resolveVariable(placeholder('pod-name'), everywhere)).toMatchObject({value: 'from-alert', source: {kind: 'alert', label: 'pod'}});
		expect(resolveVariable(placeholder('cluster-namespace'), {alert: {labels: {namespace: 'ledger'}}})).toMatchObject({value: 'ledger', source: {kind: 'alert', label: 'namespace'}});
		expect(resolveVariable(placeholder('NODE_NAME'), {alert: {labels: {node: 'worker-3'}}})).toMatchObject({value: 'worker-3'});
		// `{{ $labels.instance }}` names the label it wants, whatever the variable is called.
		expect(resolveVariable(placeholder('target', {label: 'instance'}), {alert: {labels: {instance: '10.0.0.7:9100'}}})).toMatchObject({value: '10.0.0.7:9100'});
		expect(keysFor({name: 'writer-pod'})).toEqual(['writer-pod', 'pod', 'pod_name']);
		// kube-state-metrics names a claim `persistentvolumeclaim`.
		expect(resolveVariable(placeholder('my-pvc'), {alert: {labels: {persistentvolumeclaim: 'data-writer-0'}}})).toMatchObject({value: 'data-writer-0', source: {kind: 'alert', label: 'persistentvolumeclaim'}});
	});

	it('then the selected row, then the session, then an earlier step\'s output, then the default; else it is asked for', () => {
		const pod = placeholder('pod');
		expect(resolveVariable(pod, {...everywhere, alert: {labels: {}}}).source).toEqual({kind: 'row', field: 'pod'});
		expect(resolveVariable(placeholder('namespace'), {session: {namespace: 'ledger'}}).source).toEqual({kind: 'session', field: 'namespace'});
		expect(resolveVariable(placeholder('context'), {session: {context: 'prod-eu'}})).toMatchObject({value: 'prod-eu'});
		expect(resolveVariable(pod, {stepOutputs: everywhere.stepOutputs})).toMatchObject({value: 'from-step', source: {kind: 'step', step: 'find-writer'}});
		expect(resolveVariable(placeholder('LEDGER_NS', {default: 'ledger'}), {})).toMatchObject({value: 'ledger', source: {kind: 'default'}});
		expect(resolveVariable(pod, {})).toEqual({name: 'pod', variable: pod});
		// A `$NAME` may be in the cockpit's own environment; a `<NAME>` is not looked for there.
		const environment = {session: {environment: {LEDGER_TOKEN: 'from-env'}}};
		expect(resolveVariable(placeholder('LEDGER_TOKEN', {written: ['$LEDGER_TOKEN']}), environment)).toMatchObject({value: 'from-env', source: {kind: 'session', field: 'environment'}});
		expect(resolveVariable(placeholder('LEDGER_TOKEN', {written: ['<LEDGER_TOKEN>']}), environment).value).toBeUndefined();
		expect(sourceText(undefined)).toBe('unknown: asked for');
	});

	it('names what the selected row is: "selected pod row (namespace)", a deployment row likewise', () => {
		const namespace = placeholder('cluster-namespace');
		const fromPod = resolveVariable(namespace, {row: {pod: 'checkout-7d9-x2', namespace: 'shop'}, rowKind: 'pod', session: {namespace: 'default'}});
		expect(fromPod).toMatchObject({value: 'shop', source: {kind: 'row', field: 'namespace', of: 'pod'}});
		expect(sourceText(fromPod.source)).toBe('selected pod row (namespace)');
		const fromDeployment = resolveVariable(placeholder('deployment'), {row: {deployment: 'checkout'}, rowKind: 'deployment'});
		expect(sourceText(fromDeployment.source)).toBe('selected deployment row (deployment)');
	});

	it('what the operator typed wins over every source, and is validated against the variable\'s pattern', () => {
		const pod = placeholder('pod', {pattern: '^[a-z0-9-]+$'});
		expect(resolveVariable(pod, {...everywhere, entered: {pod: 'writer-0'}})).toMatchObject({value: 'writer-0', source: {kind: 'entered'}});
		const bad = resolveVariable(pod, {entered: {pod: 'Writer 0'}});
		expect(bad.problem).toMatch(/pattern/);
		expect(variableValues([bad])).toEqual({});
		expect(resolveVariable(placeholder('pod'), {entered: {pod: 'a\nb'}}).problem).toMatch(/control character/);
	});

	it('a step lists the variables still unknown, and the confirmation marks each substituted value with its source', () => {
		const runbook = parseMarkdownRunbook(['# Ledger', '', '## Mitigation', '', '1. Restart the writer', '   ```bash', '   kubectl -n <ledger-namespace> delete pod <writer-pod>', '   ```', ''].join('\n'), 'ledger.md');
		const step = runbook.steps[0]!;
		const inputs: VariableInputs = {session: {namespace: 'ledger'}};
		expect(unknownVariables(runbook, step, variableValues(resolveVariableSources(runbook, inputs))).map(v => v.name)).toEqual(['writer-pod']);
		const resolved = resolveVariableSources(runbook, {...inputs, entered: {'writer-pod': 'writer-0'}});
		expect(markedCommand(step.commands[0]!, resolved)).toEqual([
			{text: 'kubectl -n '},
			{variable: 'ledger-namespace', value: 'ledger', source: 'session namespace', secret: false},
			{text: ' delete pod '},
			{variable: 'writer-pod', value: 'writer-0', source: 'entered in the cockpit', secret: false},
		]);
	});

	it('when the cockpit chooses the runbook, placeholders take the alert\'s labels under their mapped names, else the session\'s namespace', () => {
		const runbook = parseMarkdownRunbook(['# Ledger', '', '## Mitigation', '', '1. Restart the writer', '   ```bash', '   kubectl -n <ledger-namespace> delete pod <writer-pod>', '   ```', ''].join('\n'), 'ledger.md');
		expect(resolveVariables(runbook, {alertLabels: {namespace: 'ledger', pod: 'writer-0'}, config: {namespace: 'default'}}).values).toMatchObject({'ledger-namespace': 'ledger', 'writer-pod': 'writer-0'});
		const quiet = resolveVariables(runbook, {config: {namespace: 'ledger'}}).values;
		expect(quiet['ledger-namespace']).toBe('ledger');
		expect(quiet['writer-pod']).toBeUndefined();
	});

	it('an earlier step\'s command gives its values to a later one through a file of the cockpit\'s, not its output', async () => {
		const dir = await mkdtemp(path.join(tmpdir(), 'itui-capture-'));
		try {
			const file = path.join(dir, 'values');
			const script = captureScript('WRITERPOD=$(echo writer-7); echo "found $WRITERPOD"; false', ['WRITERPOD'], 1);
			const result = await run('bash', ['-c', script, 'bash', file]).catch((error: {code: number; stdout: string}) => error);
			expect(result.stdout).toBe('found writer-7\n');
			expect((result as {code?: number}).code).toBe(1);
			expect(readCapture(await readFile(file, 'utf8'), ['WRITERPOD'])).toEqual({WRITERPOD: 'writer-7'});
		} finally {
			await rm(dir, {recursive: true, force: true});
		}
		expect(() => captureScript('x', ['BAD NAME'], 1)).toThrow(/not a shell variable name/);
	});
});
