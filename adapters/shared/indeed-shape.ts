/**
 * The Indeed XML shape, which other boards (ZipRecruiter, Talroo, Jobrapido …) read with small
 * differences (docs/channels.md, "indeed and ziprecruiter"). A board of that shape is a profile: its
 * name, path, date format, rules and remote convention, passed to `createIndeedShapedAdapter`; the
 * elements, escaping and streaming are shared.
 *
 * One `<job>` per posting per location (Indeed: "2 locations → 2 values"). The `referencenumber` of
 * a job-location is stable forever:
 *   - the first location (or, for a remote role, the first applicant country) keeps the bare posting
 *     id, so a one-location role (the common case) has the same id on every board;
 *   - every further location gets `<id>-<8 hex>`, the start of a SHA-256 of the location's identity
 *     (country, region, city, case-folded). Reordering the other locations, or editing a street or
 *     postal code, keeps every number; moving a different location into first place re-keys the two
 *     swapped ones, so keep the original location first.
 * `requisitionid` is shared by all of a posting's jobs: the posting's `reference`, else its id.
 * Each job carries the pay of its place (src/model/pay.ts): the location's own salary, else the
 * role-wide one.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { defineAdapter, type Adapter, type PostingEntry, type RenderContext } from '../../src/adapter';
import { descriptionHtml } from '../../src/compose/description';
import { salaryText } from '../../src/compose/facts';
import type { DiagnosticInput } from '../../src/diagnostics';
import { payPlaces } from '../../src/model/pay';
import { email, type Credential, type EmploymentType, type Posting, type Salary } from '../../src/model/posting';
import { feedText } from '../../src/xml/escape';
import { FEED_STATES, isChecked, lastChange, listedEntries, rfc822, descriptionText } from '../../src/xml/feed';
import { titleDiagnostics } from './title';
import { cdataEl, el, xmlDocument, type XmlContent, type XmlElement } from '../../src/xml/writer';

/** Codes every Indeed-shaped board must define for the rules they all share. */
export interface IndeedShapeCodes {
  TITLE_EMPTY: string;
  TITLE_DECORATED: string;
  DESCRIPTION_EMPTY: string;
  DUPLICATE_LOCATION: string;
}

/** `channels.<board>` in the site config. */
export const indeedShapeOptions = z.strictObject({
  email: email.optional().describe('The account email the board knows you by, e.g. jobs@example.com; default: organization.email'),
  company: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe("The brand job seekers recognise, when it differs from organization.name (which stays the feed's source name)"),
});
export type IndeedShapeOptions = z.output<typeof indeedShapeOptions>;

/** `channels.<board>` in a posting file: `indeed: { category: Engineering }`. */
const indeedShapePostingOptions = z
  .strictObject({
    category: z.string().trim().min(1).max(200).optional().describe("The board's category for this role, e.g. Engineering; default: the department"),
  })
  .describe('Extras for this board, e.g. { category: Engineering }');
export type IndeedShapePostingOptions = z.output<typeof indeedShapePostingOptions>;

/** One place a posting is listed at: one `<job>` element. */
export interface JobPlace {
  /** Where in the posting this place comes from (`locations.1`, `applicantLocations.0`). */
  field: string;
  /** Identity used for the referencenumber hash and duplicate detection. */
  key: string;
  city?: string;
  state?: string;
  country: string;
  postalcode?: string;
  streetaddress?: string;
  remotetype?: 'Fully remote' | 'Hybrid remote';
  /** The pay at this place (its own, else the role-wide salary), and where it is written. */
  salary?: Salary;
  salaryField?: string;
}

const fold = (s: string | undefined): string =>
  feedText(s ?? '')
    .normalize('NFC')
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ');

/** The posting's places in source order, and the later duplicates of an earlier place. */
export function jobPlaces(p: Posting): { places: JobPlace[]; duplicates: JobPlace[] } {
  const pay = payPlaces(p);
  const located: JobPlace[] =
    p.workplace === 'remote'
      ? (p.applicantLocations ?? []).map((country, i) => ({
          // Indeed's remote convention (2021 FAQ): city "Remote", state and postalcode present but empty.
          field: `applicantLocations.${i}`,
          key: `remote|${country}`,
          city: 'Remote',
          state: '',
          postalcode: '',
          country,
          remotetype: 'Fully remote' as const,
        }))
      : (p.locations ?? []).map((l, i) => ({
          field: `locations.${i}`,
          key: [l.country, fold(l.region), fold(l.locality)].join('|'),
          city: l.locality,
          ...(l.region !== undefined ? { state: l.region } : {}),
          country: l.country,
          ...(l.postalCode !== undefined ? { postalcode: l.postalCode } : {}),
          ...(l.street !== undefined ? { streetaddress: l.street } : {}),
          ...(p.workplace === 'hybrid' ? { remotetype: 'Hybrid remote' as const } : {}),
        }));
  // payPlaces lists the same entries in the same order: each place gets the pay that applies there.
  const all = located.map((pl, i) => {
    const { salary, salaryField } = pay[i] ?? {};
    return salary ? { ...pl, salary, salaryField: salaryField! } : pl;
  });
  const seen = new Set<string>();
  const places: JobPlace[] = [];
  const duplicates: JobPlace[] = [];
  for (const place of all) {
    (seen.has(place.key) ? duplicates : places).push(place);
    seen.add(place.key);
  }
  return { places, duplicates };
}

