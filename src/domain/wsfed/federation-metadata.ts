/**
 * The tenant's WS-Federation metadata (`/wsfed/FederationMetadata/2007-06/FederationMetadata.xml`),
 * what a relying party imports to trust Tessera: an EntityDescriptor named by the WS-Fed issuer, with
 * a SecurityTokenService role holding the signing certificate (the current RS256 key's, the one
 * tokens are signed with), the token types and claim types offered, and the passive requestor
 * endpoint (`/wsfed`) that issues tokens. Written through the escaping DOM of xml.ts.
 */
import { el, writeXml } from './xml.js';
import { CLAIM } from './claims.js';

const METADATA = 'urn:oasis:names:tc:SAML:2.0:metadata';
const FED = 'http://docs.oasis-open.org/wsfed/federation/200706';
const AUTH = 'http://docs.oasis-open.org/wsfed/authorization/200706';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const ADDRESSING = 'http://www.w3.org/2005/08/addressing';

const OFFERED_CLAIMS: ReadonlyArray<[uri: string, name: string, description: string]> = [
  [CLAIM.email, 'E-Mail Address', 'The e-mail address of the user'],
  [CLAIM.givenName, 'Given Name', 'The given name of the user'],
  [CLAIM.name, 'Name', 'The unique name of the user'],
  [CLAIM.surname, 'Surname', 'The surname of the user'],
  [CLAIM.nameIdentifier, 'Name ID', 'The SAML name identifier of the user'],
];

/** The base64 body of a PEM certificate (what X509Certificate holds). */
const certificateBody = (pem: string): string => pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');

export function federationMetadata(options: { entityId: string; certificatePem: string; passiveEndpoint: string }): string {
  return writeXml(
    el('EntityDescriptor', METADATA, { entityID: options.entityId }, [
      el(
        'RoleDescriptor',
        METADATA,
        { 'xsi:type': 'fed:SecurityTokenServiceType', protocolSupportEnumeration: FED, ServiceDisplayName: options.entityId },
        [
          el('KeyDescriptor', METADATA, { use: 'signing' }, [el('KeyInfo', DSIG, {}, [el('X509Data', DSIG, {}, [el('X509Certificate', DSIG, {}, [certificateBody(options.certificatePem)])])])]),
          el('fed:TokenTypesOffered', FED, {}, [el('fed:TokenType', FED, { Uri: 'urn:oasis:names:tc:SAML:1.0:assertion' })]),
          el(
            'fed:ClaimTypesOffered',
            FED,
            {},
            OFFERED_CLAIMS.map(([uri, name, description]) =>
              el('auth:ClaimType', AUTH, { Uri: uri, Optional: 'true' }, [el('auth:DisplayName', AUTH, {}, [name]), el('auth:Description', AUTH, {}, [description])]),
            ),
          ),
          el('fed:PassiveRequestorEndpoint', FED, {}, [el('EndpointReference', ADDRESSING, {}, [el('Address', ADDRESSING, {}, [options.passiveEndpoint])])]),
        ],
        // xsi:type's value names the fed prefix: both must be declared where it is read.
        { xsi: XSI, fed: FED },
      ),
    ]),
  );
}
