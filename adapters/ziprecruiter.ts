/**
 * `feeds/ziprecruiter.xml`: ZipRecruiter's organic XML feed, which reads the Indeed shape (adapters/shared/indeed-shape.ts; docs/channels.md,
 * "indeed and ziprecruiter"), so this file is only a profile: its date format and its rules. Country is always ISO
 * alpha-2 here because the model only stores alpha-2.
 */
import { cleanXmlText } from '../src/xml/escape';
import { createIndeedShapedAdapter, indeedShapeOptions, placeRule, type IndeedShapeRule } from './shared/indeed-shape';

export const ZIPRECRUITER_CODES = {
  TITLE_EMPTY: 'ZIPRECRUITER_TITLE_EMPTY',
  TITLE_DECORATED: 'ZIPRECRUITER_TITLE_DECORATED',
  DESCRIPTION_EMPTY: 'ZIPRECRUITER_DESCRIPTION_EMPTY',
  DUPLICATE_LOCATION: 'ZIPRECRUITER_DUPLICATE_LOCATION',
  COMPANY_VAGUE: 'ZIPRECRUITER_COMPANY_VAGUE',
  CITY_WITHOUT_STATE: 'ZIPRECRUITER_CITY_WITHOUT_STATE',
  POSTALCODE_MISSING: 'ZIPRECRUITER_POSTALCODE_MISSING',
} as const;

// ZipRecruiter: vague employer names get jobs blacklisted by search engines.
const VAGUE_COMPANY =
  /^(?:confidential|unknown|n\/?a|none|anonymous|undisclosed|private|company|employer|client|our client|hiring company|various|tbd|-+)$|confidential/i;

const rules: IndeedShapeRule[] = [
  ({ company }) =>
    VAGUE_COMPANY.test(cleanXmlText(company).trim())
      ? [
          {
            code: ZIPRECRUITER_CODES.COMPANY_VAGUE,
            severity: 'error',
            message: `ZipRecruiter blacklists vague employer names, and the company is "${company}"`,
            fix: 'set organization.name (or channels.ziprecruiter.company) in jobcast.config.yaml to the real employer name',
          },
        ]
      : [],
  // City and state go together or not at all; a city without a state is left out of the feed.
  placeRule({
    lacks: (pl) => pl.state === undefined,
    code: ZIPRECRUITER_CODES.CITY_WITHOUT_STATE,
    severity: 'warning',
    field: 'region',
    message: (pl) =>
      `ZipRecruiter takes city and state together or neither; ${pl.city} has no region, so only the country${pl.postalcode ? ' and postal code are' : ' is'} sent`,
    fix: 'add region: (state, province or region), e.g. region: CA',
  }),
  placeRule({
    lacks: (pl) => pl.postalcode === undefined,
    code: ZIPRECRUITER_CODES.POSTALCODE_MISSING,
    severity: 'warning',
    field: 'postalCode',
    message: (pl) => `ZipRecruiter prefers a postal code for each location, and ${pl.city} has none`,
    fix: 'add postalCode: "…" (in quotes)',
  }),
];

export const ziprecruiter = createIndeedShapedAdapter({
  name: 'ziprecruiter',
  description: 'ZipRecruiter XML job feed, Indeed-shaped (feeds/ziprecruiter.xml)',
  examples: { posting: '{ category: Engineering }', config: 'email: jobs@example.com\ncompany: Example' },
  path: 'feeds/ziprecruiter.xml',
  board: 'ZipRecruiter',
  codes: ZIPRECRUITER_CODES,
  // ZipRecruiter documents strftime `%a, %e %b %Y %H:%M:%S %Z` and a zone-less ISO form; the RFC 1123
  // date in GMT fits the first and, unlike the second, says which instant it is.
  formatDate: (at) => at.toUTCString(),
  remote: 'country-only',
  cityWithoutState: 'omit',
  rules,
  options: indeedShapeOptions,
});
