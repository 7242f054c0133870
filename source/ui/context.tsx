import React, {createContext, useContext, useEffect, useState, type ReactNode} from 'react';
import {useStore} from 'zustand';
import type {IncidentStore} from '../store/store.js';
import type {IncidentState} from '../store/types.js';
import type {IncidentActions} from '../store/store.js';
import {createTheme, type Theme} from './theme.js';
import {inertController, type CockpitController} from './controller.js';

const StoreContext = createContext<IncidentStore | null>(null);
const ControllerContext = createContext<CockpitController>(inertController);
// A component drawn outside a CockpitProvider (a component test) gets this theme; a cockpit, its own.
const ThemeContext = createContext<Theme>(createTheme({color: true}));
const ClockContext = createContext<number>(Date.now());

/**
 * One clock for the whole screen, ticking every `clockMs` (5 s): ages and the elapsed time are shown
 * at that precision, so an idle cockpit redraws one header line every few seconds rather than
 * every component every second.
 */
export const clockMs = 5000;

function Clock(props: {intervalMs: number; children: ReactNode}) {
	const [now, setNow] = useState(() => Date.now());
	useEffect(() => {
		const timer = setInterval(() => setNow(Date.now()), props.intervalMs);
		return () => clearInterval(timer);
	}, [props.intervalMs]);
	return <ClockContext.Provider value={now}>{props.children}</ClockContext.Provider>;
}

export function CockpitProvider(props: {store: IncidentStore; controller?: CockpitController; theme?: Theme; clockMs?: number; children: ReactNode}) {
	// One theme per cockpit (its painters and row texts are cached in it), made once.
	const [fallbackTheme] = useState(() => createTheme({color: true}));
	return (
		<StoreContext.Provider value={props.store}>
			<ControllerContext.Provider value={props.controller ?? inertController}>
				<ThemeContext.Provider value={props.theme ?? fallbackTheme}>
					<Clock intervalMs={props.clockMs ?? clockMs}>{props.children}</Clock>
				</ThemeContext.Provider>
			</ControllerContext.Provider>
		</StoreContext.Provider>
	);
}

export function useStoreApi(): IncidentStore {
	const store = useContext(StoreContext);
	if (!store) throw new Error('useIncident outside <CockpitProvider>');
	return store;
}

/** A narrow selector over the incident store; the component re-renders only when its slice changes. */
export function useIncident<T>(selector: (state: IncidentState & IncidentActions) => T): T {
	return useStore(useStoreApi(), selector);
}

export function useController(): CockpitController {
	return useContext(ControllerContext);
}

export function useTheme(): Theme {
	return useContext(ThemeContext);
}

/** The screen's clock (see `clockMs`), for ages and the elapsed time. */
export function useNow(): number {
	return useContext(ClockContext);
}
