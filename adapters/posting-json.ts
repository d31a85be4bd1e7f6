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
    // A role that left answers 410 here too, saying only that.
    if (e.state !== 'open') {
      return [
        {
          path: `jobs/${e.id}/posting.json`,
          contentType: 'application/json; charset=utf-8',
          status: 410,
          posting: e.id,
          body: JSON.stringify({ id: e.id, url: ctx.url(`jobs/${e.id}/`), state: e.state }, null, 2) + '\n',
        },
      ];
    }
    return [
      {
        path: `jobs/${e.id}/posting.json`,
        contentType: 'application/json; charset=utf-8',
        posting: e.id,
        body: JSON.stringify({ id: e.id, url: ctx.url(`jobs/${e.id}/`), state: e.state, ...e.posting }, null, 2) + '\n',
      },
    ];
  },
});
