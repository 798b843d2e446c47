"""The main job: footage in, finished vertical outputs (MP4, cover JPEG, EDL JSON) out.

Stages run in order: collect inputs, analyse each file (one decode pass each, or none when
the analysis cache already holds it: :mod:`editor.analysis.cache`), plan an EDL per output
from the preset and seed (pure), render each EDL. A file that cannot be read is reported and
skipped; the others still make the output.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from editor.analysis.cache import analyse_file
from editor.analysis.model import Analysis, Progress
from editor.assemble.cards import series_title
from editor.assemble.edl import Edl
from editor.assemble.trailer import Logo, plan_trailer
from editor.assemble.variants import distinct_edits
from editor.atomic import writable_folder, write_text
from editor.batch.analyses import analyse_many
from editor.captions.fonts import user_face
from editor.captions.languages import match_subtitles
from editor.captions.texts import localized, read_texts
from editor.captions.timing import with_captions
from editor.errors import AutocutError
from editor.inputs import EDL_SUFFIX, collect_videos
from editor.media.encode import AUDIO_RATE
from editor.media.probe import Media
from editor.preset import Preset
from editor.render.assemble import Edition, render_editions
from editor.render.captions import caption_tracks
from editor.render.sound import read_sound
from editor.sound.beats import BeatTrack, track_beats
from editor.subtitles import Cue, read_subtitles


@dataclass(frozen=True)
class Output:
    """One planned (and, unless a dry run, rendered) output."""

    name: str
    edl: Edl
    video: Path | None
    edl_path: Path | None
    cover: Path | None = None


@dataclass(frozen=True)
class Report:
    outputs: tuple[Output, ...]
    skipped: tuple[AutocutError, ...]
    """Inputs that could not be used, each with its reason."""
    notes: tuple[str, ...] = ()
    """What the user should know about the run as a whole (fewer variants than asked)."""


@dataclass(frozen=True)
class Hooks:
    """How the caller is kept informed; every hook is optional."""

    on_skip: Callable[[AutocutError], None] | None = None
    analysis_progress: Callable[[Media], Progress | None] | None = None
    render_progress: Callable[[str, int], Progress | None] | None = None
    """Called with an output's name and frame count before it renders."""
    on_stage: Callable[[str], None] | None = None
    """Called as each stage starts: ``analysis``, ``plan``, ``render``."""


def output_base(inputs: list[str | Path], preset: Preset) -> str:
    """``<folder or file name>_<preset>``, or ``autocut_<preset>`` for several inputs."""
    if len(inputs) == 1:
        path = Path(inputs[0])
        stem = path.resolve().name if path.is_dir() else path.stem
        return f"{stem or 'autocut'}_{preset.name}"
    return f"autocut_{preset.name}"


def analyse_inputs(
    inputs: list[str | Path],
    hooks: Hooks = Hooks(),
    *,
    use_cache: bool = True,
    outdir: Path | None = None,
) -> tuple[list[Analysis], list[AutocutError]]:
    """Analyse every input video (through the analysis cache unless ``use_cache`` is off).

    Several files are analysed side by side (:mod:`editor.batch.analyses`). An input that
    cannot be used (a missing path, a folder without videos, an unreadable file) is reported
    through ``hooks.on_skip`` and returned among the errors while the others go on; when
    nothing usable is left, a lone input's error is raised as it is, else one error for all.
    ``outdir`` is the output folder, never read as footage (:func:`collect_videos`).
    """
    files, skipped = collect_videos(inputs, outdir)
    if not files and len(skipped) == 1:
        raise skipped[0]
    for problem in skipped:
        if hooks.on_skip:
            hooks.on_skip(problem)
    progress = hooks.analysis_progress
    if len(files) == 1 and not skipped:
        return [analyse_file(files[0], use_cache=use_cache, progress_factory=progress)], []
    analyses = []
    for result in analyse_many(files, use_cache=use_cache, progress_factory=progress):
        if isinstance(result, AutocutError):
            skipped.append(result)
            if hooks.on_skip:
                hooks.on_skip(result)
        else:
            analyses.append(result)
    if not analyses:
        raise AutocutError(", ".join(map(str, inputs)), "none of the inputs is readable video")
    return analyses, skipped


