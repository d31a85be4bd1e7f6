/**
 * A project: the config, the adapters and the paths one command works with. Every command opens one,
 * so paths and schemas are resolved the same way everywhere.
 */
import path from 'node:path';
import type { z } from 'zod';
import type { Adapter } from './adapter';
import { fromConfigDir, loadConfigFile } from './load/config';
import { createConfigSchema, type SiteConfig } from './model/config';
import { createPostingSchema, type PostingSchema } from './model/posting';

export interface ProjectOptions {
  /** Config file (default `jobcast.config.yaml` in the working directory). */
  config?: string;
  /** Overrides the config's `postings`; relative to the working directory. */
  postings?: string;
  /** Overrides the config's `output`; relative to the working directory. */
  out?: string;
  /** Overrides the config's `state`. */
  state?: string;
  adapters: readonly Adapter[];
  /** Further top-level config sections (e.g. notifiers) with their schemas. */
  sections?: Readonly<Record<string, z.ZodType>>;
}

export interface Project {
  configFile: string;
  config: SiteConfig;
  postingsDir: string;
  outDir: string;
  statePath: string;
  adapters: readonly Adapter[];
  postingSchema: PostingSchema;
}

export function postingSchemaFor(adapters: readonly Adapter[]): PostingSchema {
  const options: Record<string, z.ZodType> = {};
  for (const a of adapters) if (a.postingOptions) options[a.name] = a.postingOptions;
  return createPostingSchema({ names: adapters.map((a) => a.name), options });
}

export function configSchemaFor(adapters: readonly Adapter[], sections: Readonly<Record<string, z.ZodType>> = {}) {
  const options: Record<string, z.ZodType> = {};
  const organization: Record<string, z.ZodType> = {};
  for (const a of adapters) {
    if (a.options) options[a.name] = a.options;
    Object.assign(organization, a.organization ?? {});
  }
  return createConfigSchema({ options, organization }, sections);
}

export async function openProject(opts: ProjectOptions): Promise<Project> {
  const configFile = path.resolve(opts.config ?? 'jobcast.config.yaml');
  const config = await loadConfigFile(configFile, configSchemaFor(opts.adapters, opts.sections));
  return {
    configFile,
    config,
    postingsDir: opts.postings ? path.resolve(opts.postings) : fromConfigDir(configFile, config.postings),
    outDir: opts.out ? path.resolve(opts.out) : fromConfigDir(configFile, config.output),
    statePath: opts.state ? path.resolve(opts.state) : fromConfigDir(configFile, config.state),
    adapters: opts.adapters,
    postingSchema: postingSchemaFor(opts.adapters),
  };
}
