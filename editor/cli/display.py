"""What the command line shows while it works, and the argument types it shares."""

from __future__ import annotations

import argparse
import sys


def add_no_cache(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="analyse afresh: neither read nor write the analysis cache (AUTOCUT_CACHE_DIR)",
    )


def progress_bar(media, what: str = "analyse"):
    from tqdm import tqdm

    bar = tqdm(total=media.frame_count, desc=f"{what} {media.path.name}", unit="f", leave=False)
    return bar.update


def render_bar(name: str, frames: int):
    from tqdm import tqdm

    return tqdm(total=frames, desc=f"render {name}", unit="f", leave=False).update


def parse_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError("expected WIDTHxHEIGHT, e.g. 1080x1920") from None
    from editor.preset import MAX_SIDE, MIN_SIDE

    if (
        width % 2
        or height % 2
        or not MIN_SIDE <= min(width, height) <= max(width, height) <= MAX_SIDE
    ):
        raise argparse.ArgumentTypeError(
            f"width and height must be even and from {MIN_SIDE} to {MAX_SIDE}"
        )
    return width, height


def bounded_int(low: int, high: int):
    """An argparse type: a whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high}, not {value}")
        return value

    return parse


def say(line: str) -> None:
    """One line on stderr, above any progress bar."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        tqdm.write(line, file=sys.stderr)
    else:
        print(line, file=sys.stderr)
