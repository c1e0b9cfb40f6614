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
    /** Sends one REST request (what every generated *Api method calls); resolves to the deserialized body, or a PDF's bytes. */
    callApi(
      path: string,
      httpMethod: string,
      pathParams: Record<string, string>,
      queryParams: Record<string, string>,
      headerParams: Record<string, string>,
      formParams: Record<string, unknown>,
      bodyParam: object | null,
      authNames: string[],
      contentTypes: string[],
      accepts: string[],
      returnType: unknown,
    ): Promise<unknown>;
    defaultHeaders: Record<string, string>;
  }
  export = ApiClient;
}
