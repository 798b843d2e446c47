"""Captions as the EDL sets them: drawn into the picture (burned in), and as subtitle tracks.

The soft track and the retimed ``.srt`` file come from one SubRip text per language of the
EDL's caption events (:func:`caption_tracks`), so the two always agree with each other and
with the burned-in lines, which are drawn from the same events: their lines, size, weight,
outline and box as the plan decided (:mod:`editor.captions.layout`)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from editor.assemble.edl import Caption, Edl
from editor.captions.fonts import RunFont
from editor.captions.layout import LINE_SPACING
from editor.render.layers import Layer
from editor.subtitles import Cue, srt_text


def caption_tracks(edl: Edl) -> dict[str, str]:
    """SubRip text per language of ``edl``'s captions, languages in sorted order."""
    by_language: dict[str, list[Cue]] = {}
    for caption in edl.captions:
        by_language.setdefault(caption.language, []).append(
            Cue(caption.out_in, caption.out_out, caption.text)
        )
    return {language: srt_text(cues) for language, cues in sorted(by_language.items())}


BACKING_OPACITY = 0.55
"""Opacity of the dark box behind a caption's lines (preset ``captions.box``)."""


SHADOW_OPACITY = 0.7
"""Opacity of a caption's shadow at its darkest (preset ``captions.shadow``)."""


def caption_image(caption: Caption) -> np.ndarray:
    """The caption as drawn: an RGBA array the size of its box, its lines centred, white with
    a black outline, each run in its face (:func:`editor.captions.fonts.face_runs`), over
    its soft shadow and its box if it has them."""
    _, _, w, h = caption.box
    image = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if caption.backing:
        radius = max(1, caption.size // 4)
        draw.rounded_rectangle((0, 0, w - 1, h - 1), radius,
                               fill=(0, 0, 0, round(255 * BACKING_OPACITY)))  # fmt: skip
    pitch = caption.size * LINE_SPACING
    top = (h - pitch * len(caption.lines)) / 2
    font = RunFont(caption.language, caption.size, caption.weight, caption.font)
    middles = [(w / 2, top + (i + 0.5) * pitch) for i in range(len(caption.lines))]
    if caption.shadow:
        # The letters' shape with their outline, moved down and right and blurred by half
        # the offset: a soft shadow that keeps the text readable on bright footage.
        shape = Image.new("L", (w, h), 0)
        shaper = ImageDraw.Draw(shape)
        for (x, y), line in zip(middles, caption.lines):
            font.draw(shaper, (x + caption.shadow, y + caption.shadow), line, anchor="mm",
                      fill=255, stroke_width=caption.outline, stroke_fill=255)  # fmt: skip
        shape = shape.filter(ImageFilter.GaussianBlur(caption.shadow / 2))
        alpha = (np.asarray(shape, np.float32) * SHADOW_OPACITY + 0.5).astype(np.uint8)
        shadow = np.zeros((h, w, 4), np.uint8)
        shadow[..., 3] = alpha
        image = Image.alpha_composite(image, Image.fromarray(shadow))
        draw = ImageDraw.Draw(image)
    for (x, y), line in zip(middles, caption.lines):
        font.draw(draw, (x, y), line, anchor="mm", fill=(255, 255, 255, 255),
                  stroke_width=caption.outline, stroke_fill=(0, 0, 0, 255))  # fmt: skip
    return np.asarray(image)


def caption_layers(edl: Edl) -> list[Layer]:
    """A layer per caption of ``edl``, drawn once."""
    fps = edl.fps
    return [
        Layer(caption_image(c), c.box[0], c.box[1], round(c.out_in * fps), round(c.out_out * fps))
        for c in edl.captions
    ]
