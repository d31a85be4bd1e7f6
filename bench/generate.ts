/**
 * Seeded, deterministic synthetic postings for the benchmark: one YAML file per role, shaped like real
 * ones (2–6 KB descriptions: summary paragraphs + four bullet sections; 10% multi-location, 30% remote,
 * 60% onsite/hybrid; salaries on most, some hourly; accents, CJK, emoji and RTL text in some; mostly
 * US/GB/DE/CA with a tail of other countries). Posting i depends only on (seed, i), so the first 1k of
 * a 10k set are the 1k set, and a single role can be regenerated or edited on its own.
 *
 *   node build/bench/generate.js DIR N [--seed S]
 */
import { mkdirSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export const DEFAULT_SEED = 20261201;
/** The instant the benchmark builds for; generated dates are placed around it. */
export const BENCH_NOW = new Date('2026-12-01T12:00:00Z');

/** mulberry32: a tiny, fast, seeded PRNG (32-bit state). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  constructor(readonly next: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** Weighted pick from [value, weight] pairs. */
  weighted<T>(pairs: readonly (readonly [T, number])[]): T {
    const total = pairs.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [v, w] of pairs) {
      r -= w;
      if (r < 0) return v;
    }
    return pairs[pairs.length - 1]![0];
  }
  sample<T>(list: readonly T[], n: number): T[] {
    const copy = [...list];
    const out: T[] = [];
    while (out.length < n && copy.length) out.push(copy.splice(Math.floor(this.next() * copy.length), 1)[0]!);
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Word banks

const LEVELS = ['', '', '', 'Senior ', 'Senior ', 'Staff ', 'Principal ', 'Junior ', 'Lead ', 'Associate '];
const ROLES = [
  'Backend Engineer',
  'Frontend Engineer',
  'Data Engineer',
  'Site Reliability Engineer',
  'Product Designer',
  'Machine Learning Engineer',
  'Security Engineer',
  'Product Manager',
  'Data Scientist',
  'QA Engineer',
  'Mobile Engineer',
  'Platform Engineer',
  'Technical Writer',
  'Customer Success Manager',
  'Account Executive',
  'Registered Nurse',
  'Warehouse Associate',
  'Delivery Driver',
  'Financial Analyst',
  'HR Business Partner',
  'Recruiter',
  'Sales Development Representative',
  'Solutions Architect',
  'Support Specialist',
  'Accountant',
  'Marketing Manager',
  'Content Strategist',
  'Electrician',
  'Pharmacist',
  'Store Manager',
  'Line Cook',
  'Développeur Full-Stack',
  'Ingénieur Logiciel',
  'Softwareentwickler',
  'Projektleiterin Bau',
  'Analista de Datos',
  'Ingeniera de Datos',
  'Économiste',
  'Übersetzer Japanisch',
  'ソフトウェアエンジニア',
  '数据分析师',
  'مهندس برمجيات',
  'מפתח תוכנה',
];
const DEPARTMENTS = [
  'Engineering',
  'Product',
  'Design',
  'Data',
  'Operations',
  'Sales',
  'Marketing',
  'Finance',
  'People',
  'Customer Success',
  'Logistics',
  'Healthcare',
  'Retail',
  'Recherche & Développement',
];
const INDUSTRIES = [
  'Software Development',
  'Hospitals and Health Care',
  'Retail',
  'Financial Services',
  'Logistics',
  'Manufacturing',
  'Education',
  'Staffing and Recruiting',
];
const SOC = [
  '15-1252.00',
  '15-1254.00',
  '15-2051.00',
  '11-2021.00',
  '29-1141.00',
  '53-3031.00',
  '13-2011.00',
  '43-4051.00',
  '41-3091.00',
  '15-1211.00',
  '35-2014.00',
];
const SKILLS = [
  'Python',
  'Go',
  'Java',
  'TypeScript',
  'Rust',
  'SQL',
  'Kubernetes',
  'Docker',
  'AWS',
  'GCP',
  'Azure',
  'Terraform',
  'React',
  'Figma',
  'Excel',
  'Salesforce',
  'PostgreSQL',
  'Kafka',
  'Spark',
  'dbt',
  'Tableau',
  'CPR',
  'Forklift',
  'SAP',
  'Kotlin',
  'Swift',
  'C++',
  'GraphQL',
  'Linux',
  'Jira',
];

const SUBJECTS = [
  'Our team',
  'The platform group',
  'This role',
  'Our customers',
  'The company',
  'Our engineers',
  'The data team',
  'Every new hire',
  'Our clinic staff',
  'The operations crew',
];
const VERBS = [
  'builds',
  'ships',
  'designs',
  'maintains',
  'improves',
  'supports',
  'scales',
  'measures',
  'owns',
  'reviews',
  'automates',
  'documents',
  'operates',
  'coordinates',
];
const OBJECTS = [
  'reliable services used by millions of people',
  'the systems that move goods across three continents',
  'tools that make recruiters faster',
  'a data platform that answers questions in seconds',
  'patient care plans with clinicians',
  'the checkout flow of our stores',
  'internal dashboards and weekly reports',
  'infrastructure that costs less every quarter',
  'a design system with accessible components',
  'pipelines that process billions of events',
  'relationships with our largest accounts',
  'onboarding for new team members',
  'the roadmap together with product and design',
  'secure defaults for every deployment',
];
const TAILS = [
  'with a focus on correctness',
  'while keeping on-call calm',
  'in close collaboration with other teams',
  'from the first sketch to production',
  'across our offices in Berlin, Toronto and London',
  'without cutting corners on safety',
  'and writes down what it learns',
  'using modern, boring technology',
  'for customers in more than forty countries',
  'with a healthy sense of humour',
];
const UNICODE_BITS = [
  'in Zürich and Kraków',
  'for our café partners in São Paulo',
  'with a naïve-Bayes baseline first',
  'from the Ærøskøbing office',
  'including résumé screening tools',
  'for Québec and Île-de-France',
  'with Ångström-level precision',
  'near the Straße des 17. Juni',
];
const CJK_SENTENCES = [
  '私たちは分散システムを構築しています。',
  '我们重视代码质量和团队合作。',
  '우리는 사용자를 위한 제품을 만듭니다.',
  '東京オフィスでのハイブリッド勤務が可能です。',
  '欢迎有大规模数据处理经验的候选人。',
];
const RTL_SENTENCES = [
  'نحن نبحث عن زملاء يحبون العمل الجماعي.',
  'نقدم بيئة عمل مرنة وداعمة.',
  'אנחנו מחפשים אנשים סקרנים שאוהבים ללמוד.',
  'הצוות שלנו עובד בשיתוף פעולה הדוק.',
];
const EMOJI = ['🚀', '🌱', '✨', '🤝', '📈', '🧪', '💡', '🏥', '📦', '🎯'];

const RESP_START = [
  'Design',
  'Build',
  'Own',
  'Run',
  'Improve',
  'Review',
  'Plan',
  'Document',
  'Mentor colleagues on',
  'Partner with stakeholders on',
  'Measure and report on',
  'Automate',
];
const QUAL_START = [
  'Experience with',
  'Solid understanding of',
  'Comfort working with',
  'A track record of delivering',
  'Clear written communication about',
  'Familiarity with',
];
const PREF_START = ['Exposure to', 'Interest in', 'Past work on', 'Certification in', 'Experience mentoring on'];
const BENEFITS = [
  'Competitive salary and yearly reviews',
  '30 days of paid holiday plus public holidays',
  'Private health, dental and vision insurance',
  'A learning budget for books, courses and conferences',
  'Flexible hours and a four-day week in summer',
  'Parental leave of 20 weeks at full pay',
  'Pension plan with employer matching',
  'Home-office budget and a laptop of your choice',
  'Public transport pass or bike leasing',
  'Employee stock options',
  'Paid volunteering days',
  'Free lunch in the office and great coffee',
];

interface Place {
  locality: string;
  region?: string;
  postalCode?: string;
  street?: string;
}

const PLACES: Record<string, readonly Place[]> = {
  US: [
    { locality: 'San Francisco', region: 'CA', postalCode: '94105', street: '1 Market St' },
    { locality: 'New York', region: 'NY', postalCode: '10001', street: '350 5th Ave' },
    { locality: 'Austin', region: 'TX', postalCode: '78701', street: '500 Congress Ave' },
    { locality: 'Seattle', region: 'WA', postalCode: '98101', street: '400 Pine St' },
    { locality: 'Chicago', region: 'IL', postalCode: '60601', street: '200 E Randolph St' },
    { locality: 'Denver', region: 'CO', postalCode: '80202', street: '1600 Broadway' },
    { locality: 'Boston', region: 'MA', postalCode: '02110', street: '1 Federal St' },
    { locality: 'Atlanta', region: 'GA' },
  ],
  GB: [
    { locality: 'London', postalCode: 'EC2A 4NE', street: '1 Finsbury Ave' },
    { locality: 'Manchester', region: 'England', postalCode: 'M1 1AE' },
    { locality: 'Edinburgh', region: 'Scotland', postalCode: 'EH1 1YZ', street: '10 Princes St' },
  ],
  DE: [
    { locality: 'Berlin', postalCode: '10115', street: 'Invalidenstraße 1' },
    { locality: 'München', region: 'Bayern', postalCode: '80331', street: 'Marienplatz 8' },
    { locality: 'Köln', postalCode: '50667', street: 'Hohe Straße 52' },
    { locality: 'Düsseldorf', region: 'Nordrhein-Westfalen' },
  ],
  CA: [
    { locality: 'Toronto', region: 'ON', postalCode: 'M5H 2N2', street: '100 King St W' },
    { locality: 'Montréal', region: 'QC', postalCode: 'H3B 4W8', street: '1000 Rue de la Gauchetière' },
    { locality: 'Vancouver', region: 'BC', postalCode: 'V6B 1A1' },
  ],
  FR: [
    { locality: 'Paris', postalCode: '75002', street: '12 Rue de la Paix' },
    { locality: 'Lyon', region: 'Auvergne-Rhône-Alpes' },
  ],
  NL: [{ locality: 'Amsterdam', postalCode: '1012 JS', street: 'Dam 1' }],
  AU: [{ locality: 'Sydney', region: 'NSW', postalCode: '2000' }],
  IN: [{ locality: 'Bengaluru', region: 'Karnataka', postalCode: '560001' }],
  BR: [{ locality: 'São Paulo', region: 'SP', postalCode: '01310-100', street: 'Av. Paulista 1000' }],
  PL: [{ locality: 'Kraków', postalCode: '31-001' }],
  JP: [{ locality: '東京', region: '東京都', postalCode: '100-0005', street: '丸の内1-1' }],
  ES: [{ locality: 'Madrid', postalCode: '28013', street: 'Calle Mayor 1' }],
  IE: [{ locality: 'Dublin', postalCode: 'D02 X285' }],
  IL: [{ locality: 'Tel Aviv', postalCode: '6100000' }],
  AE: [{ locality: 'Dubai' }],
};
const ADZUNA = new Set(['AU', 'AT', 'BR', 'CA', 'FR', 'DE', 'IN', 'IT', 'NL', 'NZ', 'PL', 'RU', 'SG', 'ZA', 'GB', 'US']);
const COUNTRY_WEIGHTS: readonly (readonly [string, number])[] = [
  ['US', 40],
  ['GB', 14],
  ['DE', 14],
  ['CA', 10],
  ['FR', 4],
  ['NL', 3],
  ['AU', 2],
  ['IN', 3],
  ['BR', 2],
  ['PL', 2],
  ['JP', 2],
  ['ES', 2],
  ['IE', 1],
  ['IL', 1],
  ['AE', 0.5],
];
const CURRENCY: Record<string, string> = {
  US: 'USD',
  GB: 'GBP',
  DE: 'EUR',
  CA: 'CAD',
  FR: 'EUR',
  NL: 'EUR',
  AU: 'AUD',
  IN: 'INR',
  BR: 'BRL',
  PL: 'PLN',
  JP: 'JPY',
  ES: 'EUR',
  IE: 'EUR',
  IL: 'ILS',
  AE: 'AED',
};
/** Rough yearly pay scale against USD, so amounts look plausible per currency. */
const PAY_SCALE: Record<string, number> = { USD: 1, GBP: 0.7, EUR: 0.8, CAD: 1.2, AUD: 1.4, INR: 30, BRL: 3, PLN: 2.5, JPY: 120, ILS: 3.2, AED: 3.2 };

// ---------------------------------------------------------------------------------------------
// YAML helpers

const PLAIN_SAFE = /^[\p{L}\p{N}][^:#'"[\]{}&*!|>%@`,\\\n]*$/u;
const RESERVED = /^(true|false|yes|no|on|off|null|y|n)$/i;

/** A YAML scalar: plain when safe, else a JSON (= YAML double-quoted) string. */
function scalar(s: string): string {
  return PLAIN_SAFE.test(s) && !RESERVED.test(s) && !/\s$/.test(s) && !/^\d/.test(s) ? s : JSON.stringify(s);
}

/** Folded block lines for a paragraph, wrapped at ~100 characters on spaces. */
function wrap(text: string, width = 100): string[] {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines;
}

// ---------------------------------------------------------------------------------------------
// One posting

export interface GeneratedPosting {
  id: string;
  yaml: string;
  /** Lifecycle the generator intended (open/closed/draft). */
  status: 'open' | 'closed' | 'draft';
  workplace: 'onsite' | 'hybrid' | 'remote';
}

const slug = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

interface TextFlavour {
  accents: boolean;
  cjk: boolean;
  emoji: boolean;
  rtl: boolean;
}

function sentence(r: Rng, f: TextFlavour): string {
  const s = `${r.pick(SUBJECTS)} ${r.pick(VERBS)} ${r.pick(OBJECTS)} ${f.accents && r.chance(0.3) ? r.pick(UNICODE_BITS) : r.pick(TAILS)}.`;
  if (f.cjk && r.chance(0.25)) return `${s} ${r.pick(CJK_SENTENCES)}`;
  if (f.rtl && r.chance(0.25)) return `${s} ${r.pick(RTL_SENTENCES)}`;
  return s;
}

function paragraph(r: Rng, f: TextFlavour, minChars: number): string {
  const parts: string[] = [];
  let len = 0;
  while (len < minChars) {
    const s = sentence(r, f);
    parts.push(s);
    len += s.length + 1;
  }
  return parts.join(' ');
}

function bullet(r: Rng, f: TextFlavour, start: readonly string[]): string {
  let b = `${r.pick(start)} ${r.pick(OBJECTS)}`;
  if (r.chance(0.6)) b += `, ${r.pick(TAILS)}`;
  if (r.chance(0.3)) b += ` (${r.sample(SKILLS, r.int(1, 3)).join(', ')})`;
  if (f.accents && r.chance(0.2)) b += ` ${r.pick(UNICODE_BITS)}`;
  if (f.cjk && r.chance(0.15)) b += ` ${r.pick(CJK_SENTENCES)}`;
  if (f.rtl && r.chance(0.15)) b += ` ${r.pick(RTL_SENTENCES)}`;
  if (f.emoji && r.chance(0.3)) b = `${r.pick(EMOJI)} ${b}`;
  return b;
}

function place(r: Rng, country: string): Place {
  return r.pick(PLACES[country]!);
}

function locationLine(country: string, p: Place): string {
  const parts = [`locality: ${scalar(p.locality)}`];
  if (p.region) parts.push(`region: ${scalar(p.region)}`);
  if (p.postalCode) parts.push(`postalCode: ${JSON.stringify(p.postalCode)}`);
  parts.push(`country: ${country}`);
  if (p.street) parts.push(`street: ${scalar(p.street)}`);
  return `  - { ${parts.join(', ')} }`;
}

/** Posting number `index` (0-based) of the set generated with `seed`. */
export function generatePosting(index: number, seed = DEFAULT_SEED): GeneratedPosting {
  const r = new Rng(mulberry32((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0));
  const flavour: TextFlavour = { accents: r.chance(0.3), cjk: r.chance(0.08), emoji: r.chance(0.15), rtl: r.chance(0.05) };
  const title = `${r.pick(LEVELS)}${r.pick(ROLES)}`;
  const base = slug(title) || 'role';
  const id = `${base.slice(0, 32).replace(/-+$/, '')}-${String(index).padStart(6, '0')}`;
  const status = r.weighted<GeneratedPosting['status']>([
    ['open', 94],
    ['closed', 4],
    ['draft', 2],
  ]);
  const workplace = r.weighted<GeneratedPosting['workplace']>([
    ['onsite', 45],
    ['hybrid', 25],
    ['remote', 30],
  ]);
  const posted = new Date(BENCH_NOW.getTime() - r.int(1, 60) * 86400_000);
  const lines: string[] = [];
  lines.push(`title: ${scalar(title)}`);
  lines.push(`reference: REQ-${String(index).padStart(7, '0')}`);
  lines.push(`status: ${status}`);
  lines.push(`datePosted: ${isoDay(posted)}`);
  if (r.chance(0.3)) lines.push(`validThrough: ${isoDay(new Date(posted.getTime() + r.int(45, 150) * 86400_000))}`);
  lines.push(
    `employmentType: [${r.weighted([
      ['FULL_TIME', 80],
      ['PART_TIME', 8],
      ['CONTRACTOR', 7],
      ['TEMPORARY', 3],
      ['INTERN', 2],
    ])}]`,
  );
  lines.push(`department: ${scalar(r.pick(DEPARTMENTS))}`);
  lines.push(`workplace: ${workplace}`);

  let countries: string[];
  if (workplace === 'remote') {
    const first = r.weighted(COUNTRY_WEIGHTS);
    countries = r.chance(0.3)
      ? [
          first,
          ...r.sample(
            ['US', 'CA', 'GB', 'DE', 'FR', 'NL', 'IE'].filter((c) => c !== first),
            r.int(1, 3),
          ),
        ]
      : [first];
    lines.push(`applicantLocations: [${countries.join(', ')}]`);
    if (r.chance(0.3)) {
      // Remote with a home office to report to now and then.
      lines.push('locations:', locationLine(first, place(r, first)));
    }
  } else {
    const first = r.weighted(COUNTRY_WEIGHTS);
    // 10% of all roles are multi-location: one in seven onsite/hybrid ones (70% × 1/7 = 10%).
    const count = r.chance(1 / 7) ? r.int(2, 4) : 1;
    countries = [first];
    const places: string[] = [];
    const seen = new Set<string>();
    for (let k = 0; k < count; k++) {
      const c = k === 0 ? first : r.chance(0.7) ? first : r.weighted(COUNTRY_WEIGHTS);
      // A few draws for a place not listed yet (small countries have one or two).
      let p = place(r, c);
      for (let tries = 0; tries < 4 && seen.has(`${c}:${p.locality}`); tries++) p = place(r, c);
      const key = `${c}:${p.locality}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (!countries.includes(c)) countries.push(c);
      places.push(locationLine(c, p));
    }
    lines.push('locations:', ...places);
  }

  const currency = CURRENCY[countries[0]!]!;
  if (r.chance(0.85)) {
    const scale = PAY_SCALE[currency]!;
    if (r.chance(0.15)) {
      const min = Math.round(r.int(16, 60) * scale * 100) / 100;
      lines.push(`salary: { currency: ${currency}, min: ${min}, max: ${Math.round(min * (1.1 + r.next() * 0.4) * 100) / 100}, unit: HOUR }`);
    } else if (r.chance(0.1)) {
      lines.push(`salary: { currency: ${currency}, value: ${Math.round(r.int(40, 220) * scale) * 1000}, unit: YEAR }`);
    } else {
      const min = Math.round(r.int(40, 220) * scale) * 1000;
      lines.push(`salary: { currency: ${currency}, min: ${min}, max: ${Math.round((min * (1.1 + r.next() * 0.5)) / 1000) * 1000}, unit: YEAR }`);
    }
  }

  // Description: summary paragraphs + four bullet sections, 2–6 KB in all.
  const target = r.int(2000, 6000);
  const paragraphs = Array.from({ length: r.int(1, 3) }, () => paragraph(r, flavour, r.int(200, 500)));
  const sections: [string, readonly string[], string[]][] = [
    ['responsibilities', RESP_START, []],
    ['qualifications', QUAL_START, []],
    ['preferredQualifications', PREF_START, []],
    ['benefits', [], []],
  ];
  let size = Buffer.byteLength(paragraphs.join('\n\n'));
  for (const s of sections) {
    const b = s[0] === 'benefits' ? r.pick(BENEFITS) : bullet(r, flavour, s[1]);
    s[2].push(b);
    size += Buffer.byteLength(b) + 4;
  }
  let k = 0;
  while (size < target) {
    const s = sections[k++ % 4]!;
    const b = s[0] === 'benefits' ? (flavour.emoji && r.chance(0.3) ? `${r.pick(EMOJI)} ${r.pick(BENEFITS)}` : r.pick(BENEFITS)) : bullet(r, flavour, s[1]);
    s[2].push(b);
    size += Buffer.byteLength(b) + 4;
  }
  lines.push('summary: >');
  paragraphs.forEach((p, i) => {
    if (i) lines.push('');
    for (const l of wrap(p)) lines.push(`  ${l}`);
  });
  for (const [name, , items] of sections) {
    lines.push(`${name}:`);
    for (const b of items) lines.push(`  - ${scalar(b)}`);
  }

  const credential = r.pick(['high school', 'associate degree', 'bachelor degree', 'bachelor degree', 'professional certificate', 'postgraduate degree']);
  if (r.chance(0.6)) lines.push(`education: { credential: ${credential} }`);
  if (r.chance(0.7)) lines.push(`experience: { months: ${r.pick([0, 6, 12, 24, 36, 48, 60, 96])} }`);
  lines.push(`skills: [${r.sample(SKILLS, r.int(3, 10)).map(scalar).join(', ')}]`);
  if (r.chance(0.7)) lines.push(`occupationalCategory: "${r.pick(SOC)}"`);
  if (r.chance(0.7)) lines.push(`industry: ${scalar(r.pick(INDUSTRIES))}`);
  lines.push('apply:', `  url: https://careers.example.com/jobs/${id}/apply`);
  if (r.chance(0.3)) lines.push('  email: jobs@example.com');
  if (r.chance(0.5)) lines.push(`  direct: ${r.chance(0.7)}`);

  const channels: string[] = [];
  if (!countries.some((c) => ADZUNA.has(c))) channels.push('  exclude: [adzuna]');
  if (r.chance(0.05)) channels.push('  email: { lists: [engineering-referrals] }');
  if (r.chance(0.2)) channels.push(`  indeed: { category: ${scalar(r.pick(DEPARTMENTS))} }`);
  if (channels.length) lines.push('channels:', ...channels);
  return { id, yaml: `${lines.join('\n')}\n`, status, workplace };
}

/**
 * A content edit of one posting's YAML: the salary moves up (or a salary is added when there is none).
 * `step` varies the edit so repeated edits keep changing the content.
 */
export function editSalary(yaml: string, step = 1): string {
  const m = /^salary: \{ currency: ([A-Z]{3}), (.*), unit: ([A-Z]+) \}$/m.exec(yaml);
  if (!m) return yaml.replace(/^(workplace: .*)$/m, `$1\nsalary: { currency: USD, min: ${50000 + step * 1000}, max: ${90000 + step * 1000}, unit: YEAR }`);
  const bump = m[3] === 'HOUR' ? step : step * 1000;
  const fields = m[2]!.replace(/(min|max|value): ([\d.]+)/g, (_all, k: string, v: string) => `${k}: ${Math.round((Number(v) + bump) * 100) / 100}`);
  return yaml.replace(m[0], `salary: { currency: ${m[1]}, ${fields}, unit: ${m[3]} }`);
}

export const postingFile = (dir: string, id: string) => path.join(dir, `${id}.yaml`);

/** Write postings 0…n-1 into `dir` (created); returns their ids in order. */
export async function writePostings(dir: string, n: number, seed = DEFAULT_SEED, onProgress?: (done: number) => void): Promise<GeneratedPosting[]> {
  mkdirSync(dir, { recursive: true });
  const out: GeneratedPosting[] = [];
  const batch = 64;
  for (let i = 0; i < n; i += batch) {
    const items = Array.from({ length: Math.min(batch, n - i) }, (_, k) => generatePosting(i + k, seed));
    await Promise.all(items.map((p) => fs.writeFile(postingFile(dir, p.id), p.yaml)));
    // Keep only what callers need: the text of 100k roles is ~500 MB.
    for (const p of items) out.push({ ...p, yaml: '' });
    if (onProgress && ((i / batch) % 32 === 0 || i + batch >= n)) onProgress(Math.min(n, i + batch));
  }
  return out;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const seedAt = args.indexOf('--seed');
  const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : DEFAULT_SEED;
  const [dir, nText] = seedAt >= 0 ? args.filter((_, i) => i !== seedAt && i !== seedAt + 1) : args;
  if (!dir || !nText || !Number.isInteger(Number(nText)) || !Number.isInteger(seed)) {
    process.stderr.write('usage: node build/bench/generate.js DIR N [--seed S]\n');
    process.exit(2);
  }
  writePostings(dir, Number(nText), seed).then(
    (list) => process.stdout.write(`wrote ${list.length} postings to ${dir}\n`),
    (err: unknown) => {
      process.stderr.write(`${(err as Error).stack}\n`);
      process.exit(1);
    },
  );
}
