import { mapInSlices } from '../../src/lib/slices';

describe('mapInSlices', () => {
  it('returns what map returns, in order', async () => {
    const items = Array.from({ length: 2_345 }, (_v, i) => i);
    expect(await mapInSlices(items, (n) => n * 2, 100)).toEqual(items.map((n) => n * 2));
    expect(await mapInSlices([], (n: number) => n)).toEqual([]);
  });

  it('lets other work run between slices, not within one', async () => {
    const seen: boolean[] = [];
    let otherWorkRan = false;
    setImmediate(() => (otherWorkRan = true));
    await mapInSlices(
      Array.from({ length: 25 }, (_v, i) => i),
      () => seen.push(otherWorkRan),
      10,
    );
    // The first slice runs before anything else; the event loop gets its turn before the second.
    expect(seen.slice(0, 10)).toEqual(Array(10).fill(false));
    expect(seen.slice(10)).toEqual(Array(15).fill(true));
  });
});
