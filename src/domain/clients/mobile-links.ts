/**
 * Native app links (docs: "Enable Universal Links Support in Apple Xcode", "Enable Android App Links
 * Support"): an application's `mobile.ios` (Apple Team ID + bundle identifier) and `mobile.android`
 * (package name + signing-certificate SHA-256 fingerprints), and the two association files built
 * from them, `apple-app-site-association` and `assetlinks.json`.
 *
 * The files tell iOS and Android which apps may open (and, for iOS 17.4+ HTTPS callbacks, finish
 * ASWebAuthenticationSession on) the tenant's URLs, so a value here is a trust statement: formats
 * are checked strictly, a half-filled platform is refused (it would publish nothing, so it would be
 * a setting stored and ignored), and only native applications may hold them (no other application
 * type gets into the files).
 */
import { invalid } from '../errors.js';
import type { Client } from './client.js';

/** Apple Team ID (the App ID prefix): ten upper-case letters or digits. */
const TEAM_ID = /^[A-Z0-9]{10}$/;
/** Bundle identifier: reverse-DNS, letters, digits, hyphens and dots, at least two labels (Apple: ≤ 155 characters). */
const BUNDLE_ID = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
const MAX_BUNDLE_ID = 155;
/** Android package name: Java package rules, at least two segments, each a letter then letters, digits or underscores. */
const PACKAGE_NAME = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$/;
const MAX_PACKAGE_NAME = 255;
/** A SHA-256 fingerprint as keytool prints it and Digital Asset Links expects it: 32 upper-case hex bytes joined by colons. */
const FINGERPRINT = /^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/;
export const MAX_FINGERPRINTS = 20;

/** The stored shape (Auth0's `mobile`). */
export interface MobileSettings {
  ios?: { team_id?: string; app_bundle_identifier?: string };
  android?: { app_package_name?: string; sha256_cert_fingerprints?: string[] };
}

const set = (value: string | undefined): value is string => typeof value === 'string' && value !== '';

/** The iOS app an application names, when it names one completely. */
export function iosAppOf(client: Client): { teamId: string; bundleId: string } | undefined {
  const ios = (client.mobile as MobileSettings | undefined)?.ios;
  return set(ios?.team_id) && set(ios?.app_bundle_identifier) ? { teamId: ios.team_id, bundleId: ios.app_bundle_identifier } : undefined;
}

/** The Android app an application names, when it names one completely. */
export function androidAppOf(client: Client): { packageName: string; fingerprints: string[] } | undefined {
  const android = (client.mobile as MobileSettings | undefined)?.android;
  const fingerprints = android?.sha256_cert_fingerprints ?? [];
  return set(android?.app_package_name) && fingerprints.length > 0 ? { packageName: android.app_package_name, fingerprints } : undefined;
}

const refuse = (message: string) => invalid(`Payload validation error: ${message}`);

/** Checked on every create and update, on the merged application (client-rules.ts). */
export function checkMobile(client: Client): void {
  const mobile = client.mobile as MobileSettings | undefined;
  if (!mobile) return;
  const ios = mobile.ios ?? {};
  const android = mobile.android ?? {};
  const fingerprints = android.sha256_cert_fingerprints ?? [];
  const anything = set(ios.team_id) || set(ios.app_bundle_identifier) || set(android.app_package_name) || fingerprints.length > 0;
  if (!anything) return;
  if (client.app_type !== 'native') {
    throw refuse("'mobile' (iOS universal links and Android App Links) applies to native applications only (app_type 'native').");
  }
  if (set(ios.team_id) || set(ios.app_bundle_identifier)) {
    if (!set(ios.team_id) || !set(ios.app_bundle_identifier)) throw refuse("'mobile.ios' needs both team_id and app_bundle_identifier.");
    if (!TEAM_ID.test(ios.team_id)) throw refuse("'mobile.ios.team_id' must be an Apple Team ID: 10 upper-case letters or digits.");
    if (ios.app_bundle_identifier.length > MAX_BUNDLE_ID || !BUNDLE_ID.test(ios.app_bundle_identifier)) {
      throw refuse(`'mobile.ios.app_bundle_identifier' must be a reverse-DNS bundle identifier (letters, digits, hyphens, at least two dot-separated parts, at most ${MAX_BUNDLE_ID} characters).`);
    }
  }
  if (set(android.app_package_name) || fingerprints.length > 0) {
    if (!set(android.app_package_name) || fingerprints.length === 0) throw refuse("'mobile.android' needs both app_package_name and at least one of sha256_cert_fingerprints.");
    if (android.app_package_name.length > MAX_PACKAGE_NAME || !PACKAGE_NAME.test(android.app_package_name)) {
      throw refuse("'mobile.android.app_package_name' must be an Android package name (at least two dot-separated parts, each a letter followed by letters, digits or underscores).");
    }
    if (fingerprints.length > MAX_FINGERPRINTS) throw refuse(`'mobile.android.sha256_cert_fingerprints' may list at most ${MAX_FINGERPRINTS} fingerprints.`);
    for (const fingerprint of fingerprints) {
      if (!FINGERPRINT.test(fingerprint)) throw refuse(`'mobile.android.sha256_cert_fingerprints' must hold SHA-256 fingerprints as 32 upper-case hex bytes separated by colons (AB:CD:…), not "${fingerprint.slice(0, 120)}".`);
    }
    if (new Set(fingerprints).size !== fingerprints.length) throw refuse("'mobile.android.sha256_cert_fingerprints' lists a fingerprint twice.");
  }
}

/** At most this many applications go into each file: bounds the answer whatever the tenant holds. */
export const MAX_LINKED_APPS = 100;

/**
 * Apple's association file as Auth0 serves it (the docs' sample: `applinks.apps` empty, one detail per
 * app with `appID` `{team}.{bundle}` and the path `/ios/{bundle}/*` its callbacks live under), plus
 * `webcredentials.apps`, which iOS 17.4+ requires before an HTTPS callback may end an
 * ASWebAuthenticationSession (Auth0.swift's `useHTTPS()`).
 */
export function appleAppSiteAssociation(clients: readonly Client[]): object {
  const apps = clients
    .filter((client) => client.app_type === 'native')
    .map(iosAppOf)
    .filter((app): app is NonNullable<typeof app> => app !== undefined)
    .slice(0, MAX_LINKED_APPS);
  return {
    applinks: { apps: [], details: apps.map((app) => ({ appID: `${app.teamId}.${app.bundleId}`, paths: [`/ios/${app.bundleId}/*`] })) },
    webcredentials: { apps: apps.map((app) => `${app.teamId}.${app.bundleId}`) },
  };
}

/** Digital Asset Links statements: each native Android app may handle all of the tenant's URLs. */
export function assetLinks(clients: readonly Client[]): object[] {
  return clients
    .filter((client) => client.app_type === 'native')
    .map(androidAppOf)
    .filter((app): app is NonNullable<typeof app> => app !== undefined)
    .slice(0, MAX_LINKED_APPS)
    .map((app) => ({
      relation: ['delegate_permission/common.handle_all_urls'],
      target: { namespace: 'android_app', package_name: app.packageName, sha256_cert_fingerprints: app.fingerprints },
    }));
}
