/** A listing that follows `nextCursor`: iterate it with `for await` for every item, or call
 * `pages()` for the pages themselves. Nothing is fetched until it is iterated. */
export class Paginator<T> implements AsyncIterable<T> {
  constructor(private readonly fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>) {}

  async *pages(): AsyncGenerator<{ items: T[]; nextCursor: string | null }> {
    let cursor: string | undefined;
    do {
      const page = await this.fetchPage(cursor);
      yield page;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for await (const page of this.pages()) yield* page.items;
  }

  /** Every item of every page (mind big listings). */
  async toArray(): Promise<T[]> {
    const all: T[] = [];
    for await (const item of this) all.push(item);
    return all;
  }
}
