/**
 * The console's one HTML page. Everything it shows is built by /admin/console.js from the
 * admin API; there is no inline script or style (the Content-Security-Policy forbids both).
 */
export const CONSOLE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>scim-bridge console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/admin/console.css">
<script type="module" src="/admin/console.js"></script>
</head>
<body>
<a class="skip-link" id="skip-link" href="#main">Skip to content</a>
<header class="top" id="top" hidden>
  <span class="brand">scim-bridge</span>
  <nav aria-label="Console">
    <ul>
      <li><a href="#/log" data-page="log">Sync log</a></li>
      <li><a href="#/groups" data-page="groups">Groups</a></li>
      <li><a href="#/members" data-page="members">Members</a></li>
      <li><a href="#/connections" data-page="connections">Connections</a></li>
      <li><a href="#/deliveries" data-page="deliveries">Deliveries</a></li>
      <li><a href="#/health" data-page="health">Health</a></li>
    </ul>
  </nav>
  <span class="who" id="who"></span>
  <button type="button" id="sign-out" class="secondary">Sign out</button>
</header>
<main id="main" tabindex="-1">
  <p class="muted" id="booting">Loading the console…</p>
  <noscript><p>The console needs JavaScript.</p></noscript>
</main>
<div id="announcer" class="visually-hidden" role="status" aria-live="polite"></div>
</body>
</html>
`;
