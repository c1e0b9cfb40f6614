/**
 * Stands in for `form-data` in deployed bundles (`bundleAliases`, infra/aws/bundling.ts). axios
 * requires it at load, but builds one only for a multipart/form-data body (its `toFormData`, `env.FormData`);
 * its only user here, the DocuSign client (shared/signature/docusign-client.ts), sends JSON and one
 * urlencoded token request, never multipart. The package would cost the DocuSign consumer 160 KB, mostly
 * mime-db's table of every MIME type. test/integration/docusign-bundled.test.ts runs every DocuSign call bundled.
 */
class MultipartRefused {
  constructor() {
    throw new Error('multipart/form-data is not bundled (infra/aws/form-data-refused.ts): send JSON, or remove the form-data alias');
  }
}

// form-data is CommonJS: axios requires the class itself.
export = MultipartRefused;
