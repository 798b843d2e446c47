"""An independent judge of framing: faces found by a detector autocut does not use, and
whether the largest of them is visible in autocut's reframe plan.

autocut finds faces with libfacedetection or mtcnn (:mod:`editor.analysis.faces`), both
convolutional networks; a plan judged only against those faces cannot show what they miss.
The judge here combines two detectors of other kinds, with other failures: a boosted cascade
of multi-block LBP features (the frontal-face cascade that ships inside scikit-image; OpenCV
5 no longer has cascade classifiers) and, where ``dlib`` is installed (the ``dlib-bin``
wheel of the dev extra), dlib's HOG detector, whose filters also cover faces turned part
way. A face either finds is judged; the two miss different faces (the cascade misses a
singer's slightly turned face on a dark stage that HOG finds, HOG misses small frontal
faces the cascade finds). Neither sees a face in full profile, so the measure speaks of the
frames where someone looks roughly towards the camera.

Only steady faces count (:func:`steady_faces`: also found on a neighbouring sample), which
keeps the cascade's occasional detections on texture out. Judging is pure:
:func:`judge_frames` takes the plan, the largest judged face of each sampled frame and the
box of the face the plan says is speaking, and counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from editor.analysis.model import FACE_COLUMNS
from editor.reframe.plan import ReframePlan

Box = tuple[float, float, float, float]
"""``(x, y, w, h)`` in source pixels."""

INSIDE_SHARE = 0.9
"""A face is *inside* a layout when at least this share of its box's area lies within one
region the layout shows (the crop window, one split panel, or the region a fit shows
whole). Most of a face must be visible, but a box edge a few pixels past the window, which
the detector's own box jitter can cause, does not count as the face being cut off."""

PEOPLE_SHARE = 0.1
"""A clip *has people* when the judge finds a face on at least this share of its sampled
frames; pooled figures are over such clips only."""

CASCADE_WINDOW = 24
"""Side in pixels of the cascade's base window: the smallest face it can find."""


@dataclass(frozen=True)
class JudgeSettings:
    """Detector parameters, chosen for few false detections over many found faces (set on
    the bundled sample footage against its true boxes and on two real interview clips
    looked at frame by frame; the other real clips were only checked afterwards).

    Faces are searched for on a picture scaled so that a face of ``min_face`` times the
    frame height is exactly the cascade's base window; smaller faces (crowds, audiences,
    far background) are not judged, as no framing is expected to keep them.
    """

    min_face: float = 0.06
    """Smallest face side judged, as a share of the frame height."""
    max_face: float = 0.9
    """Largest face side judged, as a share of the frame height."""
    scale_factor: float = 1.15
    """Growth of the search window from one scale to the next."""
    step_ratio: float = 1.5
    """Search step relative to the window (1 = every pixel; larger is faster, coarser)."""
    min_neighbours: int = 4
    """Overlapping raw detections needed to accept a face: the main guard against false
    detections on texture."""
    hog_upsample: int = 1
    """Times dlib's HOG detector doubles the picture first (its base window is 80 px)."""
    hog_threshold: float = 0.0
    """dlib's own decision threshold: above it, a detection is a face."""
    merge_overlap: float = 0.5
    """Detections whose overlap, over the smaller box's area, is at least this are one
    face (merged to their mean box)."""

    @property
    def detection_height(self) -> int:
        """Picture height, in pixels, at which faces are searched for."""
        return int(np.ceil(CASCADE_WINDOW / self.min_face))


class FaceJudge:
    """The independent face detector: largest frontal face per picture."""

    def __init__(self, settings: JudgeSettings = JudgeSettings()) -> None:
        from skimage import data as skdata
        from skimage.feature import Cascade

        self.settings = settings
        self._cascade = Cascade(skdata.lbp_frontal_face_cascade_filename())
        try:
            import dlib
        except ImportError:
            self._hog = None
        else:
            self._hog = dlib.get_frontal_face_detector()

    @property
    def detectors(self) -> str:
        """Which detectors judge (printed beside the figures)."""
        return "LBP cascade + dlib HOG" if self._hog is not None else "LBP cascade (no dlib)"

    def faces(self, gray: np.ndarray) -> list[Box]:
        """Frontal faces in a grayscale picture (uint8 or float in 0..1), as boxes in its
        own pixels, largest first. The picture should be about
        :attr:`JudgeSettings.detection_height` tall."""
        s = self.settings
        img = gray.astype(np.float32) / 255 if gray.dtype == np.uint8 else gray
        height = gray.shape[0]
        smallest = max(CASCADE_WINDOW, round(s.min_face * height))
        largest = max(smallest, round(s.max_face * height))
        found = self._cascade.detect_multi_scale(
            img=img,
            scale_factor=s.scale_factor,
            step_ratio=s.step_ratio,
            min_size=(smallest, smallest),
            max_size=(largest, largest),
            min_neighbor_number=s.min_neighbours,
        )
        boxes = [
            (float(d["c"]), float(d["r"]), float(d["width"]), float(d["height"])) for d in found
        ]
        if self._hog is not None:
            picture = gray if gray.dtype == np.uint8 else np.clip(gray * 255, 0, 255)
            rects, scores, _ = self._hog.run(
                np.ascontiguousarray(picture, np.uint8), s.hog_upsample, s.hog_threshold
            )
            boxes += [
                (float(r.left()), float(r.top()), float(r.width()), float(r.height()))
                for r, score in zip(rects, scores)
                if score > s.hog_threshold and smallest <= r.height() <= largest
            ]
        return merge_boxes(boxes, s.merge_overlap)


