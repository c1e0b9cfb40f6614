import { http } from './http';
import { invites } from './invites';

export const benchmarks = { http, invites };
