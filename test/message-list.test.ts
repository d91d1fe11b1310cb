// A MessageList builds one message's numbers at a time in an array it keeps: every message must
// get exactly its own values, and no later message may write into an array already sent (a long
// message takes the list's array itself), whatever the sequence of lengths.
import { KEPT_ENTRIES, MessageList } from '@cascade/fleet';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { test } from 'node:test';

test('each message holds exactly its values, and messages already taken never change', () => {
  const length = fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: KEPT_ENTRIES - 2, max: KEPT_ENTRIES + 2 }), fc.integer({ min: 0, max: 3 * KEPT_ENTRIES }));
  fc.assert(
    fc.property(fc.array(length, { minLength: 1, maxLength: 12 }), fc.constantFrom(KEPT_ENTRIES, Infinity), (lengths, kept) => {
      const list = new MessageList(kept);
      const sent: { taken: number[]; expected: number[] }[] = [];
      let next = 0;
      for (const n of lengths) {
        const expected = Array.from({ length: n }, () => next++);
        for (const v of expected) list.push(v);
        assert.equal(list.length, n);
        sent.push({ taken: list.take(), expected });
        assert.equal(list.length, 0);
      }
      for (const [i, m] of sent.entries()) assert.deepEqual(m.taken, m.expected, `message ${i} of ${lengths.join(', ')}`);
    }),
    { numRuns: 300 },
  );
});
