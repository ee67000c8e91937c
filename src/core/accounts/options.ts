/** Codes stored for a BC's card options; their labels live in locales/<lng>/accounts.json under the same names. */
export const CARD_PRODUCTS = ['corporate', 'corporate_air_france'] as const;
export const PLASTIC_TYPES = ['corporate', 'gold', 'platinum', 'green'] as const;
export const LIABILITY_TYPES = ['company', 'joint', 'individual'] as const;
export const STATEMENT_OPTIONS = ['individual', 'centralised'] as const;
export const PAYMENT_TYPES = ['central', 'individual'] as const;

export type CardProduct = (typeof CARD_PRODUCTS)[number];
export type PlasticType = (typeof PLASTIC_TYPES)[number];
export type LiabilityType = (typeof LIABILITY_TYPES)[number];
export type StatementOption = (typeof STATEMENT_OPTIONS)[number];
export type PaymentType = (typeof PAYMENT_TYPES)[number];