def overlap_share(a: Box, b: Box) -> float:
    """Area of ``a`` within ``b``, as a share of ``a``'s area."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    w = min(ax + aw, bx + bw) - max(ax, bx)
    h = min(ay + ah, by + bh) - max(ay, by)
    if w <= 0 or h <= 0 or aw <= 0 or ah <= 0:
        return 0.0
    return w * h / (aw * ah)


def merge_boxes(boxes: Sequence[Box], overlap: float) -> list[Box]:
    """Boxes that overlap (intersection over the smaller area >= ``overlap``) merged into
    their mean box, largest first: one box per face where the detector reports a face at
    two neighbouring scales."""
    groups: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: -b[2] * b[3]):
        for group in groups:
            lead = group[0]
            small, big = (box, lead) if box[2] * box[3] <= lead[2] * lead[3] else (lead, box)
            if overlap_share(small, big) >= overlap:
                group.append(box)
                break
        else:
            groups.append([box])
    merged = [tuple(float(v) for v in np.mean(group, axis=0)) for group in groups]
    return sorted(merged, key=lambda b: -b[2] * b[3])


STEADY_SHIFT = 1.0
"""A face found on one sampled frame is *steady* when a face of about its size (within
:data:`STEADY_SIZE`) is found on the sampled frame before or after with its centre at most
this many face widths away: a cascade's false detections on texture come and go between
samples, a real face stays, though it may move between samples."""

STEADY_SIZE = 1.5
"""Largest ratio of the two widths for faces on neighbouring samples to be one face."""


SAME_FACE_IOU = 0.3
"""The judged face and the analysis's box of the speaker are one face when they overlap by
at least this intersection over union (the two detectors draw boxes of different extent
around the same face)."""


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes."""
    shared = overlap_share(a, b) * a[2] * a[3]
    union = a[2] * a[3] + b[2] * b[3] - shared
    return shared / union if union > 0 else 0.0


def near(a: Box, b: Box) -> bool:
    """Whether ``a`` and ``b``, on neighbouring samples, can be one face
    (:data:`STEADY_SHIFT`, :data:`STEADY_SIZE`)."""
    small, big = sorted((a[2], b[2]))
    if small <= 0 or big > STEADY_SIZE * small:
        return False
    dx = (a[0] + a[2] / 2) - (b[0] + b[2] / 2)
    dy = (a[1] + a[3] / 2) - (b[1] + b[3] / 2)
    return float(np.hypot(dx, dy)) <= STEADY_SHIFT * big


def steady_faces(samples: Sequence[Sequence[Box]]) -> list[list[Box]]:
    """The faces of each sample (consecutive sampled frames, in order) that are steady
    (:func:`near` a face on the sample before or after), in their order."""
    kept: list[list[Box]] = []
    for i, faces in enumerate(samples):
        before = samples[i - 1] if i > 0 else ()
        after = samples[i + 1] if i + 1 < len(samples) else ()
        kept.append([f for f in faces if any(near(f, n) for n in (*before, *after))])
    return kept


def is_inside(face: Box, regions: Sequence[Box]) -> bool:
    """Whether ``face`` is inside one of the ``regions`` a frame shows (:data:`INSIDE_SHARE`)."""
    return any(overlap_share(face, region) >= INSIDE_SHARE for region in regions)


@dataclass(frozen=True)
class ClipJudgement:
    """Counts over the sampled frames of one clip."""

    sampled: int
    with_face: int
    """Sampled frames where the judge found a face."""
    inside: int
    """Of those, frames whose largest face is inside the plan's visible region."""
    other: int
    """Of those, frames where the plan deliberately frames someone else: the shot has a
    speaker, the speaker is inside, and the largest face, another face, is not."""
    fit: int
    """Frames with a face shown as ``fit`` (the whole picture over blur)."""
    split: int
    """Frames with a face shown as ``split``."""

    @property
    def has_people(self) -> bool:
        return self.sampled > 0 and self.with_face >= PEOPLE_SHARE * self.sampled

    @property
    def inside_share(self) -> float:
        """Face-in-window share, frames framing the speaker instead left out."""
        counted = self.with_face - self.other
        return self.inside / counted if counted else 1.0

    @property
    def inside_share_raw(self) -> float:
        """Face-in-window share over every frame with a face."""
        return self.inside / self.with_face if self.with_face else 1.0

    @property
    def fit_share(self) -> float:
        return self.fit / self.with_face if self.with_face else 0.0

    @property
    def split_share(self) -> float:
        return self.split / self.with_face if self.with_face else 0.0

    @property
    def crop_share(self) -> float:
        return 1.0 - self.fit_share - self.split_share if self.with_face else 0.0


