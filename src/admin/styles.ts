/**
 * The admin stylesheet, served as /admin/admin.css so the CSP can forbid inline styles
 * (`style-src 'self'`). Light scheme only, with every text colour at WCAG AA contrast or better
 * against its background; layouts collapse to one column at phone width.
 */
export const ADMIN_CSS = `
:root{color-scheme:light;--fg:#1f2328;--muted:#57606a;--bg:#fff;--card:#f6f8fa;--line:#d0d7de;--accent:#0a58ca;
--err:#a4161a;--err-bg:#fdecec;--warn:#7a4100;--warn-bg:#fff4d6;--ok:#116329;--ok-bg:#e6f4ea;--info:#0a4db3;--info-bg:#e8f0fe;--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace}
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;overflow-wrap:anywhere}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.skip{position:absolute;left:-9999px;top:.5rem}
.skip:focus{left:.5rem;background:var(--bg);padding:.5rem;z-index:2}
.bar{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.25rem;padding:.6rem 1rem;border-bottom:1px solid var(--line);background:var(--card)}
.brand{margin:0;font-weight:700}
.brand a{color:var(--fg);text-decoration:none}
.brand span{color:var(--muted);font-weight:400;margin-left:.4rem}
.bar nav ul{display:flex;gap:1rem;margin:0;padding:0;list-style:none}
.bar nav a{font-weight:600}
.bar nav a[aria-current=page]{color:var(--fg);text-decoration:none;border-bottom:3px solid var(--accent)}
.bar form{margin:0 0 0 auto}
main{max-width:84rem;margin:0 auto;padding:1rem 1rem 3rem}
main:focus{outline:none}
footer{max-width:84rem;margin:0 auto;padding:1rem;border-top:1px solid var(--line);color:var(--muted);font-size:.875rem}
h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0 .75rem}
h2{font-size:1.25rem;line-height:1.3;margin:2rem 0 .75rem}
h3{font-size:1.05rem;line-height:1.3;margin:0 0 .5rem}
h4{font-size:.95rem;margin:1rem 0 .4rem}
p{margin:0 0 .75rem}
.muted{color:var(--muted)}
code,pre,.mono{font-family:var(--mono);font-size:.875rem}
button,input{font:inherit}
button{cursor:pointer;border:1px solid var(--accent);border-radius:.4rem;padding:.55rem 1rem;background:var(--accent);color:#fff;font-weight:600;min-height:2.75rem}
button.secondary{background:var(--bg);color:var(--accent)}
button.link{border:0;background:none;color:var(--accent);padding:.25rem;min-height:0;text-decoration:underline;font-weight:600}
button:hover{filter:brightness(1.08)}
label{display:block;font-weight:600;margin-bottom:.3rem}
input[type=password]{display:block;width:100%;max-width:24rem;padding:.6rem;border:1px solid #6e7781;border-radius:.4rem;margin-bottom:1rem;min-height:2.75rem}
.login{max-width:28rem;margin:2rem auto}
.panel{padding:1rem;border:1px solid var(--line);border-radius:.5rem;background:var(--bg)}
.alert{padding:.75rem 1rem;border-radius:.5rem;border:1px solid;margin:0 0 1rem}
.alert.error{background:var(--err-bg);border-color:var(--err);color:var(--err)}
.alert.ok{background:var(--ok-bg);border-color:var(--ok);color:var(--ok)}
.alert.note{background:var(--info-bg);border-color:var(--info);color:var(--info)}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;margin:0 0 1rem}
.actions form{margin:0}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:1rem;font-size:.8rem;font-weight:700;border:1px solid;white-space:nowrap;background:var(--card);color:var(--fg)}
.state-open,.reach-included,.delivery-live,.outbox-done,.told-live,.sev-ok{background:var(--ok-bg);color:var(--ok);border-color:var(--ok)}
.state-closing-soon,.state-scheduled,.reach-later,.delivery-pending,.delivery-untold,.delivery-waiting,.outbox-pending,.outbox-sending,.outbox-waiting,.sev-warning{background:var(--warn-bg);color:var(--warn);border-color:var(--warn)}
.state-closed,.state-expired,.state-draft,.reach-withdrawn,.reach-excluded,.delivery-closed,.delivery-none,.reach-notify,.told-gone,.outbox-cancelled{background:var(--card);color:var(--muted);border-color:var(--line)}
.reach-blocked,.delivery-failed,.outbox-failed,.sev-error{background:var(--err-bg);color:var(--err);border-color:var(--err)}
.sev-info{background:var(--info-bg);color:var(--info);border-color:var(--info)}
.roles{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:minmax(0,1fr);gap:1.25rem}
.role{border:1px solid var(--line);border-radius:.5rem;padding:1rem;background:var(--bg);min-width:0}
.role header{display:flex;flex-wrap:wrap;gap:.4rem .75rem;align-items:baseline;margin-bottom:.5rem}
.role h2,.role h3{margin:0}
.role h2{font-size:1.2rem}
.table-wrap{overflow-x:auto;margin:0 0 1rem;border:1px solid var(--line);border-radius:.4rem}
table{border-collapse:collapse;width:100%;font-size:.9rem;overflow-wrap:break-word}
th,td{text-align:left;vertical-align:top;padding:.45rem .6rem;border-bottom:1px solid var(--line)}
thead th{background:var(--card);font-weight:700;white-space:nowrap}
tbody th{white-space:nowrap}
tbody tr:last-child th,tbody tr:last-child td{border-bottom:0}
td .detail{display:block;color:var(--muted);font-size:.8rem}
td .error-text{display:block;color:var(--err);font-size:.8rem}
.diagnostics{list-style:none;margin:0 0 .75rem;padding:0}
.diagnostics li{padding:.5rem .6rem;margin:.4rem 0;border-left:4px solid var(--line);background:var(--card);border-radius:0 .4rem .4rem 0}
.diagnostics li.error{border-left-color:var(--err)}
.diagnostics li.warning{border-left-color:var(--warn)}
.diagnostics li.info{border-left-color:var(--info)}
.diagnostics .where{font-family:var(--mono);font-size:.8rem;color:var(--muted);display:block}
.diagnostics .fix{display:block;font-size:.9rem;margin-top:.2rem}
.diagnostics .code{font-family:var(--mono);font-size:.75rem;color:var(--muted)}
details{margin:.5rem 0}
summary{cursor:pointer;font-weight:600;color:var(--accent);padding:.25rem 0}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0 0 1rem}
.facts dt{color:var(--muted);font-weight:600}
.facts dd{margin:0}
.channels{display:grid;align-items:start;grid-template-columns:repeat(auto-fill,minmax(min(100%,26rem),1fr));gap:1rem;margin:0;padding:0;list-style:none}
.channel{border:1px solid var(--line);border-radius:.5rem;padding:1rem;min-width:0;background:var(--bg)}
.channel header{display:flex;flex-wrap:wrap;gap:.4rem .75rem;align-items:baseline;margin-bottom:.25rem}
.channel .desc{color:var(--muted);font-size:.875rem}
.block{margin-top:1rem}
.block h4{margin:0 0 .4rem;font-size:.85rem;color:var(--muted);font-family:var(--mono);font-weight:600}
.fields{display:grid;grid-template-columns:minmax(6rem,max-content) minmax(0,1fr);gap:0;margin:0;font-size:.875rem;border:1px solid var(--line);border-radius:.4rem}
.fields dt,.fields dd{margin:0;padding:.3rem .5rem;border-bottom:1px solid var(--line)}
.fields dt{font-family:var(--mono);font-size:.8rem;color:var(--muted);background:var(--card)}
.fields .values{margin:0;padding:0;list-style:none;display:flex;flex-wrap:wrap;gap:.25rem}
.fields .values li{padding:0 .4rem;border:1px solid var(--line);border-radius:.3rem;background:var(--card)}
.fields dd .long{display:block;max-height:9rem;overflow:auto;white-space:pre-wrap;font-family:var(--mono);font-size:.8rem}
pre{margin:0;padding:.75rem;background:var(--card);border:1px solid var(--line);border-radius:.4rem;overflow:auto;max-height:36rem;white-space:pre}
pre.email{width:100%;max-width:calc(72ch + 1.6rem);font-size:.8rem;line-height:1.45}
pre.json{max-height:20rem;font-size:.8rem}
.serp{padding:.75rem;border:1px solid var(--line);border-radius:.5rem;font-family:Arial,Helvetica,sans-serif;max-width:40rem}
.serp .site{margin:0;font-size:.875rem;color:#202124}
.serp .crumb{margin:0 0 .2rem;font-size:.8rem;color:#4d5156}
.serp .title{margin:0 0 .25rem;font-size:1.25rem;line-height:1.3;color:#1a0dab;font-weight:400}
.serp .line{margin:0 0 .25rem;font-size:.875rem;color:#4d5156}
.serp .line:last-child{margin:0;line-height:1.55}
.jobpanel{margin-top:.75rem}
.plan{margin:0 0 1rem;padding-left:1.25rem;font-family:var(--mono);font-size:.85rem}
.counts{display:flex;flex-wrap:wrap;gap:.5rem;list-style:none;padding:0;margin:0 0 1rem}
.counts li{padding:.4rem .7rem;border:1px solid var(--line);border-radius:.4rem;background:var(--card)}
.counts strong{font-size:1.1rem;margin-right:.25rem}
@media (min-width:70rem){.channel.wide{grid-column:span 2}}
@media (max-width:40rem){
table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}
table.stack tr{display:flex;flex-wrap:wrap;gap:.3rem .9rem;padding:.5rem .6rem;border-bottom:1px solid var(--line)}
table.stack tbody tr:last-child{border-bottom:0}
table.stack th{flex-basis:100%;padding:0;border:0}
table.stack td{padding:0;border:0;max-width:100%}
table.stack td::before{content:attr(data-label) ":";margin-right:.3rem;font-size:.75rem;font-weight:600;color:var(--muted)}
}
@media (max-width:30rem){.facts{grid-template-columns:1fr}.facts dd{margin-bottom:.4rem}.fields{grid-template-columns:1fr}.fields dt{border-bottom:0;padding-bottom:0}.bar form{margin-left:0}}
.charts{display:flex;flex-wrap:wrap;gap:1rem}
.charts figure{margin:0;flex:1 1 520px}
.chart{max-width:100%;height:auto}
.chart .chart-bar{fill:#2563eb}
.chart .label,.chart .count{font:13px system-ui,sans-serif;fill:currentColor}
`;
