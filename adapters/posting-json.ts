/**
 * `jobs/<id>/posting.json`: the normalized posting as jobcast understands it, for integrators and for
 * debugging what every other channel was built from.
 */
import { defineAdapter } from '../src/adapter';

export const postingJson = defineAdapter<undefined>({
  name: 'posting-json',
  description: 'The normalized posting as JSON (jobs/<id>/posting.json)',
  renderPosting(e, ctx) {
    return [{
      path: `jobs/${e.id}/posting.json`,
      contentType: 'application/json; charset=utf-8',
      posting: e.id,
      body: JSON.stringify({ id: e.id, url: ctx.url(`jobs/${e.id}/`), state: e.state, ...e.posting }, null, 2) + '\n',
    }];
  },
});
