/**
 * How the core reads the notifiers' config sections: each notifier contributes `notify.<key>` with
 * its own schema, and is handed that section, typed, whenever it is called.
 */
import type { z } from 'zod';
import type { SiteConfig } from '../model/config';
import type { Notifier, RootFile } from './notifier';

/** `notify.http` is the core's own section. */
const RESERVED = new Set(['http']);

/** The schemas of `notify.<key>`, in registry order; two notifiers cannot claim one key. */
export function notifySections(notifiers: readonly Notifier[]): Record<string, z.ZodType> {
  const out: Record<string, z.ZodType> = {};
  for (const n of notifiers) {
    if (!n.section) continue;
    const { key, schema } = n.section;
    if (RESERVED.has(key) || key in out) throw new Error(`notifier ${n.name}: the config section notify.${key} is already taken`);
    out[key] = schema;
  }
  return out;
}

/**
 * The notifier's own section of a parsed config (undefined for a notifier without one). A config
 * parsed without this notifier's schema (one made by hand) gets the section's defaults.
 */
export function configOf<C>(notifier: Notifier<C>, site: Pick<SiteConfig, 'notify'>): C {
  const section = notifier.section;
  if (!section) return undefined as C;
  return section.key in site.notify ? (site.notify[section.key] as C) : section.schema.parse(undefined);
}

/** The context a notifier is called with: the run's, plus its own section. */
export function withConfig<T extends { site: SiteConfig }, C>(notifier: Notifier<C>, ctx: T): T & { config: C } {
  return { ...ctx, config: configOf(notifier, ctx.site) };
}

/** The notifiers the config switches on. */
export function activeNotifiers(notifiers: readonly Notifier[], site: Pick<SiteConfig, 'notify'>): Notifier[] {
  return notifiers.filter((n) => n.enabled(configOf(n, site)));
}

/** The WebSub hubs feeds name, from the notifiers that ping hubs. */
export function feedHubsOf(notifiers: readonly Notifier[], site: Pick<SiteConfig, 'notify'>): string[] {
  return notifiers.flatMap((n) => n.feedHubs?.(configOf(n, site)) ?? []);
}

/** The files the server answers at the site's root on the notifiers' behalf. */
export function rootFilesOf(notifiers: readonly Notifier[], site: Pick<SiteConfig, 'notify'>): RootFile[] {
  return notifiers.flatMap((n) => n.rootFiles?.(configOf(n, site)) ?? []);
}
