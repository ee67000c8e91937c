import { tFor, LANGUAGES } from '../../platform/i18n';

/**
 * The 19 columns of the bulk-send spreadsheet (SPEC §3.8), in template order: four mandatory, then fifteen optional
 * pre-fills. Labels and format notes live in locales (`bulk:columns.<key>.label|note`); a header is recognised in
 * French or English, whatever its case, accents or punctuation, plus the aliases below.
 */
export const COLUMN_KEYS = [
  'title',
  'firstName',
  'lastName',
  'email',
  'employeeNumber',
  'costCentre',
  'jobTitle',
  'businessPhone',
  'mobilePhone',
  'language',
  'embossName',
  'businessAddressLine1',
  'businessAddressLine2',
  'businessPostalCode',
  'businessCity',
  'businessCountry',
  'dateOfBirth',
  'birthName',
  'additionalApproverEmail',
] as const;
export type ColumnKey = (typeof COLUMN_KEYS)[number];

export const MANDATORY_COLUMNS: readonly ColumnKey[] = ['title', 'firstName', 'lastName', 'email'];

/** Other header texts people commonly use for a column (compared after normaliseHeader). */
const ALIASES: Partial<Record<ColumnKey, string[]>> = {
  title: ['civilite', 'title', 'titre', 'salutation'],
  firstName: ['prenom', 'first name', 'firstname', 'given name'],
  lastName: ['nom', 'nom de famille', 'last name', 'lastname', 'surname', 'family name'],
  email: ['email', 'e mail', 'courriel', 'adresse email', 'adresse e mail', 'email address', 'e mail address', 'mail'],
  employeeNumber: ['matricule', 'numero de matricule', 'employee number', 'employee id', 'staff number'],
  costCentre: ['centre de cout', 'code centre de cout', 'cost centre', 'cost center', 'cost centre code', 'cost center code'],
  jobTitle: ['fonction', 'poste', 'job title', 'position'],
  language: ['langue', 'langue de correspondance', 'language', 'correspondence language'],
  embossName: ['nom a embosser', 'nom embosse', 'name to emboss', 'embossed name', 'emboss name'],
  dateOfBirth: ['date de naissance', 'date of birth', 'birth date', 'birthdate'],
  birthName: ['nom de naissance', 'nom de jeune fille', 'birth name', 'maiden name'],
};

/** Words a header may end with that say nothing about which column it is. */
const NOISE_SUFFIX = /\s+(obligatoire|facultatif|optionnel|optional|mandatory|required)$/;

/** Lower-case, no accents, punctuation as single spaces: "E-mail de l’approbateur*" → "e mail de l approbateur". */
function normaliseHeader(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .replace(NOISE_SUFFIX, '')
    .trim();
}

let headerIndex: Map<string, ColumnKey> | undefined;

function headerMap(): Map<string, ColumnKey> {
  if (headerIndex) return headerIndex;
  const map = new Map<string, ColumnKey>();
  for (const key of COLUMN_KEYS) {
    for (const lang of LANGUAGES) map.set(normaliseHeader(tFor(lang)(`bulk:columns.${key}.label`)), key);
  }
  for (const [key, aliases] of Object.entries(ALIASES) as Array<[ColumnKey, string[]]>) {
    for (const alias of aliases) if (!map.has(alias)) map.set(alias, key);
  }
  headerIndex = map;
  return map;
}

/** Which template column a header text names, if any. */
export function columnForHeader(text: string): ColumnKey | undefined {
  const normalised = normaliseHeader(text);
  return normalised ? headerMap().get(normalised) : undefined;
}
