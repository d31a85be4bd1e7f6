/**
 * Admin HTML: a page template rendered into the admin layout by the shared handlebars instance
 * (strict, escaping). Every string of the page data is redacted first, so a secret cannot reach a page
 * whatever path it took into the data; the finished page is checked once more as a last guard.
 */
import { renderHtml, type HtmlData } from '../compose/html-template';
import type { Redactor } from '../secrets';

export type PageData = { readonly [key: string]: HtmlData };

export interface Frame {
  title: string;
  orgName: string;
  /** Present when logged in: the navigation and the logout form need its CSRF token. */
  csrf?: string;
  /** Path of the current page, to mark it in the navigation. */
  current?: string;
}

const NAV = [
  { href: '/admin/', label: 'Overview' },
  { href: '/admin/publish', label: 'Republish' },
];

function deepRedact(value: HtmlData, redact: Redactor): HtmlData {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v: HtmlData) => deepRedact(v, redact));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deepRedact(v, redact)]));
  return value;
}

export function renderPage(template: string, data: PageData, frame: Frame, redact: Redactor): string {
  const content = renderHtml(`admin-${template}`, deepRedact(data, redact) as PageData);
  const html = renderHtml('admin-layout', {
    pageTitle: redact(frame.title),
    orgName: redact(frame.orgName),
    session: frame.csrf ? { csrf: frame.csrf } : null,
    nav: NAV.map((n) => ({ ...n, current: n.href === frame.current })),
    content,
  });
  return redact(html);
}
