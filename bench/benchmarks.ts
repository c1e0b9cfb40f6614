import { backup } from './backup';
import { http } from './http';
import { invites } from './invites';
import { invoices } from './invoices';

export const benchmarks = { backup, http, invites, invoices };
