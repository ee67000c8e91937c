import { z } from 'zod';
import { LANGUAGES } from '../../platform/i18n';
import { emailField, nameField, PRIORITIES, TITLES } from '../../core/application/fields';

const E = 'applications:initiate.fields';

/** Controlled send: one employee. The urgent terms must be accepted when the priority is urgent. */
export const initiateSchema = z
  .object({
    priority: z.enum(PRIORITIES, { error: `${E}.priority.errors.required` }),
    urgentTermsAccepted: z.string().optional(),
    title: z.enum(TITLES, { error: `${E}.title.errors.required` }),
    firstName: nameField(`${E}.firstName.errors`),
    lastName: nameField(`${E}.lastName.errors`),
    email: emailField(`${E}.email.errors`),
    language: z.enum(LANGUAGES, { error: `${E}.language.errors.required` }),
  })
  .superRefine((v, ctx) => {
    if (v.priority === 'urgent' && v.urgentTermsAccepted !== 'yes') {
      ctx.addIssue({ code: 'custom', path: ['urgentTermsAccepted'], message: `${E}.urgentTermsAccepted.errors.required` });
    }
  });

export type InitiateInput = z.infer<typeof initiateSchema>;

/** The order of the fields on the page, so the error summary follows it. */
export const INITIATE_FIELDS = ['priority', 'urgentTermsAccepted', 'title', 'firstName', 'lastName', 'email', 'language'] as const;

/** Fix and resend (issue 16 item 6): the corrected address of an invitation that could not be delivered. */
export const fixAddressSchema = z.object({ email: emailField(`${E}.email.errors`) });
