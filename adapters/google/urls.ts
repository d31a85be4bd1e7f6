/**
 * The URLs this channel owns: each role's page folder and the listing of open roles. Declared on the
 * adapter (`pages`), so every other channel, notifier and the server reach them through the contract.
 */
import type { PageUrls } from '../../src/adapter';

export const jobPages: PageUrls = {
  page: (id, lang) => (lang ? `jobs/${id}/${lang}/` : `jobs/${id}/`),
  listing: 'jobs/',
};
