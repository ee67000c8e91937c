import crypto, { type KeyObject, type X509Certificate } from 'node:crypto';

/**
 * A detached CAdES signature (CMS SignedData, RFC 5652) as PAdES baseline B-B asks for a PDF signature whose SubFilter
 * is ETSI.CAdES.detached (ETSI EN 319 142-1): SHA-256, the signed attributes content-type, message-digest and ESS
 * signing-certificate-v2 (RFC 5035) and no signing-time attribute (the claimed signing time is the signature
 * dictionary's /M). The signer's certificate and its chain travel in the signature.
 *
 * Encoded here in DER by hand (a few dozen bytes of structure) and signed with Node's crypto (RSA PKCS#1 v1.5), so a
 * signature costs one RSA operation and no parsing of the key.
 */
export interface SigningKey {
  privateKey: KeyObject;
  /** The certificate of the private key. */
  certificate: X509Certificate;
  /** The other certificates of its chain (intermediates, root), sent with the signature; may be empty. */
  chain: X509Certificate[];
}

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
} as const;

// --- DER --------------------------------------------------------------------------------------------------------

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

const sequence = (...items: Buffer[]) => tlv(0x30, ...items);
const integer = (n: number) => tlv(0x02, Buffer.from([n]));
const octetString = (bytes: Buffer) => tlv(0x04, bytes);
const NULL = Buffer.from([0x05, 0x00]);

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const bytes = [40 * a + b];
  for (const arc of rest) {
    const base128 = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) base128.unshift((v & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** A DER SET OF: its elements in ascending order of their encodings (X.690 11.6). */
function setOf(tag: number, items: Buffer[]): Buffer {
  return tlv(tag, ...[...items].sort(Buffer.compare));
}

interface Tlv {
  tag: number;
  /** The whole element, header included. */
  start: number;
  end: number;
  /** Where its content starts. */
  content: number;
}

/** The element at `offset` of a DER buffer (definite lengths only, as DER has). */
function readTlv(der: Buffer, offset: number): Tlv {
  const tag = der[offset] as number;
  let len = der[offset + 1] as number;
  let content = offset + 2;
  if (len & 0x80) {
    const count = len & 0x7f;
    if (count === 0 || count > 4) throw new Error('unsupported DER length');
    len = 0;
    for (let i = 0; i < count; i++) len = len * 256 + (der[content + i] as number);
    content += count;
  }
  if (content + len > der.length) throw new Error('truncated DER');
  return { tag, start: offset, end: content + len, content };
}

/** The children of a constructed element. */
function children(der: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.content; at < parent.end;) {
    const child = readTlv(der, at);
    out.push(child);
    at = child.end;
  }
  return out;
}

/** A certificate's issuer and serial number, as they are encoded in it (CMS IssuerAndSerialNumber). */
function issuerAndSerialNumber(certificate: X509Certificate): Buffer {
  const der = certificate.raw;
  const tbs = children(der, readTlv(der, 0))[0];
  if (!tbs) throw new Error('not a certificate');
  const fields = children(der, tbs);
  // TBSCertificate: [0] version (absent for v1), serialNumber, signature, issuer, …
  const [serial, , issuer] = fields[0]?.tag === 0xa0 ? fields.slice(1) : fields;
  if (!serial || !issuer) throw new Error('not a certificate');
  return sequence(der.subarray(issuer.start, issuer.end), der.subarray(serial.start, serial.end));
}

// --- CMS --------------------------------------------------------------------------------------------------------

function attribute(type: string, value: Buffer): Buffer {
  return sequence(oid(type), setOf(0x31, [value]));
}

/** The detached CAdES signature of `content` (the PDF's signed byte ranges): a DER ContentInfo. */
export function cadesDetachedSignature(content: Buffer, key: SigningKey): Buffer {
  if (key.privateKey.asymmetricKeyType !== 'rsa') throw new Error('the signing key must be an RSA key');
  const sha256Algorithm = sequence(oid(OID.sha256)); // parameters absent (RFC 5754)
  const certificateHash = crypto.createHash('sha256').update(key.certificate.raw).digest();

  const signedAttributes = [
    attribute(OID.contentType, oid(OID.data)),
    attribute(OID.messageDigest, octetString(crypto.createHash('sha256').update(content).digest())),
    // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }; ESSCertIDv2 with the default hash
    // algorithm (SHA-256, so omitted in DER) and without issuerSerial, as the CAdES baseline recommends.
    attribute(OID.signingCertificateV2, sequence(sequence(sequence(octetString(certificateHash))))),
  ];
  // The signature covers the attributes encoded as a SET OF (tag 0x31); the SignerInfo carries them as [0] IMPLICIT.
  const signature = crypto.sign('sha256', setOf(0x31, signedAttributes), key.privateKey);

  const signerInfo = sequence(
    integer(1),
    issuerAndSerialNumber(key.certificate),
    sha256Algorithm,
    setOf(0xa0, signedAttributes),
    sequence(oid(OID.sha256WithRSAEncryption), NULL),
    octetString(signature),
  );
  const signedData = sequence(
    integer(1),
    setOf(0x31, [sha256Algorithm]),
    sequence(oid(OID.data)), // detached: no eContent
    tlv(0xa0, ...[key.certificate, ...key.chain].map((c) => c.raw)),
    setOf(0x31, [signerInfo]),
  );
  return sequence(oid(OID.signedData), tlv(0xa0, signedData));
}

/** Room to leave in the PDF for the signature of `key`, in bytes (the placeholder holds twice as many hex digits). */
export function cadesSignatureRoom(key: SigningKey): number {
  const certificates = [key.certificate, ...key.chain].reduce((n, c) => n + c.raw.length, 0);
  const modulusBytes = Math.ceil((key.privateKey.asymmetricKeyDetails?.modulusLength ?? 4096) / 8);
  return certificates + modulusBytes + 1024;
}
