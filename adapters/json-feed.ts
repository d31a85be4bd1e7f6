/**
 * `feeds/jobs.json`: JSON Feed 1.1 (https://jsonfeed.org/version/1.1) of the open roles, with the
 * structured fields in a `_job` extension object (the spec's convention for extensions: a key that
 * starts with an underscore, which readers that do not know it ignore).
 */
import { z } from 'zod';
import { defineAdapter, type PostingEntry, type RenderContext } from '../src/adapter';
import { descriptionHtml, paragraphsOf } from '../src/compose/description';
import { salaryText } from '../src/compose/facts';
import type { DiagnosticInput } from '../src/diagnostics';
import { formatUtc, formatZoned } from '../src/model/dates';
import { feedText } from '../src/xml/escape';
import { isChecked, listedEntries } from '../src/xml/feed';

const JSON_FEED_CODES = {
  TITLE_EMPTY: 'JSON_FEED_TITLE_EMPTY',
} as const;

const options = z.strictObject({
  title: z.string().trim().min(1).optional().describe('The feed\'s title; default "<organization.name> jobs"'),
  description: z.string().trim().min(1).optional().describe('The feed\'s description; default "Open roles at <organization.name>"'),
});
export type JsonFeedOptions = z.output<typeof options>;

/** Text as every other channel carries it (illegal code points and CRs gone), so all feeds agree. */
const t = (s: string): string => feedText(s);
const opt = (s: string | undefined): string | undefined => (s === undefined ? undefined : t(s));

function jobExtension(e: PostingEntry, ctx: RenderContext<JsonFeedOptions>) {
  const p = e.posting;
  const tz = ctx.site.schedule.timezone;
  const s = p.salary;
  return {
    id: e.id,
    reference: opt(p.reference),
    datePosted: p.datePosted,
    validThrough: e.lifecycle.liveUntil ? formatZoned(e.lifecycle.liveUntil, tz) : undefined,
    employmentType: p.employmentType,
    workplace: p.workplace,
    department: opt(p.department),
    industry: opt(p.industry),
    occupationalCategory: p.occupationalCategory,
    locations: p.locations?.map((l) => ({
      street: opt(l.street),
      locality: t(l.locality),
      region: opt(l.region),
      postalCode: opt(l.postalCode),
      country: l.country,
    })),
    applicantLocations: p.applicantLocations,
    salary: s && {
      currency: s.currency,
      min: s.min,
      max: s.max,
      value: s.value,
      unit: s.unit,
      text: t(salaryText(s)),
    },
    education: p.education?.credential,
    experienceMonths: p.experience === undefined || p.experience === 'none' ? undefined : p.experience.months,
    experienceInPlaceOfEducation: p.experienceInPlaceOfEducation,
    skills: p.skills?.map(t),
    applyUrl: ctx.applyUrl(p),
    directApply: p.apply.direct,
  };
}

export const jsonFeed = defineAdapter<JsonFeedOptions>({
  name: 'json-feed',
  description: 'JSON Feed 1.1 of open roles with a _job extension (feeds/jobs.json)',
  // Its part of the complete examples in docs/postings.md and docs/config.md.
  examples: { config: 'title: Example Corp jobs\ndescription: Open roles at Example Corp' },
  codes: JSON_FEED_CODES,
  options,
  check(entry) {
    if (!isChecked(entry) || t(entry.posting.title).trim()) return [];
    const d: DiagnosticInput = {
      code: JSON_FEED_CODES.TITLE_EMPTY,
      severity: 'error',
      field: 'title',
      message: 'the title is empty once control characters are removed',
      fix: 'retype the title as plain text',
    };
    return [d];
  },
  render(entries, ctx) {
    const org = ctx.site.organization;
    const tz = ctx.site.schedule.timezone;
    const hubs = ctx.hubs;
    const feed = {
      version: 'https://jsonfeed.org/version/1.1',
      title: t(ctx.options.title ?? `${org.name} jobs`),
      home_page_url: ctx.url(ctx.pages.listing),
      feed_url: ctx.url('feeds/jobs.json'),
      description: t(ctx.options.description ?? `Open roles at ${org.name}`),
      // No icon/avatar: JSON Feed wants square images, and a logo is often not square.
      authors: [{ name: t(org.name), url: org.url }],
      hubs: hubs.length ? hubs.map((url) => ({ type: 'WebSub', url })) : undefined,
      items: listedEntries(entries).map((e) => {
        const p = e.posting;
        const tags = [p.department, p.industry]
          .filter((x): x is string => !!x)
          .map(t)
          .filter(Boolean);
        return {
          // Same identity as the RSS guid: the job page URL, stable for the posting's life.
          id: ctx.url(ctx.pages.page(e.id)),
          url: ctx.url(ctx.pages.page(e.id)),
          external_url: ctx.applyUrl(p),
          title: t(p.title),
          content_html: t(descriptionHtml(p)),
          summary: t(paragraphsOf(p.summary)[0] ?? ''),
          date_published: formatZoned(e.lifecycle.liveFrom, tz),
          date_modified: formatUtc(new Date(Math.max(e.changedAt.getTime(), e.lifecycle.liveFrom.getTime()))),
          tags: tags.length ? tags : undefined,
          _job: jobExtension(e, ctx),
        };
      }),
    };
    // JSON.stringify drops `undefined` members, so absent optional fields leave no key behind.
    return { artifacts: [{ path: 'feeds/jobs.json', contentType: 'application/feed+json; charset=utf-8', body: JSON.stringify(feed, null, 2) + '\n' }] };
  },
});
