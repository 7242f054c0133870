import type {CockpitController} from '../controller/types.js';

export type {CockpitController} from '../controller/types.js';

/** A controller that does nothing, for component tests that only render. */
export const inertController: CockpitController = {
	quit() {},
	toggleStep() {},
	requestAction() {},
	requestStep() {},
	enterVariables() {},
	requestConfigCommand() {},
	confirm() {},
	cancel() {},
	cancelRunning() {},
	addNote() {},
	togglePin() {},
	setSeverity() {},
	setStatus() {},
	selectRunbook() {},
	setRole() {},
	takeCommand() {},
	exportPostmortem() {},
	followLog() {},
	stopLog() {},
	showDetails() {},
	pickContext() {},
	pickNamespace() {},
	switchScope() {},
	showVariables() {},
	openForm() {},
};
