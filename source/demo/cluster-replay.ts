/**
 * A resumed demo's changes (resume.ts), done to the simulation as it starts, with their rollouts
 * finished: the ReplicaSets and revisions as `kubectl rollout undo`, `scale`, `rollout restart` and
 * `set image` leave them, and only pods of the current template, running since the change.
 */
import {minute, templateHash, type ReplicaSet, type SimDeployment} from './cluster-model.js';
import type {Simulation} from './cluster-sim.js';
import type {DemoChange} from './resume.js';

/** The ReplicaSet `kubectl rollout undo` restores: the one of `toRevision`, else the newest older than the current one. */
export function rollbackTarget(deployment: string, replicaSets: ReplicaSet[], current: ReplicaSet, toRevision: number | undefined): ReplicaSet {
	if (toRevision === undefined || toRevision === 0) {
		const older = replicaSets.filter(rs => rs.revision < current.revision).sort((a, b) => b.revision - a.revision);
		if (!older[0]) throw new Error(`rollout undo deployment/${deployment}: no rollout history found (only revision ${current.revision} exists)`);
		return older[0];
	}
	const target = replicaSets.find(rs => rs.revision === toRevision);
	if (!target) {
		const known = replicaSets
			.map(rs => rs.revision)
			.sort((a, b) => a - b)
			.join(', ');
		throw new Error(`rollout undo deployment/${deployment}: unable to find revision ${toRevision} in history (revisions: ${known})`);
	}
	return target;
}

/** Does each change, in order; one that no longer applies (an unknown deployment or revision) is left out, as kubectl would have failed it. */
export function replayChanges(sim: Simulation, changes: readonly DemoChange[]): void {
	for (const change of changes) {
		const d = sim.deployments.get(change.deployment);
		if (!d) continue;
		try {
			applyChange(sim, d, change);
		} catch {
			continue;
		}
		settle(sim, d, change.at);
	}
}

function applyChange(sim: Simulation, d: SimDeployment, change: DemoChange): void {
	const current = d.replicaSets.get(d.current)!;
	switch (change.kind) {
		case 'undo': {
			const target = rollbackTarget(d.name, [...d.replicaSets.values()], current, change.toRevision);
			if (target.hash === d.current) return;
			target.revision = current.revision + 1;
			d.current = target.hash;
			break;
		}
		case 'scale': {
			// The autoscaler puts a count outside its range back within it (a while after; here, at once).
			d.replicas = d.autoscaler ? Math.min(d.autoscaler.max, Math.max(d.autoscaler.min, change.replicas)) : change.replicas;
			break;
		}
		case 'restart':
		case 'image': {
			const template = change.kind === 'restart' ? {image: current.template.image, restartedAt: new Date(change.at).toISOString()} : {image: change.image};
			if (templateHash(d.name, template) === d.current) return;
			d.current = sim.addReplicaSet(d, template, current.revision + 1, change.at, current.changeCause).hash;
			break;
		}
	}
	d.generation++;
	d.observedGeneration = d.generation;
}

/** The rollout finished: the current template's pods (those left, then new ones from `at`), nothing else. */
function settle(sim: Simulation, d: SimDeployment, at: number): void {
	const pods = [...sim.pods.values()].filter(p => p.deployment === d.name);
	const kept = pods.filter(p => p.hash === d.current).slice(0, d.replicas);
	for (const pod of pods) if (!kept.includes(pod)) sim.pods.delete(pod.name);
	// A rollout with maxSurge 1 brings a pod up every few seconds.
	for (let i = kept.length; i < d.replicas; i++) sim.addRunningPod(d, Math.min(at + i * 5000, sim.now() - minute / 60));
}
