/** `notify.google`: the Google Indexing API section of the config. */
import { z } from 'zod';
import { envVarName, httpUrl } from '../../src/model/config';

export const googleSchema = z
  .strictObject({
    enabled: z.boolean().default(false).describe('true: send URL_UPDATED and URL_DELETED for job pages to the Google Indexing API'),
    credentialsEnv: envVarName
      .default('GOOGLE_APPLICATION_CREDENTIALS')
      .describe('NAME of the environment variable holding the path to the service-account JSON key file (never the key itself)'),
    endpoint: httpUrl.default('https://indexing.googleapis.com/v3/urlNotifications:publish').describe('The Indexing API publish URL; change it only to test'),
    tokenUrl: httpUrl.default('https://oauth2.googleapis.com/token').describe("Google's OAuth token URL; change it only to test"),
    dailyBudget: z
      .int()
      .min(1)
      .default(200)
      .describe("Publish requests per day (Google's default quota is 200); the rest wait until the quota resets at midnight Pacific time"),
  })
  .prefault({})
  .describe('The Google Indexing API, told about each job page that goes live, changes or is taken down');

export type GoogleConfig = z.output<typeof googleSchema>;

export const googleExample = `  google:                                       # Google Indexing API
    enabled: true
    credentialsEnv: GOOGLE_APPLICATION_CREDENTIALS   # NAME of the env var holding the key file's path
    endpoint: https://indexing.googleapis.com/v3/urlNotifications:publish   # change only to test
    tokenUrl: https://oauth2.googleapis.com/token
    dailyBudget: 200                            # Google's default quota; the rest wait for the next day
`;
