/**
 * What an action acts on, and where, for the one action path (action-flow.ts ActionFlow.requestAction):
 * the cluster a subject is placed in (its row's namespace and context, when several are watched),
 * what the store knows of its deployment, and the subject of a runbook step's `action:`, which has no
 * row: its namespace and context come from the runbook's values or from the row the operator chose
 * in the Pods pane.
 */
import type {ActionSubject} from '../actions/types.js';
import {objectKey} from '../kinds/pods/cluster-data.js';
import {podsData} from '../kinds/pods/data.js';
import {podsKind} from '../kinds/pods/index.js';
import {selectedRow} from '../kinds/panes.js';
import type {Cluster, ObjectPlace} from '../ports/cluster.js';
import {checkValue} from '../runbook/command-safety.js';
import type {RunbookStep} from '../runbook/model.js';
import {stepDeployment} from '../runbook/template.js';
import type {ControllerPorts} from './ports.js';

/** The cluster where `subject` is, when it says (several namespaces or contexts watched): Cluster.at, which refuses a context not watched. */
export function placed(cluster: Cluster, subject: ActionSubject): Cluster {
	const {namespace, context} = subject;
	if (namespace === undefined && context === undefined) return cluster;
	return cluster.at?.({...(namespace === undefined ? {} : {namespace}), ...(context === undefined ? {} : {context})}) ?? cluster;
}

/** The replica count the store knows for the subject's deployment, where `cluster` acts (watching wide, by namespace and context). */
export function knownReplicas(ports: Pick<ControllerPorts, 'store' | 'cluster'>, cluster: Cluster | null, subject: ActionSubject): number | undefined {
	if (!cluster || !subject.deployment) return undefined;
	const data = podsData.of(ports.store.getState());
	const place = {name: subject.deployment, namespace: cluster.namespace, ...(ports.cluster()?.contexts ? {context: cluster.context} : {})};
	return data.deployments[objectKey(data.wide, place)]?.replicas;
}

/**
 * The subject of `step`'s action, filled with `variables`: the deployment it names, where it acts
 * (stepPlace) and the revision or replica count the step gives; null when it names no deployment.
 * Throws when the name may not be used, as a command's values are checked (a name from an alert
 * label that starts with "-" or breaks its pattern).
 */
export function stepActionSubject(ports: Pick<ControllerPorts, 'runbook' | 'store'>, step: RunbookStep, action: NonNullable<RunbookStep['action']>, variables: Record<string, string>): ActionSubject | null {
	const target = stepDeployment(step, variables);
	if (!target) return null;
	checkValue('deployment', target, ports.runbook.loaded?.variables ?? []);
	return {
		deployment: target,
		...stepPlace(ports, target),
		...(action.kind === 'rollback' && action.toRevision !== undefined ? {toRevision: action.toRevision} : {}),
		...(action.kind === 'scale' && action.replicas !== undefined ? {replicas: action.replicas} : {}),
	};
}

/**
 * Where a step's action on `deployment` acts, when not in the cockpit's namespace: the runbook's
 * `namespace` (and `context`) variables when a source other than the cockpit's own gave them (the
 * alert, --var, the form, the runbook's default); else the Pods pane's selected row when it is that
 * deployment or one of its pods (watching several namespaces, the operator chose which); else
 * nothing: the cockpit's namespace.
 */
function stepPlace(ports: Pick<ControllerPorts, 'runbook' | 'store'>, deployment: string): ObjectPlace {
	const {runbook, store} = ports;
	const given = (name: 'namespace' | 'context'): string | undefined => {
		const value = runbook.variables[name];
		if (!value) return undefined;
		const [found] = runbook.sources(`{{${name}}}`);
		return found?.source?.kind === 'session' ? undefined : value;
	};
	const namespace = given('namespace');
	const context = given('context');
	if (namespace || context) return {...(namespace ? {namespace} : {}), ...(context ? {context} : {})};
	const row = selectedRow(store.getState(), podsKind, store.cache);
	if (row?.ref.deployment !== deployment || (!row.ref.namespace && !row.ref.context)) return {};
	return {...(row.ref.namespace ? {namespace: row.ref.namespace} : {}), ...(row.ref.context ? {context: row.ref.context} : {})};
}
