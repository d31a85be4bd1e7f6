/**
 * `feeds/indeed.xml`: Indeed's XML job feed (docs/channels.md, "indeed"): Indeed's profile of the
 * shared Indeed shape (adapters/shared/indeed-shape.ts) — its codes, date format, remote convention
 * and the rules only Indeed has.
 */
import { formatZoned } from '../src/model/dates';
import { createIndeedShapedAdapter, indeedShapeOptions, placeRule, type IndeedShapeRule } from './shared/indeed-shape';

export const INDEED_CODES = {
  TITLE_EMPTY: 'INDEED_TITLE_EMPTY',
  TITLE_DECORATED: 'INDEED_TITLE_DECORATED',
  DESCRIPTION_EMPTY: 'INDEED_DESCRIPTION_EMPTY',
  DUPLICATE_LOCATION: 'INDEED_DUPLICATE_LOCATION',
  EMAIL_MISSING: 'INDEED_EMAIL_MISSING',
  STATE_MISSING: 'INDEED_STATE_MISSING',
} as const;

/** Indeed requires the account email on every job (2021 FAQ: "we require it for all jobs"). */
const requireEmail =
  (code: string, board: string): IndeedShapeRule =>
  ({ email: account }) =>
    account
      ? []
      : [
          {
            code,
            severity: 'error',
            message: `${board} requires the account email on every job, and none is configured`,
            fix: `set organization.email (or channels.${board.toLowerCase()}.email) in jobcast.config.yaml`,
          },
        ];

const indeedRules: IndeedShapeRule[] = [
  requireEmail(INDEED_CODES.EMAIL_MISSING, 'Indeed'),
  // Indeed's `state` is required and, in the US, the postal abbreviation; without it the job
  // cannot be placed. Other countries' regions are optional in our model and Indeed accepts none.
  placeRule({
    lacks: (pl) => pl.country === 'US' && !pl.state,
    code: INDEED_CODES.STATE_MISSING,
    severity: 'error',
    field: 'region',
    message: (pl) => `Indeed requires the state of a US location, and ${pl.city ?? 'this location'} has no region`,
    fix: 'add region: with the two-letter state code, e.g. region: CA',
  }),
];

export const indeed = createIndeedShapedAdapter({
  name: 'indeed',
  description: 'Indeed XML job feed, one <job> per location (feeds/indeed.xml)',
  examples: { posting: '{ category: Engineering }', config: 'email: jobs@example.com                     # default organization.email\ncompany: Example' },
  path: 'feeds/indeed.xml',
  board: 'Indeed',
  codes: INDEED_CODES,
  // ISO 8601 with the site's offset: the page's datePosted day is visible in it, and
  // `expirationdate` carries a zone (a zone-less one is read as US Central time).
  formatDate: (at, tz) => formatZoned(at, tz),
  remote: 'indeed',
  cityWithoutState: 'keep',
  rules: indeedRules,
  options: indeedShapeOptions,
});