def make(
    inputs: list[str | Path],
    preset: Preset,
    outdir: Path,
    *,
    seed: int = 0,
    variants: int = 1,
    dry_run: bool = False,
    title: str | None = None,
    logo: Path | None = None,
    use_cache: bool = True,
    subtitles: Sequence[str] = (),
    subtitles_encoding: str | None = None,
    texts: Path | None = None,
    subtitle_folders: Sequence[Path] = (),
    hooks: Hooks = Hooks(),
) -> Report:
    """Make ``variants`` outputs of ``preset`` from ``inputs`` into ``outdir``.

    Each output is ``<name>.mp4``, its EDL ``<name>.edl.json`` and its cover
    ``<name>.jpg``. Variants are different edits (:func:`distinct_edits`): fewer are made,
    with a note in the report, when the footage holds fewer. The output folder is checked
    (created, writable) before any analysis, except for a dry run, which writes nothing.
    ``title`` is the series title on the
    cards (default: the preset's, else the input's name); ``logo`` a PNG shown on every
    frame. ``use_cache=False`` analyses every file afresh and stores nothing in the
    analysis cache. ``subtitles`` are ``--subs`` values (``FILE`` or ``LANG=FILE``); with
    them, and with subtitle files found beside the videos of folder inputs
    (:mod:`editor.captions.languages`), each output is made once per language, as
    ``<name>.<lang>.mp4`` with that language's captions burned in and as a soft track, and
    ``<name>.<lang>.srt`` retimed to it; one analysis and one plan serve every language.
    ``texts`` is a TOML file of each language's card texts (:mod:`editor.captions.texts`).
    ``subtitle_folders`` are folders, besides the input folders, whose videos' subtitle
    files are found beside them (a series folder an episode's video was found in).
    All subtitle files are read before any analysis, so a bad one stops the run at once.
    """
    logo_info = read_logo(logo) if logo is not None else None
    wanted = read_subtitle_files(inputs, outdir, subtitles, subtitles_encoding, subtitle_folders)
    card_texts = read_texts(texts) if texts is not None else {}
    with_file = preset.music.enabled and bool(preset.music.file)
    if with_file:
        check_music(Path(preset.music.file))
    if preset.captions.font:
        user_face(preset.captions.font)  # a font that cannot be read stops the run at once
    if not dry_run:
        writable_folder(outdir)
    _stage(hooks, "analysis")
    analyses, skipped = analyse_inputs(inputs, hooks, use_cache=use_cache, outdir=outdir)
    _stage(hooks, "plan")
    beats = music_beats(preset) if with_file else None
    base = output_base(inputs, preset)
    if title is None:
        title = preset.cards.title_text or series_title(inputs)

    by_language = captions_by_source(wanted, analyses)

    def plan(variant: int) -> Edl:
        return plan_trailer(analyses, preset, seed=seed, variant=variant, title=title,
                            logo=logo_info, music_beats=beats)  # fmt: skip

    edits = distinct_edits(plan, variants)
    notes = []
    if len(edits) < variants:
        notes.append(
            f"this footage holds {len(edits)} different edits of {preset.name}: "
            f"made {len(edits)} of the {variants} variants asked for"
        )
    outputs = []
    if not dry_run:
        _stage(hooks, "render")
    for number, edit in enumerate(edits, start=1):
        name = base if variants == 1 else f"{base}_v{number}"
        editions = []
        for language in sorted(by_language) or [None]:
            edl, named = edit, name
            if language is not None:
                edl = with_captions(edit, {language: by_language[language]}, preset.captions)
                edl = localized(edl, language, card_texts.get(language))
                named = f"{name}.{language}"
                if not edl.captions:
                    notes.append(f"{named}: no {language} subtitle line is heard in this cut")
                if card_texts and language not in card_texts:
                    notes.append(f"{named}: the cards keep their text (no [{language}] in {texts})")
            editions.append((named, edl))
        outputs += _deliver(name, editions, outdir, dry_run, hooks)
    return Report(tuple(outputs), tuple(skipped), tuple(notes))


