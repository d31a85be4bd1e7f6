/** Apply-link attribution: each channel's links carry its own source parameter. */
import type { SiteConfig } from '../model/config';

/** `url` with `parameter=value` set, the URL's existing query and fragment preserved. */
function withSourceParameter(url: string, parameter: string, value: string): string {
  const u = new URL(url);
  // Keep the existing query byte for byte (no re-encoding through URLSearchParams); replace only ours.
  const kept = u.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && safeDecode(pair.split('=')[0]!) !== parameter);
  kept.push(`${encodeURIComponent(parameter)}=${encodeURIComponent(value)}`);
  u.search = '?' + kept.join('&');
  return u.toString();
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

export function trackedUrl(url: string, channel: string, site: Pick<SiteConfig, 'tracking'>): string {
  const t = site.tracking;
  if (!t.enabled) return url;
  return withSourceParameter(url, t.parameter, t.values[channel] ?? channel);
}

/** The counting redirect of a role's apply link for one channel: `apply/<id>/<channel>` (`…/<lang>` for a translation). */
export const applyRedirectPath = (id: string, channel: string, lang?: string): string => `apply/${id}/${channel}${lang ? `/${lang}` : ''}`;
