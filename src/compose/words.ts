/**
 * The fixed words around a posting (labels, standard headings, units) in each language the pages and
 * emails are written in. A posting's `language` picks them (a translation's is its tag); a language
 * without its own table is shown with the English words, and amounts and dates still follow it (Intl).
 * English is what every channel has always said: a role without `language` reads exactly as before.
 */
import type { EmploymentType, SalaryUnit } from '../model/posting';

export interface Words {
  sections: { responsibilities: string; qualifications: string; preferredQualifications: string; benefits: string };
  units: Record<SalaryUnit, string>;
  employment: Record<EmploymentType, string>;
  payByLocation: string;
  payByCountry: string;
  /** `Remote — applicants in United States` */
  remote: (countries: string) => string;
  hybrid: string;
  page: {
    location: string;
    salary: string;
    employmentType: string;
    posted: string;
    applyBy: string;
    applyNow: string;
    orEmail: string;
    about: string;
    requirements: string;
    skills: string;
    whereYouWork: string;
    offices: string;
    details: string;
    reference: string;
    applyFor: (title: string) => string;
    titleAt: (title: string, org: string) => string;
    otherLanguages: string;
    skipToContent: string;
    allOpenRoles: string;
    noLongerOpen: string;
    closedOn: (date: string) => string;
    seeAllRoles: string;
    titleGone: (title: string, org: string) => string;
  };
  email: {
    location: string;
    salary: string;
    employment: string;
    department: string;
    applyBy: string;
    reference: string;
    industry: string;
    occupation: string;
    requirements: string;
    skills: string;
    howToApply: string;
    applyOnline: string;
    applyByEmail: string;
    onOurSite: string;
    subscribed: string;
    unsubscribeOpen: string;
    orSendUnsubscribe: string;
    sendUnsubscribe: string;
    writeToUnsubscribe: string;
    announcementsFrom: string;
    stopWriteTo: string;
  };
}

const EN: Words = {
  sections: {
    responsibilities: 'Responsibilities',
    qualifications: 'Qualifications',
    preferredQualifications: 'Preferred qualifications',
    benefits: 'Benefits',
  },
  units: { HOUR: 'per hour', DAY: 'per day', WEEK: 'per week', MONTH: 'per month', YEAR: 'per year' },
  employment: {
    FULL_TIME: 'Full-time',
    PART_TIME: 'Part-time',
    CONTRACTOR: 'Contract',
    TEMPORARY: 'Temporary',
    INTERN: 'Internship',
    VOLUNTEER: 'Volunteer',
    PER_DIEM: 'Per diem',
    OTHER: 'Other',
  },
  payByLocation: 'Pay by location',
  payByCountry: 'Pay by country',
  remote: (countries) => `Remote — applicants in ${countries}`,
  hybrid: '(hybrid)',
  page: {
    location: 'Location',
    salary: 'Salary',
    employmentType: 'Employment type',
    posted: 'Posted',
    applyBy: 'Apply by',
    applyNow: 'Apply now',
    orEmail: 'or email',
    about: 'About the role',
    requirements: 'Requirements',
    skills: 'Skills',
    whereYouWork: 'Where you will work',
    offices: 'Offices',
    details: 'Details',
    reference: 'Reference',
    applyFor: (title) => `Apply for ${title}`,
    titleAt: (title, org) => `${title} at ${org}`,
    otherLanguages: 'This role in other languages',
    skipToContent: 'Skip to content',
    allOpenRoles: 'All open roles',
    noLongerOpen: 'This role is no longer accepting applications.',
    closedOn: (date) => `Applications closed on ${date}.`,
    seeAllRoles: 'See all open roles',
    titleGone: (title, org) => `${title} at ${org} (no longer open)`,
  },
  email: {
    location: 'Location:',
    salary: 'Salary:',
    employment: 'Employment:',
    department: 'Department:',
    applyBy: 'Apply by:',
    reference: 'Reference:',
    industry: 'Industry:',
    occupation: 'Occupation:',
    requirements: 'Requirements',
    skills: 'Skills',
    howToApply: 'How to apply',
    applyOnline: 'Apply online:',
    applyByEmail: 'Or apply by email:',
    onOurSite: 'The job on our site:',
    subscribed: 'You receive this because you subscribe to the mailing list',
    unsubscribeOpen: 'To unsubscribe, open:',
    orSendUnsubscribe: 'or send an email with the subject "unsubscribe" to:',
    sendUnsubscribe: 'To unsubscribe, send an email with the subject "unsubscribe" to:',
    writeToUnsubscribe: 'To unsubscribe, write to:',
    announcementsFrom: 'Job announcements from:',
    stopWriteTo: 'To stop receiving them, write to:',
  },
};

