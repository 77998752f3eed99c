// Applies the saved color scheme before the first paint, so a dark-mode user never sees a light
// flash. It does what Mantine's ColorSchemeScript does, but as a file: the dashboard's CSP allows
// no inline script. Mantine's localStorage manager keeps the choice under this key ('light',
// 'dark' or 'auto' = follow the system).
(function () {
  var scheme = 'auto';
  try {
    var saved = window.localStorage.getItem('mantine-color-scheme-value');
    if (saved === 'light' || saved === 'dark' || saved === 'auto') scheme = saved;
  } catch (e) {
    // Storage can be disabled; follow the system then.
  }
  var computed = scheme === 'auto' ? (window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light') : scheme;
  document.documentElement.setAttribute('data-mantine-color-scheme', computed);
})();
