import type { CardProduct } from '../accounts/options';

/**
 * Sample terms for the demo and tests. Written for Sésame, they are NOT the card issuer's terms: each text says so
 * in its first line. A real installation publishes the issuer's versions (publishTerms).
 */
const SAMPLE_TERMS_VERSION = '2026-01-demo';
export const SAMPLE_TERMS_PUBLISHED_AT = new Date('2026-01-01T00:00:00.000Z');

const SAMPLE_FR = 'TEXTE D’EXEMPLE rédigé pour la démonstration de Sésame — ce ne sont pas les conditions de l’émetteur de la carte.';
const SAMPLE_EN = 'SAMPLE TEXT written for the Sésame demo — these are not the card issuer’s terms.';

const productNames: Record<CardProduct, { fr: string; en: string }> = {
  corporate: { fr: 'la carte Corporate', en: 'the Corporate card' },
  corporate_air_france: { fr: 'la carte Corporate Air France', en: 'the Corporate Air France card' },
};

function cardholderFr(product: CardProduct): string {
  const name = productNames[product].fr;
  const extra =
    product === 'corporate_air_france'
      ? '\n\n7. Programme de fidélité. Les dépenses réglées avec la carte peuvent ouvrir droit à des Miles selon les règles du programme de la compagnie aérienne, communiquées séparément.'
      : '';
  return `${SAMPLE_FR}

1. Objet. Les présentes conditions régissent l’utilisation de ${name}, délivrée au titulaire à la demande de son employeur pour ses dépenses professionnelles.

2. Utilisation. La carte est strictement personnelle. Le titulaire l’utilise pour des dépenses professionnelles, conformément à la politique de voyages et de dépenses de son employeur.

3. Code PIN et sécurité. Le titulaire garde son code PIN secret, ne le note pas avec la carte et signale sans délai la perte ou le vol de la carte.

4. Paiement. Selon l’option choisie par l’employeur, les dépenses sont réglées par l’entreprise, par le titulaire, ou par l’entreprise et le titulaire conjointement.

5. Relevés. Le titulaire vérifie ses relevés et conteste toute opération qu’il ne reconnaît pas dans les délais indiqués par l’émetteur.

6. Données personnelles. Les données de la demande sont traitées pour instruire la demande, émettre la carte et gérer le compte, conformément à la politique de confidentialité de l’émetteur.${extra}`;
}

function cardholderEn(product: CardProduct): string {
  const name = productNames[product].en;
  const extra =
    product === 'corporate_air_france'
      ? '\n\n7. Loyalty programme. Spending paid with the card may earn Miles under the airline programme’s rules, provided separately.'
      : '';
  return `${SAMPLE_EN}

1. Purpose. These terms govern the use of ${name}, issued to the cardholder at their employer’s request for business expenses.

2. Use. The card is strictly personal. The cardholder uses it for business expenses, in line with their employer’s travel and expense policy.

3. PIN and security. The cardholder keeps their PIN secret, never writes it down with the card, and reports a lost or stolen card without delay.

4. Payment. Depending on the option chosen by the employer, spending is paid by the company, by the cardholder, or by both jointly.

5. Statements. The cardholder checks their statements and disputes any transaction they do not recognise within the time the issuer states.

6. Personal data. The application’s data is processed to assess the application, issue the card and manage the account, under the issuer’s privacy policy.${extra}`;
}

const SIGNATURE_FR = `${SAMPLE_FR}

1. Signature électronique. Vous signez votre demande en saisissant un code à usage unique envoyé à l’adresse e-mail de la demande. Cette saisie vaut signature et consentement au contenu du document présenté.

2. Document signé. Le document PDF présenté avant la signature est celui qui est signé ; son empreinte (SHA-256), la date et l’heure, l’adresse e-mail, l’adresse IP et le navigateur utilisés sont enregistrés comme preuve.

3. Conservation. Le document signé et les pièces jointes sont archivés sans possibilité de modification et conservés pendant la durée légale applicable. Vous pouvez télécharger le document signé après la signature.`;

const SIGNATURE_EN = `${SAMPLE_EN}

1. Electronic signature. You sign your application by entering a one-time code sent to the application’s email address. Entering it is your signature and your consent to the content of the document shown.

2. Signed document. The PDF shown before signing is the document you sign; its fingerprint (SHA-256), the date and time, the email address, and the IP address and browser used are recorded as evidence.

3. Retention. The signed document and attachments are archived so that they cannot be changed, and kept for the applicable legal period. You can download the signed document after signing.`;

export interface TermsDraft {
  kind: 'cardholder' | 'signature';
  cardProduct: string;
  language: 'fr' | 'en';
  version: string;
  title: string;
  body: string;
}

export function sampleTerms(products: readonly CardProduct[]): TermsDraft[] {
  const out: TermsDraft[] = [];
  for (const product of products) {
    out.push({
      kind: 'cardholder',
      cardProduct: product,
      language: 'fr',
      version: SAMPLE_TERMS_VERSION,
      title: `Conditions d’utilisation de ${productNames[product].fr} (exemple)`,
      body: cardholderFr(product),
    });
    out.push({
      kind: 'cardholder',
      cardProduct: product,
      language: 'en',
      version: SAMPLE_TERMS_VERSION,
      title: `Terms of use of ${productNames[product].en} (sample)`,
      body: cardholderEn(product),
    });
  }
  out.push({
    kind: 'signature',
    cardProduct: '*',
    language: 'fr',
    version: SAMPLE_TERMS_VERSION,
    title: 'Conditions de la signature électronique (exemple)',
    body: SIGNATURE_FR,
  });
  out.push({
    kind: 'signature',
    cardProduct: '*',
    language: 'en',
    version: SAMPLE_TERMS_VERSION,
    title: 'Electronic signature terms (sample)',
    body: SIGNATURE_EN,
  });
  return out;
}
