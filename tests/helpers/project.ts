/** Temporary projects for tests: a config, posting files, and the real loader/build. */
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adapters as defaultAdapters } from '../../adapters';
import { notifiers } from '../../notifiers';
import { importers } from '../../importers';
import type { Adapter } from '../../src/adapter';
import { openProject, type Project } from '../../src/project';

export const REPO = path.resolve(__dirname, '..', '..');
export const SHIPPED_POSTING = path.join(REPO, 'postings', 'ml-infrastructure-engineer.yaml');
export const SHIPPED_CONFIG = path.join(REPO, 'jobcast.config.yaml');
export const SEED_TEXT = readFileSync(path.join(REPO, 'tests', 'fixtures', 'seed-posting.txt'), 'utf8');

/**
 * The seed role's text as it must appear in every channel: its opening paragraph, every bullet, and
 * every other line (the section headings and their lead-ins) — together, the whole text.
 */
export function seedPieces(): { opening: string; bullets: string[]; lines: string[] } {
  const lines = SEED_TEXT.split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return {
    opening: lines[0]!,
    bullets: lines.filter((l) => l.startsWith('- ')).map((l) => l.slice(2)),
    lines: lines.slice(1).filter((l) => !l.startsWith('- ')),
  };
}

export const SHIPPED_POSTING_TEXT = readFileSync(SHIPPED_POSTING, 'utf8');
export const SHIPPED_CONFIG_TEXT = readFileSync(SHIPPED_CONFIG, 'utf8');

/** A valid minimal posting as YAML text; override lines by passing a full text instead. */
export const MINIMAL_POSTING = `title: Backend Engineer
status: open
datePosted: 2026-11-01
employmentType: [FULL_TIME]
workplace: onsite
locations:
  - { locality: Berlin, postalCode: "10115", country: DE, street: Invalidenstraße 1 }
salary: { currency: EUR, min: 70000, max: 90000, unit: YEAR }
summary: We build the backend of a job syndication service and need one more engineer who likes correctness.
responsibilities:
  - Build and run services
apply:
  url: https://careers.example.com/jobs/backend-engineer/apply
`;

export interface TempProject {
  dir: string;
  postingsDir: string;
  outDir: string;
  configFile: string;
  write(name: string, text: string): string;
  remove(name: string): void;
  open(adapters?: readonly Adapter[]): Promise<Project>;
  cleanup(): void;
}

/** A project folder in the OS temp dir with the shipped config (or `config`) and the given postings. */
export function tempProject(postings: Record<string, string> = {}, config = SHIPPED_CONFIG_TEXT): TempProject {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jobcast-test-'));
  const postingsDir = path.join(dir, 'postings');
  mkdirSync(postingsDir);
  const configFile = path.join(dir, 'jobcast.config.yaml');
  writeFileSync(configFile, config);
  const write = (name: string, text: string) => {
    const file = path.join(postingsDir, name);
    writeFileSync(file, text);
    return file;
  };
  for (const [name, text] of Object.entries(postings)) write(name, text);
  return {
    dir,
    postingsDir,
    outDir: path.join(dir, 'dist'),
    configFile,
    write,
    remove: (name) => rmSync(path.join(postingsDir, name), { force: true }),
    open: (adapters = defaultAdapters) => openProject({ config: configFile, adapters, notifiers, importers, state: path.join(dir, 'state.db') }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
