/**
 * The selected row as a source of a runbook's variables: the row the operator chose in the Pods
 * pane, a pod or a deployment, with where it is. `x` on a step fills `<pod-name>`, `{{deployment}}`,
 * `$NAMESPACE` or `<node>` from it when the alert that chose the runbook does not name them.
 *
 * Why the Pods pane's row and no other: `x` is pressed on the Runbook pane, so the row meant is one
 * the operator chose elsewhere before; the Pods pane is where pods and deployments are chosen (its
 * `l`, `u`, `s`, `r` act on the same row). A Pods pane whose selection was never moved (nor filtered)
 * gives nothing: its first row is where the pane starts, not a choice, and a value must not be a guess.
 */
import {podsData} from '../kinds/pods/data.js';
import {objectKey} from '../kinds/pods/cluster-data.js';
import {selectedRow} from '../kinds/panes.js';
import {kindById} from '../kinds/registry.js';
import {RowCache} from '../store/memo.js';
import type {IncidentState} from '../store/types.js';

const podsKindId = 'pods';

/** What the selected row gives the variables: what it is, its name, and its values by the names variables look them up under. */
export interface RowValues {
	/** `pod` or `deployment`: the confirmation says "selected pod row". */
	kind: 'pod' | 'deployment';
	name: string;
	/** pod, deployment, namespace, context, node: only those the row knows. */
	values: Record<string, string>;
}

/** The row the operator selected in the Pods pane, as variable values; undefined when they chose none there. */
export function selectedClusterRow(state: IncidentState): RowValues | undefined {
	const kind = kindById(podsKindId);
	if (!kind || state.ui.selected[podsKindId] === undefined) return undefined;
	const row = selectedRow(state, kind, new RowCache());
	if (!row || row.heading) return undefined;
	const {ref} = row;
	const data = podsData.of(state);
	const values: Record<string, string> = {};
	const put = (name: string, value: string | undefined) => {
		if (value) values[name] = value;
	};
	if (ref.pod) {
		// The pod as the cluster reported it: its namespace even when one is watched, and its node.
		const pod = data.pods.get(objectKey(data.wide, {...ref, name: ref.pod}));
		put('pod', ref.pod);
		put('deployment', ref.deployment ?? pod?.deployment);
		put('namespace', ref.namespace ?? pod?.namespace);
		put('context', ref.context ?? pod?.context);
		put('node', pod?.node);
		return {kind: 'pod', name: ref.pod, values};
	}
	if (ref.deployment) {
		const deployment = data.deployments[objectKey(data.wide, {...ref, name: ref.deployment})];
		put('deployment', ref.deployment);
		put('namespace', ref.namespace ?? deployment?.namespace);
		put('context', ref.context ?? deployment?.context);
		return {kind: 'deployment', name: ref.deployment, values};
	}
	return undefined;
}
