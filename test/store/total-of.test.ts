import { describe, expect, it } from 'vitest';
import { totalOf, type ListQuery } from '../../src/store/scim-rows.js';

const query = (offset: number, limit: number): ListQuery => ({ filter: null, sort: { by: null, descending: false }, offset, limit });

/** The total, and whether it took a count query. */
function total(offset: number, limit: number, pageLength: number, counted = 1234) {
  let counts = 0;
  const value = totalOf(query(offset, limit), pageLength, () => (counts++, counted));
  return { value, counted: counts > 0 };
}

describe('totalResults of a page', () => {
  it('is known without counting when the page is the last one', () => {
    expect(total(0, 100, 0)).toEqual({ value: 0, counted: false }); // a lookup that finds nothing
    expect(total(0, 100, 1)).toEqual({ value: 1, counted: false }); // a lookup that finds one
    expect(total(200, 100, 37)).toEqual({ value: 237, counted: false });
  });

  it('is counted when the page is full, empty past the first row, or asked with count=0', () => {
    expect(total(0, 100, 100)).toEqual({ value: 1234, counted: true });
    expect(total(5000, 100, 0)).toEqual({ value: 1234, counted: true });
    expect(total(0, 0, 0)).toEqual({ value: 1234, counted: true });
  });
});
