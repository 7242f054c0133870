/**
 * Steps or information: which list items of a Markdown runbook an engineer works through, and
 * which describe (symptoms, impact, contacts, severity definitions, links).
 *
 * A list item is a step when it sits in a procedure: a checklist item; a numbered list, unless the
 * paragraph right above it or its heading names information; a list under a lead-in paragraph or a
 * heading (the nearest one that names anything, walking up) that names actions. Otherwise it is
 * information, unless nothing around it names anything and its items start with a verb ("Check the
 * pods", "Restart the workers"), or the item itself holds a shell command in backticks (something to
 * run, wherever it sits). Where a heading names both ("Escalation Criteria"), the last word decides, as the
 * head of an English noun phrase does. Every decision carries its rule and the runbook's own word.
 */

export type ItemRule =
	| 'checkbox'
	| 'numbered'
	| 'action-lead-in'
	| 'action-heading'
	| 'nested-in-step'
	| 'step-heading'
	| 'fence-label'
	| 'fence-in-section'
	| 'information-lead-in'
	| 'information-heading'
	| 'severity-definition'
	| 'details'
	| 'imperative'
	| 'inline-command'
	| 'outside-procedure'
	| 'nested-in-information'
	| 'links'
	| 'field';

export interface Classification {
	class: 'step' | 'information';
	rule: ItemRule;
	/** Why, quoting the runbook: `list under heading "Investigation Steps" ("steps" names actions)`. */
	reason: string;
}

/** Word stems that name actions; matched at the start of a word, in any case. */
const ACTION_WORDS =
	/\b(?:steps?|actions?|procedures?|mitigat\w*|remediat\w*|resol(?:ution|ve|ving)\w*|diagnos\w*|investigat\w*|triage|roll[- ]?backs?|verif\w*|escalat\w*|fix(?:es|ing)?|recover\w*|restor\w*|workarounds?|instructions?|tasks?|checklists?|runbooks?|playbooks?|troubleshoot\w*|debug\w*|contain(?:ment)?|eradicat\w*|failover|what to do|how to)\b/gi;

/** Word stems that name information. */
const INFORMATION_WORDS =
	/\b(?:symptoms?|impact|meaning|sources?|contacts?|links?|resources?|references?|dashboards?|overview|background|summary|descriptions?|definitions?|criteria|criterion|examples?|causes?|notes?|see also|prerequisites?|pre-requisites?|requirements?|scope|context|look for|expected|expectations?|signs?|indicators?|thresholds?|patterns?|common|templates?|path|matrix|owners?|ownership|roster|policy|related|further reading|who to|additional|faq|glossary|architecture|lessons|prevent\w*|long[- ]term|follow[- ]ups?)\b/gi;

/** Verbs a runbook's steps start with. */
const VERBS = new Set(
	`check verify confirm look inspect review restart roll rollback scale run open tell notify page post create update delete remove add increase decrease set enable disable stop start kill drain cordon uncordon evict flush clear rotate revoke block unblock apply deploy redeploy revert wait watch monitor compare identify find collect capture save export escalate contact call ask acknowledge ack assign declare communicate document record write fix patch edit test ensure make take go navigate login log ssh connect switch fail promote demote reboot reload resize expand free purge clean prune silence mute snooze close resolve mitigate investigate diagnose determine assess gather pull push grep search query describe list get tail follow trace debug retry rerun bump raise lower throttle pause resume suspend isolate quarantine preserve backup restore recover reindex vacuum analyze analyse compact defragment defrag upgrade downgrade install uninstall configure reconfigure tune adjust change replace move migrate copy sync refresh invalidate schedule plan prepare consider try use keep do avoid double-check re-run execute trigger re-enable re-deploy`.split(/\s+/),
);

/** Whether a list item's text starts with a verb (`Check the pods`, `**Restart** the workers`). */
export function startsWithVerb(text: string): boolean {
	const word = /^[^A-Za-z]*([A-Za-z][A-Za-z-]*)/.exec(text)?.[1]?.toLowerCase();
	return word !== undefined && VERBS.has(word);
}

/** What a heading or lead-in names: the kind of its last naming word, and that word. */
export function namesContext(text: string): {kind: 'action' | 'information'; word: string} | null {
	let best: {kind: 'action' | 'information'; word: string; at: number} | null = null;
	for (const match of text.matchAll(ACTION_WORDS)) if (!best || match.index >= best.at) best = {kind: 'action', word: match[0], at: match.index};
	for (const match of text.matchAll(INFORMATION_WORDS)) if (!best || match.index > best.at) best = {kind: 'information', word: match[0], at: match.index};
	if (best) return {kind: best.kind, word: best.word};
	// "Check Metrics", "Restart the workers:": a heading or lead-in that starts with a verb names an action.
	const verb = /^[^A-Za-z]*([A-Za-z][A-Za-z-]*)/.exec(text)?.[1];
	return verb && startsWithVerb(verb) ? {kind: 'action', word: verb} : null;
}

/** `Step 2: Check logs`, `3. Mitigate`: a heading that is a step. */
export const STEP_HEADING = /^(?:step\s*\d+[a-z]?\b\s*[:.)\-\u2013\u2014]?\s*|\d+[.)]\s+)/i;

/**
 * A title without the runbook's own numbering (`1. Detection`, `Step 2: Check logs`, `2) Look`),
 * since the checklist numbers steps itself: `[ ] 1. 1. Detection` becomes `[ ] 1. Detection`.
 */
export function withoutNumbering(title: string): string {
	const rest = title.replace(/^(?:step\s*\d+[a-z]?\b\s*[:.)\-\u2013\u2014]?\s*|\d+(?:\.\d+)*[.)]\s+|\d+\s*[\-\u2013\u2014:]\s+)/i, '').trim();
	return rest || title;
}

/** `**Database:** check the pool`, `Email: x@y`: an item that is a label and its value. */
export function isFieldLine(text: string): boolean {
	return /^[^:\n]{1,40}:\s+\S/.test(text) && !/^https?:/i.test(text);
}

export function quote(text: string): string {
	const short = text.replace(/\s+/g, ' ').trim();
	return JSON.stringify(short.length > 60 ? `${short.slice(0, 57)}...` : short);
}
