import { describe, expect, it } from 'vitest';
import { problems, problemTypeBase } from '../../shared/http/problem';

describe('problem details', () => {
  it('names every invalid field in the detail and in errors', () => {
    const problem = problems.validation([
      { location: 'body', field: 'lines.0.amount', message: 'Expected number' },
      { location: 'query', field: 'limit', message: 'Too big' },
    ]);
    expect(problem.toJSON('/v1/x')).toEqual({
      type: `${problemTypeBase}validation`,
      title: 'Invalid request',
      status: 400,
      detail: 'The request has 2 invalid fields: body lines.0.amount, query limit.',
      instance: '/v1/x',
      errors: [
        { location: 'body', field: 'lines.0.amount', message: 'Expected number' },
        { location: 'query', field: 'limit', message: 'Too big' },
      ],
    });
  });

  it('hides the cause of internal errors', () => {
    expect(problems.internal().toJSON()).toMatchObject({ status: 500, type: `${problemTypeBase}internal` });
  });

  it('asks for a bearer token on 401', () => {
    expect(problems.unauthorized().headers).toEqual({ 'www-authenticate': 'Bearer' });
  });
});
