/**
 * The parts of @kubernetes/client-node the cockpit uses, and the only module that imports the
 * package's code. kube/cluster.ts imports it with import(), after the first frame, and the
 * single-file build (scripts/build.mjs) embeds it as a separate, tree-shaken bundle: only what is
 * exported here is kept, about half of the package. A name missing here is a type error in
 * kube/, not a surprise at run time.
 */
export {AppsV1Api, AutoscalingV2Api, CoreV1Api, HttpMethod, KubeConfig, Observable, PatchStrategy, setHeaderOptions} from '@kubernetes/client-node';
