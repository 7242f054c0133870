import {describe, expect, it} from 'vitest';
import {oversized} from '../support/size-limits.js';

describe('the sync’s code', () => {
	it('has no file over 400 lines and no function over 80', async () => {
		expect(await oversized(['source/sync/*.ts'])).toEqual([]);
	});
});
