"""The review page: what it lists and how it escapes (from plain data), and the page as a
browser opens it, on a real render (single run and series run).

The browser is Debian's headless Chromium, driven by its command line alone: ``--dump-dom``
returns the page after its own check (:mod:`editor.report.style`) has written what it found
into ``#page-check``, with virtual time letting every video read its header first, and
``--screenshot`` saves how it looks. A page deliberately broken (a missing picture, a
missing video, a script error) must be caught, so the check can fail.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest

from editor.assemble.edl import Caption, Edl, Framing, Join, Segment
from editor.assemble.summary import lint
from editor.batch.episodes import Episode
from editor.batch.series import SUMMARY_NAME, run_series
from editor.errors import AutocutError
from editor.pipeline import Hooks, make
from editor.preset import load_preset
from editor.report import REPORT_NAME, OutputPage, report_html, series_outputs, write_report
from editor.report.files import episode_of, relative
from editor.report.thumbnails import THUMB_HEIGHT, thumbnail_size, thumbnail_times
from tests.conftest import SAMPLE_FOOTAGE

# -- the page from plain data ------------------------------------------------------------------


def segment(k: int, **changes) -> Segment:
    values = dict(
        source=f"/footage/take <{k}> & co.mp4", src_in=1.0 + k, src_out=2.5 + k,
        out_in=1.5 * k, out_out=1.5 * k + 1.5, shot=k, act="hook" if k == 0 else "rise",
        score=0.5 + k / 10, audio=True, enter=Join(), leave=Join(),
        frames=(Framing("crop", ((10.0, 0.0, 405.0, 720.0),)),) * 3,
        camera="track", reason=f"face {k} moves <fast> & far", faces=1,
    )  # fmt: skip
    values.update(changes)
    return Segment(**values)


def sample_edl() -> Edl:
    segments = (
        segment(0),
        segment(1, camera="split", reason="two faces talk", faces=2, line=True,
                sound_in=2.0, sound_out=3.4,
                frames=(Framing("split", ((0, 0, 300, 300), (600, 0, 300, 300))),) * 3),
        segment(2, camera="", reason="", faces=0),
    )  # fmt: skip
    captions = (Caption("Tom & <Jerry>\nrun", "en", 1.6, 2.8, (0, 0, 288, 80)),)
    return Edl(preset="trailer", seed=3, variant=0, duration=4.5, width=288, height=512,
               fps=15.0, video_bitrate_kbps=600, audio_bitrate_kbps=64,
               x264_preset="ultrafast", segments=segments, captions=captions)  # fmt: skip


def no_links_away(page: str) -> None:
    """Nothing in ``page`` points off the file system: no URL with a host, and every
    ``src``/``href``/``poster`` is relative, an anchor in the page, or embedded data."""
    assert "http://" not in page and "https://" not in page
    without_data = re.sub(r"data:image/jpeg;base64,[A-Za-z0-9+/=]*", "", page)
    assert "//" not in without_data
    for value in re.findall(r'(?:src|href|poster)="([^"]*)"', page):
        assert value.startswith(("data:image/jpeg;base64,", "#")) or (
            ":" not in value and not value.startswith("/")
        ), value


def test_every_segment_is_listed_with_its_facts_and_all_text_escaped():
    edl = sample_edl()
    page = report_html(
        [OutputPage("cut <one> & \"two\"", edl, "ep 1/cut #1.mp4", "ep 1/cut #1.jpg",
                    (b"\xff\xd8jpeg", None), episode="ep 1", notes=("<note>",))],
    )  # fmt: skip
    items = re.findall(r'<li class="shot[^"]*">.*?</li>', page, flags=re.S)
    assert len(items) == len(edl.segments)
    for item, seg in zip(items, edl.segments):
        assert f"{seg.act} " in item and f"score {seg.score:.2f}" in item
        assert html.escape(Path(seg.source).name) in item
        assert f"source {seg.src_in:.2f}-{seg.src_out:.2f} s" in item
        assert f"output {seg.out_in:.2f}-{seg.out_out:.2f} s" in item
        assert f"{seg.faces} face" in item
        if seg.camera:
            assert f"<b>{seg.camera}" in item and html.escape(seg.reason) in item
        else:  # an EDL that does not say: the frame layout, and that the reason is unknown
            assert "<b>crop</b>" in item and "reason not recorded" in item
    assert "<b>split</b>" in items[1] and "sound: line of dialogue (2.00-3.40 s)" in items[1]
    assert "sound: its own" in items[0] and "line of dialogue" not in items[0] + items[2]
    assert "Tom &amp; &lt;Jerry&gt; run" in items[1]  # the caption heard during the line
    assert "Tom" not in items[0] + items[2]
    assert items[0].count("data:image/jpeg;base64,") == 1 and "no picture" in items[1]
    # escaped everywhere: nothing of the data becomes markup
    assert "<one>" not in page and "cut &lt;one&gt; &amp; &quot;two&quot;" in page
    assert "take <" not in page and "<fast>" not in page and "<note>" not in page
    assert "&lt;note&gt;" in page
    for note in lint(edl):
        assert html.escape(note) in page
    assert 'src="ep%201/cut%20%231.mp4"' in page and 'poster="ep%201/cut%20%231.jpg"' in page
    assert "episode ep 1" in page
    no_links_away(page)


def test_a_dry_run_and_an_old_edl_still_make_a_page():
    data = sample_edl().to_dict()
    for seg in data["segments"]:
        for key in ("camera", "reason", "faces"):
            del seg[key]
    old = Edl.from_dict(json.loads(json.dumps(data)))
    assert all(s.camera == "" and s.reason == "" and s.faces == 0 for s in old.segments)
    page = report_html([OutputPage("old", old)])
    assert "<video" not in page and "not rendered" in page
    assert page.count("reason not recorded") == len(old.segments)
    assert "<h2>Outputs</h2>" in page and 'href="#output-1"' in page
    no_links_away(page)


def test_a_series_summary_is_the_episodes_table():
    edl = sample_edl()
    summary = {
        "version": 1,
        "episodes": [
            {"episode": "ep1", "inputs": ["a.mp4"], "folder": "out/ep1", "status": "done",
             "error": "", "outputs": [{"name": "cut", "duration": 4.5}],
             "warnings": ["cut: <soft> picture"], "stages": {"analysis": 2.25, "render": 3.5},
             "seconds": 6.0, "kept": True},
            {"episode": "ep<2>", "inputs": [], "folder": "out/ep2", "status": "failed",
             "error": "disk <full>", "outputs": [], "warnings": [], "stages": {},
             "seconds": 0.5, "kept": False},
        ],
        "not_episodes": [{"input": "notes.txt", "error": "no video & nothing else"}],
        "totals": {"episodes": 2, "done": 1, "partial": 0, "failed": 1, "outputs": 1,
                   "seconds": 6.5},
    }  # fmt: skip
    page = report_html([OutputPage("cut", edl, "ep1/cut.mp4", episode="ep1")], summary)
    assert "Series run" in page and "2 episodes (1 done, 0 partial, 1 failed)" in page
    assert '<a href="#output-1">cut</a> 4.5 s' in page
    assert "analysis 2.2 s" in page and "render 3.5 s" in page and "6.0 s" in page
    assert "cut: &lt;soft&gt; picture" in page and "disk &lt;full&gt;" in page
    assert "ep&lt;2&gt;" in page and "no video &amp; nothing else" in page and ">kept<" in page
    no_links_away(page)


def test_thumbnails_are_taken_mid_segment_and_paths_are_relative(tmp_path):
    edl = sample_edl()
    times = thumbnail_times(edl)
    for t, seg in zip(times, edl.segments):
        assert abs(t - (seg.out_in + seg.out_out) / 2) <= 1 / edl.fps
    assert thumbnail_size(1080, 1920) == (90, THUMB_HEIGHT)
    assert thumbnail_size(288, 512) == (90, THUMB_HEIGHT)
    assert relative(tmp_path / "ep1" / "a b.mp4", tmp_path) == "ep1/a b.mp4"
    assert relative(tmp_path / "a.mp4", tmp_path) == "a.mp4"
    assert relative(None, tmp_path) is None
    assert [episode_of(p) for p in ("ep1/a.mp4", "a.mp4", "../x/a.mp4", None)] == [
        "ep1", "", "", ""
    ]  # fmt: skip


# -- the page in a browser, on a real render ---------------------------------------------------


def chromium() -> str:
    """The headless browser, or a skip saying it is not there."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and Path("/usr/bin/chromium").is_file():
        found = "/usr/bin/chromium"
    if found is None:
        pytest.skip("Chromium is not installed (Debian package 'chromium'): page not opened")
    return found


FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--mute-audio", "--virtual-time-budget=5000",
)  # fmt: skip


def browse(page: Path, scratch: Path, *args: str) -> str:
    """Run the browser on ``page`` with ``args``; what it prints."""
    profile = scratch / f"profile-{len(list(scratch.glob('profile-*')))}"
    done = subprocess.run(
        [chromium(), *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
        capture_output=True, text=True, check=False,
        timeout=600,  # a guard against a browser that hangs, not a speed requirement
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def page_check(page: Path, scratch: Path) -> dict:
    """What the page's own check found once loaded in the browser."""
    dom = browse(page, scratch, "--dump-dom")
    found = re.search(r'<pre id="page-check"[^>]*>(.*?)</pre>', dom, flags=re.S)
    assert found is not None and found.group(1), "the page's check did not run"
    return json.loads(html.unescape(found.group(1)))


def screenshot(page: Path, scratch: Path, name: str) -> Path:
    """A PNG of the page, kept in ``scratch`` and, when ``AUTOCUT_ARTIFACTS`` names a
    folder, copied there."""
    shot = scratch / name
    browse(page, scratch, f"--screenshot={shot}", "--window-size=1280,2000")
    picture = cv2.imread(str(shot))
    assert picture is not None and picture.shape[:2] == (2000, 1280)
    assert float(np.std(picture)) > 10  # not a blank page
    artifacts = os.environ.get("AUTOCUT_ARTIFACTS")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        shutil.copy2(shot, Path(artifacts) / name)
    return shot


@pytest.fixture(scope="module")
def series_run(tmp_path_factory, short_preset):
    """A series run of two episodes into one folder: ``ep1`` rendered for real (the short
    preset on one sample clip, with English captions), ``ep2`` failed. The single run's
    outputs are those of ``ep1``."""
    outdir = tmp_path_factory.mktemp("review")
    clip = SAMPLE_FOOTAGE / "clip_a.mp4"
    made = {}

    def make_episode(episode: Episode, folder: Path, hooks: Hooks):
        if episode.name != "ep1":
            raise AutocutError(episode.source, "no readable <video> here")
        made["report"] = make([clip], load_preset(str(short_preset)), folder, hooks=hooks,
                              subtitles=[f"en={SAMPLE_FOOTAGE / 'sample.srt'}"])  # fmt: skip
        return made["report"]

    episodes = [Episode("ep1", clip, (clip,)), Episode("ep2", clip, ())]
    run_series(episodes, make_episode, outdir)
    return outdir, made["report"].outputs


def test_the_page_of_a_single_run_opens_with_every_file_found(series_run, tmp_path):
    outdir, outputs = series_run
    folder = outdir / "ep1"
    page = write_report(folder, outputs)
    assert page == folder / REPORT_NAME
    text = page.read_text(encoding="utf-8")
    no_links_away(text)
    for out in outputs:
        assert f'src="{out.video.name}"' in text and f'poster="{out.cover.name}"' in text
        assert all(s.camera and s.reason for s in out.edl.segments)  # the EDL says it all
    thumbs = [
        cv2.imdecode(np.frombuffer(base64.b64decode(b64), np.uint8), 1)
        for b64 in re.findall(r'src="data:image/jpeg;base64,([^"]+)"', text)
    ]
    assert len(thumbs) == sum(len(o.edl.segments) for o in outputs)
    assert all(t is not None and t.shape[0] == THUMB_HEIGHT for t in thumbs)
    assert all(float(t.std()) > 3 for t in thumbs)  # pictures, not blank frames
    found = page_check(page, tmp_path)
    assert found["errors"] == [] and found["images"] == [] and found["videos"] == []
    assert found["seen"]["images"] == len(thumbs) + len(outputs)  # and each cover
    durations = found["seen"]["durations"]
    assert [round(d, 1) for d in durations] == [round(o.edl.duration, 1) for o in outputs]
    screenshot(page, tmp_path, "report-single.png")


def test_the_page_of_a_series_run_names_files_inside_their_episode(series_run, tmp_path):
    outdir, outputs = series_run
    summary = json.loads((outdir / SUMMARY_NAME).read_text(encoding="utf-8"))
    listed = series_outputs(summary)
    assert [o.name for o in listed] == [o.name for o in outputs]
    page = write_report(outdir, listed, summary)
    text = page.read_text(encoding="utf-8")
    no_links_away(text)
    for out in outputs:
        assert f'src="ep1/{out.video.name}"' in text
    assert "Series run" in text and "no readable &lt;video&gt; here" in text
    found = page_check(page, tmp_path)
    assert found["errors"] == [] and found["images"] == [] and found["videos"] == []
    assert all(d > 0 for d in found["seen"]["durations"])
    screenshot(page, tmp_path, "report-series.png")


def test_the_browser_check_catches_a_broken_page(series_run, tmp_path):
    outdir, outputs = series_run
    text = write_report(outdir / "ep1", outputs).read_text(encoding="utf-8")
    video, cover = outputs[0].video.name, outputs[0].cover.name
    broken = (
        text.replace(f'src="{video}"', 'src="gone.mp4"', 1)
        .replace(f'<img src="{cover}"', '<img src="gone.jpg"', 1)
        .replace("</body>", "<script>console.error('boom'); missing();</script></body>")
    )
    assert broken.count("gone.") == 2
    page = outdir / "ep1" / "broken.html"
    page.write_text(broken, encoding="utf-8")
    found = page_check(page, tmp_path)
    assert found["images"] == ["gone.jpg"]
    assert [v["src"] for v in found["videos"]] == ["gone.mp4"]
    # A missing file is reported by Chromium as an unsupported source (code 4), like a
    # codec it cannot play; either way the page cannot show it, which is what counts.
    assert found["videos"][0]["ready"] == 0 and found["videos"][0]["error"] in (2, 4)
    assert "boom" in found["errors"] and any("missing" in e for e in found["errors"])
