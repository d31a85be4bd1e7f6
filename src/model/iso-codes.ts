/**
 * ISO code lists the model validates against. Kept as literal data (not Intl) so validation does not
 * depend on the ICU build Node was compiled with.
 */

/** ISO 3166-1 alpha-2: the 249 officially assigned codes. */
export const COUNTRY_CODES: ReadonlySet<string> = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO ' +
    'JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR ' +
    'MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO ' +
    'RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV ' +
    'TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

/** Common non-alpha-2 spellings people write instead, for "did you mean" hints. */
export const COUNTRY_ALIASES: Readonly<Record<string, string>> = {
  USA: 'US',
  UK: 'GB',
  UAE: 'AE',
  GER: 'DE',
  DEU: 'DE',
  FRA: 'FR',
  CAN: 'CA',
  GBR: 'GB',
  AUS: 'AU',
  IND: 'IN',
  NLD: 'NL',
  ESP: 'ES',
  ITA: 'IT',
  IRL: 'IE',
  CHE: 'CH',
  SWE: 'SE',
  POL: 'PL',
  BRA: 'BR',
  MEX: 'MX',
  JPN: 'JP',
  EL: 'GR',
  'UNITED STATES': 'US',
  'UNITED KINGDOM': 'GB',
  'GREAT BRITAIN': 'GB',
  ENGLAND: 'GB',
  GERMANY: 'DE',
  FRANCE: 'FR',
  CANADA: 'CA',
  INDIA: 'IN',
  SPAIN: 'ES',
  ITALY: 'IT',
  NETHERLANDS: 'NL',
  IRELAND: 'IE',
  AUSTRALIA: 'AU',
  SWITZERLAND: 'CH',
  SWEDEN: 'SE',
  POLAND: 'PL',
  BRAZIL: 'BR',
  MEXICO: 'MX',
  JAPAN: 'JP',
};

/**
 * ISO 4217 codes of circulating currencies (list 1 as of 2026), without funds, metals and testing codes,
 * which are never a salary currency.
 */
export const CURRENCY_CODES: ReadonlySet<string> = new Set(
  (
    'AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF ' +
    'CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL ' +
    'HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD ' +
    'MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG ' +
    'QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD ' +
    'TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG'
  ).split(' '),
);

export const CURRENCY_ALIASES: Readonly<Record<string, string>> = {
  $: 'USD',
  US$: 'USD',
  '€': 'EUR',
  '£': 'GBP',
  '¥': 'JPY',
  C$: 'CAD',
  A$: 'AUD',
  RMB: 'CNY',
  NIS: 'ILS',
};

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

const namers = new Map<string, Intl.DisplayNames>([['en', regionNames]]);

/** Display name of a country code in a language ("US" → "United States", in de "Vereinigte Staaten"); English without one; the code itself if unknown. */
export function countryName(code: string, lang = 'en'): string {
  try {
    let namer = namers.get(lang);
    if (!namer) namers.set(lang, (namer = new Intl.DisplayNames([lang], { type: 'region', fallback: 'code' })));
    return namer.of(code) ?? code;
  } catch {
    return code;
  }
}
