/** A listing that follows `nextCursor`: iterate it with `for await` for every item, or call
 * `pages()` for the pages themselves. Nothing is fetched until it is iterated. */
export class Paginator {
    fetchPage;
    constructor(fetchPage) {
        this.fetchPage = fetchPage;
    }
    async *pages() {
        let cursor;
        do {
            const page = await this.fetchPage(cursor);
            yield page;
            cursor = page.nextCursor ?? undefined;
        } while (cursor !== undefined);
    }
    async *[Symbol.asyncIterator]() {
        for await (const page of this.pages())
            yield* page.items;
    }
    /** Every item of every page (mind big listings). */
    async toArray() {
        const all = [];
        for await (const item of this)
            all.push(item);
        return all;
    }
}
