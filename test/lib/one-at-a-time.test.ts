import { oneAtATime } from '../../src/lib/one-at-a-time';

describe('oneAtATime', () => {
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('runs tasks one after the other, in arrival order, each with its own result', async () => {
    const inTurn = oneAtATime();
    let running = 0;
    let mostAtOnce = 0;
    const order: string[] = [];
    const task = (name: string, ms: number) => async () => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      order.push(`${name} starts`);
      await pause(ms);
      order.push(`${name} ends`);
      running--;
      return name.toUpperCase();
    };
    const results = await Promise.all([inTurn(task('a', 30)), inTurn(task('b', 5)), inTurn(task('c', 10))]);
    expect(results).toEqual(['A', 'B', 'C']);
    expect(mostAtOnce).toBe(1);
    expect(order).toEqual(['a starts', 'a ends', 'b starts', 'b ends', 'c starts', 'c ends']);
  });

  it('goes on after a failing task, which rejects its own caller only', async () => {
    const inTurn = oneAtATime();
    const failing = inTurn(async () => {
      throw new Error('no');
    });
    const next = inTurn(async () => 'next');
    await expect(failing).rejects.toThrow('no');
    await expect(next).resolves.toBe('next');
  });

  it('keeps separate queues apart', async () => {
    const first = oneAtATime();
    const second = oneAtATime();
    const order: string[] = [];
    await Promise.all([
      first(async () => {
        await pause(20);
        order.push('slow, first queue');
      }),
      second(async () => {
        order.push('fast, second queue');
      }),
    ]);
    expect(order).toEqual(['fast, second queue', 'slow, first queue']);
  });
});
