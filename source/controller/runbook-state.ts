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
import {resolveVariable, sourceText, type ResolvedVariable, type VariableInputs} from '../runbook/variables.js';
import {placeholders} from '../runbook/template.js';
import type {RowValues} from './selected-row.js';

/** A value an earlier step's command computed (runbook/step-output.ts): `CONTROLLERPOD=$(oc get pods …)`. */
export interface CapturedValue {
	value: string;
	/** The step's number in the runbook ("3"): the confirmation says "output of step 3". */
	step: string;
	command?: string;
}

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
	/** Values earlier steps' commands set, by variable name: a later step's `$CONTROLLERPOD` is filled from them. */
	readonly captured: Record<string, CapturedValue> = {};

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

	/** Every source of a value, in the order of runbook/variables.ts: entered, --var, alert, the selected row, session, earlier steps. */
	inputs(row?: RowValues): VariableInputs {
		return {
			entered: this.entered,
			cli: this.given,
			...(this.alert ? {alert: {labels: this.alert.labels}} : {}),
			...(row ? {row: row.values, rowKind: row.kind} : {}),
			session: {namespace: this.env.namespace, context: this.env.context},
			stepOutputs: this.captured,
		};
	}

	/**
	 * The values `x` fills a step with: this incident's variables, and where the selected row or an
	 * earlier step's output comes before the source that gave the value now (the session's namespace,
	 * a default, nothing), theirs.
	 */
	valuesFor(row?: RowValues): Record<string, string> {
		const values = {...this.variables};
		if (!this.loaded) return values;
		const inputs = this.inputs(row);
		for (const variable of this.loaded.variables) {
			const found = resolveVariable(variable, inputs);
			if (found.value !== undefined && !found.problem && (found.source?.kind === 'row' || found.source?.kind === 'step')) values[variable.name] = found.value;
		}
		return values;
	}

	/** An earlier step's command set these: later steps use them (after the alert, the row and the session). */
	capture(values: Record<string, string>, step: string, command?: string): void {
		for (const [name, value] of Object.entries(values)) this.captured[name] = {value, step, ...(command ? {command} : {})};
	}

	/**
	 * Each variable `text` uses with the value the commands are filled with and where that value came
	 * from (runbook/variables.ts, in its order: entered, --var, alert, the selected row, session,
	 * earlier steps, default); no source when the sources give another value than the one used.
	 */
	sources(text: string, row?: RowValues): ResolvedVariable[] {
		const declared = this.loaded?.variables ?? [];
		const inputs = this.inputs(row);
		const values = this.valuesFor(row);
		const names = [...new Set(placeholders(text).map(p => p.name))];
		return names.map(name => {
			const variable = declared.find(v => v.name === name) ?? {name, secret: this.secretVariables().includes(name)};
			const found = resolveVariable(variable, inputs);
			const value = values[name];
			if (value === undefined) return {name, variable};
			return found.value === value && found.source ? {name, variable, value, source: found.source} : {name, variable, value};
		});
	}

	/** The variables view: every variable of the runbook, its value (secrets masked) and where it came from. */
	variableRows(row?: RowValues): Array<{name: string; value?: string; source: string}> {
		const names = this.loaded?.variables.map(v => `{{${v.name}}}`).join(' ') ?? '';
		const masked = this.maskedVariables(this.valuesFor(row));
		return this.sources(names, row).map(item => ({name: item.name, ...(item.value === undefined ? {} : {value: masked[item.name]}), source: item.value === undefined ? sourceText(undefined) : item.source ? sourceText(item.source) : 'set when the runbook was chosen'}));
	}

	/** The variables as shown: secret ones masked. */
	maskedVariables(values: Record<string, string> = this.variables): Record<string, string> {
		const secret = new Set(this.secretVariables());
		return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, secret.has(name) ? REDACTED : value]));
	}

	/** The values `runbook.selected` records: the secret ones left out. */
	recordedVariables(): Record<string, string> {
		const secret = new Set(this.secretVariables());
		return Object.fromEntries(Object.entries(this.variables).filter(([name]) => !secret.has(name)));
	}
}
