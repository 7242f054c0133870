import React from 'react';
import {render} from 'ink-testing-library';
import {App} from '../../source/ui/app.js';
import {CockpitProvider} from '../../source/ui/context.js';
import {inertController, type CockpitController} from '../../source/ui/controller.js';
import {createTheme} from '../../source/ui/theme.js';
import {createIncidentStore, type IncidentStore, type StoreOptions} from '../../source/store/store.js';
import {waitFor} from './wait.js';

export const keys = {
	up: '\u001B[A',
	down: '\u001B[B',
	right: '\u001B[C',
	left: '\u001B[D',
	tab: '\t',
	shiftTab: '\u001B[Z',
	enter: '\r',
	escape: '\u001B',
	backspace: '\u007F',
	ctrlC: '\u0003',
};

/** The session's controller behind the UI's keys, every method bound. */
export function forwardedTo(controller: CockpitController): Partial<CockpitController> {
	const methods = controller as unknown as Record<string, (...args: unknown[]) => void>;
	return Object.fromEntries(Object.keys(inertController).map(name => [name, (...args: unknown[]) => methods[name]!.apply(controller, args)]));
}

/** A controller that records what the UI asked for. */
export type RecordingController = CockpitController & {calls: Array<[string, unknown[]]>};

export function recordingController(overrides: Partial<CockpitController> = {}): RecordingController {
	const calls: Array<[string, unknown[]]> = [];
	const controller = Object.fromEntries(
		Object.keys(inertController).map(name => [
			name,
			(...args: unknown[]) => {
				calls.push([name, args]);
				(overrides as Record<string, (...a: unknown[]) => void>)[name]?.(...args);
			},
		]),
	) as unknown as CockpitController;
	return Object.assign(controller, {calls});
}

/**
 * Renders the cockpit at a fixed terminal size with a fresh store (optionally prefilled), and gives
 * helpers to send keys and wait for a frame condition with a deadline (never a fixed sleep).
 */
export async function renderCockpit(options: {width?: number; height?: number; store?: IncidentStore; storeOptions?: StoreOptions; controller?: RecordingController; color?: boolean} = {}) {
	const store = options.store ?? createIncidentStore(options.storeOptions);
	const controller = options.controller ?? recordingController();
	const size = {width: options.width ?? 100, height: options.height ?? 30};
	const instance = render(
		<CockpitProvider store={store} controller={controller} theme={createTheme({color: options.color ?? true})}>
			<App size={size} />
		</CockpitProvider>,
	);
	const frame = () => instance.lastFrame() ?? '';
	const waitForFrame = (predicate: (frame: string) => boolean, message = 'frame condition') =>
		waitFor(() => predicate(frame()), {timeoutMs: 5000, message: `${message}; last frame:\n${frame()}`});
	// Writing keys before the first frame is flaky (stack notes): wait for it first.
	await waitForFrame(f => f.length > 0, 'first frame');
	const press = async (...sequence: string[]) => {
		for (const key of sequence) {
			instance.stdin.write(key);
			// Let Ink's input handler and React's state updates run before the next key.
			await new Promise(resolve => setImmediate(resolve));
		}
	};
	return {...instance, store, controller, frame, waitForFrame, press, size};
}
