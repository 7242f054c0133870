#!/usr/bin/env node
import React from 'react';
import {existsSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {Argument, Command as Program, InvalidArgumentError, Option} from 'commander';
import {kubeconfigCurrentContext} from './source/config/kube-context.js';
import {contextSettingsByName, watchedContexts} from './source/config/kube-contexts.js';
import {findConfigFile, loadConfig, LocatedError} from './source/config/load.js';
import type {Config} from './source/config/schema.js';
import type {Cluster} from './source/ports/cluster.js';
import {stateDir as defaultStateDir} from './source/timeline/state-dir.js';
import {isValidIncidentId} from './source/timeline/state-dir.js';
import {currentInvocation, printedPath} from './source/cli/invocation.js';
import {buildCommit, versionLine} from './source/cli/build-info.js';
import {farewell, incidentsCommand, printedCommand, resumeCommand, type CarriedOptions} from './source/cli/printed.js';
import pkg from './package.json' with {type: 'json'};

const {version} = pkg;

interface GlobalOptions {
	config?: string;
	context?: string;
	namespace?: string;
	allNamespaces?: boolean;
	prometheus?: string;
	runbook?: string;
	incident?: string;
	new?: boolean;
	readonly?: boolean;
	stateDir?: string;
	var?: string[];
}

/** `--var name=value`, repeatable: runbook variables with the highest precedence. */
function parseVars(pairs: string[] = []): Record<string, string> {
	const vars: Record<string, string> = {};
	for (const pair of pairs) {
		const at = pair.indexOf('=');
		if (at <= 0) die(`--var takes name=value, got '${pair}'`);
		vars[pair.slice(0, at)] = pair.slice(at + 1);
	}
	return vars;
}

/**
 * The options of this run that the commands printed for the operator (resume, export, incidents)
 * must repeat to mean the same incident, config and sources; paths as they work where printed.
 */
function carriedOptions(options: GlobalOptions): CarriedOptions {
	return {
		...(options.config ? {config: printedPath(options.config)} : {}),
		...(options.stateDir ? {stateDir: printedPath(options.stateDir)} : {}),
		...(options.context ? {context: options.context} : {}),
		...(options.namespace ? {namespace: options.namespace} : {}),
		...(options.prometheus ? {prometheus: options.prometheus} : {}),
		...(options.readonly ? {readonly: true} : {}),
	};
}

/** `incident-tui ARGS` as the operator can run it where it is printed (source/cli/invocation.ts). */
function command(...args: string[]): string {
	return printedCommand(currentInvocation(), args);
}

/** Exit with a message a person can act on; never a stack trace for bad input. */
function die(message: string, code = 2): never {
	process.stderr.write(`incident-tui: ${message}\n`);
	process.exit(code);
}

async function readConfig(options: GlobalOptions): Promise<{config: Config; file: string | null}> {
	const file = findConfigFile(options.config);
	try {
		const config = await loadConfig(file);
		if (options.prometheus) config.prometheus = {timeoutMs: 5000, insecureSkipVerify: false, ...config.prometheus, url: options.prometheus};
		return {config, file};
	} catch (error) {
		if (error instanceof LocatedError) die(error.message);
		throw error;
	}
}

/** --state-dir, else the config's stateDir (where the cockpit writes journals), else the XDG default. */
async function resolveStateDir(options: GlobalOptions): Promise<string> {
	if (options.stateDir) return defaultStateDir(options.stateDir);
	return defaultStateDir((await readConfig(options)).config.stateDir);
}

function positiveMs(value: string): number {
	const ms = Number(value);
	if (!Number.isInteger(ms) || ms <= 0) throw new InvalidArgumentError('expected a whole number of milliseconds above 0, e.g. 5000.');
	return ms;
}

/** `--scrape-interval`: "10s", "1.5s", "500ms", "1m", or a number of seconds; 0 for one scrape. */
function scrapeInterval(value: string): number {
	const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
	if (!match) throw new InvalidArgumentError('expected a duration such as 10s, 1.5s or 500ms (0: one scrape).');
	const ms = Number(match[1]) * (match[2] === 'ms' ? 1 : match[2] === 'm' ? 60_000 : 1000);
	if (ms > 10 * 60_000) throw new InvalidArgumentError('at most 10m.');
	return Math.round(ms);
}

/** What `status` says when nothing is configured to check: where it looked, and how to give it something. */
function nothingToCheck(file: string | null): string {
	const where = file
		? `${file} configures no services (health: or scrape:), prometheus, alertmanager or kubernetes`
		: 'no config file was found (./incident.yaml, then $XDG_CONFIG_HOME/incident-tui/config.yaml)';
	return `status: nothing to check: ${where}, and no cluster was named (--context, $KUBECONFIG, ~/.kube/config). Give a config with --config FILE, or --prometheus URL; the README's Configuration section has an example.`;
}

/** production/readonly of `context`: its entry in `kubernetes.contexts`, else `kubernetes`'s own; --readonly always. */
function contextSettings(config: Config, options: GlobalOptions, context: string | undefined): {production: boolean; readonly: boolean} {
	const k = config.kubernetes ?? {};
	const perContext = context ? contextSettingsByName(k)[context] : undefined;
	return {production: Boolean(perContext?.production ?? k.production), readonly: Boolean(options.readonly || perContext?.readonly || k.readonly)};
}

/**
 * Context settings: CLI over config; production/readonly from `kubernetes` and its per-context map,
 * for the context the cockpit acts on. Without --context or `kubernetes.context` that is the
 * kubeconfig's current-context, read here (source/config/kube-context.ts) before the Kubernetes
 * client loads, and the cluster is connected to exactly it. `readKubeconfig: false` (the demo) reads no kubeconfig.
 */
function kubeSettings(config: Config, options: GlobalOptions, readKubeconfig = true) {
	const k = config.kubernetes ?? {};
	const wanted = Boolean(config.kubernetes || options.context || process.env.KUBECONFIG || existsSync(path.join(os.homedir(), '.kube', 'config')));
	// With kubernetes.contexts: [a, b] the first is the one acted on by default, so the one the header names.
	const watched = options.context ? undefined : watchedContexts(k);
	const context = options.context ?? watched?.[0] ?? k.context ?? (readKubeconfig && wanted ? kubeconfigCurrentContext(k.kubeconfig) : undefined);
	const settings = contextSettings(config, options, context);
	// Any production context watched makes the cockpit a production one.
	const production = settings.production || Boolean(watched?.some(name => contextSettings(config, options, name).production));
	return {
		context,
		namespace: options.namespace ?? k.namespace,
		// -A wins over the config's list; either way the namespace above stays the one acted on by default.
		namespaces: options.allNamespaces ? ('all' as const) : k.namespaces,
		...settings,
		production,
		wanted,
		kubeconfig: k.kubeconfig,
	};
}

/** Sent as ?fieldManager= on every mutation: the incident that made it. */
function fieldManagerOf(incidentId: string | undefined): string {
	return `incident-tui${incidentId ? `/${incidentId}` : ''}`.slice(0, 128);
}

async function connectCluster(config: Config, options: GlobalOptions, incidentId: string | undefined): Promise<Cluster | null> {
	const k = kubeSettings(config, options);
	if (!k.wanted) return null;
	// Loaded lazily: importing @kubernetes/client-node costs ~0.5 s, which must not delay the first frame.
	const watched = options.context ? undefined : watchedContexts(config.kubernetes);
	if (watched) {
		// kubernetes.contexts: [a, b]: one client per context, rows naming theirs; each context's read-only setting is its own.
		const {createContextsCluster} = await import('./source/clients/kube/contexts.js');
		const shared = {kubeconfig: k.kubeconfig, namespace: k.namespace, ...(k.namespaces ? {namespaces: k.namespaces} : {}), readonly: k.readonly, fieldManager: fieldManagerOf(incidentId)};
		return createContextsCluster(shared, watched, context => contextSettings(config, options, context).readonly);
	}
	const {createKubeCluster} = await import('./source/clients/kube-cluster.js');
	return createKubeCluster({
		kubeconfig: k.kubeconfig,
		context: k.context,
		namespace: k.namespace,
		...(k.namespaces ? {namespaces: k.namespaces} : {}),
		readonly: k.readonly,
		fieldManager: fieldManagerOf(incidentId),
	});
}

/**
 * `--incident ID` with sync, on a host that never saw ID: its events come from the shared database
 * into a new journal first, so the cockpit opens the others' incident instead of a new one under
 * the same id (source/sync/incidents.ts). A database that does not answer stops here, saying what to do.
 */
async function pullSharedIncident(config: Config, options: GlobalOptions, incidentId: string): Promise<void> {
	const [{pullIncidentIfAbsent}, {createRedactor}] = await Promise.all([import('./source/sync/incidents.js'), import('./source/timeline/redact.js')]);
	try {
		await pullIncidentIfAbsent({sync: config.sync, stateDir: defaultStateDir(options.stateDir ?? config.stateDir), incidentId, redact: createRedactor(config.redact)});
	} catch (error) {
		die((error as Error).message, 1);
	}
}

/** `incident-tui incidents`: this host's journals, and with sync the shared database's incidents, each marked where it is. */
async function listAllIncidents(options: GlobalOptions): Promise<string> {
	const {config} = await readConfig(options);
	const {listIncidents, formatIncidentList} = await import('./source/timeline/incidents.js');
	const local = await listIncidents(defaultStateDir(options.stateDir ?? config.stateDir));
	if (!config.sync) return formatIncidentList(local, command());
	const [{listSharedIncidents, mergeIncidentLists}, {createRedactor}] = await Promise.all([import('./source/sync/incidents.js'), import('./source/timeline/redact.js')]);
	try {
		return formatIncidentList(mergeIncidentLists(local, await listSharedIncidents(config.sync, {redact: createRedactor(config.redact)})), command());
	} catch (error) {
		process.stderr.write(`incident-tui: ${(error as Error).message}; listing this host's incidents only\n`);
		return formatIncidentList(local, command());
	}
}

/**
 * `incident-tui check`: every problem of the config in one run, then each endpoint it names tried
 * once, with what was found. Endpoints whose part of the config has errors are not tried; the
 * others are, so one typo does not hide an unreachable Prometheus.
 */
async function runCheck(options: GlobalOptions, timeoutMs: number): Promise<never> {
	const file = findConfigFile(options.config);
	if (!file) die(`check: no config file was found (./incident.yaml, then $XDG_CONFIG_HOME/incident-tui/config.yaml); give one with ${command('check', '--config', 'FILE')}`);
	const [{readLimitedText}, {checkConfigText}, {probeEndpoints, formatProbes, checkExitCode}] = await Promise.all([
		import('./source/config/limits.js'),
		import('./source/runbook/lint-config.js'),
		import('./source/kinds/check.js'),
	]);
	let text: string;
	try {
		text = await readLimitedText(file, 'config');
	} catch (error) {
		if (error instanceof LocatedError) die(error.message);
		const code = (error as NodeJS.ErrnoException).code;
		die(`${file}: cannot read config: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (code ?? String(error))}`);
	}
	const {config, problems} = await checkConfigText(text, file);
	// As compilers name files: as given, or relative when found in the working directory.
	const shown = options.config ?? (path.dirname(file) === process.cwd() ? path.basename(file) : file);
	const out: string[] = [];
	for (const problem of problems) out.push(`${shown}${problem.line ? `:${problem.line}${problem.column ? `:${problem.column}` : ''}` : ''}: error: ${problem.message}`);
	out.push(`CONFIG ${shown}: ${problems.length === 0 ? 'no errors' : `${problems.length} error${problems.length === 1 ? '' : 's'}${config ? '; the endpoints configured without errors are tried below' : ''}`}`, '');
	process.stdout.write(`${out.join('\n')}\n`);
	if (!config) process.exit(2);
	if (options.prometheus) config.prometheus = {timeoutMs: 5000, insecureSkipVerify: false, ...config.prometheus, url: options.prometheus};
	const k = kubeSettings(config, options);
	const probes = await probeEndpoints({
		config,
		timeoutMs,
		...(k.wanted ? {connectCluster: () => connectCluster(config, {...options, readonly: true}, undefined)} : {}),
	});
	const [{cleanDeep}, {createRedactor, redactDeep}] = await Promise.all([import('./source/text/clean.js'), import('./source/timeline/redact.js')]);
	let redactor;
	try {
		redactor = createRedactor(config.redact);
	} catch {
		// A redaction pattern that does not compile is among the config's errors above; mask with the built-in rules.
		redactor = createRedactor([]);
	}
	process.stdout.write(formatProbes(redactDeep(cleanDeep(probes), redactor)));
	process.exit(checkExitCode(problems.length, probes));
}

async function runCockpit(options: GlobalOptions & {demo?: boolean}) {
	// Bad input is refused before the UI modules load (they take 0.5 s or more): a typo answers at once.
	if (options.incident && !isValidIncidentId(options.incident)) die(`not an incident id: ${options.incident} (see: ${incidentsCommand(currentInvocation(), carriedOptions(options))})`);
	const user = options.demo ? undefined : await readConfig(options);
	const userConfig = user?.config;
	// One launch, one incident: an incident launched the same way and still open is offered for resuming.
	const {launchKey} = await import('./source/timeline/launch.js');
	const launch = launchKey({demo: options.demo, configFile: user?.file});
	if (!options.incident && !options.new && process.stdin.isTTY) {
		const choice = await (await import('./source/ui/resume-picker.js')).offerResume(defaultStateDir(options.stateDir ?? userConfig?.stateDir), launch);
		if ('quit' in choice) process.exit(0);
		if ('resume' in choice) options = {...options, incident: choice.resume};
	}
	const [{render}, {openSession}, {App}, {CockpitProvider}, theme, {newIncidentId}, {capYoungGeneration, limitOldGenerationGrowth}, {saveCodeCache}, {watchTerminal, detachTerminal, hangupExitCode}, {createKubeSwitcher}] = await Promise.all([
		import('ink'),
		import('./source/session/cockpit.js'),
		import('./source/ui/app.js'),
		import('./source/ui/context.js'),
		import('./source/ui/theme.js'),
		import('./source/timeline/ids.js'),
		import('./source/session/heap.js'),
		import('./source/session/code-cache.js'),
		import('./source/session/hangup.js'),
		import('./source/clients/kube/switcher.js'),
	]);
	if (options.incident && userConfig?.sync) await pullSharedIncident(userConfig, options, options.incident);
	const abort = new AbortController();
	let config: Config;
	let cluster: Cluster | null | Promise<Cluster | null>;
	let variables: Record<string, string> | undefined;
	let k: ReturnType<typeof kubeSettings>;
	let stopDemo: (() => Promise<void>) | undefined;
	const incidentId = options.incident ?? newIncidentId(new Date());
	if (options.demo) {
		const [{startDemo}, {readDemoResume}] = await Promise.all([import('./source/demo/index.js'), import('./source/demo/resume.js')]);
		// A demo incident resumed goes on where its journal left it: rolled back stays rolled back.
		const resume = options.incident ? await readDemoResume(defaultStateDir(options.stateDir), options.incident) : undefined;
		const demo = await startDemo({signal: abort.signal, ...(resume ? {resume} : {})});
		config = demo.config;
		cluster = demo.cluster;
		variables = demo.runbookVariables;
		// While it runs, `status --config FILE` and `demo status` can report on it (source/demo/live.ts).
		const {writeLiveDemo} = await import('./source/demo/live.js');
		const removeLive = writeLiveDemo(defaultStateDir(options.stateDir), incidentId, demo.config, demo.cluster.commandEnvironment().env.KUBECONFIG!);
		stopDemo = () => {
			removeLive();
			return demo.stop();
		};
		k = {...kubeSettings(config, {}, false), readonly: Boolean(options.readonly)};
	} else {
		config = userConfig!;
		k = kubeSettings(config, options);
		cluster = null; // connected after the first frame, below
	}
	let quit: () => void = () => {};
	let connect: () => void = () => {};
	// The quit dialog and the lines printed at exit give the same resume command, one that works where they are printed.
	const invocation = currentInvocation();
	const carried = {...carriedOptions(options), demo: Boolean(options.demo)};
	const session = await openSession({
		resumeCommand: resumeCommand(invocation, incidentId, carried),
		config,
		stateDir: defaultStateDir(options.stateDir ?? config.stateDir),
		incidentId,
		demo: Boolean(options.demo),
		launch,
		readonly: k.readonly,
		context: k.context ?? (options.demo ? 'demo' : ''),
		namespace: k.namespace ?? 'default',
		production: k.production,
		// The context could not be read from the kubeconfig: its settings apply once the cluster names it.
		...(!options.demo && k.wanted && !k.context && Object.keys(contextSettingsByName(config.kubernetes)).length > 0 ? {settingsForContext: (name: string) => contextSettings(config, options, name)} : {}),
		// The Kubernetes client (0.5 s to import) is connected only after the first frame is drawn; `void`: its
		// outcome, failure included, settles this promise (then(resolve, reject)), which the session awaits.
		cluster: options.demo ? cluster : new Promise<Cluster | null>((resolve, reject) => (connect = () => void connectCluster(config, options, incidentId).then(resolve, reject))),
		// C and N switch context and namespace at run time: clients made as the first one (source/clients/kube/switcher.ts).
		...(!options.demo && k.wanted
			? {switcher: createKubeSwitcher({kubeconfig: k.kubeconfig, fieldManager: fieldManagerOf(incidentId)}, context => contextSettings(config, options, context))}
			: {}),
		runbookRef: options.runbook,
		variables: {...variables, ...parseVars(options.var)},
		onQuit: () => quit(),
	});
	const interactive = Boolean(process.stdin.isTTY);
	const {default: chalk} = await import('chalk');
	// A dropped SSH connection or a killed tmux: close the journal and go, without a terminal to
	// restore (source/session/hangup.ts). Watched from before the first write, as the terminal can
	// go while the first frame is drawn. The journal's appends are on disk one by one, so a cleanup
	// that hangs is cut after a few seconds.
	const leaveAfterHangup = () => {
		detachTerminal();
		process.exit(hangupExitCode);
	};
	const unmountAfterHangup = () => {
		try {
			quit();
		} catch {
			// Ink could not put back a terminal that is gone; there is nothing to put back.
		}
	};
	const terminal = watchTerminal(() => {
		setTimeout(leaveAfterHangup, 5000).unref();
		unmountAfterHangup();
	});
	// The alternate screen keeps the operator's scrollback clean, like k9s and less.
	const altScreen = process.stdout.isTTY && !process.env.INCIDENT_TUI_NO_ALT_SCREEN;
	if (altScreen) process.stdout.write('\u001B[?1049h');
	const instance = render(
		<CockpitProvider store={session.store} controller={session.controller} theme={theme.themeFromEnv(process.env, chalk.level)}>
			<App inputActive={interactive} />
		</CockpitProvider>,
		// Incremental rendering rewrites only changed lines (Ink's cursor bug is fixed by patches/ink+6.8.0.patch).
		{exitOnCtrlC: false, patchConsole: true, maxFps: 60, incrementalRendering: true},
	);
	quit = () => instance.unmount();
	if (terminal.gone()) unmountAfterHangup();
	setTimeout(() => {
		// The single-file build caches what the first frame compiled, for the next start; before the
		// heap flags change, as a cache records V8's flags (source/session/code-cache.ts).
		saveCodeCache();
		// A long-running cockpit holding 10,000 pods: keep V8's heap compact (see heap.ts).
		capYoungGeneration();
		limitOldGenerationGrowth();
		session.start();
		connect();
	}, 0);
	if (!interactive) session.store.getState().flashed('stdin is not a terminal: view only, keys are ignored', 'warn');
	process.once('SIGTERM', () => quit());
	await instance.waitUntilExit().catch((error: unknown) => {
		// Ink's exit can end in the terminal's failure too (setRawMode EIO): after a hangup that is no error of ours.
		if (!terminal.gone()) throw error;
	});
	abort.abort();
	await session.stop();
	await stopDemo?.();
	if (terminal.gone()) leaveAfterHangup();
	terminal.dispose();
	if (altScreen) process.stdout.write('\u001B[?1049l');
	process.stdout.write(farewell(invocation, incidentId, session.journal.path, carried));
	process.exit(0);
}

interface StatusFlags {
	json?: boolean;
	timeout: number;
	scrapeInterval?: number;
}

/** Reads every source of `config` once, prints the report (JSON or a table), and returns status's exit code. */
async function printStatus(config: Config, cluster: Cluster | null, clusterError: string | undefined, local: StatusFlags): Promise<number> {
	const {collectStatus, formatStatusTable, statusExitCode} = await import('./source/kinds/status.js');
	const report = await collectStatus({config, cluster, clusterError, timeoutMs: local.timeout, scrapeIntervalMs: local.scrapeInterval ?? config.status.scrapeIntervalMs});
	// What status prints comes from outside (bodies, labels, names, errors): control characters are
	// shown as symbols and secrets masked, as on the cockpit's screen.
	const [{cleanDeep}, {createRedactor, redactDeep}] = await Promise.all([import('./source/text/clean.js'), import('./source/timeline/redact.js')]);
	const shown = redactDeep(cleanDeep(report), createRedactor(config.redact));
	process.stdout.write(local.json ? `${JSON.stringify(shown, null, 2)}\n` : formatStatusTable(shown));
	return statusExitCode(report);
}

/** `demo status` while a demo cockpit runs: that demo, read as `status --config` reads a system (its services, and its served cluster through the Kubernetes client). */
async function liveDemoStatus(live: {incidentId: string; file: string; pid: number}, local: StatusFlags): Promise<number> {
	process.stderr.write(`incident-tui: reporting on the running demo ${live.incidentId} (process ${live.pid}; status --config ${live.file} does the same)\n`);
	const {config} = await readConfig({config: live.file});
	let cluster: Cluster | null = null;
	let clusterError: string | undefined;
	try {
		cluster = await connectCluster(config, {readonly: true}, undefined);
	} catch (error) {
		clusterError = (error as Error).message;
	}
	return printStatus(config, cluster, clusterError, {...local, scrapeInterval: local.scrapeInterval ?? 3000});
}

const program = new Program('incident-tui')
	.description('A terminal cockpit for live production incidents.')
	// The commit is asked of git only when --version is (from sources; the single file carries it).
	.option('-V, --version', 'print the version and the commit it was built from')
	.on('option:version', () => {
		process.stdout.write(`${versionLine(version, buildCommit())}\n`);
		process.exit(0);
	})
	.option('-c, --config <file>', 'incident config (default ./incident.yaml, then $XDG_CONFIG_HOME/incident-tui/config.yaml)')
	.option('--context <name>', 'kubeconfig context')
	.option('-n, --namespace <name>', 'Kubernetes namespace')
	.option('-A, --all-namespaces', 'watch pods and deployments in every namespace (one cluster-scoped watch per resource); actions act in the namespace of their row')
	.option('--prometheus <url>', 'Prometheus server URL (overrides the config)')
	.option('--runbook <id|file>', 'built-in runbook id, or a YAML/Markdown runbook file')
	.option('--incident <id>', 'resume an incident by id (see `incident-tui incidents`)')
	.option('--new', 'open a new incident even when one launched with the same config is still open (else offered for resuming)')
	.option('--readonly', 'no mutating call is ever sent: rollback, scale, restart and commands are disabled')
	.option('--state-dir <dir>', 'where incident journals live (default $XDG_STATE_HOME/incident-tui)')
	.option('--var <name=value>', 'set a runbook variable (repeatable)', (pair: string, all: string[]) => [...all, pair], [] as string[])
	// Usage errors exit 2 like configuration errors: `status` means "something is critical" by 1, so
	// a mistyped flag in a script must not read as an outage. Subcommands inherit this.
	.exitOverride(error => process.exit(error.exitCode === 0 ? 0 : 2))
	.action(async () => {
		// The root takes no arguments; a word here is a mistyped subcommand (see allowExcessArguments below).
		if (program.args.length > 0) die(`unknown command '${program.args[0]}' (see: ${command('--help')})`);
		return runCockpit(program.opts<GlobalOptions>());
	});

const demoCommand = program
	.command('demo')
	.description('open the cockpit on the built-in demo incident (a bad deploy; roll it back with u); --incident ID resumes one where it was')
	.action(async () => runCockpit({...program.opts<GlobalOptions>(), demo: true}));

program
	.command('status')
	.description(
		'run every source once and print a report; exit 0 when all was read and nothing is critical, 1 when something is critical, 3 when something configured could not be read, 2 on a configuration error',
	)
	.option('--json', 'print JSON')
	.option('--timeout <ms>', 'how long to wait for the sources', positiveMs, 5000)
	.option('--scrape-interval <duration>', 'direct scrape mode: the gap between its two scrapes, which rates are measured over (10s, 500ms; 0: one scrape, rates unknown; default the config\'s status.scrapeIntervalMs, 10s)', scrapeInterval)
	.action(async (local: StatusFlags) => {
		const options = program.opts<GlobalOptions>();
		const {config, file} = await readConfig(options);
		const k = kubeSettings(config, options);
		// Nothing to read is not "all is well": a cron job or a CI wrapper would take exit 0 for healthy.
		if (!config.prometheus && !config.alertmanager && !config.services.some(s => s.health || s.scrape) && !k.wanted) die(nothingToCheck(file));
		let cluster: Cluster | null = null;
		let clusterError: string | undefined;
		try {
			cluster = await connectCluster(config, {...options, readonly: true}, undefined);
		} catch (error) {
			// A cluster was asked for (config, --context, $KUBECONFIG or ~/.kube/config) but not reached: the report says so.
			clusterError = (error as Error).message;
		}
		process.exit(await printStatus(config, cluster, clusterError, local));
	});

demoCommand
	.command('status')
	.description('start the demo (with --incident ID, where that demo incident left it) and report on it as status does, with its exit codes')
	.option('--json', 'print JSON')
	.option('--timeout <ms>', 'how long to wait for the sources', positiveMs, 5000)
	.option('--scrape-interval <duration>', 'the gap between the two scrapes rates are measured over (default 3s)', scrapeInterval)
	.action(async (local: StatusFlags) => {
		const options = program.opts<GlobalOptions>();
		if (options.incident && !isValidIncidentId(options.incident)) die(`not an incident id: ${options.incident} (see: incident-tui incidents)`);
		const [{startDemo}, {readDemoResume}, {findLiveDemo}] = await Promise.all([import('./source/demo/index.js'), import('./source/demo/resume.js'), import('./source/demo/live.js')]);
		const stateDir = defaultStateDir(options.stateDir);
		const live = findLiveDemo(stateDir, options.incident);
		if (live) process.exit(await liveDemoStatus(live, local));
		const resume = options.incident ? await readDemoResume(stateDir, options.incident) : undefined;
		if (options.incident && !resume) die(`no demo incident ${options.incident} in ${stateDir} (see: incident-tui incidents)`);
		const abort = new AbortController();
		const demo = await startDemo({signal: abort.signal, ...(resume ? {resume} : {})});
		let code: number;
		try {
			code = await printStatus(demo.config, demo.cluster, undefined, {...local, scrapeInterval: local.scrapeInterval ?? 3000});
		} finally {
			abort.abort();
			await demo.stop();
		}
		process.exit(code);
	});

program
	.command('check')
	.description(
		'check the config: every error in it (file:line:column), then try each endpoint it names once (health and scrape URLs, Prometheus, Alertmanager, the Kubernetes context: reachable, authorised, TLS); exit 0 when all answered, 3 when something could not be read, 2 on a configuration error',
	)
	.option('--timeout <ms>', 'how long to wait for the cluster\'s first lists (each URL has its configured timeout)', positiveMs, 5000)
	.action(async (local: {timeout: number}) => runCheck(program.opts<GlobalOptions>(), local.timeout));

program
	.command('incidents')
	.description('list incidents in the state directory, and in the shared database with sync')
	.action(async () => {
		process.stdout.write(await listAllIncidents(program.opts<GlobalOptions>()));
	});

program
	.command('export <id>')
	.description('write a post-mortem draft from an incident journal')
	.addOption(new Option('--format <format>', 'md or json').choices(['md', 'json']).default('md'))
	.option('-o, --output <file>', 'write to a file instead of stdout')
	.action(async (id: string, local: {format: 'md' | 'json'; output?: string}) => {
		const options = program.opts<GlobalOptions>();
		if (!isValidIncidentId(id)) die(`not an incident id: ${id}`);
		const [{readInSharedOrder}, {exportPostmortem}, {journalPath}] = await Promise.all([
			// A shared incident's events in the order every host gives them, so their drafts are the same.
			import('./source/sync/shared-order.js'),
			import('./source/timeline/export.js'),
			import('./source/timeline/state-dir.js'),
		]);
		const file = journalPath(await resolveStateDir(options), id);
		if (!existsSync(file)) die(`no journal for incident ${id} at ${file} (see: ${incidentsCommand(currentInvocation(), carriedOptions(options))})`);
		const {events, warnings} = await readInSharedOrder(file);
		for (const warning of warnings) process.stderr.write(`incident-tui: warning: ${warning}\n`);
		// The checklist lists every step of each runbook the incident used, touched or not, where the
		// runbook can still be loaded (else the steps its journal touched), with its titles filled with
		// the values the incident recorded (one not recorded stays a visible {{placeholder}}).
		const [{loadRunbook}, {withFilledTitles}] = await Promise.all([import('./source/runbook/library.js'), import('./source/runbook/template.js')]);
		const refs = new Map<string, string>();
		const values = new Map<string, Record<string, string>>();
		for (const e of events) {
			if (e.type !== 'runbook.selected') continue;
			refs.set(e.data.id, e.data.source.startsWith('builtin:') ? e.data.id : e.data.source);
			values.set(e.data.id, e.data.variables ?? {});
		}
		const loaded = await Promise.all([...refs.entries()].map(([runbookId, ref]) => loadRunbook(ref).then(r => withFilledTitles(r, values.get(runbookId) ?? {}), () => null)));
		const runbooks = loaded.filter(r => r !== null);
		const lastSelected = events.filter(e => e.type === 'runbook.selected').at(-1);
		const runbook = lastSelected?.type === 'runbook.selected' ? (runbooks.find(r => r.id === lastSelected.data.id) ?? null) : null;
		// A demo incident is a drill: its post-mortem scores it (source/timeline/drill.ts).
		const drill = (await import('./source/demo/resume.js')).drillInput(events);
		const text = exportPostmortem(events, {format: local.format, incidentId: id, runbook, runbooks, ...(drill ? {drill} : {})});
		if (local.output) {
			const {writeFile} = await import('node:fs/promises');
			await writeFile(local.output, text);
			process.stderr.write(`wrote ${local.output}\n`);
		} else {
			process.stdout.write(text);
		}
	});

const runbookCommand = program.command('runbook').description('inspect and lint runbooks');
runbookCommand
	.command('inspect <file>')
	.description('print what the importer understood of a YAML or Markdown runbook')
	.option('--json', 'print JSON (the default)')
	.action(async (file: string) => {
		const [{loadRunbook}, {inspectRunbook}] = await Promise.all([import('./source/runbook/library.js'), import('./source/runbook/inspect.js')]);
		try {
			process.stdout.write(`${JSON.stringify(inspectRunbook(await loadRunbook(file)), null, 2)}\n`);
		} catch (error) {
			die((error as Error).message, 1);
		}
	});
runbookCommand
	.command('lint <paths...>')
	.description('validate runbooks: every error of each file (schema, PromQL syntax, unknown variables), file:line:column; exits 1 on errors')
	.action(async (paths: string[]) => {
		const {lintRunbooks, formatLint} = await import('./source/runbook/lint.js');
		const results = await lintRunbooks(paths, {checkCommand: file => command('check', '--config', printedPath(file))});
		process.stdout.write(formatLint(results));
		process.exit(results.some(r => r.errors.length > 0) ? 1 : 0);
	});

program
	.command('completion')
	.description('print a shell completion script: commands, options, files where a file is asked for (source <(incident-tui completion bash))')
	.addArgument(new Argument('<shell>', 'bash or zsh').choices(['bash', 'zsh']))
	.action(async (shell: 'bash' | 'zsh') => {
		const {bashCompletion, completionSpec, zshCompletion} = await import('./source/cli/completion.js');
		const spec = completionSpec(program);
		process.stdout.write(shell === 'bash' ? bashCompletion(spec) : zshCompletion(spec));
	});

// Set after the subcommands exist, so they keep refusing extra arguments; the root's action names the unknown command.
program.allowExcessArguments(true);
program.parseAsync(process.argv).catch(error => {
	die(error instanceof Error ? error.message : String(error), 1);
});