const FR: Words = {
  sections: { responsibilities: 'Missions', qualifications: 'Profil recherché', preferredQualifications: 'Atouts', benefits: 'Avantages' },
  units: { HOUR: 'de l’heure', DAY: 'par jour', WEEK: 'par semaine', MONTH: 'par mois', YEAR: 'par an' },
  employment: {
    FULL_TIME: 'Temps plein',
    PART_TIME: 'Temps partiel',
    CONTRACTOR: 'Contrat de prestation',
    TEMPORARY: 'Temporaire',
    INTERN: 'Stage',
    VOLUNTEER: 'Bénévolat',
    PER_DIEM: 'À la journée',
    OTHER: 'Autre',
  },
  payByLocation: 'Salaire selon le lieu',
  payByCountry: 'Salaire selon le pays',
  remote: (countries) => `Télétravail — candidatures depuis : ${countries}`,
  hybrid: '(hybride)',
  page: {
    location: 'Lieu',
    salary: 'Salaire',
    employmentType: 'Type de contrat',
    posted: 'Publiée le',
    applyBy: 'Candidater avant le',
    applyNow: 'Postuler',
    orEmail: 'ou écrire à',
    about: 'Le poste',
    requirements: 'Exigences',
    skills: 'Compétences',
    whereYouWork: 'Lieu de travail',
    offices: 'Bureaux',
    details: 'Détails',
    reference: 'Référence',
    applyFor: (title) => `Postuler : ${title}`,
    titleAt: (title, org) => `${title} chez ${org}`,
    otherLanguages: 'Ce poste dans d’autres langues',
    skipToContent: 'Aller au contenu',
    allOpenRoles: 'Tous les postes ouverts',
    noLongerOpen: 'Ce poste n’accepte plus de candidatures.',
    closedOn: (date) => `Les candidatures ont fermé le ${date}.`,
    seeAllRoles: 'Voir tous les postes ouverts',
    titleGone: (title, org) => `${title} chez ${org} (poste pourvu ou fermé)`,
  },
  email: {
    location: 'Lieu :',
    salary: 'Salaire :',
    employment: 'Contrat :',
    department: 'Service :',
    applyBy: 'Avant le :',
    reference: 'Référence :',
    industry: 'Secteur :',
    occupation: 'Métier :',
    requirements: 'Exigences',
    skills: 'Compétences',
    howToApply: 'Comment postuler',
    applyOnline: 'Postuler en ligne :',
    applyByEmail: 'Ou par e-mail :',
    onOurSite: 'Le poste sur notre site :',
    subscribed: 'Vous recevez ce message en tant qu’abonné de la liste de diffusion',
    unsubscribeOpen: 'Pour vous désabonner, ouvrez :',
    orSendUnsubscribe: 'ou envoyez un e-mail avec l’objet « unsubscribe » à :',
    sendUnsubscribe: 'Pour vous désabonner, envoyez un e-mail avec l’objet « unsubscribe » à :',
    writeToUnsubscribe: 'Pour vous désabonner, écrivez à :',
    announcementsFrom: 'Offres d’emploi envoyées par :',
    stopWriteTo: 'Pour ne plus les recevoir, écrivez à :',
  },
};

