/**
 * A running demo describes itself as an incident config, so that `status` can be pointed at it like
 * at any system: `incident-tui status --config FILE`, or `incident-tui demo status`, which finds it.
 * The file lists the demo's services (health and /metrics URLs on loopback), its queries, and its
 * cluster as the runbook's kubectl reaches it (the kubeconfig of the served API, kube-api.ts). It
 * lives in the state directory's `demo-running/` while the cockpit runs, and is removed when it stops;
 * one left by a cockpit that was killed names a process that is gone, and is not used.
 */
import {mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {stringify} from 'yaml';
import type {Config} from '../config/schema.js';
import {demoContext, demoNamespace} from './cluster-model.js';
import {processAlive} from '../clients/process.js';

export interface LiveDemo {
	incidentId: string;
	/** The config file that describes it. */
	file: string;
	pid: number;
}

const header = /^# incident-tui demo: incident (\S+), process (\d+)/;

function runningDir(stateDir: string): string {
	return join(stateDir, 'demo-running');
}

/** Writes the running demo's config; returns what removes it. */
export function writeLiveDemo(stateDir: string, incidentId: string, config: Config, kubeconfig: string): () => void {
	const dir = runningDir(stateDir);
	mkdirSync(dir, {recursive: true, mode: 0o700});
	const file = join(dir, `${incidentId}.yaml`);
	const described = {
		title: config.title,
		severity: config.severity,
		services: config.services.map(s => ({name: s.name, ...(s.health ? {health: s.health} : {}), ...(s.scrape ? {scrape: s.scrape} : {}), ...(s.deployment ? {deployment: s.deployment} : {})})),
		queries: config.queries.map(q => ({id: q.id, title: q.title, promql: q.promql, unit: q.unit, ...(q.warn === undefined ? {} : {warn: q.warn}), ...(q.critical === undefined ? {} : {critical: q.critical})})),
		kubernetes: {context: demoContext, namespace: demoNamespace, kubeconfig, readonly: true},
	};
	const text = [
		`# incident-tui demo: incident ${incidentId}, process ${process.pid}, started ${new Date().toISOString()}.`,
		'# While it runs: incident-tui status --config THIS_FILE (or incident-tui demo status).',
		stringify(described),
	].join('\n');
	writeFileSync(file, text, {mode: 0o600});
	return () => rmSync(file, {force: true});
}

/** The running demo of `incidentId`, else the newest running one; undefined when none runs. */
export function findLiveDemo(stateDir: string, incidentId?: string): LiveDemo | undefined {
	const dir = runningDir(stateDir);
	let names: string[];
	try {
		names = readdirSync(dir).filter(name => name.endsWith('.yaml'));
	} catch {
		return undefined;
	}
	const live: Array<LiveDemo & {mtime: number}> = [];
	for (const name of names) {
		const file = join(dir, name);
		try {
			const match = header.exec(readFileSync(file, 'utf8'));
			if (!match || !processAlive(Number(match[2]))) continue;
			live.push({incidentId: match[1]!, file, pid: Number(match[2]), mtime: statSync(file).mtimeMs});
		} catch {
			continue;
		}
	}
	const found = live.filter(d => !incidentId || d.incidentId === incidentId).sort((a, b) => b.mtime - a.mtime)[0];
	return found ? {incidentId: found.incidentId, file: found.file, pid: found.pid} : undefined;
}
