/**
 * The auth0-spa-js test app. Tests drive it through `window.spa` (each hook resolves to a JSON-safe
 * result or `{ error, error_description, message }`); the buttons do the same for a person looking
 * at a screenshot. Configuration: memory cache and no refresh tokens, so a reload keeps nothing and
 * `getTokenSilently` must go through the hidden iframe (`prompt=none`, `response_mode=web_message`).
 *
 * On load, a URL carrying `code`/`error` and `state` is handled with `handleRedirectCallback`
 * (as a real app does) unless `?manual=1` is set; `window.spaReady` settles when that is done.
 * The client is built with `new Auth0Client` rather than `createAuth0Client`, which would also run
 * `checkSession()` on load: tests call `checkSession`/`getTokenSilently` themselves, and a short
 * `authorizeTimeoutInSeconds` makes a silent-auth iframe that never answers fail fast.
 */
(function () {
  const out = document.getElementById('out');
  const status = document.getElementById('status');

  function show(label, value) {
    out.textContent = `${label}: ${JSON.stringify(value, null, 2)}\n\n${out.textContent}`.slice(0, 20000);
    return value;
  }

  function failure(error) {
    return { error: error.error || error.name || 'error', error_description: error.error_description, message: error.message };
  }

  async function run(label, fn) {
    try {
      return show(label, await fn());
    } catch (error) {
      return show(label, failure(error));
    }
  }

  async function start() {
    const config = await (await fetch('/config.json')).json();
    const client = new auth0.Auth0Client({
      domain: config.domain,
      clientId: config.clientId,
      cacheLocation: 'memory',
      useRefreshTokens: false,
      authorizeTimeoutInSeconds: 10,
      authorizationParams: {
        redirect_uri: `${window.location.origin}/callback`,
        ...(config.audience ? { audience: config.audience } : {}),
      },
    });

    const spa = {
      client,
      config,
      login: (options) => client.loginWithRedirect(options),
      handleRedirectCallback: (url) => run('handleRedirectCallback', async () => {
        const result = await client.handleRedirectCallback(url);
        window.history.replaceState({}, '', '/');
        return { ok: true, appState: result.appState ?? null };
      }),
      checkSession: (options) => run('checkSession', async () => {
        await client.checkSession(options);
        return client.isAuthenticated();
      }),
      getTokenSilently: (options) => run('getTokenSilently', () => client.getTokenSilently(options)),
      getTokenDetails: (options) => run('getTokenSilently', () => client.getTokenSilently({ ...options, detailedResponse: true })),
      isAuthenticated: () => run('isAuthenticated', () => client.isAuthenticated()),
      getUser: () => run('getUser', async () => (await client.getUser()) ?? null),
      getIdTokenClaims: () => run('getIdTokenClaims', async () => (await client.getIdTokenClaims()) ?? null),
      logout: (options) => client.logout({ logoutParams: { returnTo: `${window.location.origin}/` }, ...options }),
    };
    window.spa = spa;

    document.getElementById('login').onclick = () => spa.login();
    document.getElementById('callback').onclick = () => spa.handleRedirectCallback();
    document.getElementById('token').onclick = () => spa.getTokenSilently();
    document.getElementById('is-authenticated').onclick = () => spa.isAuthenticated();
    document.getElementById('user').onclick = () => spa.getUser();
    document.getElementById('logout').onclick = () => spa.logout();

    const params = new URLSearchParams(window.location.search);
    const isCallback = (params.has('code') || params.has('error')) && params.has('state');
    if (isCallback && !params.has('manual')) {
      spa.callbackResult = await spa.handleRedirectCallback();
    }
    status.textContent = (await client.isAuthenticated()) ? 'authenticated' : 'anonymous';
    return spa;
  }

  // Tests `await window.spaReady`; it resolves to the hooks (or to the start-up error).
  window.spaReady = start().catch((error) => {
    status.textContent = 'failed to start';
    return show('start', failure(error));
  });
})();
