import {describe, expect, it} from 'vitest';
import {analyseFence} from '../../source/runbook/fences.js';
import {commandsAmongOutput, httpRequestLine, lineKind, promptCommand} from '../../source/runbook/command-lines.js';
import {parseMarkdownRunbook} from '../../source/runbook/markdown.js';
import {inspectRunbook} from '../../source/runbook/inspect.js';

const scripts = (content: ReturnType<typeof analyseFence>) => (content.kind === 'commands' ? content.chunks.map(c => c.script) : content.kind);

describe('what a fence holds: commands, output or requests', () => {
	it('a console block without prompts whose lines read as commands is commands', () => {
		expect(scripts(analyseFence('console', 'kubectl -n ledger logs $WRITERPOD -c writer\n', false))).toEqual(['kubectl -n ledger logs $WRITERPOD -c writer']);
		expect(scripts(analyseFence('console', 'kubectl -n store exec -it deploy/store-tools -- bash\n', false))).toEqual(['kubectl -n store exec -it deploy/store-tools -- bash']);
		expect(scripts(analyseFence('shell-session', 'WRITER=$(kubectl get pods -l app=writer -o name)\n', false))).toEqual(['WRITER=$(kubectl get pods -l app=writer -o name)']);
		// A program the importer does not know, read by its options and pipes.
		expect(scripts(analyseFence('console', 'ledgerctl replay --from 2026-01-01 | tee replay.log\n', false))).toEqual(['ledgerctl replay --from 2026-01-01 | tee replay.log']);
		expect(scripts(analyseFence('console', 'sudo -u postgres psql -c "select 1"\n\n/usr/local/bin/rotate-keys.sh --dry-run\n', false))).toEqual([
			'sudo -u postgres psql -c "select 1"',
			'/usr/local/bin/rotate-keys.sh --dry-run',
		]);
	});

	it('a console block of log lines, a table or JSON is output, kept as text', () => {
		expect(analyseFence('console', '2026-03-01T04:05:06Z ERROR writer stalled offset=42\n2026-03-01T04:05:07Z INFO retrying\n', false).kind).toBe('output');
		expect(analyseFence('console', 'I0301 04:05:06.123456       1 writer.go:88] flushed 12 pages\n', false).kind).toBe('output');
		expect(analyseFence('console', 'NAME        READY   STATUS             RESTARTS   AGE\nwriter-0    0/1     CrashLoopBackOff   7          12m\n', false).kind).toBe('output');
		expect(analyseFence('console', '{\n  "status": "red",\n  "unassigned_shards": 4\n}\n', false).kind).toBe('output');
		expect(analyseFence('console', 'level=warn msg="compaction behind" lag=3\n', false).kind).toBe('output');
		expect(analyseFence('console', 'deployment.apps/writer restarted\n', false).kind).toBe('output');
	});

	it('prompts decide where a block has them: the commands after them, output dropped', () => {
		expect(scripts(analyseFence('console', '$ kubectl get pods\nNAME   READY\nwriter-0   1/1\n[root@db-1 ~]# systemctl status postgresql\n', false))).toEqual(['kubectl get pods', 'systemctl status postgresql']);
		expect(scripts(analyseFence('bash', '$ curl -s localhost:8080/health\n{"ok":true}\n', false))).toEqual(['curl -s localhost:8080/health']);
		expect(promptCommand('ops@bastion:~$ df -h')).toBe('df -h');
		expect(promptCommand('bash-5.1# uptime')).toBe('uptime');
		expect(promptCommand('total 12')).toBeNull();
	});

	it('an HTTP-console block is requests with their bodies, never a shell command', () => {
		const content = analyseFence('', 'GET _cat/shards?v\n\nPUT /orders/_settings\n{\n  "index.blocks.read_only_allow_delete": null\n}\n', false);
		expect(content).toEqual({
			kind: 'requests',
			lang: 'http',
			requests: [
				{method: 'GET', path: '_cat/shards?v', offset: 0},
				{method: 'PUT', path: '/orders/_settings', offset: 2, body: '{\n  "index.blocks.read_only_allow_delete": null\n}'},
			],
		});
		expect(analyseFence('console', 'GET _cluster/health\n', false).kind).toBe('requests');
		expect(httpRequestLine('GET the logs from the pod')).toBeNull();
	});

	it('an unlabelled block mixing commands and their output keeps the commands only', () => {
		expect(commandsAmongOutput('kubectl get pvc -n ledger\nNAME         STATUS   VOLUME     CAPACITY\ndata-writer  Bound    pvc-1234   50Gi\n').map(c => c.script)).toEqual(['kubectl get pvc -n ledger']);
		expect(lineKind('export LEDGER_NS=ledger')).toBe('command');
		expect(lineKind('2026-03-01 04:05:06 writer ready')).toBe('output');
	});

	it('labels decide where they are clear: sql and yaml are text, promql is queries, a promql-looking unlabelled block too', () => {
		expect(analyseFence('sql', 'SELECT 1;', false).kind).toBe('text');
		// SQL in a block without a label is not run through a shell either.
		expect(analyseFence('', "select pid, state from pg_stat_activity where state = 'active';\n", false).kind).toBe('text');
		expect(analyseFence('yaml', 'replicas: 3', false).kind).toBe('text');
		expect(analyseFence('promql', 'rate(ledger_writes_total[5m])', false).kind).toBe('query');
		expect(analyseFence('', 'sum(rate(ledger_errors_total{job="writer"}[5m]))', false).kind).toBe('query');
	});

	it('a PromQL expression in a console block, `(ledger_db_size_bytes / ledger_db_quota_bytes) * 100`, is a query: a metric named after a program is not that program in a subshell', () => {
		const ratio = '(ledger_db_size_bytes / ledger_db_quota_bytes) * 100';
		const etcdLike = '(etcd_store_total_size_in_bytes - etcd_store_in_use_bytes)/1024/1024';
		expect(lineKind(etcdLike)).not.toBe('command');
		expect(analyseFence('console', `${etcdLike}\n`, false)).toMatchObject({kind: 'query', parts: [{promql: etcdLike}]});
		expect(analyseFence('console', `${ratio}\n`, false)).toMatchObject({kind: 'query'});
		// A subshell of a program so named is still a command, and so are programs with underscores.
		expect(lineKind('(etcdctl endpoint status -w table)')).toBe('command');
		expect(lineKind('pg_test_fsync -f /var/lib/postgresql/fsync.test')).toBe('command');
	});

	it('every fence of a runbook is reported with what it became, and requests are listed apart from commands', () => {
		const text = [
			'# Ledger writer stalled',
			'',
			'## Diagnosis',
			'',
			'Find the writer:',
			'',
			'```console',
			'kubectl -n ledger get pods -l app=writer',
			'```',
			'',
			'It prints:',
			'',
			'```console',
			'NAME       READY   STATUS    RESTARTS   AGE',
			'writer-0   1/1     Running   0          2d',
			'```',
			'',
			'Index health:',
			'',
			'```',
			'GET _cluster/health',
			'```',
			'',
		].join('\n');
		const json = inspectRunbook(parseMarkdownRunbook(text, 'ledger.md'));
		expect(json.fences).toEqual([
			{line: 7, lang: 'console', kind: 'commands'},
			{line: 13, lang: 'console', kind: 'output'},
			{line: 20, lang: '', kind: 'requests'},
		]);
		expect(json.commands.map(c => [c.run, c.line])).toEqual([['kubectl -n ledger get pods -l app=writer', 8]]);
		expect(json.requests).toEqual([{method: 'GET', path: '_cluster/health', body: null, lang: 'http', section: 'Diagnosis', line: 21}]);
		expect(json.steps.find(s => s.title === 'Find the writer')!.text).toEqual([]);
	});
});
