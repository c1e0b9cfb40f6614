import { backup } from './backup';
import { billingCycle } from './billing-cycle';
import { http } from './http';
import { invites } from './invites';
import { invoices } from './invoices';
import { myWork } from './my-work';
import { ownerPrefill } from './owner-prefill';
import { s3Requests } from './s3-requests';

export const benchmarks = { backup, 'billing-cycle': billingCycle, http, invites, invoices, 'my-work': myWork, 'owner-prefill': ownerPrefill, 's3-requests': s3Requests };
