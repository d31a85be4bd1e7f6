/**
 * `jobs/<id>/posting.json`: the normalized posting as jobcast understands it, for integrators and for
 * debugging what every other channel was built from.
 */
import { defineAdapter } from '../src/adapter';

export const postingJson = defineAdapter<undefined>({
  name: 'posting-json',
  description: 'The normalized posting as JSON (jobs/<id>/posting.json)',
  states: ['open', 'closed', 'expired'],
  renderPosting(e, ctx) {
    const page = ctx.pages.page(e.id);
    const head = { id: e.id, url: ctx.url(page), state: e.state };
    // A role that left answers 410 here too, saying only that.
    const gone = e.state !== 'open';
    const body = JSON.stringify(gone ? head : { ...head, ...e.posting }, null, 2) + '\n';
    return [{ path: `${page}posting.json`, contentType: 'application/json; charset=utf-8', ...(gone ? { status: 410 as const } : {}), posting: e.id, body }];
  },
});