/** The referencenumber of each place, in order (see the file comment for the scheme). */
export function referenceNumbers(id: string, places: readonly Pick<JobPlace, 'key'>[]): string[] {
  return places.map((pl, i) => (i === 0 ? id : `${id}-${createHash('sha256').update(pl.key).digest('hex').slice(0, 8)}`));
}

const JOBTYPES: Record<EmploymentType, string | undefined> = {
  FULL_TIME: 'fulltime',
  PART_TIME: 'parttime',
  CONTRACTOR: 'contract',
  TEMPORARY: 'temporary',
  INTERN: 'internship',
  VOLUNTEER: 'volunteer',
  PER_DIEM: 'per diem',
  OTHER: undefined,
};

const EDUCATION: Record<Credential, string | undefined> = {
  'high school': 'High school diploma',
  'associate degree': 'Associate degree',
  'bachelor degree': "Bachelor's degree",
  'professional certificate': 'Professional certificate',
  'postgraduate degree': 'Postgraduate degree',
  none: undefined,
};

/** `5+ years` from 60 months; `18+ months` when it is not whole years. */
function experienceText(p: Posting): string | undefined {
  if (p.experience === undefined || p.experience === 'none' || p.experience.months === 0) return undefined;
  const m = p.experience.months;
  if (m % 12 === 0) return `${m / 12}+ year${m === 12 ? '' : 's'}`;
  return `${m}+ months`;
}

/** What a board rule sees: the posting, its places and the resolved account values. */
export interface RuleInput<O extends IndeedShapeOptions> {
  entry: PostingEntry;
  places: readonly JobPlace[];
  company: string;
  email: string | undefined;
  ctx: RenderContext<O>;
}
export type IndeedShapeRule<O extends IndeedShapeOptions = IndeedShapeOptions> = (input: RuleInput<O>) => DiagnosticInput[];

/** A place that lacks a field, said of the location's field (`locations[0].region`). */
export interface PlaceProblem {
  lacks: (pl: JobPlace) => boolean;
  code: string;
  severity: DiagnosticInput['severity'];
  field: string;
  message: (pl: JobPlace) => string;
  fix: string;
}

/** A rule about each place a role is listed at (a fully remote role has no city to check). */
export const placeRule =
  ({ lacks, field, message, ...said }: PlaceProblem): IndeedShapeRule =>
  ({ places }) =>
    places.filter((pl) => pl.remotetype !== 'Fully remote' && lacks(pl)).map((pl) => ({ ...said, field: `${pl.field}.${field}`, message: message(pl) }));

export interface IndeedShapedProfile<O extends IndeedShapeOptions = IndeedShapeOptions> {
  name: string;
  description: string;
  /** Its part of the complete examples in the docs (Adapter.examples). */
  examples?: Adapter['examples'];
  /** Output path, e.g. `feeds/indeed.xml`. */
  path: string;
  /** The board's name in messages. */
  board: string;
  /** Every code the board's rules raise: the shared ones and its own (the adapter's `codes`). */
  codes: IndeedShapeCodes & Readonly<Record<string, string>>;
  /** Root element; Indeed and ZipRecruiter use `source`. */
  root?: string;
  /** How the board reads a date-time: `date` and `expirationdate`. */
  formatDate(at: Date, timeZone: string): string;
  /**
   * Remote roles: `indeed` = city "Remote" with empty state and postalcode present; `country-only` =
   * no city, state or postalcode (for boards that want city and state both or neither).
   */
  remote: 'indeed' | 'country-only';
  /**
   * A place without a state: `keep` its city (with an empty `<state>`, which Indeed requires present),
   * or `omit` city and state (boards wanting both or neither).
   */
  cityWithoutState: 'keep' | 'omit';
  /** This board's own required-field rules, on top of the shared ones. */
  rules: readonly IndeedShapeRule<O>[];
  /** Extra elements at the end of each `<job>` ("other tags allowed"). */
  extraElements?(entry: PostingEntry, place: JobPlace, ctx: RenderContext<O>): XmlContent;
  options?: z.ZodType<O>;
}

/** Placement of a place's fields, after the profile's remote and city/state conventions. */
function placeFields(place: JobPlace, profile: Pick<IndeedShapedProfile, 'remote' | 'cityWithoutState'>): XmlContent {
  const remote = place.remotetype === 'Fully remote';
  if (remote && profile.remote === 'country-only') return [cdataEl('country', place.country)];
  const keepCity = place.state !== undefined || profile.cityWithoutState === 'keep';
  return [
    cdataEl('city', keepCity ? place.city : undefined),
    // Indeed lists `state` as required: present (empty) when the location names no region.
    cdataEl('state', keepCity ? (place.state ?? '') : undefined),
    cdataEl('country', place.country),
    cdataEl('postalcode', place.postalcode),
    cdataEl('streetaddress', place.streetaddress),
  ];
}

