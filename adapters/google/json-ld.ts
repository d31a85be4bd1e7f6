/**
 * Google JobPosting JSON-LD: our own strict type, the mapping from the posting model, and the one
 * serializer allowed to put it in a page (docs/channels.md, "google").
 */
import type { JobPosting, WithContext } from 'schema-dts';
import type { PostingEntry, RenderContext } from '../../src/adapter';
import { descriptionHtml } from '../../src/compose/description';
import { sharedSalary } from '../../src/model/pay';
import { cleanText } from '../../src/compose/text';
import { endInstant, formatZoned } from '../../src/model/dates';
import type { Credential, EmploymentType, Posting, PostingLocation, Salary, SalaryUnit } from '../../src/model/posting';
import { jobPages } from './urls';

// Google's enums, spelt out here rather than borrowed from the model: if the model grows a value
// Google does not know, the checks below stop compiling instead of emitting an invalid enum.
export type GoogleEmploymentType = 'FULL_TIME' | 'PART_TIME' | 'CONTRACTOR' | 'TEMPORARY' | 'INTERN' | 'VOLUNTEER' | 'PER_DIEM' | 'OTHER';
export type GoogleSalaryUnit = 'HOUR' | 'DAY' | 'WEEK' | 'MONTH' | 'YEAR';
export type GoogleCredentialCategory = 'high school' | 'associate degree' | 'bachelor degree' | 'professional certificate' | 'postgraduate degree';
export type NoRequirements = 'no requirements';

/** `T` is assignable to `U` (a compile-time check; the alias itself is never used). */
type Assignable<T extends U, U> = T;
export type ModelFitsGoogle = [
  Assignable<EmploymentType, GoogleEmploymentType>,
  Assignable<SalaryUnit, GoogleSalaryUnit>,
  Assignable<Exclude<Credential, 'none'>, GoogleCredentialCategory>,
];

export interface PostalAddressLd {
  '@type': 'PostalAddress';
  streetAddress?: string;
  addressLocality: string;
  addressRegion?: string;
  postalCode?: string;
  /** ISO 3166-1 alpha-2, mandatory for Google. */
  addressCountry: string;
}

export interface PlaceLd {
  '@type': 'Place';
  address: PostalAddressLd;
}

export interface CountryLd {
  '@type': 'Country';
  name: string;
}

export interface OrganizationLd {
  '@type': 'Organization';
  name: string;
  sameAs?: string | string[];
  logo?: string;
}

export interface QuantitativeValueRangeLd {
  '@type': 'QuantitativeValue';
  minValue: number;
  maxValue: number;
  unitText: GoogleSalaryUnit;
}

export interface QuantitativeValueSingleLd {
  '@type': 'QuantitativeValue';
  value: number;
  unitText: GoogleSalaryUnit;
}

export interface MonetaryAmountLd {
  '@type': 'MonetaryAmount';
  currency: string;
  value: QuantitativeValueRangeLd | QuantitativeValueSingleLd;
}

export interface PropertyValueLd {
  '@type': 'PropertyValue';
  name: string;
  value: string;
}

interface JobPostingCommon {
  '@context': 'https://schema.org';
  '@type': 'JobPosting';
  title: string;
  description: string;
  /** YYYY-MM-DD: the real first day it was public, never rewritten. */
  datePosted: string;
  /** Date-time with offset; absent when the role has no closing date (never invented). */
  validThrough?: string;
  employmentType: GoogleEmploymentType | GoogleEmploymentType[];
  hiringOrganization: OrganizationLd;
  identifier: PropertyValueLd;
  url: string;
  directApply?: boolean;
  baseSalary?: MonetaryAmountLd;
  educationRequirements?: { '@type': 'EducationalOccupationalCredential'; credentialCategory: GoogleCredentialCategory } | NoRequirements;
  experienceRequirements?: { '@type': 'OccupationalExperienceRequirements'; monthsOfExperience: number } | NoRequirements;
  experienceInPlaceOfEducation?: boolean;
  occupationalCategory?: string;
  industry?: string;
  skills?: string;
}

/** Where the employee reports to work; Google forbids any jobLocationType other than TELECOMMUTE. */
export interface OnsiteJobPosting extends JobPostingCommon {
  jobLocation: PlaceLd | PlaceLd[];
  jobLocationType?: never;
  applicantLocationRequirements?: never;
}

/** 100% remote: TELECOMMUTE always travels with the countries applicants may work from. */
export interface RemoteJobPosting extends JobPostingCommon {
  jobLocationType: 'TELECOMMUTE';
  applicantLocationRequirements: CountryLd[];
  jobLocation?: PlaceLd | PlaceLd[];
}

export type GoogleJobPosting = OnsiteJobPosting | RemoteJobPosting;

/** schema-dts accepts any string for enums; our type is the stricter one, and must still fit it. */
export type FitsSchemaDts = Assignable<GoogleJobPosting, WithContext<JobPosting>>;

/** Text as every channel carries it: without characters HTML/XML cannot hold. */
const plain = (s: string): string => cleanText(s).trim();

/** One value alone, several as an array (Google's examples use both forms). */
const oneOrMany = <T>(items: readonly T[]): T | T[] => (items.length === 1 ? items[0]! : [...items]);

