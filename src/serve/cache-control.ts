/**
 * How long a cache may keep an output file: the one policy for the server's responses and for the
 * objects `jobcast deploy` puts in a bucket, so a CDN in front of either behaves the same. A closed
 * role's page (410) stays closed; everything else is revalidated after five minutes.
 */
export const cacheControlOf = (e: { status: number }): string => (e.status === 410 ? 'public, max-age=3600' : 'public, max-age=300, must-revalidate');
