/**
 * Google for Jobs: the job page with its JobPosting JSON-LD, the JSON-LD alone, the listing, the
 * sitemap and robots.txt; closed and expired roles get a 410 page without markup (what it checks:
 * docs/channels.md, "google").
 *
 * Google's rules that our model or types guarantee are not re-checked here: @context/@type (1),
 * leaf pages only (2), HTML-free sanitised description (5, 7), datePosted (9), organization URLs (11),
 * TELECOMMUTE with countries (13, 16–18), countries and currency codes (14, 21), enums (19, 22, 32, 33),
 * salary numbers (23), validThrough after datePosted (26), lifecycle (28), booleans (29, 34 shape),
 * identifier (30), page parity (35), server-rendered markup (36), the serializer (37), canonical (38).
 */
import { containsWord } from '../../src/util/words';
import { z } from 'zod';
import { defineAdapter, type Artifact, type PostingEntry, type RenderContext } from '../../src/adapter';
import { paragraphsOf, sectionsOf } from '../../src/compose/description';
import { cleanText } from '../../src/compose/text';
import type { DiagnosticInput } from '../../src/diagnostics';
import { countryName } from '../../src/model/iso-codes';
import { payVaries } from '../../src/model/pay';
import { languagesOf, pathLanguage, translated } from '../../src/model/translate';
import { GONE_STATES } from '../../src/model/lifecycle';
import type { Posting } from '../../src/model/posting';
import { buildJobPosting, toJsonLd } from './json-ld';
import { gonePageHtml, jobPageHtml, listingHtml, pageLanguages, type GoogleOptions } from './pages';
import { googlePreview } from './preview';
import { robotsTxt, sitemapFiles } from './sitemap';
import { jobPages } from './urls';

/** Stable codes of this channel's rules; a code never changes meaning once released. */
export const GOOGLE_CODES = {
  TITLE_EMPTY: 'GOOGLE_TITLE_EMPTY',
  TITLE_DECORATED: 'GOOGLE_TITLE_DECORATED',
  TITLE_ALL_CAPS: 'GOOGLE_TITLE_ALL_CAPS',
  DESCRIPTION_EMPTY: 'GOOGLE_DESCRIPTION_EMPTY',
  DESCRIPTION_IS_TITLE: 'GOOGLE_DESCRIPTION_IS_TITLE',
  NO_VALID_THROUGH: 'GOOGLE_NO_VALID_THROUGH',
  ADDRESS_INCOMPLETE: 'GOOGLE_ADDRESS_INCOMPLETE',
  LOGO_MISSING: 'GOOGLE_LOGO_MISSING',
  EXPERIENCE_IN_PLACE: 'GOOGLE_EXPERIENCE_IN_PLACE',
  OCCUPATIONAL_CATEGORY: 'GOOGLE_OCCUPATIONAL_CATEGORY',
  PAY_VARIES: 'GOOGLE_PAY_VARIES',
} as const;

const HTML = 'text/html; charset=utf-8';

const optionsSchema = z.strictObject({
  siteName: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe('The site name in the job pages\' header and og:site_name, e.g. Example Careers; default "<organization.name> careers"'),
  locale: z
    .string()
    .regex(/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, { message: 'must be a BCP 47 language tag, e.g. en, en-GB, de' })
    .refine((v) => Intl.DateTimeFormat.supportedLocalesOf([v]).length > 0, { message: 'is not a language this Node.js can write dates in' })
    .default('en')
    .describe("The job pages' language as a BCP 47 tag, e.g. en, en-GB, de: their lang attribute and how dates are written"),
});

type Ctx = RenderContext<GoogleOptions>;
type Rule = (entry: PostingEntry, ctx: Ctx) => DiagnosticInput[];

const collapse = (s: string): string => cleanText(s).replace(/\s+/g, ' ').trim();

/** `phrase` as a whole word or words in `text`, ignoring case. */
function containsPhrase(text: string, phrase: string): boolean {
  return containsWord(cleanText(text), cleanText(phrase));
}