def _stage(hooks: Hooks, name: str) -> None:
    if hooks.on_stage is not None:
        hooks.on_stage(name)


def _deliver(
    name: str, editions: list[tuple[str, Edl]], outdir: Path, dry_run: bool, hooks: Hooks
) -> list[Output]:
    """Render each ``(name, EDL)`` of one edit as ``<name>.mp4`` with its cover, EDL and
    (with captions) retimed SubRip file beside it, all in one render
    (:func:`render_editions`); only the plans on a dry run."""
    if dry_run:
        return [Output(named, edl, None, None) for named, edl in editions]
    frames = editions[0][1].frame_count
    progress = hooks.render_progress(name, frames) if hooks.render_progress else None
    render_editions(
        [Edition(edl, outdir / f"{named}.mp4", outdir / f"{named}.jpg") for named, edl in editions],
        progress=progress,
    )
    outputs = []
    for named, edl in editions:
        tracks = caption_tracks(edl)  # one language per output
        if tracks:
            write_text(outdir / f"{named}.srt", "".join(tracks.values()))
        edl_path = outdir / f"{named}{EDL_SUFFIX}"
        write_text(edl_path, edl.to_json())
        video, cover = outdir / f"{named}.mp4", outdir / f"{named}.jpg"
        outputs.append(Output(named, edl, video, edl_path, cover))
    return outputs


def music_beats(preset: Preset) -> BeatTrack:
    """The beats of the preset's music file over the output's length, from where it starts
    to play (decoded once, as the renderer will play it)."""
    music = preset.music
    sound = read_sound(music.file, music.start, preset.duration, "music")
    return track_beats(sound, AUDIO_RATE)


def check_music(path: Path) -> None:
    """One clear error, before any work, when the music file cannot be played."""
    import av

    from editor.media.container import open_input

    if not path.is_file():
        raise AutocutError(path, "no such music file")
    try:
        with open_input(path) as container:
            has_sound = bool(container.streams.audio)
    except av.FFmpegError as exc:
        raise AutocutError(path, f"not a readable sound file ({exc})") from None
    if not has_sound:
        raise AutocutError(path, "music file has no sound")


def read_logo(path: Path) -> Logo:
    """The logo's path and pixel size; one clear error if it is not a readable image."""
    import cv2

    image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED) if Path(path).is_file() else None
    if image is None:
        raise AutocutError(path, "logo is not a readable image file (PNG or JPEG)")
    return Logo(str(Path(path).resolve()), int(image.shape[1]), int(image.shape[0]))


Subtitles = dict[str, dict[Path, tuple[Cue, ...]]]
"""Cues by language, then by video (resolved path)."""


def read_subtitle_files(
    inputs: list[str | Path],
    outdir: Path,
    given: Sequence[str],
    encoding: str | None,
    folders: Sequence[Path] = (),
) -> Subtitles:
    """The subtitle files the run uses (:func:`match_subtitles`: those beside the videos of
    the input folders and of ``folders``), read; the first bad one raises its AutocutError
    (file, line, problem)."""
    videos, _ = collect_videos(inputs, outdir)
    folders = [*(Path(i) for i in inputs if Path(i).is_dir()), *folders]
    found: Subtitles = {}
    for item in match_subtitles(videos, given, folders):
        cues = read_subtitles(item.path, encoding)
        found.setdefault(item.language, {})[item.video.resolve()] = cues
    return found


def captions_by_source(
    subtitles: Subtitles, analyses: Sequence[Analysis]
) -> dict[str, dict[str, tuple[Cue, ...]]]:
    """Cues by language, then by source as the EDL names it (each analysed file's path)."""
    return {
        language: {
            str(a.media.path): by_video[Path(a.media.path).resolve()]
            for a in analyses
            if Path(a.media.path).resolve() in by_video
        }
        for language, by_video in subtitles.items()
    }
