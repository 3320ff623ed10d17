/** A listing that follows `nextCursor`: iterate it with `for await` for every item, or call
 * `pages()` for the pages themselves. Nothing is fetched until it is iterated. */
export declare class Paginator<T> implements AsyncIterable<T> {
    private readonly fetchPage;
    constructor(fetchPage: (cursor: string | undefined) => Promise<{
        items: T[];
        nextCursor: string | null;
    }>);
    pages(): AsyncGenerator<{
        items: T[];
        nextCursor: string | null;
    }>;
    [Symbol.asyncIterator](): AsyncGenerator<T>;
    /** Every item of every page (mind big listings). */
    toArray(): Promise<T[]>;
}