function sharedRules<O extends IndeedShapeOptions>(profile: IndeedShapedProfile<O>, input: RuleInput<O>, duplicates: readonly JobPlace[]): DiagnosticInput[] {
  const p = input.entry.posting;
  const { codes, board } = profile;
  const out: DiagnosticInput[] = [];
  out.push(
    ...titleDiagnostics(p, { empty: codes.TITLE_EMPTY, decorated: codes.TITLE_DECORATED }, 'error', (deco) => ({
      message: `${board} wants the job title only, but ${deco.reason}; ${board} rejects or ranks down decorated titles`,
      fix: deco.suggestion
        ? `write title: ${deco.suggestion} (location, salary and job type have their own fields)`
        : 'keep only the job title; location, salary and job type have their own fields',
    })),
  );
  if (!descriptionText(p)) {
    out.push({
      code: codes.DESCRIPTION_EMPTY,
      severity: 'error',
      field: 'summary',
      message: `${board} requires a description, and this one is empty once control characters are removed`,
      fix: 'write the summary as plain text',
    });
  }
  for (const d of duplicates) {
    out.push({
      code: codes.DUPLICATE_LOCATION,
      severity: 'warning',
      field: d.field,
      message: `this location repeats an earlier one (same city, region and country); ${board} lists one job per city, so it is left out`,
      fix: 'remove the repeated location',
    });
  }
  return out;
}

function resolved<O extends IndeedShapeOptions>(ctx: RenderContext<O>): { company: string; email: string | undefined } {
  const org = ctx.site.organization;
  return { company: ctx.options?.company ?? org.name, email: ctx.options?.email ?? org.email };
}

/** One `<job>`: a posting at one of its places. */
function jobElement<O extends IndeedShapeOptions>(
  profile: IndeedShapedProfile<O>,
  e: PostingEntry,
  place: JobPlace,
  ref: string,
  ctx: RenderContext<O>,
): XmlElement {
  const p = e.posting;
  const tz = ctx.site.schedule.timezone;
  const { company, email: account } = resolved(ctx);
  const jobtype = [...new Set(p.employmentType.map((t) => JOBTYPES[t]).filter((x): x is string => !!x))].join(', ');
  const category = ctx.postingOptions<IndeedShapePostingOptions>(p)?.category ?? p.department;
  return el('job', [
    cdataEl('title', p.title),
    cdataEl('date', profile.formatDate(e.lifecycle.liveFrom, tz)),
    cdataEl('referencenumber', ref),
    cdataEl('requisitionid', p.reference ?? e.id),
    // The job page, not the apply page (Indeed: the url must show the description), with tracking.
    cdataEl('url', ctx.pageUrl(e.id)),
    cdataEl('company', company),
    cdataEl('sourcename', ctx.site.organization.name),
    placeFields(place, profile),
    cdataEl('email', account),
    cdataEl('description', descriptionHtml(p)),
    place.salary && cdataEl('salary', salaryText(place.salary)),
    p.education && cdataEl('education', EDUCATION[p.education.credential]),
    jobtype && cdataEl('jobtype', jobtype),
    cdataEl('category', category),
    cdataEl('experience', experienceText(p)),
    e.lifecycle.liveUntil && cdataEl('expirationdate', profile.formatDate(e.lifecycle.liveUntil, tz)),
    cdataEl('remotetype', place.remotetype),
    profile.extraElements?.(e, place, ctx),
  ]);
}

/** An adapter for a board that reads Indeed's XML shape, described by `profile`. */
export function createIndeedShapedAdapter<O extends IndeedShapeOptions>(profile: IndeedShapedProfile<O>): Adapter<O, IndeedShapePostingOptions> {
  return defineAdapter<O, IndeedShapePostingOptions>({
    name: profile.name,
    description: profile.description,
    ...(profile.examples ? { examples: profile.examples } : {}),
    codes: profile.codes,
    states: FEED_STATES,
    ...(profile.options ? { options: profile.options } : {}),
    postingOptions: indeedShapePostingOptions,
    check(entry, ctx) {
      if (!isChecked(entry)) return [];
      const { places, duplicates } = jobPlaces(entry.posting);
      const input: RuleInput<O> = { entry, places, ...resolved(ctx), ctx };
      return [...sharedRules(profile, input, duplicates), ...profile.rules.flatMap((rule) => rule(input))];
    },
    render(entries, ctx) {
      const org = ctx.site.organization;
      const built = lastChange(entries);
      const body = xmlDocument({
        root: profile.root ?? 'source',
        head: [cdataEl('publisher', org.name), cdataEl('publisherurl', org.url), built && el('lastBuildDate', rfc822(built))],
        items: listedEntries(entries),
        item: (e) => {
          const { places } = jobPlaces(e.posting);
          const refs = referenceNumbers(e.id, places);
          return places.map((place, i) => jobElement(profile, e, place, refs[i]!, ctx));
        },
        posting: (e) => e.id,
      });
      return { artifacts: [{ path: profile.path, contentType: 'application/xml; charset=utf-8', body }] };
    },
  });
}
