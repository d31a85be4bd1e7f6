/** Every channel jobcast renders. Adding a channel = one file in this folder + one line here. */
import type { Adapter } from '../src/adapter';
import { email } from './email';
import { googleJobPosting } from './google';
import { postingJson } from './posting-json';
import { rss } from './rss';
import { jsonFeed } from './json-feed';
import { linkedin } from './linkedin';
import { indeed } from './indeed';
import { ziprecruiter } from './ziprecruiter';
import { adzuna } from './adzuna';

export const adapters: readonly Adapter[] = [postingJson, googleJobPosting, email, rss, jsonFeed, linkedin, indeed, ziprecruiter, adzuna];
