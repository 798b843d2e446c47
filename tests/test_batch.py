"""Several files at once: analysed side by side with the same results, and one bad file
never stops the others."""

from __future__ import annotations

import dataclasses

import numpy as np

from editor.analysis.cache import analyse_file
from editor.analysis.model import Analysis
from editor.batch.analyses import analyse_many, analysis_workers
from editor.errors import AutocutError
from tests.conftest import SAMPLE_FOOTAGE, run_cli


def test_side_by_side_analysis_matches_one_at_a_time(tmp_path):
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"\x00garbage" * 500)
    files = [SAMPLE_FOOTAGE / "clip_a.mp4", bad, SAMPLE_FOOTAGE / "clip_b.mp4"]
    assert analysis_workers(len(files)) >= 1
    results = analyse_many(files, use_cache=False)
    assert isinstance(results[1], AutocutError) and "broken.mp4" in str(results[1])
    for path, result in zip([files[0], files[2]], [results[0], results[2]]):
        assert isinstance(result, Analysis)
        alone = analyse_file(path)
        assert result.cuts == alone.cuts and result.shots == alone.shots
        for field in dataclasses.fields(Analysis):
            value = getattr(result, field.name)
            if isinstance(value, np.ndarray):
                np.testing.assert_array_equal(value, getattr(alone, field.name), field.name)


def test_a_bad_file_in_a_folder_is_reported_and_the_rest_is_used(tmp_path):
    folder = tmp_path / "episode"
    folder.mkdir()
    for name in ("clip_a.mp4", "clip_b.mp4", "clip_c.mp4"):
        (folder / name).symlink_to(SAMPLE_FOOTAGE / name)
    (folder / "clip_d.mp4").write_bytes(b"\x00garbage" * 500)
    result = run_cli(str(folder), "--preset", "promo", "--dry-run", "-o", str(tmp_path / "out"))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "skipped" in lines[0] and "clip_d.mp4" in lines[0]
    assert "Traceback" not in result.stderr
    assert "episode_promo" in result.stdout and "end card" in result.stdout
