"""What a run reads and decides before it looks at footage: a :class:`Job`.

Every file besides the footage (logo, music, subtitle files, card texts, font) is read and
checked here, so a bad one stops the run with one clear line before any analysis. A job is
plain data that pickles: any worker process or machine can plan its outputs from it and the
footage's analyses (:func:`editor.pipeline.plan_outputs`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from editor.analysis.model import Analysis
from editor.assemble.cards import series_title
from editor.assemble.trailer import Logo
from editor.captions.fonts import user_face
from editor.captions.languages import match_subtitles
from editor.captions.texts import read_texts
from editor.errors import AutocutError
from editor.inputs import collect_videos
from editor.media.encode import AUDIO_RATE
from editor.preset import Preset
from editor.render.sound import read_sound
from editor.sound.beats import BeatTrack, track_beats
from editor.subtitles import Cue, read_subtitles

Subtitles = dict[str, dict[Path, tuple[Cue, ...]]]
"""Cues by language, then by video (resolved path)."""


@dataclass(frozen=True)
class Job:
    """One run of the main job as far as it is decided before the footage is analysed."""

    inputs: tuple[str, ...]
    preset: Preset
    outdir: Path
    base: str
    """Output name: ``<base>.mp4``, or ``<base>_v<n>.mp4`` with variants."""
    title: str
    seed: int = 0
    variants: int = 1
    dry_run: bool = False
    use_cache: bool = True
    logo: Logo | None = None
    subtitles: Subtitles = field(default_factory=dict)
    card_texts: dict = field(default_factory=dict)
    texts: Path | None = None
    beats: BeatTrack | None = None
    """The beats of the preset's music file, when it has one."""
    exports: tuple[str, ...] = ()
    """Files for editing programs written beside each output (:mod:`editor.export`)."""


def prepare(
    inputs: Sequence[str | Path],
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
    exports: Sequence[str] = (),
) -> Job:
    """The job of a run with these settings (see :func:`editor.pipeline.make`), every file
    it needs besides the footage read; the first bad one raises its AutocutError."""
    inputs = [str(i) for i in inputs]
    logo_info = read_logo(logo) if logo is not None else None
    wanted = read_subtitle_files(inputs, outdir, subtitles, subtitles_encoding, subtitle_folders)
    card_texts = read_texts(texts) if texts is not None else {}
    beats = None
    if preset.music.enabled and preset.music.file:
        check_music(Path(preset.music.file))
        beats = music_beats(preset)
    if preset.captions.font:
        user_face(preset.captions.font)  # a font that cannot be read stops the run at once
    return Job(
        tuple(inputs), preset, Path(outdir), output_base(inputs, preset),
        title if title is not None else preset.cards.title_text or series_title(inputs),
        seed, variants, dry_run, use_cache, logo_info, wanted, card_texts, texts, beats,
        tuple(dict.fromkeys(exports)),
    )  # fmt: skip


def output_base(inputs: Sequence[str | Path], preset: Preset) -> str:
    """``<folder or file name>_<preset>``, or ``autocut_<preset>`` for several inputs."""
    if len(inputs) == 1:
        path = Path(inputs[0])
        stem = path.resolve().name if path.is_dir() else path.stem
        return f"{stem or 'autocut'}_{preset.name}"
    return f"autocut_{preset.name}"


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
