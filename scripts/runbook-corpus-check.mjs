#!/usr/bin/env node
/**
 * Checks the Markdown importer from outside on a directory of real runbooks (not the test suite's):
 * runs `incident-tui runbook inspect --json` on each `.md` file and compares what it found with what
 * this script reads in the raw Markdown by its own, simpler rules:
 *
 *  - fences and checkboxes present in the file vs found by the importer;
 *  - shell-like blocks (fenced or indented) that are commands (a shell language, or lines whose
 *    first word is a command, a path or an assignment, after any prompt) vs those the importer made
 *    commands;
 *  - placeholders in those commands (`<words-with-dashes>`, `$UPPER` / `${UPPER}` not set earlier in
 *    the block and not a variable every shell has, `{{ $labels.x }}`, `{{ .Labels.x }}`) vs the
 *    runbook variables the importer made of them (by how each was written);
 *
 * and lists every miss with its file and line, so a person can judge each one. Its rules are a second
 * opinion written apart from the importer's, deliberately plain: a miss it lists may be its own error.
 *
 *   node scripts/runbook-corpus-check.mjs DIR [--json] [--min-commands 98] [--min-placeholders 90]
 *
 * Exits 1 when a figure is below its target, 2 on a usage error or a file the CLI could not inspect.
 */
import {execFileSync} from 'node:child_process';
import {readdirSync, readFileSync, statSync} from 'node:fs';
import {dirname, join, relative, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'incident-tui.js');

const SHELL_LANGS = new Set(['bash', 'sh', 'shell', 'zsh', 'ksh', 'console', 'shell-session', 'shellsession', 'terminal', 'bash-session', 'sh-session']);
/** Commands runbooks run, and shell words: a line starting with one is a command (a second opinion, not the importer's list). */
const COMMAND_WORDS = new Set(
	(
		'kubectl oc helm docker-compose ceph rook rados rbd radosgw-admin cephadm etcdctl curl wget docker podman crictl ctr systemctl journalctl sudo ssh scp ' +
		'cat grep egrep awk sed ls cd echo export for while if until case aws gcloud az terraform git psql mysql redis-cli gitlab-rails gitlab-ctl ' +
		'gitlab-rake gitlab-psql python python3 node npm jq yq watch top df du free ps kill pkill ping dig nslookup host openssl tar rm mv cp mkdir ' +
		'chmod chown vault consul nomad promtool amtool make go ip ss netstat iptables mount umount lsblk blkid fdisk dd xfs_repair fsck sh bash ' +
		'source set unset time nc telnet tcpdump kubeadm velero argocd flux istioctl linkerd stern base64 date sleep head tail less find xargs ' +
		'sort uniq wc cut tr tee env printf test exit sysctl dmesg uptime hostname whoami nsenter virtctl pg_dump pg_restore pg_ctl patronictl ' +
		'mongo mongosh kafka-topics rabbitmqctl nodetool cqlsh openstack gsutil bq eksctl k logcli mc s3cmd touch ln readlink stat file lsof ' +
		'strace perf free vmstat iostat sar htop ncdu ulimit service chronyc timedatectl hwclock lvs vgs pvs lvextend resize2fs xfs_growfs'
	).split(' '),
);
/** Variables every shell has (or the command environment sets): never placeholders. */
const SHELL_VARIABLES = new Set(['HOME', 'PATH', 'USER', 'PWD', 'OLDPWD', 'SHELL', 'HOSTNAME', 'RANDOM', 'UID', 'EUID', 'PPID', 'IFS', 'LANG', 'TERM', 'TMPDIR', 'KUBECONFIG', 'SECONDS', 'LINENO', 'BASH_SOURCE', 'PS1']);
/** Tags Markdown writers use in commands' neighbourhood that are not placeholders. */
const HTML_TAGS = new Set(['br', 'b', 'i', 'em', 'strong', 'code', 'pre', 'details', 'summary', 'kbd', 'sub', 'sup', 'p', 'a', 'img', 'span', 'div', 'hr', 'ul', 'li', 'ol', 'table', 'tr', 'td', 'th']);

function usage(message) {
	process.stderr.write(`${message}\nusage: node scripts/runbook-corpus-check.mjs DIR [--json] [--min-commands 98] [--min-placeholders 90]\n`);
	process.exit(2);
}

function parseArgs(argv) {
	const options = {dir: undefined, json: false, minCommands: 98, minPlaceholders: 90};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--json') options.json = true;
		else if (arg === '--min-commands') options.minCommands = Number(argv[++i]);
		else if (arg === '--min-placeholders') options.minPlaceholders = Number(argv[++i]);
		else if (arg.startsWith('-')) usage(`unknown option ${arg}`);
		else options.dir = arg;
	}
	if (!options.dir) usage('give the directory of Markdown runbooks to check');
	if (!Number.isFinite(options.minCommands) || !Number.isFinite(options.minPlaceholders)) usage('--min-commands and --min-placeholders take a number (a percentage)');
	return options;
}

