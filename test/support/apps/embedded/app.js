/**
 * A custom login form on auth0.js: `WebAuth.login({realm, username, password})` from a page that is
 * not on the identity provider's host, which auth0.js runs as cross-origin authentication
 * (`POST /co/authenticate`, then `/authorize?login_ticket=...`). At `/callback`, `parseHash`
 * validates the returned tokens (state, nonce, signature against the JWKS).
 *
 * `?client_id=` overrides the configured application (to try an application that does not list this
 * origin). Tests read `window.embeddedResult` (a promise: the callback's outcome, or null) and the
 * `#status`/`#out` elements, where a failed login's error is shown.
 */
(function () {
  var params = new URLSearchParams(location.search);
  var realm = params.get('realm') || 'Username-Password-Authentication';
  var webAuth = new auth0.WebAuth({
    domain: CONFIG.domain,
    clientID: params.get('client_id') || CONFIG.clientID,
    redirectUri: location.origin + '/callback',
    responseType: 'token id_token',
    scope: 'openid profile email',
  });
  var status = document.getElementById('status');
  var out = document.getElementById('out');

  function show(label, value) {
    status.textContent = label;
    out.textContent = JSON.stringify(value, null, 2);
    return value;
  }

  document.getElementById('login').addEventListener('submit', function (event) {
    event.preventDefault();
    show('logging in', null);
    webAuth.login(
      { realm: realm, username: document.getElementById('username').value, password: document.getElementById('password').value },
      // Called only when the login fails; on success the browser is on its way to /authorize.
      function (err) {
        show('error', { code: err.code || err.error, description: err.description || err.error_description, statusCode: err.statusCode });
      },
    );
  });

  window.embeddedResult = new Promise(function (resolve) {
    if (!location.hash) return resolve(null);
    webAuth.parseHash(function (err, result) {
      if (err) return resolve(show('callback error', { error: err.error, errorDescription: err.errorDescription }));
      resolve(show('logged in', { accessToken: !!result.accessToken, idTokenPayload: result.idTokenPayload, state: result.state }));
    });
  });
})();
