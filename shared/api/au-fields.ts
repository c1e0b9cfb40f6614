import * as z from '../zod';
import { auJurisdictions } from '../domain/au-jurisdictions';

/** Fields the Australian routes share (retention rules, payment schedules). */
export const cents = z.number().check(z.int(), z.maximum(Number.MAX_SAFE_INTEGER));
export const jurisdiction = z.withMeta(z.enum(auJurisdictions), { description: 'Australian state or territory; defaults from the project’s time zone' });
