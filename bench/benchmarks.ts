import { backup } from './backup';
import { http } from './http';
import { invites } from './invites';
import { invoices } from './invoices';
import { myWork } from './my-work';

export const benchmarks = { backup, http, invites, invoices, 'my-work': myWork };
