/**
 * The WS-Fed sign-in response (`wresult`): a WS-Trust RequestSecurityTokenResponse holding a SAML 1.1
 * assertion signed with the tenant's application signing key (the current RS256 key: the one whose
 * certificate `/pem` and the federation metadata publish), exclusive canonicalization, RSA-SHA256
 * and SHA-256, the certificate in KeyInfo, as Auth0's WS-Fed add-on answers (the shape of
 * `node-wsfed`/`node-saml`'s saml11 assertion; Auth0 defaults to SHA-1, Tessera signs with SHA-256).
 *
 * The XML is written through a DOM (xml.ts): every value is escaped by the serializer, never
 * concatenated. The assertion is signed inside the response document, enveloped, by AssertionID.
 */
import { randomBytes, type KeyLike } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { el, writeXml, type XmlNode } from './xml.js';
import type { Claims } from './claims.js';

const SAML = 'urn:oasis:names:tc:SAML:1.0:assertion';
const TRUST = 'http://schemas.xmlsoap.org/ws/2005/02/trust';
const POLICY = 'http://schemas.xmlsoap.org/ws/2004/09/policy';
const ADDRESSING = 'http://www.w3.org/2005/08/addressing';
const UTILITY = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const BEARER = 'urn:oasis:names:tc:SAML:1.0:cm:bearer';
const UNSPECIFIED_NAME_ID = 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';
const SAML11_TOKEN_TYPE = 'urn:oasis:names:tc:SAML:1.0:assertion';

/** Auth0's default lifetime of a SAML/WS-Fed token (samlConfiguration.lifetimeInSeconds). */
export const WSFED_TOKEN_LIFETIME_SECONDS = 3600;

export const SIGNATURE_ALGORITHM = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
export const DIGEST_ALGORITHM = 'http://www.w3.org/2001/04/xmlenc#sha256';
export const EXCLUSIVE_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

export interface SignInToken {
  /** The token's issuer: `urn:{tenant host}`, as the federation metadata's entityID. */
  issuer: string;
  /** The realm the token is for (the AudienceRestrictionCondition and AppliesTo). */
  audience: string;
  /** The user's id (NameIdentifier). */
  subject: string;
  claims: Claims;
  /** How the user authenticated (amr): `pwd` becomes SAML's password method. */
  amr: readonly string[];
  /** Milliseconds since the epoch. */
  now: number;
  lifetimeSeconds?: number;
  /** The application's state, echoed as the response's Context. */
  context?: string;
}

export interface SigningMaterial {
  key: KeyLike;
  certificatePem: string;
}

/** The signed RequestSecurityTokenResponse, as posted in `wresult`. */
export function signInResponse(token: SignInToken, signing: SigningMaterial): string {
  const assertionId = `_${randomBytes(16).toString('hex')}`;
  const issued = iso(token.now);
  const expires = iso(token.now + (token.lifetimeSeconds ?? WSFED_TOKEN_LIFETIME_SECONDS) * 1000);
  const subject = (format: string) =>
    el('saml:Subject', SAML, {}, [el('saml:NameIdentifier', SAML, { Format: format }, [token.subject]), el('saml:SubjectConfirmation', SAML, {}, [el('saml:ConfirmationMethod', SAML, {}, [BEARER])])]);

  const assertion: XmlNode = el('saml:Assertion', SAML, { MajorVersion: '1', MinorVersion: '1', AssertionID: assertionId, Issuer: token.issuer, IssueInstant: issued }, [
    el('saml:Conditions', SAML, { NotBefore: issued, NotOnOrAfter: expires }, [el('saml:AudienceRestrictionCondition', SAML, {}, [el('saml:Audience', SAML, {}, [token.audience])])]),
    el('saml:AttributeStatement', SAML, {}, [subject(UNSPECIFIED_NAME_ID), ...token.claims.map(([type, values]) => attribute(type, values))]),
    el('saml:AuthenticationStatement', SAML, { AuthenticationMethod: authenticationMethod(token.amr), AuthenticationInstant: issued }, [subject(UNSPECIFIED_NAME_ID)]),
  ]);

  const response = el('t:RequestSecurityTokenResponse', TRUST, { Context: token.context }, [
    el('t:Lifetime', TRUST, {}, [el('wsu:Created', UTILITY, {}, [issued]), el('wsu:Expires', UTILITY, {}, [expires])]),
    el('wsp:AppliesTo', POLICY, {}, [el('wsa:EndpointReference', ADDRESSING, {}, [el('wsa:Address', ADDRESSING, {}, [token.audience])])]),
    el('t:RequestedSecurityToken', TRUST, {}, [assertion]),
    el('t:TokenType', TRUST, {}, [SAML11_TOKEN_TYPE]),
    el('t:RequestType', TRUST, {}, ['http://schemas.xmlsoap.org/ws/2005/02/trust/Issue']),
    el('t:KeyType', TRUST, {}, ['http://schemas.xmlsoap.org/ws/2005/05/identity/NoProofKey']),
  ]);

  const signer = new SignedXml({
    privateKey: signing.key,
    publicCert: signing.certificatePem,
    signatureAlgorithm: SIGNATURE_ALGORITHM,
    canonicalizationAlgorithm: EXCLUSIVE_C14N,
    idAttribute: 'AssertionID',
  });
  signer.addReference({ xpath: "//*[local-name(.)='Assertion']", transforms: [ENVELOPED, EXCLUSIVE_C14N], digestAlgorithm: DIGEST_ALGORITHM });
  // Enveloped, as the assertion's last child (SAML 1.1's schema puts ds:Signature after the statements).
  signer.computeSignature(writeXml(response), { location: { reference: "//*[local-name(.)='Assertion']", action: 'append' } });
  return signer.getSignedXml();
}

function attribute(type: string, values: string[]): XmlNode {
  // SAML 1.1 splits a claim type into a namespace and a name at its last slash (how WIF reads it back).
  const cut = type.lastIndexOf('/');
  return el(
    'saml:Attribute',
    SAML,
    { AttributeNamespace: cut >= 0 ? type.slice(0, cut) : '', AttributeName: cut >= 0 ? type.slice(cut + 1) : type },
    values.map((value) => el('saml:AttributeValue', SAML, {}, [value])),
  );
}

const authenticationMethod = (amr: readonly string[]): string => (amr.includes('pwd') ? 'urn:oasis:names:tc:SAML:1.0:am:password' : 'urn:oasis:names:tc:SAML:1.0:am:unspecified');

const iso = (ms: number): string => new Date(ms).toISOString();
