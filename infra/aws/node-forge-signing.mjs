/**
 * Stands in for `node-forge`'s package entry in deployed bundles (`bundleAliases`,
 * infra/aws/bundling.ts): the entry loads all of forge (TLS, SSH, Ed25519, KEM, …) onto one
 * shared object; the seal needs its PKCS#12, PKCS#7, X.509, ASN.1 and hashes
 * (shared/signature/certificates.ts, @signpdf/signer-p12), which load what they use themselves.
 * test/unit/pdf-bundle.test.ts makes a certificate and seals with the bundled code.
 */
import forge from '../../node_modules/node-forge/lib/forge.js';
import '../../node_modules/node-forge/lib/asn1.js';
import '../../node_modules/node-forge/lib/md.all.js';
import '../../node_modules/node-forge/lib/pkcs12.js';
import '../../node_modules/node-forge/lib/pkcs7.js';
import '../../node_modules/node-forge/lib/pki.js';
import '../../node_modules/node-forge/lib/util.js';

export default forge;
