import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {actions} from '../../source/actions/registry.js';
import {actionSchema} from '../../source/runbook/schema.js';

const schemaSource = readFileSync(new URL('../../source/runbook/schema.ts', import.meta.url), 'utf8');

describe("a runbook step's action names", () => {
	it('are not listed by the runbook schema itself: it takes them from the one list of action ids', () => {
		for (const id of Object.keys(actions)) expect(schemaSource, id).not.toMatch(new RegExp(`['"\`]${id}['"\`]`));
	});

	it('are actions of the registry that act on a deployment, each accepted, and all named when a kind is not one', () => {
		const accepted = Object.keys(actions).filter(id => actionSchema.safeParse({kind: id, deployment: 'checkout'}).success);
		expect(accepted).toEqual(['rollback', 'scale', 'restart']);
		for (const id of accepted) expect(actions[id as keyof typeof actions].title).not.toBe('');
		const refused = actionSchema.safeParse({kind: 'explode'});
		expect(refused.success).toBe(false);
		expect(refused.error?.issues[0]?.message).toBe('kind must be rollback, scale or restart');
	});
});