/** Every `.md` file under `dir`, sorted. */
function markdownFiles(dir) {
	const out = [];
	for (const name of readdirSync(dir).sort()) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) out.push(...markdownFiles(path));
		else if (/\.(md|markdown)$/i.test(name)) out.push(path);
	}
	return out;
}

/** The fenced blocks of a Markdown text (CommonMark's rule: closed by the same character, at least as long), with 1-based lines. */
function rawFences(lines) {
	const fences = [];
	let open = null;
	lines.forEach((line, index) => {
		// Any indentation: a fence inside a list item is indented with the item's text.
		const match = /^(\s*)(`{3,}|~{3,})(.*)$/.exec(line);
		if (open) {
			if (match && match[2][0] === open.char && match[2].length >= open.length && match[3].trim() === '') {
				fences.push({line: open.line, lang: open.lang, body: lines.slice(open.line, index).map(l => l.slice(Math.min(open.indent, l.length - l.trimStart().length)))});
				open = null;
			}
			return;
		}
		if (!match || (match[2][0] === '`' && match[3].includes('`'))) return;
		open = {line: index + 1, indent: match[1].length, char: match[2][0], length: match[2].length, lang: (match[3].trim().split(/[\s{]/)[0] ?? '').toLowerCase()};
	});
	if (open) fences.push({line: open.line, lang: open.lang, body: lines.slice(open.line).map(l => l.slice(Math.min(open.indent, l.length - l.trimStart().length)))});
	return fences;
}

/**
 * Indented code blocks (four spaces, after a blank line that follows a paragraph at the margin, so a
 * list item's continuation is not taken for code), with 1-based lines; lines in fences skipped.
 */
function indentedBlocks(lines, inFence) {
	const blocks = [];
	let open = null;
	const isCode = line => /^(?: {4}|\t)/.test(line);
	lines.forEach((line, index) => {
		const number = index + 1;
		if (inFence.has(number)) {
			open = null;
			return;
		}
		if (open) {
			if (line.trim() === '' || isCode(line)) {
				if (line.trim() !== '') open.end = index;
				return;
			}
			blocks.push({line: open.line, lang: '', indented: true, body: lines.slice(open.line - 1, open.end + 1).map(l => l.replace(/^(?: {4}|\t)/, ''))});
			open = null;
		}
		if (!isCode(line) || index < 2 || lines[index - 1].trim() !== '') return;
		let before = index - 2;
		while (before >= 0 && lines[before].trim() === '') before--;
		const previous = before >= 0 ? lines[before] : '';
		if (/^\S/.test(previous) && !/^(?:[-*+]|\d+[.)])\s/.test(previous) && !previous.startsWith('#')) open = {line: number, end: index};
		else if (previous.startsWith('#')) open = {line: number, end: index};
	});
	if (open) blocks.push({line: open.line, lang: '', indented: true, body: lines.slice(open.line - 1, open.end + 1).map(l => l.replace(/^(?: {4}|\t)/, ''))});
	return blocks;
}

/** Lines inside fences (1-based), so checkboxes in code are not counted. */
function fencedLines(fences) {
	const inside = new Set();
	for (const fence of fences) for (let i = 0; i <= fence.body.length + 1; i++) inside.add(fence.line + i);
	return inside;
}

/** A line with its prompt taken off (`$ `, `# `, `user@host:~$ `, `[root@h]# `, `bash-5.1# `), or null when it has none. */
function withoutPrompt(line) {
	const match = /^\s*(?:\S+@\S+[:\s][^$#]*[$#]|\[[^\]]+\][$#]|bash-[\d.]+[$#]|sh-[\d.]+[$#]|[$#>%])\s+(.*)$/.exec(line);
	return match ? match[1] : null;
}

/** The first word of a line if it reads as a command: a known command or shell word, a path, an assignment. */
function commandLike(text) {
	const line = text.trim();
	if (!line || line.startsWith('#')) return false;
	if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(line)) return true;
	if (/^(?:\.{0,2}\/)[\w./-]+/.test(line) && !/^\/\//.test(line)) return true;
	const word = line.split(/\s+/)[0].replace(/^sudo$/, 'sudo');
	return COMMAND_WORDS.has(word);
}

/** Whether a block is commands, by this script's rules: a shell language with a command line in it, or lines with prompts, or command lines. */
function isCommandBlock(fence) {
	const lines = fence.body.filter(line => line.trim() !== '');
	if (lines.length === 0) return false;
	if (SHELL_LANGS.has(fence.lang) || fence.lang === '') {
		const prompted = lines.map(withoutPrompt).filter(line => line !== null);
		if (prompted.some(commandLike)) return true;
		const first = lines.find(line => !line.trim().startsWith('#'));
		return first !== undefined && commandLike(first);
	}
	return false;
}

/** Text outside single quotes on a line (a `$X` in single quotes is the program's, not a placeholder). */
function outsideSingleQuotes(line) {
	let out = '';
	let quoted = false;
	for (const char of line) {
		if (char === "'") quoted = !quoted;
		else if (!quoted) out += char;
		else out += ' ';
	}
	return out;
}

/** The placeholders of a command block by this script's rules, each with how it was written and its line. */
function rawPlaceholders(fence) {
	const found = [];
	const set = new Set();
	// With prompts, the lines after a prompt's command (and its `\` continuations) are its output.
	const prompted = fence.body.some(line => withoutPrompt(line) !== null && commandLike(withoutPrompt(line)));
	let continued = false;
	fence.body.forEach((raw, offset) => {
		const command = withoutPrompt(raw);
		const continuation = continued;
		continued = /\\\s*$/.test(raw) && (command !== null || continuation || !prompted);
		if (prompted && command === null && !continuation) return;
		if (raw.trim().startsWith('#') && command === null) return;
		const line = command ?? raw;
		const at = fence.line + 1 + offset;
		for (const match of line.matchAll(/<([A-Za-z][\w.-]*)>/g)) {
			if (HTML_TAGS.has(match[1].toLowerCase())) continue;
			found.push({written: match[0], line: at});
		}
		// `NAMESPACE='<namespace label from alert>'`: a value to fill in, written as prose in angle brackets.
		for (const match of line.matchAll(/(?:^|[\s;])([A-Za-z_]\w*)=(["']?)<[^<>]*\s[^<>]*>\2/g)) found.push({written: match[0].trim(), name: match[1], line: at});
		for (const match of line.matchAll(/\{\{-?\s*(?:\$labels|\.Labels)\.(\w+)\s*-?\}\}/g)) found.push({written: match[0], name: match[1], line: at});
		const open = outsideSingleQuotes(line);
		// Assignments on this line come first: `POD=$(…); echo $POD` sets it before use.
		for (const match of open.matchAll(/\$\{?([A-Z][A-Z0-9_]*)(?::[-?=+][^}]*)?\}?/g)) {
			const name = match[1];
			if (SHELL_VARIABLES.has(name) || set.has(name)) continue;
			const before = open.slice(0, match.index);
			if (new RegExp(`(?:^|[\\s;(&|])(?:export\\s+|local\\s+|readonly\\s+)?${name}=`).test(before)) continue;
			if (new RegExp(`\\bfor\\s+${name}\\s+in\\b`).test(before) || new RegExp(`\\bread\\s+(?:-\\w+\\s+)*(?:\\w+\\s+)*${name}\\b`).test(before)) continue;
			found.push({written: match[0].replace(/[:][-?=+][^}]*\}$/, '}'), name, line: at});
		}
		for (const match of open.matchAll(/(?:^|[\s;(&|])(?:export\s+|local\s+|readonly\s+)?([A-Z][A-Z0-9_]*)=/g)) set.add(match[1]);
		for (const match of open.matchAll(/\bfor\s+([A-Z][A-Z0-9_]*)\s+in\b/g)) set.add(match[1]);
	});
	return found;
}

/** Whether the importer made a variable of a placeholder: one of its variables was written so, or is named so. */
function becameVariable(placeholder, variables) {
	const bare = placeholder.written.replace(/^\$\{?|\}$/g, '').replace(/^<|>$/g, '');
	return variables.some(v => v.written.includes(placeholder.written) || v.written.some(w => w.replace(/^\$\{?|\}$/g, '') === bare) || v.name === bare || (placeholder.name !== undefined && v.name === placeholder.name));
}

function inspect(file) {
	try {
		return JSON.parse(execFileSync(process.execPath, [cli, 'runbook', 'inspect', file, '--json'], {encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: {...process.env, NO_COLOR: '1'}}));
	} catch (error) {
		process.stderr.write(`${file}: runbook inspect failed: ${(error.stderr || error.message || String(error)).toString().trim().split('\n')[0]}\n`);
		process.exit(2);
	}
}

function checkFile(file, dir) {
	const text = readFileSync(file, 'utf8');
	const lines = text.split(/\r?\n/);
	const json = inspect(file);
	const name = relative(dir, file);
	const fences = rawFences(lines);
	const inFence = fencedLines(fences);
	const boxes = lines.map((line, i) => ({line: i + 1, text: line})).filter(l => !inFence.has(l.line) && /^\s*(?:[-*+]|\d+[.)])\s+\[[ xX]\]\s/.test(l.text));
	const foundFenceLines = new Set(json.fences.map(f => f.line));
	const foundBoxLines = new Set(json.steps.filter(s => s.checkbox).map(s => s.line));
	const misses = [];
	for (const fence of fences) if (!foundFenceLines.has(fence.line)) misses.push({file: name, line: fence.line, what: 'fence not found', text: `\`\`\`${fence.lang}`});
	for (const box of boxes) if (!foundBoxLines.has(box.line)) misses.push({file: name, line: box.line, what: 'checkbox not a step', text: box.text.trim()});
	const kindAt = new Map(json.fences.map(f => [f.line, f.kind]));
	// Indented code blocks are code too (the importer lists them among its fences): their commands count.
	const blocks = [...fences, ...indentedBlocks(lines, inFence)];
	const commandBlocks = blocks.filter(isCommandBlock);
	let commandsBecame = 0;
	let placeholders = 0;
	let placeholdersBecame = 0;
	for (const fence of commandBlocks) {
		const kind = kindAt.get(fence.line);
		if (kind === 'commands') commandsBecame++;
		else misses.push({file: name, line: fence.line, what: `command block read as ${kind ?? 'nothing'}`, text: fence.body.find(l => l.trim()) ?? ''});
		for (const placeholder of rawPlaceholders(fence)) {
			placeholders++;
			if (becameVariable(placeholder, json.variables)) placeholdersBecame++;
			else misses.push({file: name, line: placeholder.line, what: 'placeholder not a variable', text: placeholder.written});
		}
	}
	const extra = blocks.filter(f => !commandBlocks.includes(f) && kindAt.get(f.line) === 'commands').map(f => ({file: name, line: f.line, text: f.body.find(l => l.trim()) ?? ''}));
	return {
		file: name,
		fences: {present: fences.length, found: fences.filter(f => foundFenceLines.has(f.line)).length},
		checkboxes: {present: boxes.length, found: boxes.filter(b => foundBoxLines.has(b.line)).length},
		commandBlocks: {present: commandBlocks.length, became: commandsBecame},
		placeholders: {present: placeholders, became: placeholdersBecame},
		variables: json.variables.length,
		misses,
		extra,
	};
}

const percent = (part, whole) => (whole === 0 ? 100 : Math.round((part / whole) * 1000) / 10);

function main() {
	const options = parseArgs(process.argv.slice(2));
	const dir = resolve(options.dir);
	const files = markdownFiles(dir);
	if (files.length === 0) usage(`no .md files under ${dir}`);
	const results = files.map(file => checkFile(file, dir));
	const sum = key => results.reduce((acc, r) => ({present: acc.present + r[key].present, found: acc.found + (r[key].found ?? r[key].became)}), {present: 0, found: 0});
	const totals = {files: results.length, fences: sum('fences'), checkboxes: sum('checkboxes'), commandBlocks: sum('commandBlocks'), placeholders: sum('placeholders')};
	const figures = {commands: percent(totals.commandBlocks.found, totals.commandBlocks.present), placeholders: percent(totals.placeholders.found, totals.placeholders.present)};
	const pass = figures.commands >= options.minCommands && figures.placeholders >= options.minPlaceholders;
	if (options.json) {
		process.stdout.write(`${JSON.stringify({totals, figures, targets: {commands: options.minCommands, placeholders: options.minPlaceholders}, pass, files: results}, null, 2)}\n`);
	} else {
		const out = [];
		out.push(`file | fences found/present | checkboxes | command blocks → commands | placeholders → variables`);
		for (const r of results) {
			out.push(`${r.file} | ${r.fences.found}/${r.fences.present} | ${r.checkboxes.found}/${r.checkboxes.present} | ${r.commandBlocks.became}/${r.commandBlocks.present} | ${r.placeholders.became}/${r.placeholders.present}`);
		}
		out.push('');
		out.push(`${totals.files} runbooks: fences ${totals.fences.found}/${totals.fences.present}, checkboxes ${totals.checkboxes.found}/${totals.checkboxes.present}`);
		out.push(`command blocks that became commands: ${totals.commandBlocks.found}/${totals.commandBlocks.present} = ${figures.commands}% (target ${options.minCommands}%)`);
		out.push(`placeholders in commands that became variables: ${totals.placeholders.found}/${totals.placeholders.present} = ${figures.placeholders}% (target ${options.minPlaceholders}%)`);
		const misses = results.flatMap(r => r.misses);
		out.push('', misses.length ? `misses (${misses.length}):` : 'no misses');
		for (const m of misses) out.push(`  ${m.file}:${m.line}  ${m.what}: ${m.text}`);
		const extra = results.flatMap(r => r.extra);
		if (extra.length) {
			out.push('', `blocks the importer runs that this script reads as not commands (${extra.length}; check them):`);
			for (const e of extra) out.push(`  ${e.file}:${e.line}  ${e.text}`);
		}
		process.stdout.write(`${out.join('\n')}\n`);
	}
	process.exit(pass ? 0 : 1);
}

main();
