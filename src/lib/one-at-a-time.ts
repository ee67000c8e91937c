/**
 * A queue that runs its tasks one after the other, in the order they arrive: for work that needs a lot of memory for
 * a while (a 20,000-row export), so that several at the same moment cannot add up. A failing task does not stop the
 * ones after it.
 */
export function oneAtATime(): <T>(task: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const turn = last.then(task);
    last = turn.catch(() => undefined);
    return turn;
  };
}
