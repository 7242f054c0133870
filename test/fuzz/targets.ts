import {alertmanagerAnswers, healthAnswers, kubernetesAnswers, prometheusAnswers} from './targets-api.js';
import {configs, markdownRunbooks, yamlRunbooks} from './targets-files.js';
import {scrapeBodies} from './targets-scrape.js';
import type {FuzzTarget} from './target.js';

/** Every fuzz target by name; each call makes a fresh one (servers are per worker). */
export const targets = {
	markdown: () => markdownRunbooks,
	yaml: () => yamlRunbooks,
	config: () => configs,
	scrape: () => scrapeBodies,
	prometheus: prometheusAnswers,
	alertmanager: alertmanagerAnswers,
	health: healthAnswers,
	kubernetes: kubernetesAnswers,
} satisfies Record<string, () => FuzzTarget<unknown>>;

export type TargetName = keyof typeof targets;
