//! The report's inline style sheet and script. Nothing is loaded from anywhere: no fonts,
//! no images, no external scripts.
//!
//! The script filters every phone table by a text (any cell) and a state, hides the groups
//! left empty, opens the healthy phones when they match, sorts a table by a clicked column,
//! and keeps the filter in the URL fragment (`#q=TEXT&state=STATE`), so a filtered view can
//! be bookmarked or linked.

/// The style sheet.
pub const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Arial,sans-serif;\
margin:0 auto;max-width:80em;padding:1em 1.5em;color:#1d1d1d;line-height:1.4}\
h1{font-size:1.5em;margin:.3em 0}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd}\
h3{font-size:1.05em;margin:.4em 0}\
.warn{background:#fff4e5;border-left:4px solid #ef6c00;padding:.4em .8em}\
.group{border-left:6px solid var(--c);padding:.1em .9em .6em;margin:1em 0;background:#fafafa}\
.group p{margin:.3em 0}\
table{border-collapse:collapse;font-size:13px;width:100%;background:#fff}\
th,td{border-bottom:1px solid #e3e3e3;padding:3px 6px;text-align:left;vertical-align:top}\
th{background:#efefef;cursor:pointer;user-select:none}\
th.asc::after{content:' \\25B2'}th.desc::after{content:' \\25BC'}\
.facts th{cursor:default}\
.badge{color:#fff;background:var(--c);border-radius:3px;padding:1px 6px;white-space:nowrap}\
code{font-family:ui-monospace,Consolas,monospace;font-size:12px}td code{word-break:break-all}\
td b{font-weight:600;color:#555}.group td:last-child{white-space:pre-line}\
#controls{position:sticky;top:0;background:#fff;padding:.5em 0;border-bottom:1px solid #ddd}\
#q{width:22em;padding:3px}\
summary{cursor:pointer;font-weight:600;padding:.3em 0}\
[hidden]{display:none!important}";

/// The script (runs once, at the end of the page).
pub const SCRIPT: &str = r#"(function(){
var q=document.getElementById('q'),st=document.getElementById('state'),shown=document.getElementById('shown');
var rows=[].slice.call(document.querySelectorAll('table.phones tbody tr'));
var text=rows.map(function(r){return r.textContent.toLowerCase();});
var groups=[].slice.call(document.querySelectorAll('.group'));
var healthy=document.getElementById('healthy');
function apply(keep){
var f=q.value.trim().toLowerCase(),s=st.value,n=0;
rows.forEach(function(r,i){var ok=(!s||r.getAttribute('data-state')===s)&&(!f||text[i].indexOf(f)>=0);r.hidden=!ok;if(ok){n++;}});
groups.forEach(function(g){g.hidden=!g.querySelector('tbody tr:not([hidden])');});
if(healthy&&(f||s)&&!healthy.hidden){healthy.open=true;}
shown.textContent=n;
if(keep){var h=[];if(f){h.push('q='+encodeURIComponent(f));}if(s){h.push('state='+encodeURIComponent(s));}
try{history.replaceState(null,'','#'+h.join('&'));}catch(e){}}}
function fromUrl(){var h=location.hash.replace(/^#/,'');if(!h){return;}
h.split('&').forEach(function(kv){var i=kv.indexOf('='),k=i<0?kv:kv.slice(0,i),v='';
try{v=decodeURIComponent(kv.slice(i+1).replace(/\+/g,' '));}catch(e){return;}
if(k==='q'){q.value=v;}if(k==='state'){st.value=v;}});}
fromUrl();apply(false);
q.addEventListener('input',function(){apply(true);});
st.addEventListener('change',function(){apply(true);});
window.addEventListener('hashchange',function(){fromUrl();apply(false);});
[].forEach.call(document.querySelectorAll('table.phones'),function(t){
var heads=t.tHead.rows[0].cells,body=t.tBodies[0];
[].forEach.call(heads,function(th,i){th.addEventListener('click',function(){
var asc=!th.classList.contains('asc');
[].forEach.call(heads,function(o){o.classList.remove('asc','desc');});
th.classList.add(asc?'asc':'desc');
var rs=[].slice.call(body.rows);
rs.sort(function(a,b){var c=a.cells[i].textContent.localeCompare(b.cells[i].textContent,undefined,{numeric:true});return asc?c:-c;});
rs.forEach(function(r){body.appendChild(r);});});});});
document.body.setAttribute('data-ready','1');
})();"#;