def judge_frames(
    plan: ReframePlan,
    largest: Mapping[int, Box | None],
    speaker: Mapping[int, Box],
) -> ClipJudgement:
    """Count, over the sampled frames in ``largest`` (frame index -> the judge's largest
    face in source pixels, or None), how often that face is inside what ``plan`` shows.

    ``speaker`` holds, for frames whose framing unit names a speaker, that speaker's face
    box (from the analysis); a frame whose largest face is outside while the speaker is
    inside, and is not the speaker (:data:`SAME_FACE_IOU`), counts as ``other``: the plan
    chose to show someone else there, rather than missing the face.
    """
    with_face = inside = other = fit = split = 0
    for frame, face in largest.items():
        if face is None:
            continue
        layout, regions = plan.frame(frame)
        with_face += 1
        fit += layout == "fit"
        split += layout == "split"
        if is_inside(face, regions):
            inside += 1
        elif (
            frame in speaker
            and is_inside(speaker[frame], regions)
            and iou(face, speaker[frame]) < SAME_FACE_IOU
        ):
            other += 1
    return ClipJudgement(len(largest), with_face, inside, other, fit, split)


def speaker_boxes(
    plan: ReframePlan, face_boxes: np.ndarray, frames: Sequence[int]
) -> dict[int, Box]:
    """For each of ``frames`` whose framing unit names a speaker, the speaker's face box on
    that frame (rows as :data:`~editor.analysis.model.FACE_COLUMNS`); frames where the
    speaker's track has no box are left out."""
    track_col, box_cols = FACE_COLUMNS.index("track_id"), _box_columns()
    frame_col = FACE_COLUMNS.index("frame")
    found: dict[int, Box] = {}
    wanted = np.asarray(sorted(frames), dtype=np.int64)
    for unit in plan.shots:
        if unit.speaker is None:
            continue
        in_unit = wanted[(wanted >= unit.start_frame) & (wanted < unit.end_frame)]
        if in_unit.size == 0:
            continue
        rows = face_boxes[face_boxes[:, track_col] == unit.speaker]
        by_frame = {int(r[frame_col]): r for r in rows}
        for frame in in_unit:
            row = by_frame.get(int(frame))
            if row is not None:
                found[int(frame)] = tuple(float(row[c]) for c in box_cols)
    return found


def _box_columns() -> tuple[int, int, int, int]:
    return tuple(FACE_COLUMNS.index(c) for c in ("x", "y", "w", "h"))


@dataclass(frozen=True)
class Pooled:
    """Figures over the clips with people."""

    clips: int
    mean_fit: float
    max_fit: float
    mean_inside: float
    mean_inside_raw: float


def pool(judgements: Sequence[ClipJudgement]) -> Pooled:
    people = [j for j in judgements if j.has_people]
    if not people:
        return Pooled(0, 0.0, 0.0, 1.0, 1.0)
    return Pooled(
        clips=len(people),
        mean_fit=float(np.mean([j.fit_share for j in people])),
        max_fit=max(j.fit_share for j in people),
        mean_inside=float(np.mean([j.inside_share for j in people])),
        mean_inside_raw=float(np.mean([j.inside_share_raw for j in people])),
    )


def judged_sheet(
    width: int,
    height: int,
    plan: ReframePlan,
    largest: dict[int, Box | None],
    pictures: dict,
    count: int = 12,
) -> np.ndarray | None:
    """Up to ``count`` sampled frames with a face, spread over the clip, four to a row: the
    plan's regions in blue, the judged face green when inside them and red when not."""
    with_face = [f for f, box in largest.items() if box is not None and f in pictures]
    if not with_face:
        return None
    picks = [with_face[i] for i in np.linspace(0, len(with_face) - 1, count).astype(int)]
    tiles = []
    for f in dict.fromkeys(picks):
        image = pictures[f].copy()
        sx, sy = image.shape[1] / width, image.shape[0] / height
        _, regions = plan.frame(f)
        for x, y, w, h in regions:
            cv2.rectangle(
                image, _pt(x * sx, y * sy), _pt((x + w) * sx, (y + h) * sy), (255, 0, 0), 2
            )
        x, y, w, h = largest[f]
        colour = (0, 200, 0) if is_inside(largest[f], regions) else (0, 0, 255)
        cv2.rectangle(image, _pt(x * sx, y * sy), _pt((x + w) * sx, (y + h) * sy), colour, 2)
        cv2.putText(
            image,
            f"{f} {plan.layouts[f]}",
            (4, 14),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.45,
            (0, 255, 255),
            1,
        )
        tiles.append(image)
    while len(tiles) % 4:
        tiles.append(np.zeros_like(tiles[0]))
    return np.vstack([np.hstack(tiles[i : i + 4]) for i in range(0, len(tiles), 4)])


def _pt(x: float, y: float) -> tuple[int, int]:
    return round(x), round(y)
