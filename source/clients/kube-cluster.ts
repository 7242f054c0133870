/**
 * The Kubernetes cluster client, as it was imported before it became the modules of ./kube/: kept so
 * that its callers need no change. New code imports from ./kube/ directly.
 */
export {createKubeCluster, KubeCluster} from './kube/cluster.js';
export type {KubeClusterOptions} from './kube/config.js';
export {
	changeCauseAnnotation,
	podDeployment,
	restartedAtAnnotation,
	revisionAnnotation,
	rolloutComplete,
	toDeploymentInfo,
	toPodInfo,
	type RawDeployment,
	type RawPod,
	type RawReplicaSet,
} from './kube/convert.js';
export {eventLimit, logContainerOf, toContainerStatuses, toEvents} from './kube/diagnose.js';
export {pickRollbackTarget, revisionsOf} from './kube/rollout.js';