const DE: Words = {
  sections: { responsibilities: 'Aufgaben', qualifications: 'Qualifikationen', preferredQualifications: 'Wünschenswert', benefits: 'Wir bieten' },
  units: { HOUR: 'pro Stunde', DAY: 'pro Tag', WEEK: 'pro Woche', MONTH: 'pro Monat', YEAR: 'pro Jahr' },
  employment: {
    FULL_TIME: 'Vollzeit',
    PART_TIME: 'Teilzeit',
    CONTRACTOR: 'Freie Mitarbeit',
    TEMPORARY: 'Befristet',
    INTERN: 'Praktikum',
    VOLUNTEER: 'Ehrenamt',
    PER_DIEM: 'Tageweise',
    OTHER: 'Sonstiges',
  },
  payByLocation: 'Gehalt nach Standort',
  payByCountry: 'Gehalt nach Land',
  remote: (countries) => `Remote — Bewerbungen aus: ${countries}`,
  hybrid: '(hybrid)',
  page: {
    location: 'Standort',
    salary: 'Gehalt',
    employmentType: 'Anstellungsart',
    posted: 'Veröffentlicht',
    applyBy: 'Bewerbung bis',
    applyNow: 'Jetzt bewerben',
    orEmail: 'oder per E-Mail an',
    about: 'Über die Stelle',
    requirements: 'Anforderungen',
    skills: 'Kenntnisse',
    whereYouWork: 'Arbeitsort',
    offices: 'Büros',
    details: 'Details',
    reference: 'Referenz',
    applyFor: (title) => `Bewerben: ${title}`,
    titleAt: (title, org) => `${title} bei ${org}`,
    otherLanguages: 'Diese Stelle in anderen Sprachen',
    skipToContent: 'Zum Inhalt springen',
    allOpenRoles: 'Alle offenen Stellen',
    noLongerOpen: 'Für diese Stelle werden keine Bewerbungen mehr angenommen.',
    closedOn: (date) => `Die Bewerbungsfrist endete am ${date}.`,
    seeAllRoles: 'Alle offenen Stellen ansehen',
    titleGone: (title, org) => `${title} bei ${org} (nicht mehr offen)`,
  },
  email: {
    location: 'Standort:',
    salary: 'Gehalt:',
    employment: 'Anstellung:',
    department: 'Abteilung:',
    applyBy: 'Bewerbung bis:',
    reference: 'Referenz:',
    industry: 'Branche:',
    occupation: 'Beruf:',
    requirements: 'Anforderungen',
    skills: 'Kenntnisse',
    howToApply: 'So bewerben Sie sich',
    applyOnline: 'Online bewerben:',
    applyByEmail: 'Oder per E-Mail:',
    onOurSite: 'Die Stelle auf unserer Website:',
    subscribed: 'Sie erhalten diese Nachricht als Abonnent der Mailingliste',
    unsubscribeOpen: 'Zum Abbestellen öffnen Sie:',
    orSendUnsubscribe: 'oder senden Sie eine E-Mail mit dem Betreff „unsubscribe“ an:',
    sendUnsubscribe: 'Zum Abbestellen senden Sie eine E-Mail mit dem Betreff „unsubscribe“ an:',
    writeToUnsubscribe: 'Zum Abbestellen schreiben Sie an:',
    announcementsFrom: 'Stellenangebote von:',
    stopWriteTo: 'Um sie nicht mehr zu erhalten, schreiben Sie an:',
  },
};

const BY_LANGUAGE: Readonly<Record<string, Words>> = { en: EN, fr: FR, de: DE };

/** The words for a language by its primary subtag (`de-CH` → German); English without one. */
export function wordsFor(lang: string | undefined): Words {
  return (lang && BY_LANGUAGE[lang.split('-')[0]!.toLowerCase()]) || EN;
}

/** The languages with words of their own, for docs/postings.md. */
export const WORDED_LANGUAGES: readonly string[] = Object.keys(BY_LANGUAGE);

/** The locale amounts and dates are written in: the language, or US English without one (as always). */
export const formatLocale = (lang: string | undefined): string => lang ?? 'en-US';
