/**
 * Where a role's pay applies. A role is paid where the person works: at each of its locations
 * (onsite, hybrid), or in each applicant country (remote; its locations are offices). Each place
 * has its own salary, or the role-wide `salary`, or none. Every channel asks here, so a place's
 * pay is the same on the page, in the markup, in each board's job and in the email.
 */
import type { Posting, PostingLocation, Salary } from './posting';

export interface PayPlace {
  /** The entry the place comes from: `locations.1`, `applicantLocations.0`. */
  field: string;
  country: string;
  /** The location, for onsite and hybrid roles. */
  location?: PostingLocation;
  /** The pay that applies here, if any. */
  salary?: Salary;
  /** Where that salary is written: its own (`locations.1.salary`) or the role-wide `salary`. */
  salaryField?: string;
}

/** The role's places in source order, each with the pay that applies there. */
export function payPlaces(p: Posting): PayPlace[] {
  if (p.workplace === 'remote') {
    return (p.applicantLocations ?? []).map((country, i) => {
      const own = p.salaryByCountry?.[country];
      return place(`applicantLocations.${i}`, country, undefined, own ? [own, `salaryByCountry.${country}`] : fallback(p));
    });
  }
  return (p.locations ?? []).map((l, i) => place(`locations.${i}`, l.country, l, l.salary ? [l.salary, `locations.${i}.salary`] : fallback(p)));
}

const fallback = (p: Posting): [Salary, string] | undefined => (p.salary ? [p.salary, 'salary'] : undefined);

function place(field: string, country: string, location: PostingLocation | undefined, pay: [Salary, string] | undefined): PayPlace {
  return { field, country, ...(location ? { location } : {}), ...(pay ? { salary: pay[0], salaryField: pay[1] } : {}) };
}

const sameSalary = (a: Salary, b: Salary): boolean =>
  a.currency === b.currency && a.unit === b.unit && a.min === b.min && a.max === b.max && a.value === b.value;

/**
 * The one salary true at every place, or undefined when places differ or one has none. A role with
 * no place to list (no locations, no countries) keeps its role-wide salary.
 */
export function sharedSalary(p: Posting): Salary | undefined {
  const places = payPlaces(p);
  if (!places.length) return p.salary;
  const first = places[0]!.salary;
  return first && places.every((pl) => pl.salary && sameSalary(pl.salary, first)) ? first : undefined;
}

/** True when the places are paid differently (or some are paid and others not stated). */
export function payVaries(p: Posting): boolean {
  return !sharedSalary(p) && payPlaces(p).some((pl) => pl.salary);
}

/** Any pay at all: a role-wide salary or one place's. */
export const hasPay = (p: Posting): boolean => !!p.salary || payPlaces(p).some((pl) => pl.salary);
