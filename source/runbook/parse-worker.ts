/**
 * The runbook parser's worker thread (started by source/runbook/off-thread.ts): parses one runbook
 * per message and answers with the Runbook or the error, so the cockpit's thread never runs the
 * parser. Warms up on two small runbooks first, so a deadline measures parsing, not compiling.
 */
import {parentPort} from 'node:worker_threads';
import {LocatedError} from '../config/located-error.js';
import {parseRunbookText} from './parse.js';
import type {ParseReply, ParseRequest} from './off-thread.js';

function parseOne(request: ParseRequest): ParseReply {
	try {
		return {id: request.id, runbook: parseRunbookText(request.text, request.file, request.source)};
	} catch (error) {
		if (error instanceof LocatedError) return {id: request.id, located: {file: error.file, line: error.line, column: error.column, key: error.key, problem: error.problem}};
		return {id: request.id, message: error instanceof Error ? error.message : String(error)};
	}
}

function warmUp(): void {
	parseOne({id: 0, text: '---\nid: warm\n---\n# Warm\n\n## HighErrorRate\n\n1. **Look** at `kubectl get pods`\n   ```promql\n   sum(rate(x[5m]))\n   ```\n- [ ] *Tell* [support](#a)\n\n| a | b |\n| - | - |\n| 1 | 2 |\n', file: 'warm.md', source: 'warm.md'});
	parseOne({id: 0, text: 'id: warm\ntitle: Warm\nsteps:\n  - {title: Look, command: [kubectl, get, pods]}\n', file: 'warm.yaml', source: 'warm.yaml'});
}

const port = parentPort;
if (port) {
	port.on('message', (request: ParseRequest) => port.postMessage(parseOne(request)));
	warmUp();
	port.postMessage({ready: true});
}
