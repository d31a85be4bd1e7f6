/**
 * A project: the config, the plugins (adapters and notifiers) and the paths one command works with.
 * Every command opens one, so paths and schemas are resolved the same way everywhere. The plugin
 * lists come from the composition root (src/cli); the core never imports them.
 */
import path from 'node:path';
import type { z } from 'zod';
import type { Adapter, PageUrls, SiteLinks } from './adapter';
import { fromConfigDir, loadConfigFile } from './load/config';
import { createConfigSchema, type SiteConfig, type SiteConfigSchema } from './model/config';
import { createPostingSchema, type PostingSchema } from './model/posting';
import { isPostgresUrl, unsetStateEnv } from './ledger/state-target';
import type { Notifier } from './publish/notifier';
import type { Importer } from './import/importer';
import { importSection } from './import/run';
import { feedHubsOf, notifySections } from './publish/notifier-config';

export interface ProjectOptions {
  /** Config file (default `jobcast.config.yaml` in the working directory). */
  config?: string;
  /** Overrides the config's `postings`; relative to the working directory. */
  postings?: string;
  /** Overrides the config's `output`; relative to the working directory. */
  out?: string;
  /** Overrides the config's `state` (and `stateEnv`): a path, or a postgres:// URL. */
  state?: string;
  /** Where `stateEnv` is read (default process.env). */
  env?: NodeJS.ProcessEnv;
  adapters: readonly Adapter[];
  /** Each contributes its section `notify.<key>` to the config. */
  notifiers: readonly Notifier[];
  /** Further top-level config sections with their schemas. */
  sections?: Readonly<Record<string, z.ZodType>>;
  /** ATS importers (`jobcast import`); each contributes `import.<name>` to the config. */
  importers?: readonly Importer[];
  /** A module exporting these same `adapters` and `notifiers`, so worker threads can load them (src/pipeline/render-pool.ts). */
  plugins?: string;
}

export interface Project {
  configFile: string;
  config: SiteConfig;
  postingsDir: string;
  outDir: string;
  /** The ledger: a SQLite file's absolute path, or a postgres:// URL (which may hold a password: show it with stateShown). */
  statePath: string;
  adapters: readonly Adapter[];
  notifiers: readonly Notifier[];
  importers: readonly Importer[];
  postingSchema: PostingSchema;
  /** The schema `config` was parsed with: it knows which values name a secret (src/secrets.ts). */
  configSchema: SiteConfigSchema;
  /** The module `adapters` and `notifiers` come from (ProjectOptions.plugins), when they come from one. */
  plugins?: string;
}

export function postingSchemaFor(adapters: readonly Adapter[]): PostingSchema {
  const options: Record<string, z.ZodType> = {};
  for (const a of adapters) if (a.postingOptions) options[a.name] = a.postingOptions;
  return createPostingSchema({ names: adapters.map((a) => a.name), options });
}

export function configSchemaFor(adapters: readonly Adapter[], notifiers: readonly Notifier[], sections: Readonly<Record<string, z.ZodType>> = {}) {
  const options: Record<string, z.ZodType> = {};
  const organization: Record<string, z.ZodType> = {};
  for (const a of adapters) {
    if (a.options) options[a.name] = a.options;
    Object.assign(organization, a.organization ?? {});
  }
  return createConfigSchema({ options, organization, notify: notifySections(notifiers) }, sections);
}

/** The WebSub hubs the feeds name (RenderContext.hubs), from the notifiers that ping hubs. */
const feedHubs = (project: Pick<Project, 'config' | 'notifiers'>): string[] => feedHubsOf(project.notifiers, project.config);

/** The job pages' paths, from the one registered channel that renders them. */
export function pageUrlsOf(adapters: readonly Adapter[]): PageUrls | undefined {
  const owners = adapters.filter((a) => a.pages);
  if (owners.length > 1) throw new Error(`two channels declare the job pages: ${owners.map((a) => a.name).join(', ')}`);
  return owners[0]?.pages;
}

/** What the project's channels link to (RenderContext.pages, RenderContext.hubs). */
export function siteLinks(project: Pick<Project, 'config' | 'notifiers' | 'adapters'>): SiteLinks {
  const pages = pageUrlsOf(project.adapters);
  return { ...(pages ? { pages } : {}), hubs: feedHubs(project) };
}

/** The ledger the project uses: a SQLite file's absolute path, or a PostgreSQL URL (Project.statePath). */
function stateTarget(override: string | undefined, configFile: string, config: SiteConfig, env: NodeJS.ProcessEnv): string {
  const fromEnv = config.stateEnv ? env[config.stateEnv] : undefined;
  // Never a silent local file instead: instances meant to share a ledger would each keep their own.
  // Commands that never open the ledger (validate, preview) still run.
  if (override === undefined && config.stateEnv && !fromEnv) return unsetStateEnv(config.stateEnv);
  const given = override ?? fromEnv;
  if (given !== undefined) return isPostgresUrl(given) ? given : override ? path.resolve(given) : fromConfigDir(configFile, given);
  return isPostgresUrl(config.state) ? config.state : fromConfigDir(configFile, config.state);
}

export async function openProject(opts: ProjectOptions): Promise<Project> {
  const configFile = path.resolve(opts.config ?? 'jobcast.config.yaml');
  const importers = opts.importers ?? [];
  const configSchema = configSchemaFor(opts.adapters, opts.notifiers, { ...(importers.length ? { import: importSection(importers) } : {}), ...opts.sections });
  const config = await loadConfigFile(configFile, configSchema);
  return {
    configFile,
    config,
    postingsDir: opts.postings ? path.resolve(opts.postings) : fromConfigDir(configFile, config.postings),
    outDir: opts.out ? path.resolve(opts.out) : fromConfigDir(configFile, config.output),
    statePath: stateTarget(opts.state, configFile, config, opts.env ?? process.env),
    adapters: opts.adapters,
    notifiers: opts.notifiers,
    importers,
    postingSchema: postingSchemaFor(opts.adapters),
    configSchema,
    ...(opts.plugins ? { plugins: opts.plugins } : {}),
  };
}
