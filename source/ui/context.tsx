import React, {createContext, useContext, useEffect, useState, type ReactNode} from 'react';
import {useStore} from 'zustand';
import type {IncidentStore} from '../store/store.js';
import type {IncidentState} from '../store/types.js';
import type {IncidentActions} from '../store/store.js';
import {createTheme, type Theme} from './theme.js';
import {inertController, type CockpitController} from './controller.js';

const StoreContext = createContext<IncidentStore | null>(null);
const ControllerContext = createContext<CockpitController>(inertController);
const ThemeContext = createContext<Theme>(createTheme({color: true}));

export function CockpitProvider(props: {store: IncidentStore; controller?: CockpitController; theme?: Theme; children: ReactNode}) {
	return (
		<StoreContext.Provider value={props.store}>
			<ControllerContext.Provider value={props.controller ?? inertController}>
				<ThemeContext.Provider value={props.theme ?? createTheme({color: true})}>{props.children}</ThemeContext.Provider>
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

/** The current time, refreshed every `intervalMs` (for ages and the elapsed clock). */
export function useNow(intervalMs = 1000): number {
	const [now, setNow] = useState(() => Date.now());
	useEffect(() => {
		const timer = setInterval(() => setNow(Date.now()), intervalMs);
		return () => clearInterval(timer);
	}, [intervalMs]);
	return now;
}
