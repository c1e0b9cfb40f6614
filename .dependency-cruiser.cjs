/**
 * The layering of DESIGN.md ("Layering"), checked by `npm run lint`: the domain decides without
 * knowing about storage, HTTP or AWS; storage answers in domain terms and knows nothing of HTTP.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'shared/domain holds the rules as pure functions: no api, db, http, aws, ElectroDB or AWS SDK.',
      severity: 'error',
      from: { path: '^shared/domain/' },
      to: {
        path: [
          '^shared/(api|db|http|aws|email|pdf|storage|backup|wiring)/',
          '^shared/(config|identity|logger)\\.ts$',
          '^node_modules/electrodb/',
          '^node_modules/@aws-sdk/',
        ],
      },
    },
    {
      name: 'db-knows-no-http',
      comment: 'shared/db answers in domain terms; response mappers live in shared/api.',
      severity: 'error',
      from: { path: '^shared/db/' },
      to: { path: '^shared/(api|http)/' },
    },
    {
      name: 'api-schemas-bundle-no-database',
      comment: 'Every HTTP function bundles the route table and so shared/api: it may name db types, never load db code.',
      severity: 'error',
      from: { path: '^shared/api/' },
      to: { path: ['^shared/db/', '^node_modules/electrodb/', '^node_modules/@aws-sdk/'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-circular',
      comment: 'Import cycles hide the layering and make module initialisation order matter.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '(^|/)(node_modules|cdk\\.out|\\.local)/' },
  },
};
