//! The HTML of `elfin serve`: the form, the result, the error page.

use axum::http::StatusCode;
use axum::response::Html;

const STYLE: &str = "body{font-family:sans-serif;margin:2em;max-width:1200px}\
#drop{border:2px dashed #888;padding:2em;text-align:center;border-radius:8px}\
#drop.over{background:#eef}pre{background:#f6f6f6;padding:1em;overflow:auto;max-height:30em}\
.error{color:#b00}";

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    elfin::pagemap::svg::escape(&mut out, s);
    out
}

/// `GET /`: the upload form, with drag and drop.
pub async fn form() -> Html<String> {
    Html(format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>elfin: page map</title>\
<style>{STYLE}</style></head><body><h1>Page map of an ELF file</h1>\
<p>Choose or drop any ELF file (executable, shared object, object file, core): \
you get one row per 4 KiB page, each section at its place in the file, and the segments \
with their permissions. The file stays in memory and is not stored.</p>\
<form id=\"form\" method=\"post\" action=\"/map\" enctype=\"multipart/form-data\">\
<div id=\"drop\"><p>Drop a file here, or</p><input type=\"file\" name=\"file\" id=\"file\" required> \
<button type=\"submit\">Draw</button></div></form>\
<p>For scripts: <code>curl -F file=@/usr/bin/ls http://HOST/map.svg</code> (or <code>/map.json</code>).</p>\
<script>\
const d=document.getElementById('drop'),f=document.getElementById('file');\
d.addEventListener('dragover',e=>{{e.preventDefault();d.classList.add('over');}});\
d.addEventListener('dragleave',()=>d.classList.remove('over'));\
d.addEventListener('drop',e=>{{e.preventDefault();d.classList.remove('over');\
f.files=e.dataTransfer.files;document.getElementById('form').submit();}});\
</script></body></html>"
    ))
}

/// The result: the picture and the `info` summary on one page.
pub fn result(name: &str, svg: &str, info: &str) -> String {
    let name = escape(name);
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>elfin: {name}</title>\
<style>{STYLE}</style></head><body><h1>{name}</h1><p><a href=\"/\">another file</a></p>\
<div id=\"map\">{svg}</div><h2>Summary</h2><pre id=\"info\">{}</pre></body></html>",
        escape(info)
    )
}

/// An error page with the reason.
pub fn error(status: StatusCode, message: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>elfin: {}</title>\
<style>{STYLE}</style></head><body><h1>{}</h1><p class=\"error\">{}</p>\
<p><a href=\"/\">try another file</a></p></body></html>",
        status.as_u16(),
        status,
        escape(message)
    )
}
