import {EventEmitter} from 'node:events';
import {describe, expect, it} from 'vitest';
import {watchTerminal} from '../../source/session/hangup.js';

/** A process with the three standard streams, enough for watchTerminal. */
function fakeProcess() {
	const proc = Object.assign(new EventEmitter(), {stdin: new EventEmitter(), stdout: new EventEmitter(), stderr: new EventEmitter()});
	return proc as unknown as NodeJS.Process & typeof proc;
}

/** watchTerminal on a fake process, counting how often it reports the terminal gone. */
function watched() {
	const proc = fakeProcess();
	let calls = 0;
	const watch = watchTerminal(() => calls++, proc);
	return {proc, watch, calls: () => calls};
}

describe('watchTerminal', () => {
	it('reports a SIGHUP once', () => {
		const {proc, watch, calls} = watched();
		expect(watch.gone()).toBe(false);
		proc.emit('SIGHUP');
		proc.emit('SIGHUP');
		expect(calls()).toBe(1);
		expect(watch.gone()).toBe(true);
	});

	it('takes an error of any standard stream as the terminal gone, and swallows the later ones', () => {
		const {proc, watch, calls} = watched();
		const eio = Object.assign(new Error('write EIO'), {code: 'EIO'});
		// An 'error' without a listener would throw here.
		proc.stdout.emit('error', eio);
		proc.stdin.emit('error', eio);
		proc.stderr.emit('error', eio);
		expect(calls()).toBe(1);
		expect(watch.gone()).toBe(true);
	});

	it('stops listening for SIGHUP when disposed, and keeps the error listeners', () => {
		const {proc, watch} = watched();
		watch.dispose();
		expect(proc.listenerCount('SIGHUP')).toBe(0);
		expect(() => proc.stdout.emit('error', new Error('write EIO'))).not.toThrow();
	});
});
