/** The console's style sheet, served as /admin/console.css. Plain CSS, system fonts, no images. */
export const CONSOLE_CSS = String.raw`
:root {
  --fg: #1d2430;
  --muted: #5b6575;
  --bg: #f6f7f9;
  --panel: #ffffff;
  --line: #d9dde3;
  --accent: #1f5fbf;
  --accent-fg: #ffffff;
  --ok: #1a7f37;
  --ok-bg: #e6f4ea;
  --warn: #8a5a00;
  --warn-bg: #fff4d6;
  --bad: #b42318;
  --bad-bg: #fdecea;
  --info-bg: #e8f0fc;
  --focus: #ffbf47;
  color-scheme: light;
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { font-size: 15px; }
body {
  margin: 0;
  font-family: system-ui, -apple-system, "Segoe UI", "Liberation Sans", "DejaVu Sans", Arial, sans-serif;
  color: var(--fg);
  background: var(--bg);
  line-height: 1.45;
}
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible, tr:focus-visible {
  outline: 3px solid var(--focus);
  outline-offset: 2px;
}
code, .mono { font-family: "DejaVu Sans Mono", ui-monospace, Menlo, Consolas, monospace; font-size: 0.92em; }
h1 { font-size: 1.6rem; margin: 0 0 0.8rem; }
h1:focus { outline: none; }
h2 { font-size: 1.2rem; margin: 1.6rem 0 0.6rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 0.4rem; }
p { margin: 0.4rem 0 0.8rem; }

.skip-link { position: absolute; left: -9999px; top: 0; }
.skip-link:focus { left: 0.5rem; top: 0.5rem; background: var(--panel); padding: 0.4rem 0.8rem; z-index: 10; }
.visually-hidden {
  position: absolute !important; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap;
}

.top {
  display: flex; align-items: center; gap: 1rem; flex-wrap: wrap;
  background: #18212f; color: #fff; padding: 0.5rem 1.2rem;
}
.top .brand { font-weight: 700; letter-spacing: 0.02em; }
.top nav ul { display: flex; gap: 0.2rem; list-style: none; margin: 0; padding: 0; flex-wrap: wrap; }
.top nav a { color: #dfe6f1; text-decoration: none; padding: 0.35rem 0.7rem; border-radius: 4px; display: inline-block; }
.top nav a:hover { background: #2b3748; color: #fff; }
.top nav a[aria-current="page"] { background: #ffffff; color: #18212f; font-weight: 600; }
.top .who { margin-left: auto; color: #b9c4d4; font-size: 0.9rem; }

main { max-width: 1200px; margin: 0 auto; padding: 1.4rem 1.2rem 3rem; }
main:focus { outline: none; }
.muted { color: var(--muted); }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 1rem 1.2rem; margin: 0 0 1rem; }
.panel > h2:first-child { margin-top: 0; }

.signin { max-width: 26rem; margin: 4rem auto; }
.signin h1 { margin-bottom: 0.4rem; }

form.filters { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: 0.6rem 1rem; align-items: end; }
form.filters .actions { display: flex; gap: 0.5rem; }
.field { display: flex; flex-direction: column; gap: 0.2rem; }
.field label { font-size: 0.85rem; font-weight: 600; color: var(--muted); }
input, select {
  font: inherit; color: inherit; background: #fff;
  border: 1px solid #aab3c0; border-radius: 4px; padding: 0.35rem 0.5rem; min-height: 2.1rem;
}
input[type="search"], input[type="text"], input[type="password"] { width: 100%; }
form.inline { display: flex; flex-wrap: wrap; gap: 0.6rem 1rem; align-items: end; }
form.inline .field { min-width: 14rem; }
form.inline [role="alert"] { flex-basis: 100%; }
form.inline [role="alert"]:empty { display: none; }

button {
  font: inherit; cursor: pointer; border-radius: 4px; padding: 0.35rem 0.9rem; min-height: 2.1rem;
  border: 1px solid var(--accent); background: var(--accent); color: var(--accent-fg);
}
button.secondary { background: #fff; color: var(--accent); }
.top button.secondary { background: transparent; color: #fff; border-color: #8d9bb0; }
button.danger { background: #fff; color: var(--bad); border-color: var(--bad); }
button.small { padding: 0.15rem 0.55rem; min-height: 1.8rem; font-size: 0.9rem; }
button:disabled { opacity: 0.55; cursor: default; }

table { width: 100%; border-collapse: collapse; background: var(--panel); border: 1px solid var(--line); }
caption { text-align: left; font-weight: 600; padding: 0.4rem 0; color: var(--muted); }
th, td { text-align: left; padding: 0.45rem 0.6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #eef1f5; font-size: 0.85rem; text-transform: uppercase; letter-spacing: 0.03em; color: #3c4656; }
tbody tr:hover { background: #f3f6fb; }
tr.clickable { cursor: pointer; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.nowrap { white-space: nowrap; }
/* Long paths and error details break anywhere rather than widen their table past the page. */
td.wrap { overflow-wrap: anywhere; min-width: 8rem; }
td.call { min-width: 16rem; }
td.entity { min-width: 11rem; }
/* A table wider than the page (a narrow window) scrolls inside its box, not the whole page. */
.table-wrap { overflow-x: auto; max-width: 100%; margin-bottom: 0.8rem; }
.pager { justify-content: flex-end; }
progress { vertical-align: middle; width: 8rem; }
.status-control { margin-top: 0.8rem; }

.badge {
  display: inline-flex; align-items: center; gap: 0.25rem; border-radius: 999px; padding: 0.05rem 0.55rem;
  font-size: 0.82rem; font-weight: 600; border: 1px solid transparent; white-space: nowrap;
}
.badge + .badge { margin-left: 0.25rem; }
.badge.okta { background: #e3ecff; color: #0b3d91; border-color: #b6c9f5; }
.badge.azure-ad { background: #e0f3fb; color: #045a80; border-color: #a9daf0; }
.badge.manual { background: #eef0f3; color: #3c4656; border-color: #cfd4dc; }
.badge.other-idp { background: #f1e8fb; color: #5a2a91; border-color: #d6c2f0; }
.badge.admin { background: #18212f; color: #ffffff; }
.badge.ok, .badge.success, .badge.active { background: var(--ok-bg); color: var(--ok); }
.badge.bad, .badge.failed, .badge.fail, .badge.disabled, .badge.parked { background: var(--bad-bg); color: var(--bad); }
.badge.warn, .badge.pending, .badge.retrying, .badge.retry, .badge.awaiting_approval, .badge.drift { background: var(--warn-bg); color: var(--warn); }
.badge.role { background: #eef0f3; color: #1d2430; }
a.badge { text-decoration: none; }
a.badge:hover { text-decoration: underline; }

svg.icon { width: 1em; height: 1em; flex: none; fill: currentColor; vertical-align: -0.125em; }
.lock { display: inline-flex; align-items: center; gap: 0.25rem; color: #6b4e00; font-size: 0.85rem; }
.notice { border-left: 4px solid #c99700; background: var(--warn-bg); padding: 0.6rem 0.9rem; border-radius: 4px; margin: 0.6rem 0 1rem; }
.notice.info { border-left-color: var(--accent); background: var(--info-bg); }
.error { border-left: 4px solid var(--bad); background: var(--bad-bg); color: #7a1a12; padding: 0.6rem 0.9rem; border-radius: 4px; margin: 0.6rem 0; }
.empty { color: var(--muted); font-style: italic; padding: 0.6rem 0; }

dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.3rem 1.2rem; margin: 0; }
dl.facts dt { font-weight: 600; color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
ul.plain { list-style: none; padding: 0; margin: 0; }
ul.plain li { margin: 0.1rem 0; }
.sources li { margin: 0.15rem 0; }
.toolbar { display: flex; gap: 0.6rem; align-items: center; flex-wrap: wrap; margin: 0.6rem 0; }
.crumbs { margin: 0 0 0.6rem; font-size: 0.9rem; }
.summary-list { margin: 0; padding-left: 1.1rem; }
.check-status { font-weight: 700; }
`;
