"""The main job: footage in, finished vertical outputs (MP4, cover JPEG, EDL JSON) out.

Stages run in order: prepare the job (every file besides the footage read and checked:
:mod:`editor.job`), analyse each file (one decode pass each, or none when the analysis cache
already holds it: :mod:`editor.analysis.cache`), plan the EDLs of every output from the
preset and seed (pure: :func:`plan_outputs`), render each output (:func:`deliver`). A file
that cannot be read is reported and skipped; the others still make the output. The stages
are separate functions so that other executors (:mod:`editor.batch.runner`) can run each
where they like; :func:`make` runs them all here, in turn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from editor.analysis.cache import analyse_file
from editor.analysis.model import Analysis, Progress
from editor.assemble.edl import Edl
from editor.assemble.trailer import plan_trailer
from editor.assemble.variants import distinct_edits
from editor.atomic import writable_folder, write_text
from editor.batch.analyses import analyse_many
from editor.captions.texts import localized
from editor.captions.timing import with_captions
from editor.errors import AutocutError
from editor.export import write_exports
from editor.inputs import EDL_SUFFIX, collect_videos
from editor.job import Job, captions_by_source, prepare
from editor.media.probe import Media
from editor.preset import Preset
from editor.render.assemble import Edition, render_editions
from editor.render.captions import caption_tracks


@dataclass(frozen=True)
class Output:
    """One planned (and, unless a dry run, rendered) output."""

    name: str
    edl: Edl
    video: Path | None
    edl_path: Path | None
    cover: Path | None = None
    exports: tuple[Path, ...] = ()
    """Its cut for editing programs (``--export``)."""


@dataclass(frozen=True)
class Report:
    outputs: tuple[Output, ...]
    skipped: tuple[AutocutError, ...]
    """Inputs that could not be used, each with its reason."""
    notes: tuple[str, ...] = ()
    """What the user should know about the run as a whole (fewer variants than asked)."""


@dataclass(frozen=True)
class Planned:
    """One edit of a run: its name and its editions (``(name, EDL)``, one per subtitle
    language, else one), all rendered together."""

    name: str
    editions: tuple[tuple[str, Edl], ...]


@dataclass(frozen=True)
class Hooks:
    """How the caller is kept informed; every hook is optional."""

    on_skip: Callable[[AutocutError], None] | None = None
    analysis_progress: Callable[[Media], Progress | None] | None = None
    render_progress: Callable[[str, int], Progress | None] | None = None
    """Called with an output's name and frame count before it renders."""
    on_stage: Callable[[str], None] | None = None
    """Called as each stage starts: ``analysis``, ``plan``, ``render``."""


def analyse_inputs(
    inputs: Sequence[str | Path],
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
    return usable(inputs, analyses), skipped


def usable(inputs: Sequence[str | Path], analyses: list[Analysis]) -> list[Analysis]:
    """``analyses`` when there are any; else the one error that none of the inputs is
    readable video."""
    if not analyses:
        raise AutocutError(", ".join(map(str, inputs)), "none of the inputs is readable video")
    return analyses


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
    exports: Sequence[str] = (),
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
    ``exports`` are formats of :mod:`editor.export` written beside each output
    (``<name>.otio``, ``<name>.fcpxml``, ``<name>.edl``).
    """
    job = prepare(
        inputs, preset, outdir, seed=seed, variants=variants, dry_run=dry_run, title=title,
        logo=logo, use_cache=use_cache, subtitles=subtitles,
        subtitles_encoding=subtitles_encoding, texts=texts, subtitle_folders=subtitle_folders,
        exports=exports,
    )  # fmt: skip
    if not dry_run:
        writable_folder(outdir)
    _stage(hooks, "analysis")
    analyses, skipped = analyse_inputs(inputs, hooks, use_cache=use_cache, outdir=outdir)
    _stage(hooks, "plan")
    edits, notes = plan_outputs(job, analyses)
    outputs = []
    if not dry_run:
        _stage(hooks, "render")
    for edit in edits:
        outputs += deliver(edit, outdir, dry_run, hooks.render_progress, job.exports)
    return Report(tuple(outputs), tuple(skipped), tuple(notes))


def plan_outputs(job: Job, analyses: list[Analysis]) -> tuple[list[Planned], list[str]]:
    """Every edit of ``job`` from the footage's ``analyses`` (pure: the same job and
    analyses give the same EDLs wherever this runs), with the notes for the user: fewer
    variants than asked, a language no line of which is heard in a cut, cards left in the
    footage's language."""
    preset, variants = job.preset, job.variants

    def plan(variant: int) -> Edl:
        return plan_trailer(analyses, preset, seed=job.seed, variant=variant, title=job.title,
                            logo=job.logo, music_beats=job.beats)  # fmt: skip

    edits = distinct_edits(plan, variants)
    notes = []
    if len(edits) < variants:
        notes.append(
            f"this footage holds {len(edits)} different edits of {preset.name}: "
            f"made {len(edits)} of the {variants} variants asked for"
        )
    by_language = captions_by_source(job.subtitles, analyses)
    planned = []
    for number, edit in enumerate(edits, start=1):
        name = job.base if variants == 1 else f"{job.base}_v{number}"
        editions = []
        for language in sorted(by_language) or [None]:
            edl, named = edit, name
            if language is not None:
                edl = with_captions(edit, {language: by_language[language]}, preset.captions)
                edl = localized(edl, language, job.card_texts.get(language))
                named = f"{name}.{language}"
                if not edl.captions:
                    notes.append(f"{named}: no {language} subtitle line is heard in this cut")
                if job.card_texts and language not in job.card_texts:
                    notes.append(
                        f"{named}: the cards keep their text (no [{language}] in {job.texts})"
                    )
            editions.append((named, edl))
        planned.append(Planned(name, tuple(editions)))
    return planned, notes


def _stage(hooks: Hooks, name: str) -> None:
    if hooks.on_stage is not None:
        hooks.on_stage(name)


def deliver(
    edit: Planned,
    outdir: Path,
    dry_run: bool = False,
    render_progress: Callable[[str, int], Progress | None] | None = None,
    exports: Sequence[str] = (),
) -> list[Output]:
    """Render each edition of ``edit`` as ``<name>.mp4`` with its cover, EDL, (with
    captions) retimed SubRip file and the ``exports`` beside it, all in one render
    (:func:`render_editions`); only the plans on a dry run."""
    if dry_run:
        return [Output(named, edl, None, None) for named, edl in edit.editions]
    frames = edit.editions[0][1].frame_count
    progress = render_progress(edit.name, frames) if render_progress else None
    render_editions(
        [
            Edition(edl, outdir / f"{named}.mp4", outdir / f"{named}.jpg")
            for named, edl in edit.editions
        ],
        progress=progress,
    )
    outputs = []
    for named, edl in edit.editions:
        tracks = caption_tracks(edl)  # one language per output
        if tracks:
            write_text(outdir / f"{named}.srt", "".join(tracks.values()))
        edl_path = outdir / f"{named}{EDL_SUFFIX}"
        write_text(edl_path, edl.to_json())
        handed = write_exports(edl, outdir / named, exports) if exports else []
        video, cover = outdir / f"{named}.mp4", outdir / f"{named}.jpg"
        outputs.append(Output(named, edl, video, edl_path, cover, tuple(handed)))
    return outputs
