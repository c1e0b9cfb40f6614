import { http } from './http';
import { invites } from './invites';
import { invoices } from './invoices';

export const benchmarks = { http, invites, invoices };
