/**
 * The Lock widget, inline in `#lock`, in its default redirect mode: it reads the application's
 * connections from `https://{domain}/client/{client_id}.js`, logs in with auth0.js cross-origin
 * authentication, and on the way back (`/lock#access_token=...`) emits `authenticated`.
 * Tests read `window.lockResult`, a promise of the first `authenticated` / error event.
 */
(function () {
  var Lock = window.Auth0LockBundle.Auth0Lock;
  var status = document.getElementById('status');
  var out = document.getElementById('out');
  var lock = new Lock(CONFIG.clientID, CONFIG.domain, {
    container: 'lock',
    avatar: null, // no gravatar lookups: the network is closed
    languageBaseUrl: location.origin, // the dictionary from the app, not Auth0's CDN
    theme: { logo: 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7' }, // not the default logo on Auth0's CDN
    auth: { redirectUrl: location.origin + '/lock', responseType: 'token id_token', params: { scope: 'openid profile email' } },
  });
  function settle(resolve, label, value) {
    status.textContent = label;
    out.textContent = JSON.stringify(value, null, 2);
    resolve(value);
  }
  window.lockResult = new Promise(function (resolve) {
    lock.on('authenticated', function (result) {
      settle(resolve, 'authenticated', { ok: true, accessToken: !!result.accessToken, idTokenPayload: result.idTokenPayload });
    });
    lock.on('authorization_error', function (error) {
      settle(resolve, 'authorization_error', { ok: false, error: error });
    });
    lock.on('unrecoverable_error', function (error) {
      settle(resolve, 'unrecoverable_error', { ok: false, error: String(error) });
    });
  });
  if (!location.hash) lock.show();
})();