// `#12` is a code, `C# 12` a language version.
const JOB_CODE = [
  /(?<![\p{L}+])#\s*\d/u,
  /\b(?:req|requisition|job|ref|reference|id)\b[\s.#:-]*(?:no\.?|number|id)?[\s.#:-]*\d/i,
  /\b[A-Z]{2,}[-_]\d{2,}\b/,
  /\b\d{5,}\b/,
];
const SALARY = [
  /[$€£¥₹]\s*\d/,
  /\d\s*[kK]\b/,
  /\b\d{1,3}(?:[,.]\d{3})+\b/,
  /\b(?:USD|EUR|GBP|CAD|AUD|CHF)\b/,
  /\bper\s+(?:hour|hr|day|week|month|year|annum)\b/i,
  /\/\s*(?:hr|hour|yr|year)\b/i,
];
const DATE = [/\b(?:19|20)\d{2}\b/, /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b/i, /\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b/];

/** Place names a title should not carry: localities, spelt-out regions and countries of the role. */
function placeNames(p: Posting): string[] {
  const countries = [...(p.locations ?? []).map((l) => l.country), ...(p.applicantLocations ?? [])].map((c) => countryName(c));
  // Short region codes (CA, ON, IT) collide with ordinary words and acronyms; only names count.
  const places = (p.locations ?? []).flatMap((l) => [l.locality, ...(l.region && l.region.length > 3 ? [l.region] : [])]);
  return [...places, ...countries];
}

function titleDecorations(title: string, p: Posting, ctx: Ctx): string[] {
  const found: string[] = [];
  const any = (patterns: readonly RegExp[]) => patterns.some((r) => r.test(title));
  if (any(JOB_CODE) || (p.reference && containsPhrase(title, p.reference))) found.push('a job code');
  if (any(SALARY)) found.push('pay');
  const place = placeNames(p).find((n) => containsPhrase(title, n));
  if (place) found.push(`a location ("${place}")`);
  if (any(DATE)) found.push('a date');
  const org = ctx.site.organization.name;
  if (collapse(org).length >= 3 && containsPhrase(title, org)) found.push('the company name');
  if (/[!*]/.test(title)) found.push('"!" or "*"');
  return found;
}

const titleRules: Rule = (entry, ctx) => {
  const title = collapse(entry.posting.title);
  if (!title) {
    return [
      {
        code: GOOGLE_CODES.TITLE_EMPTY,
        severity: 'error',
        field: 'title',
        message: 'title has no printable text left once control characters are removed',
        fix: 'write the job title, e.g. Software Engineer',
      },
    ];
  }
  const out: DiagnosticInput[] = [];
  const found = titleDecorations(title, entry.posting, ctx);
  if (found.length) {
    out.push({
      code: GOOGLE_CODES.TITLE_DECORATED,
      severity: 'warning',
      field: 'title',
      message: `title contains ${found.join(', ')}; Google wants only the job title and may rank or reject decorated titles`,
      fix: 'keep just the role, e.g. "Senior Data Engineer"; the page and markup already show company, place, pay and dates',
    });
  }
  // Only letters that have case count: CJK, Arabic or Hebrew titles are never "all caps".
  const letters = title.replace(/[^\p{Lu}\p{Ll}\p{Lt}]/gu, '');
  if (letters.length >= 6 && !/\p{Ll}/u.test(letters)) {
    out.push({
      code: GOOGLE_CODES.TITLE_ALL_CAPS,
      severity: 'warning',
      field: 'title',
      message: "title is in capitals; Google's editorial policy asks for normal capitalisation",
      fix: 'e.g. "Machine Learning Engineer"',
    });
  }
  return out;
};

const descriptionRules: Rule = (entry) => {
  const p = entry.posting;
  const summary = collapse(paragraphsOf(p.summary).join(' '));
  const sections = sectionsOf(p);
  if (!summary && sections.length === 0) {
    return [
      {
        code: GOOGLE_CODES.DESCRIPTION_EMPTY,
        severity: 'error',
        field: 'summary',
        message: 'the description has no printable text',
        fix: 'describe the role in summary',
      },
    ];
  }
  if (sections.length === 0 && summary.toLowerCase() === collapse(p.title).toLowerCase()) {
    return [
      {
        code: GOOGLE_CODES.DESCRIPTION_IS_TITLE,
        severity: 'error',
        field: 'summary',
        message: 'the description only repeats the title; Google rejects a description equal to the title',
        fix: 'describe the role: what the person will do, what they need, what you offer',
      },
    ];
  }
  return [];
};

const validThroughRules: Rule = (entry) =>
  entry.posting.validThrough
    ? []
    : [
        {
          code: GOOGLE_CODES.NO_VALID_THROUGH,
          severity: 'warning',
          field: 'validThrough',
          message: 'no validThrough: Google keeps showing the job until the page goes; if applications close on a date, say so',
          fix: 'add validThrough: 2027-02-28 (the last day applications are accepted), or set status: closed when the role is filled',
        },
      ];

/** Pay that differs by place: baseSalary is one amount, so the markup leaves it out (docs/channels.md). */
const payRules: Rule = (entry) =>
  payVaries(entry.posting)
    ? [
        {
          code: GOOGLE_CODES.PAY_VARIES,
          severity: 'info',
          field: entry.posting.workplace === 'remote' ? 'salaryByCountry' : 'locations',
          message:
            "the pay differs by place, and Google's baseSalary is one amount for the whole posting: the markup carries no baseSalary, and each place's range is in the description Google shows",
          fix: 'nothing to fix; if the pay is in fact the same everywhere, give it once as the role-wide salary',
        },
      ]
    : [];

const ADDRESS_PARTS = [
  { key: 'street', property: 'streetAddress', example: 'street: 1 Market St' },
  { key: 'postalCode', property: 'postalCode', example: 'postalCode: "94105"' },
  { key: 'region', property: 'addressRegion', example: 'region: CA' },
] as const;

const addressRules: Rule = (entry) =>
  (entry.posting.locations ?? []).flatMap((l, i) =>
    ADDRESS_PARTS.filter((part) => !l[part.key]).map((part): DiagnosticInput => ({
      code: GOOGLE_CODES.ADDRESS_INCOMPLETE,
      severity: 'warning',
      field: `locations.${i}.${part.key}`,
      message: `location ${i + 1} (${collapse(l.locality)}) has no ${part.key}; Google reports Missing field "${part.property}" and matches jobs to searches by address`,
      fix: `add ${part.example}`,
    })),
  );

const organizationRules: Rule = (_entry, ctx) =>
  ctx.site.organization.logo
    ? []
    : [
        {
          code: GOOGLE_CODES.LOGO_MISSING,
          severity: 'warning',
          message: 'the organization has no logo, so Google shows the job without one',
          fix: 'set organization.logo in jobcast.config.yaml to an absolute https URL of a square-ish image',
        },
      ];

const requirementRules: Rule = (entry) => {
  const p = entry.posting;
  if (p.experienceInPlaceOfEducation !== true) return [];
  const educationStated = p.education !== undefined && p.education.credential !== 'none';
  const experienceStated = p.experience !== undefined && p.experience !== 'none';
  if (educationStated && experienceStated) return [];
  const missing = educationStated ? 'an experience requirement to replace it with' : 'an education requirement to replace';
  return [
    {
      code: GOOGLE_CODES.EXPERIENCE_IN_PLACE,
      severity: 'error',
      field: 'experienceInPlaceOfEducation',
      message: `experienceInPlaceOfEducation is true but there is no ${missing}; Google needs both requirements when experience can stand in for education`,
      fix: 'state education and experience (e.g. education: { credential: bachelor degree }, experience: { months: 36 }), or set experienceInPlaceOfEducation: false',
    },
  ];
};

/** SOC 2018 major groups: the first two digits of every O*NET-SOC code. */
const SOC_MAJOR_GROUPS = new Set([
  '11',
  '13',
  '15',
  '17',
  '19',
  '21',
  '23',
  '25',
  '27',
  '29',
  '31',
  '33',
  '35',
  '37',
  '39',
  '41',
  '43',
  '45',
  '47',
  '49',
  '51',
  '53',
  '55',
]);

const occupationRules: Rule = (entry) => {
  const code = entry.posting.occupationalCategory;
  if (!code || SOC_MAJOR_GROUPS.has(code.slice(0, 2))) return [];
  return [
    {
      code: GOOGLE_CODES.OCCUPATIONAL_CATEGORY,
      severity: 'warning',
      field: 'occupationalCategory',
      message: `"${code}" is not in any O*NET-SOC major group (11-0000 to 55-0000)`,
      fix: 'look the role up at https://www.onetonline.org/, e.g. "15-1252.00" for software developers',
    },
  ];
};

const RULES: readonly Rule[] = [titleRules, descriptionRules, validThroughRules, addressRules, organizationRules, requirementRules, occupationRules, payRules];

const byId = (a: PostingEntry, b: PostingEntry): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The role in each of its page languages: `undefined` (its own words at `/jobs/<id>/`) for a role in
 * one language; else its own language and each translation, every one with its page folder.
 */
function pageVersions(entry: PostingEntry): { entry: PostingEntry; dir: string }[] {
  const langs = languagesOf(entry.posting);
  if (!langs.length) return [{ entry, dir: jobPages.page(entry.id) }];
  return langs.map((lang) => {
    const path = pathLanguage(entry.posting, lang);
    return { entry: path ? { ...entry, posting: translated(entry.posting, lang) } : entry, dir: jobPages.page(entry.id, path) };
  });
}

function openArtifacts(entry: PostingEntry, ctx: Ctx): Artifact[] {
  const languages = pageLanguages(entry.posting, entry.id, ctx);
  return pageVersions(entry).flatMap(({ entry: e, dir }) => {
    const ld = buildJobPosting(e, ctx, dir);
    return [
      { path: `${dir}index.html`, contentType: HTML, posting: entry.id, body: jobPageHtml(e, ctx, ld, languages) },
      { path: `${dir}jobposting.json`, contentType: 'application/ld+json; charset=utf-8', posting: entry.id, body: toJsonLd(ld) + '\n' },
    ];
  });
}

/** A gone role's page and its JSON-LD URL both answer 410 (the JSON-LD says only that it is gone), in every language. */
const goneArtifacts = (entry: PostingEntry, ctx: Ctx): Artifact[] =>
  pageVersions(entry).flatMap(({ entry: e, dir }) => [
    { path: `${dir}index.html`, contentType: HTML, status: 410, posting: entry.id, body: gonePageHtml(e, ctx) },
    {
      path: `${dir}jobposting.json`,
      contentType: 'application/json; charset=utf-8',
      status: 410,
      posting: entry.id,
      body: JSON.stringify({ id: entry.id, state: entry.state, gone: true }) + '\n',
    },
  ]);

export const googleJobPosting = defineAdapter<GoogleOptions>({
  name: 'google',
  description: 'Job pages with Google JobPosting JSON-LD, the listing, sitemap.xml and robots.txt',
  // Its part of the complete examples in docs/postings.md and docs/config.md.
  examples: { config: 'siteName: Example Careers                   # default "<organization.name> careers"\nlocale: en-US' },
  codes: GOOGLE_CODES,
  states: ['open', 'closed', 'expired'],
  options: optionsSchema,
  pages: jobPages,
  // Google for Jobs tags its apply links to our pages utm_source=google_jobs_apply.
  clickSources: { google_jobs_apply: 'google-jobs' },
  check(entry, ctx) {
    // Gone roles carry no markup, so Google's markup rules have nothing to say about them.
    if (GONE_STATES.includes(entry.state)) return [];
    return RULES.flatMap((rule) => rule(entry, ctx));
  },
  renderPosting(entry, ctx) {
    return entry.state === 'open' ? openArtifacts(entry, ctx) : goneArtifacts(entry, ctx);
  },
  render(entries, ctx) {
    const sorted = [...entries].sort(byId);
    const open = sorted.filter((e) => e.state === 'open');
    const gone = sorted.filter((e) => GONE_STATES.includes(e.state));
    return {
      artifacts: [
        { path: `${jobPages.listing}index.html`, contentType: HTML, body: listingHtml(open, ctx) },
        ...sitemapFiles(open, [...open, ...gone], ctx).map((f) => ({ ...f, contentType: 'application/xml; charset=utf-8' })),
        { path: 'robots.txt', contentType: 'text/plain; charset=utf-8', body: robotsTxt(ctx) },
      ],
    };
  },
  preview: (entry, _ctx, artifacts) => googlePreview(entry, artifacts),
});
