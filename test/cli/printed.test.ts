import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {decideInvocation, type InvocationFacts} from '../../source/cli/invocation.js';
import {exportCommand, farewell, incidentsCommand, plainInvocation, resumeCommand} from '../../source/cli/printed.js';

describe('the lines the cockpit prints as it exits', () => {
	it('say where the incident is, how to resume it and how to draft its post-mortem', () => {
		expect(farewell(plainInvocation, 'inc-20261122-0304-ab12', '/state/incidents/inc-20261122-0304-ab12.jsonl').split('\n')).toEqual([
			'incident inc-20261122-0304-ab12 saved in /state/incidents/inc-20261122-0304-ab12.jsonl',
			'resume: incident-tui --incident inc-20261122-0304-ab12',
			'post-mortem draft: incident-tui export inc-20261122-0304-ab12 -o inc-20261122-0304-ab12.md',
			'',
		]);
	});

	it('repeat the --state-dir the operator gave, quoted, and the demo command for a demo incident', () => {
		const text = farewell(plainInvocation, 'inc-1', '/tmp/my state/incidents/inc-1.jsonl', {demo: true, stateDir: '/tmp/my state'});
		expect(text).toContain("resume: incident-tui demo --incident inc-1 --state-dir '/tmp/my state'\n");
		expect(text).toContain("post-mortem draft: incident-tui export inc-1 --state-dir '/tmp/my state' -o inc-1.md\n");
	});

	it('repeat the config, cluster, Prometheus and read-only of a real incident, and the config for its export (its stateDir says where the journal is)', () => {
		const options = {config: 'prod.yaml', context: 'prod-eu', namespace: 'shop', prometheus: 'http://127.0.0.1:9090', readonly: true};
		expect(resumeCommand(plainInvocation, 'inc-1', options)).toBe('incident-tui --incident inc-1 --config prod.yaml --context prod-eu -n shop --prometheus http://127.0.0.1:9090 --readonly');
		expect(exportCommand(plainInvocation, 'inc-1', options)).toBe('incident-tui export inc-1 --config prod.yaml -o inc-1.md');
		expect(incidentsCommand(plainInvocation, options)).toBe('incident-tui incidents --config prod.yaml');
	});

	it('start with the invocation that works there, quoted', () => {
		expect(resumeCommand({words: ['node', '/opt/my tools/incident-tui.mjs']}, 'inc-1', {demo: true})).toBe("node '/opt/my tools/incident-tui.mjs' demo --incident inc-1");
		expect(exportCommand({words: ['npx', 'incident-tui']}, 'inc-1')).toBe('npx incident-tui export inc-1 -o inc-1.md');
	});
});

describe('how a printed command starts incident-tui', () => {
	const links: Record<string, string> = {
		'/usr/local/bin/incident-tui': '/usr/local/lib/node_modules/incident-tui/bin/incident-tui.js',
		'/usr/bin/node': '/usr/bin/node',
		'/home/op/bin/incident-tui': '/home/op/src/incident-tui/bin/incident-tui.js',
	};
	const packages: Record<string, string> = {'/usr/local/lib/node_modules/incident-tui': '', '/home/op/src/incident-tui': ''};
	const facts = (over: Partial<InvocationFacts>): InvocationFacts => ({
		script: '/home/op/src/incident-tui/cli.tsx',
		cwd: '/home/op/src/incident-tui',
		execPath: '/usr/bin/node',
		nodeOnPath: '/usr/bin/node',
		realpath: file => links[file] ?? file,
		packageOf: file => Object.keys(packages).find(dir => file.startsWith(`${dir}/`)),
		...over,
	});

	it('is `npx incident-tui` from a clone\'s sources, printed inside the clone (npm start, the README\'s quick start)', () => {
		expect(decideInvocation(facts({sourceRoot: '/home/op/src/incident-tui'})).words).toEqual(['npx', 'incident-tui']);
		expect(decideInvocation(facts({sourceRoot: '/home/op/src/incident-tui', cwd: '/home/op/src/incident-tui/runbooks'})).words).toEqual(['npx', 'incident-tui']);
	});

	it('is the clone\'s bin through node outside the clone (npx there would fetch another package)', () => {
		expect(decideInvocation(facts({sourceRoot: '/home/op/src/incident-tui', cwd: '/tmp'})).words).toEqual(['node', '/home/op/src/incident-tui/bin/incident-tui.js']);
	});

	it('is plain `incident-tui` when the PATH\'s incident-tui is this program: a global install, or npm link of this clone', () => {
		expect(decideInvocation(facts({script: '/usr/local/bin/incident-tui', cwd: '/tmp', onPath: '/usr/local/bin/incident-tui'})).words).toEqual(['incident-tui']);
		expect(decideInvocation(facts({sourceRoot: '/home/op/src/incident-tui', cwd: '/tmp', onPath: '/home/op/bin/incident-tui'})).words).toEqual(['incident-tui']);
	});

	it('is not the PATH\'s incident-tui when that is another copy', () => {
		expect(decideInvocation(facts({sourceRoot: '/home/op/src/incident-tui', cwd: '/tmp', onPath: '/usr/local/bin/incident-tui'})).words).toEqual(['node', '/home/op/src/incident-tui/bin/incident-tui.js']);
	});

	it('is `node FILE` for the single file, relative below the directory it is printed in, absolute elsewhere', () => {
		expect(decideInvocation(facts({script: '/srv/tools/incident-tui.mjs', cwd: '/srv/tools'})).words).toEqual(['node', 'incident-tui.mjs']);
		expect(decideInvocation(facts({script: '/srv/tools/incident-tui.mjs', cwd: '/srv'})).words).toEqual(['node', path.join('tools', 'incident-tui.mjs')]);
		expect(decideInvocation(facts({script: '/srv/tools/incident-tui.mjs', cwd: '/root'})).words).toEqual(['node', '/srv/tools/incident-tui.mjs']);
	});

	it('names the node running by its full path when the PATH\'s node is another one', () => {
		expect(decideInvocation(facts({script: '/srv/incident-tui.mjs', cwd: '/root', execPath: '/opt/node20/bin/node'})).words).toEqual(['/opt/node20/bin/node', '/srv/incident-tui.mjs']);
		expect(decideInvocation(facts({script: '/srv/incident-tui.mjs', cwd: '/root', nodeOnPath: undefined})).words).toEqual(['/usr/bin/node', '/srv/incident-tui.mjs']);
	});
});
