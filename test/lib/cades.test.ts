import crypto from 'node:crypto';
import fs from 'node:fs';
import forge from 'node-forge';
import { cadesDetachedSignature, cadesSignatureRoom } from '../../src/lib/cades';
import { readPkcs12, selfSignedPkcs12 } from '../../src/lib/pkcs12';
import { TEST_SIGNING_CERT } from '../support/app';

const OID = {
  signedData: '1.2.840.113549.1.7.2',
  data: '1.2.840.113549.1.7.1',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
};

type Node = forge.asn1.Asn1;
const kids = (n: Node) => n.value as Node[];
const bytes = (n: Node) => Buffer.from(n.value as string, 'binary');
const oidOf = (n: Node) => forge.asn1.derToOid(n.value as string);

/** The parts of a CMS ContentInfo (SignedData) a PAdES validator looks at. */
function parse(der: Buffer) {
  const contentInfo = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')));
  const [type, explicit] = kids(contentInfo) as [Node, Node];
  const signedData = kids(explicit)[0] as Node;
  const [, , encapContentInfo, certificates, signerInfos] = kids(signedData) as [Node, Node, Node, Node, Node];
  const signerInfo = kids(signerInfos)[0] as Node;
  const [, sid, digestAlgorithm, signedAttrs, , signature] = kids(signerInfo) as [Node, Node, Node, Node, Node, Node];
  const attributes = new Map(kids(signedAttrs).map((a) => [oidOf(kids(a)[0] as Node), kids(kids(a)[1] as Node)[0] as Node]));
  return { type, encapContentInfo, certificates, sid, digestAlgorithm, signedAttrs, signature, attributes };
}

describe('CAdES detached signature (PAdES baseline B-B)', () => {
  const key = readPkcs12(fs.readFileSync(TEST_SIGNING_CERT.SIGNING_CERT_FILE), TEST_SIGNING_CERT.SIGNING_CERT_PASSWORD);
  const content = Buffer.from('%PDF-1.3 the signed byte ranges');
  const der = cadesDetachedSignature(content, key);
  const cms = parse(der);

  it('is a detached SignedData over SHA-256 carrying the signer’s certificate', () => {
    expect(oidOf(cms.type)).toBe(OID.signedData);
    expect(kids(cms.encapContentInfo)).toHaveLength(1); // the content type only: detached
    expect(oidOf(kids(cms.encapContentInfo)[0] as Node)).toBe(OID.data);
    expect(oidOf(kids(cms.digestAlgorithm)[0] as Node)).toBe(OID.sha256);
    const certificates = kids(cms.certificates).map((c) => Buffer.from(forge.asn1.toDer(c).getBytes(), 'binary'));
    expect(certificates).toEqual([key.certificate.raw]);
  });

  it('signs content-type, message-digest and signing-certificate-v2, without a signing-time attribute', () => {
    expect([...cms.attributes.keys()].sort()).toEqual([OID.contentType, OID.messageDigest, OID.signingCertificateV2].sort());
    expect(cms.attributes.has(OID.signingTime)).toBe(false);
    expect(oidOf(cms.attributes.get(OID.contentType) as Node)).toBe(OID.data);
    expect(bytes(cms.attributes.get(OID.messageDigest) as Node)).toEqual(crypto.createHash('sha256').update(content).digest());
    // SigningCertificateV2 { certs { ESSCertIDv2 { certHash } } }: the SHA-256 of the signer's certificate.
    const essCertId = kids(kids(cms.attributes.get(OID.signingCertificateV2) as Node)[0] as Node)[0] as Node;
    expect(kids(essCertId)).toHaveLength(1);
    expect(bytes(kids(essCertId)[0] as Node)).toEqual(crypto.createHash('sha256').update(key.certificate.raw).digest());
  });

  it('names the signer by its certificate’s issuer and serial number, and its signature checks with the certificate', () => {
    const serial = kids(cms.sid)[1] as Node;
    expect(
      Buffer.from(serial.value as string, 'binary')
        .toString('hex')
        .replace(/^00/, '')
        .toUpperCase(),
    ).toBe(key.certificate.serialNumber);
    // The signature covers the DER of the signed attributes as a SET OF (tag 0x31 instead of [0]).
    const signedAttributes = Buffer.from(forge.asn1.toDer(cms.signedAttrs).getBytes(), 'binary');
    signedAttributes[0] = 0x31;
    expect(crypto.verify('sha256', signedAttributes, key.certificate.publicKey, bytes(cms.signature))).toBe(true);
    const other = Buffer.from(content);
    other[0] = 0;
    expect(bytes(parse(cadesDetachedSignature(other, key)).attributes.get(OID.messageDigest) as Node)).not.toEqual(
      bytes(cms.attributes.get(OID.messageDigest) as Node),
    );
  });

  it('fits in the room left for it in the PDF', () => {
    expect(der.length).toBeLessThanOrEqual(cadesSignatureRoom(key));
  });

  it('opens a PKCS#12 file made by node-forge (the development one) and refuses a wrong password', () => {
    const p12 = selfSignedPkcs12({ commonName: 'Ça signe', organization: 'Été SA', password: 'pw', now: new Date('2026-01-01T00:00:00Z'), years: 10 });
    const dev = readPkcs12(p12, 'pw');
    expect(dev.certificate.subject).toBe('CN=Ça signe\nO=Été SA');
    expect(dev.certificate.validTo).toBe('Jan  1 00:00:00 2036 GMT');
    expect(dev.certificate.checkPrivateKey(dev.privateKey)).toBe(true);
    expect(() => readPkcs12(p12, 'wrong')).toThrow(/cannot open the PKCS#12 file .*Invalid password\?/);
  });
});