function address(l: PostingLocation): PostalAddressLd {
  return {
    '@type': 'PostalAddress',
    ...(l.street ? { streetAddress: plain(l.street) } : {}),
    addressLocality: plain(l.locality),
    ...(l.region ? { addressRegion: plain(l.region) } : {}),
    ...(l.postalCode ? { postalCode: plain(l.postalCode) } : {}),
    addressCountry: l.country,
  };
}

function baseSalary(s: Salary): MonetaryAmountLd {
  const value: MonetaryAmountLd['value'] =
    s.value !== undefined
      ? { '@type': 'QuantitativeValue', value: s.value, unitText: s.unit }
      : { '@type': 'QuantitativeValue', minValue: s.min!, maxValue: s.max!, unitText: s.unit };
  return { '@type': 'MonetaryAmount', currency: s.currency, value };
}

function education(p: Posting): Pick<JobPostingCommon, 'educationRequirements'> {
  if (!p.education) return {};
  const c = p.education.credential;
  return { educationRequirements: c === 'none' ? 'no requirements' : { '@type': 'EducationalOccupationalCredential', credentialCategory: c } };
}

function experience(p: Posting): Pick<JobPostingCommon, 'experienceRequirements'> {
  if (!p.experience) return {};
  const e = p.experience;
  return { experienceRequirements: e === 'none' ? 'no requirements' : { '@type': 'OccupationalExperienceRequirements', monthsOfExperience: e.months } };
}

function organization(site: RenderContext['site']): OrganizationLd {
  const org = site.organization;
  const sameAs = [...new Set([org.url, ...(org.sameAs ?? [])])];
  return { '@type': 'Organization', name: plain(org.name), sameAs: oneOrMany(sameAs), ...(org.logo ? { logo: org.logo } : {}) };
}

/**
 * `validThrough` as Google reads it: a date-only closing date means the END of that day in the site's
 * time zone (the role is open all day), written with its offset.
 */
export function validThroughLd(v: string, timeZone: string): string {
  return formatZoned(endInstant(v, timeZone), timeZone);
}

type Head = Pick<JobPostingCommon, '@context' | '@type' | 'title' | 'description' | 'datePosted' | 'validThrough' | 'employmentType' | 'hiringOrganization'>;
type Tail = Omit<JobPostingCommon, keyof Head>;

function withLocation(head: Head, p: Posting, tail: Tail): GoogleJobPosting {
  const places = (p.locations ?? []).map((l): PlaceLd => ({ '@type': 'Place', address: address(l) }));
  if (p.workplace !== 'remote') {
    const onsite: OnsiteJobPosting = { ...head, jobLocation: oneOrMany(places), ...tail };
    return onsite;
  }
  const remote: RemoteJobPosting = {
    ...head,
    jobLocationType: 'TELECOMMUTE',
    applicantLocationRequirements: (p.applicantLocations ?? []).map((name): CountryLd => ({ '@type': 'Country', name })),
    ...(places.length ? { jobLocation: oneOrMany(places) } : {}),
    ...tail,
  };
  return remote;
}

const withShared = (s: Salary | undefined): Pick<Tail, 'baseSalary'> => (s ? { baseSalary: baseSalary(s) } : {});

/** The posting as Google's JobPosting. */
/** `dir`: the page the markup is on (a translation's `jobs/<id>/<lang>/`); default the role's own page. */
export function buildJobPosting(entry: PostingEntry, ctx: RenderContext<unknown>, dir = jobPages.page(entry.id)): GoogleJobPosting {
  const p = entry.posting;
  const org = organization(ctx.site);
  const head: Head = {
    '@context': 'https://schema.org',
    '@type': 'JobPosting',
    title: plain(p.title),
    description: descriptionHtml(p),
    datePosted: p.datePosted,
    ...(p.validThrough ? { validThrough: validThroughLd(p.validThrough, ctx.site.schedule.timezone) } : {}),
    employmentType: oneOrMany(p.employmentType),
    hiringOrganization: org,
  };
  const tail: Tail = {
    // One amount for every place, or none: pay that differs by place goes in the description (docs/channels.md).
    ...withShared(sharedSalary(p)),
    ...education(p),
    ...experience(p),
    ...(p.experienceInPlaceOfEducation !== undefined ? { experienceInPlaceOfEducation: p.experienceInPlaceOfEducation } : {}),
    ...(p.occupationalCategory ? { occupationalCategory: p.occupationalCategory } : {}),
    ...(p.industry ? { industry: plain(p.industry) } : {}),
    ...(p.skills?.length ? { skills: p.skills.map(plain).join(', ') } : {}),
    identifier: { '@type': 'PropertyValue', name: org.name, value: plain(p.reference ?? entry.id) },
    url: ctx.url(dir),
    ...(p.apply.direct !== undefined ? { directApply: p.apply.direct } : {}),
  };
  return withLocation(head, p, tail);
}

const SCRIPT_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/**
 * JSON safe inside `<script type="application/ld+json">`: no `<`, `>` or `&` byte can end the element
 * or open a comment, and the JSON still parses to exactly the same value. Never HTML-escape instead:
 * entities are not decoded inside a script and would change the data.
 */
export function toJsonLd(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[<>&\u2028\u2029]/g, (c) => SCRIPT_ESCAPES[c]!);
}
