/**
 * One role in several languages. The file is written in `language`; `translations` give its words
 * (title, summary, lists, their headings and lead-ins) in other languages. A translated posting is the
 * same role with those words swapped in: one id, one reference, the same dates, places and pay, so
 * every channel renders it as it renders the original. Whatever a translation leaves out is shown as
 * in the original (and `missingTranslations` warns about it).
 */
import type { Posting, PostingFields, Translation } from './posting';

const LIST_KEYS = ['responsibilities', 'qualifications', 'preferredQualifications', 'benefits'] as const;
type ListKey = (typeof LIST_KEYS)[number];
type List = NonNullable<PostingFields[ListKey]>;
type TranslatedList = NonNullable<Translation[ListKey]>;

/** The role's languages, its own first, then its translations in tag order; empty for a role in one language. */
export function languagesOf(p: Posting): string[] {
  if (!p.translations || !p.language) return [];
  return [p.language, ...Object.keys(p.translations).sort()];
}

/** The languages a role is published in by language (feeds, lists): its languages, or the one it names. */
export function editionLanguagesOf(p: Posting): string[] {
  const langs = languagesOf(p);
  return langs.length ? langs : p.language ? [p.language] : [];
}

/** The translation a posting is a view of (`translated(p, 'fr')` → `fr`), or undefined for the original. */
export const translationOf = (p: Posting): string | undefined => (p.language !== undefined && p.translations?.[p.language] ? p.language : undefined);

/** The language a page path names, or undefined for the role's own language (its page is `/jobs/<id>/`). */
export const pathLanguage = (p: Posting, lang: string | undefined): string | undefined => (lang === undefined || lang === p.language ? undefined : lang);

const parts = (list: List): { heading?: string | undefined; intro?: string | undefined; items: string[] } => (Array.isArray(list) ? { items: list } : list);

function mergeList(original: List, t: TranslatedList | undefined): List {
  if (!t) return original;
  if (Array.isArray(t)) return Array.isArray(original) ? t : { ...original, items: t };
  const o = parts(original);
  const heading = t.heading ?? o.heading;
  const intro = t.intro ?? o.intro;
  return { ...(heading !== undefined ? { heading } : {}), ...(intro !== undefined ? { intro } : {}), items: t.items ?? o.items };
}

const cache = new WeakMap<Posting, Map<string, Posting>>();

/** The posting in `lang`: the original when `lang` is its own language or not one of its translations. */
export function translated(p: Posting, lang: string | undefined): Posting {
  const t = lang === undefined ? undefined : p.translations?.[lang];
  if (!t || lang === p.language) return p;
  let byLang = cache.get(p);
  if (!byLang) cache.set(p, (byLang = new Map<string, Posting>()));
  let out = byLang.get(lang!);
  if (!out) {
    out = { ...p, language: lang!, title: t.title ?? p.title, summary: t.summary ?? p.summary };
    for (const key of LIST_KEYS) {
      const original = p[key];
      if (original) out[key] = mergeList(original, t[key]);
    }
    byLang.set(lang!, out);
  }
  return out;
}

/** What a translation leaves out, field by field (`title`, `benefits.heading`), in the original's order. */
export function missingTranslations(p: Posting): { lang: string; field: string }[] {
  return Object.entries(p.translations ?? {}).flatMap(([lang, t]) => {
    if (!t) return [];
    const missing: string[] = (['title', 'summary'] as const).filter((k) => t[k] === undefined);
    for (const key of LIST_KEYS) {
      const original = p[key];
      if (!original) continue;
      const tl = t[key];
      if (tl === undefined) {
        missing.push(key);
        continue;
      }
      const o = parts(original);
      const given = Array.isArray(tl) ? { items: tl } : tl;
      for (const part of ['heading', 'intro', 'items'] as const) if (o[part] !== undefined && given[part] === undefined) missing.push(`${key}.${part}`);
    }
    return missing.map((field) => ({ lang, field }));
  });
}
