/**
 * Every problem in a YAML file at once, for `runbook lint` and `incident-tui check`: each schema
 * issue located at its key (file:line:column), instead of the first one thrown. And what can still
 * be checked past them: `salvage` keeps the parts of a document that are valid, so the checks that
 * come after the schema (duplicate ids, unknown query ids, PromQL, variables) run on those parts in
 * the same run; a runbook with nine mistakes is reported whole.
 */
import {isMap, isScalar} from 'yaml';
import {z, type ZodIssue, type ZodTypeAny} from 'zod';
import {formatPath, locate, LocatedError, type ParsedYaml} from './located-error.js';

/** Where an unknown key is: the key itself, not the start of its mapping. */
function keyPosition(parsed: ParsedYaml, at: ReadonlyArray<string | number>, key: string): {line?: number; column?: number} {
	const map = parsed.doc.getIn(at, true);
	const pair = isMap(map) ? map.items.find(item => isScalar(item.key) && item.key.value === key) : undefined;
	if (pair && isScalar(pair.key) && pair.key.range) {
		const pos = parsed.lines.linePos(pair.key.range[0]);
		return {line: pos.line, column: pos.col};
	}
	return locate(parsed, at);
}

/** A union that failed: the issues of the member that matched furthest (an object with a bad key, not "expected string"). */
function closestUnionIssues(issue: ZodIssue & {code: 'invalid_union'}): ZodIssue[] | undefined {
	const depth = (issues: ZodIssue[]) => Math.max(...issues.map(i => i.path.length - (i.code === 'invalid_type' && i.path.length === issue.path.length ? 0.5 : 0)));
	const best = [...issue.unionErrors].sort((a, b) => depth(b.issues) - depth(a.issues))[0];
	return best && best.issues.length > 0 ? best.issues : undefined;
}

function flatten(issues: readonly ZodIssue[]): ZodIssue[] {
	return issues.flatMap(issue => {
		if (issue.code !== 'invalid_union') return [issue];
		const member = closestUnionIssues(issue);
		return member ? flatten(member) : [issue];
	});
}

/**
 * Each schema issue as a LocatedError (file, line, column, key, problem): one per unknown key, at
 * the key; a failed union by its closest member's issues. `lineOffset`: the YAML starts that many
 * lines into the file. Sorted by position.
 */
export function schemaProblems(issues: readonly ZodIssue[], parsed: ParsedYaml, file: string, lineOffset = 0): LocatedError[] {
	const out: LocatedError[] = [];
	const add = (pos: {line?: number; column?: number}, key: string | undefined, problem: string) =>
		out.push(new LocatedError(file, (pos.line ?? 1) + lineOffset, pos.column, key, problem));
	const all = flatten(issues);
	// A mistyped key (`titel`) also leaves the real one missing: the unknown key says it better, alone.
	const unknownIn = new Set(all.filter(i => i.code === 'unrecognized_keys').map(i => JSON.stringify(i.path)));
	const typoed = (issue: ZodIssue) => issue.code === 'invalid_type' && issue.received === 'undefined' && unknownIn.has(JSON.stringify(issue.path.slice(0, -1)));
	for (const issue of all.filter(i => !typoed(i))) {
		if (issue.code === 'unrecognized_keys') {
			for (const key of issue.keys) add(keyPosition(parsed, issue.path, key), issue.path.length > 0 ? formatPath(issue.path) : undefined, `unknown key '${key}'`);
			continue;
		}
		add(locate(parsed, issue.path), issue.path.length > 0 ? formatPath(issue.path) : undefined, issue.message);
	}
	return sortProblems(out);
}

export function sortProblems(problems: LocatedError[]): LocatedError[] {
	return [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

type Salvaged = {ok: true; value: unknown} | {ok: false};

/**
 * The valid parts of `value` for `schema`: an object keeps its valid keys (an invalid optional one
 * is dropped; an invalid required one fails the object, unless `fallbacks` names a value for it); a
 * list of objects keeps its valid items at their own indexes, leaving holes where the invalid ones
 * were, so that positions found later still point at the right item (forEach and map skip holes);
 * any other invalid value fails. Refinements across keys (`give exactly one of argv or script`) are
 * not checked again: the schema's issues have said so already.
 */
export function salvage(schema: ZodTypeAny, value: unknown, fallbacks: Record<string, unknown> = {}): Salvaged {
	const whole = schema.safeParse(value);
	if (whole.success) return {ok: true, value: whole.data};
	if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return value === undefined || value === null ? {ok: true, value} : salvage(schema.unwrap() as ZodTypeAny, value);
	if (schema instanceof z.ZodDefault) return salvage(schema.removeDefault() as ZodTypeAny, value);
	if (schema instanceof z.ZodEffects) return salvage(schema.innerType() as ZodTypeAny, value);
	if (schema instanceof z.ZodObject) {
		if (typeof value !== 'object' || value === null || Array.isArray(value)) return {ok: false};
		const out: Record<string, unknown> = {};
		for (const [key, field] of Object.entries(schema.shape as Record<string, ZodTypeAny>)) {
			const kept = salvage(field, (value as Record<string, unknown>)[key]);
			if (kept.ok) {
				if (kept.value !== undefined) out[key] = kept.value;
			} else if (key in fallbacks) out[key] = fallbacks[key];
			else if (!field.isOptional()) return {ok: false};
		}
		return {ok: true, value: out};
	}
	if (schema instanceof z.ZodArray) {
		const element = schema.element as ZodTypeAny;
		// A list of plain values (argv, query ids) is used as a whole: it is kept whole or not at all.
		if (!Array.isArray(value) || !(element instanceof z.ZodObject || element instanceof z.ZodUnion || element instanceof z.ZodEffects || element instanceof z.ZodDiscriminatedUnion)) return {ok: false};
		const out: unknown[] = new Array(value.length);
		value.forEach((item, index) => {
			const kept = salvage(element, item);
			if (kept.ok) out[index] = kept.value;
		});
		return {ok: true, value: out};
	}
	return {ok: false};
}

/** A list without the holes `salvage` left (a no-op for a list that had none). */
export function present<T>(list: readonly T[]): T[] {
	return list.filter((item): item is T => item !== undefined);
}
