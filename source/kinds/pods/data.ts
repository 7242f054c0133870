/** The Pods kind's data: the namespace's pods, grouped by deployment, and its deployments. */
import {DataSlot} from '../../store/data.js';
import {emptyCluster, type ClusterData} from './cluster-data.js';

/** The pods and deployments as the cluster's watch last told them (kinds/pods/source.ts); names are not scrubbed: actions target them. */
export const podsData = new DataSlot<ClusterData>('cluster', emptyCluster, 'cluster');
