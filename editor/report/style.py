"""The review page's own style sheet and script, inlined in the page.

Both are written into the page itself, so it needs nothing but the file system: no fonts,
style sheets or scripts are fetched from anywhere (system fonts only), and it opens the
same on a laptop offline as on the machine that rendered it.

The script is small and does one thing: once the page has loaded and every video has either
read its header or failed, it checks that every picture and video the page names can be
shown. A page moved away from its videos says so at its top instead of showing blank
players, and the result is also written, as JSON, into the hidden ``#page-check`` element
(``errors``: script errors and ``console.error`` messages; ``images``: pictures that did not
load; ``videos``: videos without a readable header; ``seen``: how many pictures were checked
and each video's duration), where a headless browser can read it.
"""

from __future__ import annotations

CSS = """
:root { color-scheme: light; --ink: #1d2330; --muted: #5b6474; --line: #dde1e8;
  --paper: #f4f5f7; --card: #ffffff; --accent: #2457c5; --warn: #8a5300; --bad: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--paper); color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
header { padding: 18px 32px; background: var(--card); border-bottom: 1px solid var(--line); }
h1 { font-size: 20px; margin: 0 0 2px; }
h2 { font-size: 17px; margin: 0 0 4px; }
h3 { font-size: 14px; margin: 18px 0 6px; color: var(--muted); font-weight: 600; }
main { padding: 8px 32px 48px; max-width: 1680px; }
a { color: var(--accent); }
.muted { color: var(--muted); }
.missing { margin: 0; padding: 10px 32px; background: #fdecea; color: var(--bad); }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 18px 20px; margin: 18px 0; }
.top { display: flex; gap: 24px; align-items: flex-start; flex-wrap: wrap; }
video { width: 270px; background: #000; border-radius: 6px; display: block; }
figure { margin: 0; }
figcaption { font-size: 12px; color: var(--muted); margin-top: 4px; }
.cover img { width: 135px; border: 1px solid var(--line); border-radius: 4px; display: block; }
.about { flex: 1 1 320px; min-width: 280px; }
.about p { margin: 0 0 6px; }
ul.warnings { margin: 4px 0 0; padding-left: 18px; }
ul.warnings li { color: var(--warn); }
.none { color: var(--muted); }
ol.shots { list-style: none; padding: 0; margin: 0; display: grid; gap: 10px;
  grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); }
li.shot { display: flex; gap: 10px; padding: 8px; border: 1px solid var(--line);
  border-radius: 6px; background: #fbfbfc; }
li.shot.line { border-left: 4px solid var(--accent); }
.thumb { height: 160px; width: auto; border-radius: 4px; background: #222; flex: none; }
div.thumb { width: 90px; color: #bbb; font-size: 11px; padding: 6px; }
.shot p { margin: 0 0 2px; overflow-wrap: anywhere; }
.shot .head { font-weight: 600; }
.reason, .heard { font-size: 12px; color: var(--muted); }
.heard { font-style: italic; }
.tag { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 12px;
  font-weight: 600; background: #e8eefb; color: var(--accent); }
.tag.failed { background: #fdecea; color: var(--bad); }
.tag.partial { background: #fff3e0; color: var(--warn); }
.tag.done { background: #e6f4ea; color: #1e6b34; }
table { border-collapse: collapse; max-width: 100%; }
th, td { text-align: left; padding: 6px 14px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
td.number { text-align: right; white-space: nowrap; }
td ul { margin: 0; padding-left: 16px; }
details pre { background: var(--paper); padding: 10px; border-radius: 6px; overflow-x: auto;
  font-size: 12px; }
"""

SCRIPT = """
(function () {
  var errors = [];
  var said = console.error;
  console.error = function () {
    errors.push(Array.prototype.map.call(arguments, String).join(" "));
    return said.apply(console, arguments);
  };
  window.addEventListener("error", function (event) {
    if (event.target && event.target !== window) { return; }
    errors.push(String(event.message || "script error"));
  }, true);
  window.addEventListener("unhandledrejection", function (event) {
    errors.push("unhandled rejection: " + String(event.reason));
  });
  function named(element) {
    var src = element.getAttribute("src") || "";
    return src.indexOf("data:") === 0 ? (element.getAttribute("alt") || "picture") : src;
  }
  function settled(video) { return video.readyState >= 1 || video.error !== null; }
  function finish() {
    var images = [], videos = [], durations = [];
    Array.prototype.forEach.call(document.images, function (image) {
      if (!image.complete || image.naturalWidth === 0) { images.push(named(image)); }
    });
    Array.prototype.forEach.call(document.querySelectorAll("video"), function (video) {
      durations.push(video.duration > 0 ? video.duration : 0);
      if (video.error !== null || video.readyState < 1 || !(video.duration > 0)) {
        videos.push({src: named(video), error: video.error ? video.error.code : 0,
                     ready: video.readyState});
      }
    });
    document.getElementById("page-check").textContent =
      JSON.stringify({errors: errors, images: images, videos: videos,
                      seen: {images: document.images.length, durations: durations}});
    var missing = images.concat(videos.map(function (video) { return video.src; }));
    if (missing.length) {
      var note = document.getElementById("page-missing");
      note.textContent = "Not found or not playable here: " + missing.join(", ");
      note.hidden = false;
    }
  }
  window.addEventListener("load", function () {
    var tries = 0;
    (function wait() {
      var videos = Array.prototype.slice.call(document.querySelectorAll("video"));
      if (videos.every(settled) || tries++ > 30) { finish(); } else { setTimeout(wait, 100); }
    })();
  });
})();
"""
