import crypto, { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import type { SigningKey } from './cades';

/** Node's crypto has no PKCS#12: node-forge opens the file (and makes the development one); Node's crypto signs. */

const toBinary = (bytes: Buffer) => forge.util.createBuffer(bytes.toString('binary'));
const fromAsn1 = (node: forge.asn1.Asn1) => Buffer.from(forge.asn1.toDer(node).getBytes(), 'binary');

/**
 * The private key and certificates of a PKCS#12 file (.p12/.pfx): one RSA key of at least 2048 bits, the certificate
 * that goes with it, and the rest of its chain if the file holds it. Throws a message that says what is wrong.
 */
export function readPkcs12(p12: Buffer, password: string): SigningKey {
  let pfx: forge.pkcs12.Pkcs12Pfx;
  try {
    pfx = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(toBinary(p12)), false, password);
  } catch (err) {
    throw new Error(`cannot open the PKCS#12 file (not a PKCS#12 file, or a wrong password): ${(err as Error).message}`, { cause: err });
  }
  const bags = pfx.safeContents.flatMap((c) => c.safeBags);
  const keys = bags
    .filter((b) => b.type === forge.pki.oids.pkcs8ShroudedKeyBag || b.type === forge.pki.oids.keyBag)
    .map((b) =>
      b.key ? crypto.createPrivateKey(forge.pki.privateKeyToPem(b.key)) : crypto.createPrivateKey({ key: fromAsn1(b.asn1), format: 'der', type: 'pkcs8' }),
    );
  const certificates = bags
    .filter((b) => b.type === forge.pki.oids.certBag)
    .map((b) => new X509Certificate(b.cert ? fromAsn1(forge.pki.certificateToAsn1(b.cert)) : fromAsn1(b.asn1)));
  if (keys.length !== 1) throw new Error(`the PKCS#12 file must hold one private key (it holds ${keys.length})`);
  const privateKey = keys[0] as crypto.KeyObject;
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error(`the signing key must be an RSA key (it is ${privateKey.asymmetricKeyType})`);
  if ((privateKey.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw new Error('the signing key must be an RSA key of at least 2048 bits');
  const certificate = certificates.find((c) => c.checkPrivateKey(privateKey));
  if (!certificate) throw new Error('the PKCS#12 file holds no certificate for its private key');
  return { privateKey, certificate, chain: certificates.filter((c) => c !== certificate) };
}

/**
 * A self-signed document-signing certificate and its new RSA key as a PKCS#12 file (development only: no reader
 * trusts it, but the signature checks). Valid from a day before `now` for `years` years.
 */
export function selfSignedPkcs12(input: { commonName: string; organization: string; password: string; now: Date; years: number }): Buffer {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  // A positive serial number (first bit clear) of 16 random bytes.
  cert.serialNumber = `0${crypto.randomBytes(16).toString('hex').slice(1)}`;
  cert.validity.notBefore = new Date(input.now.getTime() - 86_400_000);
  cert.validity.notAfter = new Date(input.now.getTime());
  cert.validity.notAfter.setUTCFullYear(cert.validity.notAfter.getUTCFullYear() + input.years);
  // UTF8String values: the names may have accents (node-forge encodes them; its types call this tag a class).
  const utf8 = forge.asn1.Type.UTF8 as unknown as forge.asn1.Class;
  const name = [
    { shortName: 'CN', value: input.commonName, valueTagClass: utf8 },
    { shortName: 'O', value: input.organization, valueTagClass: utf8 },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key, forge.md.sha256.create());
  const p12 = forge.pkcs12.toPkcs12Asn1(key, [cert], input.password, { algorithm: 'aes256', friendlyName: input.commonName });
  return fromAsn1(p12);
}
