import { http } from './http';

export const benchmarks = { http };
