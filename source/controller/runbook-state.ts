/**
 * The active runbook of one session: as loaded, as shown (its titles filled with this incident's
 * values, secrets masked), its variables, and the alert that chose it. One instance per session,
 * shared by the session (which loads and matches runbooks) and the controller (which runs steps).
 */
import type {AlertInfo} from '../ports/metrics.js';
import {resolveVariables} from '../runbook/library.js';
import type {Runbook} from '../runbook/model.js';
import {withFilledTitles} from '../runbook/template.js';
import type {IncidentStore} from '../store/store.js';
import type {EnvInfo} from '../store/types.js';
import {REDACTED} from '../timeline/redact.js';
import {resolveVariable, sourceText, type ResolvedVariable} from '../runbook/variables.js';
import {placeholders} from '../runbook/template.js';

export class RunbookState {
	/** The active runbook as shown: its titles filled in, secrets masked. */
	runbook: Runbook | null = null;
	/** The active runbook as loaded. */
	loaded: Runbook | null = null;
	/** This incident's values of its variables. */
	variables: Record<string, string>;
	/** The alert that chose it: its labels fill the variables, and its namespace is checked against every action's. */
	alert: AlertInfo | undefined;
	/** Values the operator entered in the variables form: they beat every other source, --var too. */
	readonly entered: Record<string, string> = {};

	constructor(
		private readonly store: IncidentStore,
		private readonly env: EnvInfo,
		/** --var and the demo's values: the operator's explicit choice. */
		private readonly given: Record<string, string> = {},
	) {
		this.variables = {namespace: env.namespace, ...given};
	}

	/**
	 * Makes `next` the active runbook. Variable values (runbook/library.ts resolveVariables): the
	 * runbook's defaults, then the cockpit's namespace as a fallback, then the alert's labels (its
	 * `namespace` beats the fallback), then --var and the demo's.
	 */
	apply(next: Runbook | null, alert?: AlertInfo): void {
		this.loaded = next;
		this.alert = alert;
		if (next) this.variables = {...resolveVariables(next, {alertLabels: alert?.labels, config: {namespace: this.env.namespace}, cli: this.given}).values, ...this.given, ...this.entered};
		// Shown and recorded with this incident's values in its titles ("Roll back checkout"), secrets masked.
		this.runbook = next && withFilledTitles(next, this.maskedVariables());
		this.store.getState().runbookLoaded(this.runbook);
	}

	/** The cockpit's namespace changed (the cluster named its own): the variables follow it. */
	namespaceChanged(): void {
		if (this.loaded) this.apply(this.loaded, this.alert);
		else this.variables = {namespace: this.env.namespace, ...this.given, ...this.entered};
	}

	/** The operator entered values in the variables form: they fill the commands from now on. */
	enter(values: Record<string, string>): void {
		Object.assign(this.entered, values);
		this.variables = {...this.variables, ...values};
	}

	/** The names of the variables whose values are masked wherever a command is shown. */
	secretVariables(): string[] {
		return this.loaded?.variables.filter(v => v.secret).map(v => v.name) ?? [];
	}

	/**
	 * Each variable `text` uses with the value the commands are filled with and where that value came
	 * from (runbook/variables.ts, in its order: entered, --var, alert, session, default); no source
	 * when the sources give another value than the one used.
	 */
	sources(text: string): ResolvedVariable[] {
		const declared = this.loaded?.variables ?? [];
		const inputs = {entered: this.entered, cli: this.given, ...(this.alert ? {alert: {labels: this.alert.labels}} : {}), session: {namespace: this.env.namespace, context: this.env.context}};
		const names = [...new Set(placeholders(text).map(p => p.name))];
		return names.map(name => {
			const variable = declared.find(v => v.name === name) ?? {name, secret: this.secretVariables().includes(name)};
			const found = resolveVariable(variable, inputs);
			const value = this.variables[name];
			if (value === undefined) return {name, variable};
			return found.value === value && found.source ? {name, variable, value, source: found.source} : {name, variable, value};
		});
	}

	/** The variables view: every variable of the runbook, its value (secrets masked) and where it came from. */
	variableRows(): Array<{name: string; value?: string; source: string}> {
		const names = this.loaded?.variables.map(v => `{{${v.name}}}`).join(' ') ?? '';
		const masked = this.maskedVariables();
		return this.sources(names).map(item => ({name: item.name, ...(item.value === undefined ? {} : {value: masked[item.name]}), source: item.value === undefined ? sourceText(undefined) : item.source ? sourceText(item.source) : 'set when the runbook was chosen'}));
	}

	/** The variables as shown: secret ones masked. */
	maskedVariables(): Record<string, string> {
		const secret = new Set(this.secretVariables());
		return Object.fromEntries(Object.entries(this.variables).map(([name, value]) => [name, secret.has(name) ? REDACTED : value]));
	}

	/** The values `runbook.selected` records: the secret ones left out. */
	recordedVariables(): Record<string, string> {
		const secret = new Set(this.secretVariables());
		return Object.fromEntries(Object.entries(this.variables).filter(([name]) => !secret.has(name)));
	}
}
