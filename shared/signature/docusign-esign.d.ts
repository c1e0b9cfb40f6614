/** The parts of the official `docusign-esign` client (plain JavaScript) this product uses, imported file by file to keep the bundle small. */
declare module 'docusign-esign/src/ApiClient' {
  class ApiClient {
    constructor(opts?: { basePath?: string; oAuthBasePath?: string });
    setBasePath(basePath: string): void;
    setOAuthBasePath(oAuthBasePath: string): void;
    addDefaultHeader(name: string, value: string): void;
    requestJWTUserToken(
      clientId: string,
      userId: string,
      scopes: string[],
      rsaPrivateKey: string | Buffer,
      expiresIn: number,
    ): Promise<{ body: { access_token: string; token_type: string; expires_in: number } }>;
    defaultHeaders: Record<string, string>;
  }
  export = ApiClient;
}

declare module 'docusign-esign/src/api/EnvelopesApi' {
  import type ApiClient from 'docusign-esign/src/ApiClient';
  interface EnvelopeRecipients {
    signers?: Array<Record<string, string | undefined>>;
  }
  class EnvelopesApi {
    constructor(apiClient: ApiClient);
    createEnvelope(accountId: string, opts: { envelopeDefinition: object }): Promise<{ envelopeId?: string; status?: string; statusDateTime?: string; uri?: string }>;
    getEnvelope(accountId: string, envelopeId: string, opts?: { include?: string }): Promise<Record<string, unknown> & { status?: string; recipients?: EnvelopeRecipients }>;
    getDocument(accountId: string, envelopeId: string, documentId: string, opts?: object): Promise<Buffer>;
    update(accountId: string, envelopeId: string, opts: { envelope?: object; resendEnvelope?: string }): Promise<unknown>;
    updateRecipients(accountId: string, envelopeId: string, opts: { recipients: object; resendEnvelope?: string }): Promise<unknown>;
    listStatusChanges(
      accountId: string,
      opts: { fromDate?: string; envelopeIds?: string; customField?: string; include?: string },
    ): Promise<{ envelopes?: Array<Record<string, unknown> & { envelopeId?: string; status?: string; recipients?: EnvelopeRecipients }>; resultSetSize?: string }>;
  }
  export = EnvelopesApi;
}
