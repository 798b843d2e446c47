"""The reframe planner's rules: what it considers and how it frames, as shares and ratios so
they hold at any resolution, with the settings a preset's ``[framing]`` may change."""

from __future__ import annotations

from dataclasses import dataclass

from editor.preset import SPLITS, Framing


@dataclass(frozen=True)
class FramingRules:
    """What the planner considers (shares and ratios, so they hold at any resolution)."""

    min_share: float = 0.25
    """A face counts when it is on screen for at least this share of the shot ..."""
    min_area_ratio: float = 0.25
    """... and its mean area is at least this share of the largest face's."""
    max_panels: int = 2
    margin: float = 0.15
    """Room kept around a face inside the window, as a share of the face width per side."""
    split_face_height: float = 2.6
    """A split panel is this many face heights tall (head and shoulders)."""
    eye_line: float = 0.4
    """In a split panel the face centre sits this far down from the panel's top."""
    caption_zone: float = 0.2
    """Bottom share of the frame kept free of faces (captions and buttons go there)."""
    eye_third: float = 1 / 3
    """Where the eye line goes, as a share of the window height from the top, when the window
    can move vertically."""
    eye_height: float = 0.4
    """Eye line within a face box, as a share of its height from the top."""
    max_zoom: float = 1.5
    """Largest zoom (beyond the largest window that fits) spent on clearing the caption zone."""
    min_motion: float = 1.0
    """Mean luma change per frame (0-255) below which a faceless shot counts as still."""
    action_share: float = 0.6
    """A faceless shot is framed on its action when one window-wide band holds this share of
    the picture's movement; spread-out movement gets the whole picture."""
    speech_db: float = -50.0
    """Frames louder than this (dBFS) may carry speech; a speaker's mouth moves in them."""
    speaking: float = 0.4
    """Mean mouth movement beyond the eyes (luma levels) over such frames that counts as
    talking (moving but silent faces measure 0.0-0.15, interviews 0.4-0.5, a talking head
    straight at the camera 2.6, a singer 1.6)..."""
    speaking_lead: float = 2.0
    """... when it is also this many times the next face's: one clear speaker or none."""
    min_held: float = 0.98
    """A followed face must stay inside the window on this share of frames; a face no crop
    can hold that well (:mod:`editor.reframe.follow`) gets the whole picture instead."""
    min_hold: float = 1.5
    """Shortest take (seconds) of the virtual edit: a framing is held at least this long."""
    split: str = "exchange"
    """When split panels are used (one of :data:`SPLITS`)."""
    reaction_after: float = 0.0
    """A turn longer than this (seconds) gets one reaction shot of the listener at a pause;
    0 means none."""
    face_core: float = 0.6
    """Middle share of a close-up's width (eyes, nose, mouth) that must stay inside the window
    for the face to count as held: a crop that loses an ear of a close-up still shows it..."""
    close_up: float = 0.6
    """... where a close-up is a face wider than this share of the window; a smaller face
    must stay inside whole."""
    face_speed: float = 0.75
    """Fastest follow of a close-up, in face widths a second (the calm cap still applies to
    small faces)."""
    turn_window: float = 1.0
    """Seconds of speech over which mouth movement is averaged to tell who speaks."""
    min_turn: float = 0.5
    """Shorter runs of one speaker are read as noise and joined to a neighbouring turn."""
    cut_lead: float = 0.3
    """The virtual camera cuts to a new speaker up to this long (seconds) before their first
    word, within the pause before it."""
    rejoin: float = 1.0
    """A track starting this soon (seconds) after another ended, where it was, is the same
    person (:mod:`editor.reframe.people`)."""

    def __post_init__(self) -> None:
        if self.split not in SPLITS:
            raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {self.split!r}")


def framing_rules(framing: Framing) -> FramingRules:
    """The planner's rules with a preset's ``[framing]`` settings."""
    return FramingRules(
        min_hold=framing.min_hold, split=framing.split, reaction_after=framing.reaction_after
    )
