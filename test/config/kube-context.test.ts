import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {kubeconfigCurrentContext} from '../../source/config/kube-context.js';

let dir: string | undefined;
afterEach(() => {
	if (dir) rmSync(dir, {recursive: true, force: true});
	dir = undefined;
});

function files(entries: Record<string, string>): string {
	dir = mkdtempSync(path.join(tmpdir(), 'kube-context-'));
	for (const [name, text] of Object.entries(entries)) writeFileSync(path.join(dir, name), text);
	return dir;
}

describe('kubeconfigCurrentContext', () => {
	it('reads the given kubeconfig, else $KUBECONFIG (the first file that names one), else ~/.kube/config', () => {
		const at = files({a: 'apiVersion: v1\nkind: Config\n', b: 'current-context: staging\n', c: 'current-context: prod\n', home: ''});
		expect(kubeconfigCurrentContext(path.join(at, 'c'), {KUBECONFIG: path.join(at, 'b')})).toBe('prod');
		expect(kubeconfigCurrentContext(undefined, {KUBECONFIG: [path.join(at, 'a'), path.join(at, 'b'), path.join(at, 'c')].join(path.delimiter)})).toBe('staging');
		const home = path.join(at, 'home-dir');
		mkdirSync(path.join(home, '.kube'), {recursive: true});
		writeFileSync(path.join(home, '.kube', 'config'), 'current-context: from-home\n');
		expect(kubeconfigCurrentContext(undefined, {}, home)).toBe('from-home');
	});

	it('is undefined when no file names one, a file is missing, or it is not YAML', () => {
		const at = files({empty: '', broken: 'current-context: [unclosed\n', none: 'contexts: []\n'});
		expect(kubeconfigCurrentContext(path.join(at, 'missing'))).toBeUndefined();
		expect(kubeconfigCurrentContext(path.join(at, 'empty'))).toBeUndefined();
		expect(kubeconfigCurrentContext(path.join(at, 'broken'))).toBeUndefined();
		expect(kubeconfigCurrentContext(undefined, {KUBECONFIG: path.join(at, 'none')})).toBeUndefined();
	});
});
