/**
 * The one way WS-Fed XML is written: a DOM (@xmldom/xmldom) whose serializer escapes every text
 * node and attribute value, so no value (a user's name, the application's `wctx`, a realm) can
 * ever become markup. Nothing here parses XML from outside: Tessera only writes WS-Fed documents.
 */
import { DOMImplementation, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';

export type XmlChild = XmlNode | string;

/** An element to write: a qualified name in a namespace, attributes, and children (text or elements). */
export interface XmlNode {
  name: string;
  ns: string;
  attributes?: Record<string, string | undefined>;
  /** Namespace declarations to write on this element (`xmlns:prefix` → URI), for prefixes its descendants or attribute values use. */
  declare?: Record<string, string>;
  children?: XmlChild[];
}

export const el = (name: string, ns: string, attributes: XmlNode['attributes'] = {}, children: XmlChild[] = [], declare?: Record<string, string>): XmlNode => ({
  name,
  ns,
  attributes,
  children,
  ...(declare ? { declare } : {}),
});

/** Serializes `root` (with its namespace declaration) as a standalone document, without an XML declaration. */
export function writeXml(root: XmlNode): string {
  const document = new DOMImplementation().createDocument(root.ns, root.name, null);
  fill(document, document.documentElement!, root);
  return new XMLSerializer().serializeToString(document);
}

/**
 * Characters XML 1.0 does not allow in a document (its `Char` production): C0 controls but tab, LF
 * and CR, U+FFFE/U+FFFF, and lone surrogates. The serializer escapes markup but writes these as they
 * are, so a user's name or a `wctx` holding one would make a document a strict parser rejects (or
 * one parsers read differently from the signer): each becomes U+FFFD before it enters the DOM.
 */
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export const xmlSafe = (value: string): string => value.replace(NOT_XML_CHAR, '\uFFFD');

function fill(document: Document, element: Element, node: XmlNode): void {
  for (const [prefix, uri] of Object.entries(node.declare ?? {})) element.setAttributeNS('http://www.w3.org/2000/xmlns/', `xmlns:${prefix}`, xmlSafe(uri));
  for (const [name, value] of Object.entries(node.attributes ?? {})) if (value !== undefined) element.setAttribute(name, xmlSafe(value));
  for (const child of node.children ?? []) {
    if (typeof child === 'string') element.appendChild(document.createTextNode(xmlSafe(child)));
    else {
      const created = document.createElementNS(child.ns, child.name);
      fill(document, created, child);
      element.appendChild(created);
    }
  }
}
